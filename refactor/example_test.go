package refactor_test

import (
	"fmt"

	"github.com/dfmt/dfmt/refactor"
)

func ExampleApply() {
	src := []byte(`FROM node:22
ENV NODE_ENV production
RUN cd /app
RUN npm ci
ADD . /app
CMD node server.js
`)
	out, skips, err := refactor.Apply(src, []string{"all"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	for _, s := range skips {
		fmt.Println(s)
	}
	// Output:
	// FROM node:22
	// ENV NODE_ENV=production
	// RUN cd /app
	// RUN npm ci
	// COPY . /app
	// CMD node server.js
	// 6:1: exec-form: skipped: the base image node:22 may have an ENTRYPOINT, which would receive the words instead of /bin/sh -c and the text (unsafe: --unsafe applies it)
	// 4:1: merge-runs: skipped: not merged with the RUN at line 3: the RUN at line 3 changes shell state: it runs cd
}

// With Unsafe, the sites that hang on what the file cannot show apply too:
// here the base image is taken to have no ENTRYPOINT.
func ExampleOptions_Apply() {
	src := []byte(`FROM node:22
CMD node server.js
`)
	out, skips, err := refactor.Options{Unsafe: true}.Apply(src, []string{"exec-form"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	fmt.Println(len(skips), "skips")
	// Output:
	// FROM node:22
	// CMD ["node", "server.js"]
	// 0 skips
}

func ExampleLookup() {
	rs, err := refactor.Lookup([]string{"platform", "add-to-copy"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rs {
		fmt.Printf("%s: %s\n", r.Name, r.Summary)
	}
	_, err = refactor.Lookup([]string{"add-to-cp"})
	fmt.Println(err)
	// Output:
	// add-to-copy: ADD → COPY
	// platform: drop --platform=$TARGETPLATFORM from FROM
	// unknown refactor "add-to-cp" (see --list-refactors)
}
