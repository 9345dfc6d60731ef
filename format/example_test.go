package format_test

import (
	"fmt"
	"log"

	"github.com/dfmt/dfmt/format"
)

func ExampleSource() {
	src := []byte("from alpine:3.19 as base\n" +
		"run  apk add --no-cache curl \\\n" +
		"  && rm -rf /var/cache/apk/*\n" +
		"cmd [ \"curl\",\"--version\" ]\n")

	out, err := format.Source(src, format.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(out))
	// Output:
	// FROM alpine:3.19 AS base
	// RUN apk add --no-cache curl \
	//     && rm -rf /var/cache/apk/*
	// CMD ["curl", "--version"]
}

func ExampleSource_tabs() {
	src := []byte("FROM alpine\nRUN apk add \\\n  curl\n")

	out, err := format.Source(src, format.Options{Tabs: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", out)
	// Output:
	// "FROM alpine\nRUN apk add \\\n\tcurl\n"
}

func ExampleSource_error() {
	src := []byte("FROM alpine\nRUN <<EOF\necho hi\n")

	_, err := format.Source(src, format.Options{})
	fmt.Println(err)
	// Output:
	// 2:1: unterminated heredoc
}

func ExampleFormat_warnings() {
	src := []byte("FROM alpine\n" +
		"# dfmt:ignore vendored as is\n" +
		"run   ./configure   --prefix=/usr\n" +
		"# dfmt: off\n" +
		"run   make\n")

	res, err := format.Format(src, format.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(res.Out))
	for _, w := range res.Warnings {
		fmt.Println(w)
	}
	// Output:
	// FROM alpine
	// # dfmt:ignore vendored as is
	// run   ./configure   --prefix=/usr
	// # dfmt: off
	// RUN make
	// 4:3: dfmt directive "dfmt: off" has a blank around its colon (want dfmt:off)
}
