package formattest

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// GoldenDir returns the folder of the formatter's golden archives,
// format/testdata/golden under the repository's root, whichever package's
// tests ask (format's TestGolden describes the archives).
func GoldenDir(tb testing.TB) string {
	tb.Helper()
	root, ok := moduleRoot()
	if !ok {
		tb.Fatal("no go.mod above the working directory: cannot find the golden archives")
	}
	return filepath.Join(root, "format", "testdata", "golden")
}

// GoldenInputs returns the decoded input (the in or in.crlf file) of every
// golden archive, in the order of their names: the seeds of the fuzz
// targets.
func GoldenInputs(tb testing.TB) [][]byte {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(GoldenDir(tb), "*.txtar"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(paths) == 0 {
		tb.Fatalf("no golden archives in %s", GoldenDir(tb))
	}
	var ins [][]byte
	for _, path := range paths {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		n := len(ins)
		for _, f := range ar.Files {
			if f.Name == "in" || f.Name == "in.crlf" {
				ins = append(ins, DecodeGolden(f.Name, f.Data))
			}
		}
		if len(ins) != n+1 {
			tb.Fatalf("%s: want one in file, found %d", path, len(ins)-n)
		}
	}
	return ins
}

var (
	bom       = []byte("\xef\xbb\xbf")
	noEOLLine = []byte("<NOEOL>\n")
)

// DecodeGolden turns the text of a golden archive's in or out file (or of
// an example of format/STYLE.md) into the bytes it stands for, by the
// rules in the doc comment of format's TestGolden: a name ending in ".crlf"
// makes every LF a CRLF, "<CR>" is a lone carriage return, "<BOM>" at the
// start the UTF-8 byte order mark, and a last line "<NOEOL>" takes the
// final line end away.
func DecodeGolden(name string, data []byte) []byte {
	data = bytes.Clone(data)
	if bytes.Equal(data, noEOLLine) {
		data = data[:0]
	} else if bytes.HasSuffix(data, append([]byte("\n"), noEOLLine...)) {
		data = data[:len(data)-len(noEOLLine)-1]
	}
	if strings.HasSuffix(name, ".crlf") {
		data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
	}
	data = bytes.ReplaceAll(data, []byte("<CR>"), []byte("\r"))
	if rest, ok := bytes.CutPrefix(data, []byte("<BOM>")); ok {
		data = append(bytes.Clone(bom), rest...)
	}
	return data
}

// EncodeGolden is the inverse of DecodeGolden: it picks the file name (base
// or base+".crlf") and the text for data.
func EncodeGolden(base string, data []byte) (string, []byte) {
	name := base
	data = bytes.Clone(data)
	if rest, ok := bytes.CutPrefix(data, bom); ok {
		data = append([]byte("<BOM>"), rest...)
	}
	if n := bytes.Count(data, []byte("\n")); n > 0 && bytes.Count(data, []byte("\r\n")) == n {
		name += ".crlf"
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	data = bytes.ReplaceAll(data, []byte("\r"), []byte("<CR>"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		data = append(data, '\n')
		data = append(data, noEOLLine...)
	}
	return name, data
}
