package format_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/formattest"
	"github.com/dfmt/dfmt/format/syntax"
)

var update = flag.Bool("update", false, "rewrite the out and err files of format/testdata/golden from the current formatter")

// goldenDir holds the golden archives, beside the package they test.
const goldenDir = "testdata/golden"

// TestGolden formats the input of every archive in format/testdata/golden
// and compares the result with the expected output or error.
//
// Each archive is a txtar file (github.com/rogpeppe/go-internal/txtar; its
// leading comment says what the case is about) holding these files:
//
//	in        the input Dockerfile
//	out       the expected output, or
//	err       the expected error text, e.g. "3:1: unterminated heredoc"
//	opts      optional, one option a line: "indent=N" or "tabs"
//	warnings  optional, the expected warnings (Result.Warnings) of an out
//	          case, one a line as "line:col: message"; without it, none
//
// A txtar file cannot hold every byte sequence, so the contents of in and out
// are decoded first (formattest.DecodeGolden):
//
//   - A name ending in ".crlf" (in.crlf, out.crlf) means every line ends in
//     CRLF: each LF of the content becomes CRLF.
//   - "<CR>" stands for a lone carriage return byte, for files with mixed line
//     ends: "a<CR>" followed by the line's LF is a line ending in CRLF.
//   - "<BOM>" at the very start stands for the UTF-8 byte order mark.
//   - A last line "<NOEOL>" means the file has no final line end: it and the
//     line end before it are removed.
//
// Tabs and trailing white space are written as they are.
//
// For each case the test asserts that the output equals out (or the error
// equals err), that the warnings are those of warnings, that formatting out
// again gives out (idempotence), that Parse(in).Verbatim() gives back in,
// that the safety check reported no fallbacks, that BuildKit's parser
// accepts the input of an out case and rejects that of an err case, and
// that BuildKit builds the same from out as from in (formattest.SameBuild).
//
// With -update (go test ./format -run TestGolden -update) the out or err
// file of each archive is rewritten from the current formatter; review the
// diff, since the expected files are meant to be written by hand from the
// rules of format/STYLE.md.
//
// A rule number in an archive's name (ruleNN-...) or comment ("Rule 12")
// is that rule of format/STYLE.md; the shell_ archives test its rule 15.
func TestGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(goldenDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no golden archives in %s", goldenDir)
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		t.Run(name, func(t *testing.T) {
			runGolden(t, path)
		})
	}
}

// goldenCase is one decoded archive.
type goldenCase struct {
	arch    *txtar.Archive
	opts    format.Options
	in      []byte
	out     []byte // nil when the case expects an error
	wantErr string
	hasOut  bool
	// warnings is the expected Result.Warnings, each as Warning.String.
	warnings []string
}

func loadGolden(t testing.TB, path string) *goldenCase {
	t.Helper()
	arch, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := &goldenCase{arch: arch}
	var haveIn, haveErr bool
	for _, f := range arch.Files {
		switch f.Name {
		case "in", "in.crlf":
			c.in = formattest.DecodeGolden(f.Name, f.Data)
			haveIn = true
		case "out", "out.crlf":
			c.out = formattest.DecodeGolden(f.Name, f.Data)
			c.hasOut = true
		case "err":
			c.wantErr = strings.TrimSpace(string(f.Data))
			haveErr = true
		case "warnings":
			c.warnings = strings.Split(strings.TrimSuffix(string(f.Data), "\n"), "\n")
		case "opts":
			c.opts, err = parseGoldenOpts(f.Data)
			if err != nil {
				t.Fatalf("%s: opts: %v", path, err)
			}
		default:
			t.Fatalf("%s: unknown file %q in archive", path, f.Name)
		}
	}
	if !haveIn {
		t.Fatalf("%s: no in file", path)
	}
	if c.hasOut == haveErr && !*update {
		t.Fatalf("%s: want exactly one of out and err", path)
	}
	return c
}

func runGolden(t *testing.T, path string) {
	c := loadGolden(t, path)

	if got := syntax.Parse(c.in).Verbatim(); !bytes.Equal(got, c.in) {
		t.Errorf("Parse(in).Verbatim() differs from in:\n%s", formattest.LineDiff(c.in, got))
	}

	res, err := format.Format(c.in, c.opts)
	if *update {
		updateGolden(t, path, c, res, err)
		return
	}

	_, bkErr := formattest.BuildKitParse(c.in)
	if c.wantErr != "" {
		if bkErr == nil {
			t.Errorf("the case expects an error, but BuildKit accepts the input")
		}
		if err == nil {
			t.Fatalf("Format succeeded, want error %q; output:\n%s", c.wantErr, res.Out)
		}
		var ferr *format.Error
		if !errors.As(err, &ferr) {
			t.Errorf("error is %T, want *format.Error: %v", err, err)
		}
		if err.Error() != c.wantErr {
			t.Errorf("error:\n got %q\nwant %q", err.Error(), c.wantErr)
		}
		if out, err2 := format.Source(c.in, c.opts); err2 == nil || out != nil {
			t.Errorf("Source = %q, %v; want no output and an error", out, err2)
		}
		return
	}

	if bkErr != nil && !formattest.NoInstructions(bkErr) {
		t.Errorf("the case expects output, but BuildKit rejects the input: %v", bkErr)
	}
	if err != nil {
		t.Fatalf("Format: unexpected error: %v", err)
	}
	if len(res.Fallbacks) != 0 {
		t.Errorf("safety check fell back on lines %v", res.Fallbacks)
	}
	if !bytes.Equal(res.Out, c.out) {
		t.Errorf("output differs from out:\n%s", formattest.LineDiff(c.out, res.Out))
	}
	var warnings []string
	for _, w := range res.Warnings {
		warnings = append(warnings, w.String())
	}
	if !slices.Equal(warnings, c.warnings) {
		t.Errorf("warnings:\n got %q\nwant %q", warnings, c.warnings)
	}
	if ws := format.Warnings(c.in); !slices.Equal(ws, res.Warnings) {
		t.Errorf("Warnings differs from Format(...).Warnings: %q", ws)
	}
	if src, err := format.Source(c.in, c.opts); err != nil || !bytes.Equal(src, res.Out) {
		t.Errorf("Source differs from Format(...).Out: %q, %v", src, err)
	}

	// Idempotence: the expected output is already formatted.
	res2, err := format.Format(c.out, c.opts)
	if err != nil {
		t.Fatalf("formatting out: unexpected error: %v", err)
	}
	if !bytes.Equal(res2.Out, c.out) {
		t.Errorf("formatting out changes it (not idempotent):\n%s", formattest.LineDiff(c.out, res2.Out))
	}
	if len(res2.Fallbacks) != 0 {
		t.Errorf("formatting out: safety check fell back on lines %v", res2.Fallbacks)
	}
	if got := syntax.Parse(c.out).Verbatim(); !bytes.Equal(got, c.out) {
		t.Errorf("Parse(out).Verbatim() differs from out:\n%s", formattest.LineDiff(c.out, got))
	}

	// The expected output itself must build what the input builds.
	if err := formattest.SameBuild(c.in, c.out); err != nil {
		t.Errorf("out does not build what in builds: %v", err)
	}
}

func updateGolden(t *testing.T, path string, c *goldenCase, res *format.Result, err error) {
	var files []txtar.File
	for _, f := range c.arch.Files {
		switch f.Name {
		case "out", "out.crlf", "err", "warnings":
		default:
			files = append(files, f)
		}
	}
	if err != nil {
		files = append(files, txtar.File{Name: "err", Data: []byte(err.Error() + "\n")})
	} else {
		name, data := formattest.EncodeGolden("out", res.Out)
		files = append(files, txtar.File{Name: name, Data: data})
		if len(res.Warnings) > 0 {
			var b strings.Builder
			for _, w := range res.Warnings {
				b.WriteString(w.String() + "\n")
			}
			files = append(files, txtar.File{Name: "warnings", Data: []byte(b.String())})
		}
	}
	c.arch.Files = files
	if err := os.WriteFile(path, txtar.Format(c.arch), 0o666); err != nil {
		t.Fatal(err)
	}
}

func parseGoldenOpts(data []byte) (format.Options, error) {
	var o format.Options
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case line == "tabs":
			o.Tabs = true
		case strings.HasPrefix(line, "indent="):
			n, err := strconv.Atoi(strings.TrimPrefix(line, "indent="))
			if err != nil {
				return o, err
			}
			o.Indent = n
		default:
			return o, fmt.Errorf("unknown option %q", line)
		}
	}
	return o, nil
}

// TestLongLine checks the one fault a txtar archive is not good for: BuildKit
// rejects a line longer than 64 KiB (bufio.MaxScanTokenSize, line end
// included), so dfmt must too, at the right line; one byte less is fine.
func TestLongLine(t *testing.T) {
	const max = 64 * 1024 // the longest line BuildKit reads, line end included
	for _, tc := range []struct {
		name    string
		lineLen int // bytes of the long line, its line end included
		eol     string
		wantErr bool
	}{
		{"max-lf", max, "\n", false},
		{"max+1-lf", max + 1, "\n", true},
		{"max-crlf", max, "\r\n", false},
		{"max+1-crlf", max + 1, "\r\n", true},
		{"far-over", 3 * max, "\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			long := "RUN echo " + strings.Repeat("a", tc.lineLen-len("RUN echo ")-len(tc.eol)) + tc.eol
			src := []byte("FROM alpine" + tc.eol + long + "RUN true" + tc.eol)
			if _, bkErr := formattest.BuildKitParse(src); (bkErr != nil) != tc.wantErr {
				t.Fatalf("BuildKit: err=%v, test expects error=%v", bkErr, tc.wantErr)
			}
			res, err := format.Format(src, format.Options{})
			if !tc.wantErr {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if !bytes.Equal(res.Out, src) {
					t.Errorf("a formatted file with a long line changed")
				}
				return
			}
			var ferr *format.Error
			if !errors.As(err, &ferr) {
				t.Fatalf("Format: got %v (%T), want a *format.Error", err, err)
			}
			if ferr.Line != 2 {
				t.Errorf("error %q is on line %d, want 2", err, ferr.Line)
			}
		})
	}
}
