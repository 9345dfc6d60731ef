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

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/syntax"
)

var update = flag.Bool("update", false, "rewrite the out and err files of format/testdata/golden from the current formatter")

// goldenDir holds the golden archives, beside the package they test.
const goldenDir = "testdata/golden"

// TestGolden formats the input of every archive in format/testdata/golden
// and compares the result with the expected output or error.
//
// Each archive is a txtar file (golang.org/x/tools/txtar format; its leading
// comment says what the case is about) holding these files:
//
//	in        the input Dockerfile
//	out       the expected output, or
//	err       the expected error text, e.g. "3:1: unterminated heredoc"
//	opts      optional, one option a line: "indent=N" or "tabs"
//	warnings  optional, the expected warnings (Result.Warnings) of an out
//	          case, one a line as "line:col: message"; without it, none
//
// A txtar file cannot hold every byte sequence, so the contents of in and out
// are decoded first:
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
// that the safety check reported no fallbacks, and, with BuildKit's parser
// as the oracle, that BuildKit accepts the input of an out case and rejects
// that of an err case, and builds the same from out as from in.
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
	arch    *archive
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
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := &goldenCase{arch: parseArchive(data)}
	var haveIn, haveErr bool
	for _, f := range c.arch.files {
		switch f.name {
		case "in", "in.crlf":
			c.in = decodeGolden(f.name, f.data)
			haveIn = true
		case "out", "out.crlf":
			c.out = decodeGolden(f.name, f.data)
			c.hasOut = true
		case "err":
			c.wantErr = strings.TrimSpace(string(f.data))
			haveErr = true
		case "warnings":
			c.warnings = strings.Split(strings.TrimSuffix(string(f.data), "\n"), "\n")
		case "opts":
			c.opts, err = parseGoldenOpts(f.data)
			if err != nil {
				t.Fatalf("%s: opts: %v", path, err)
			}
		default:
			t.Fatalf("%s: unknown file %q in archive", path, f.name)
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
		t.Errorf("Parse(in).Verbatim() differs from in:\n%s", lineDiff(c.in, got))
	}

	res, err := format.Format(c.in, c.opts)
	if *update {
		updateGolden(t, path, c, res, err)
		return
	}

	oracle := buildkitOracle(t, c.in)
	if c.wantErr != "" {
		if oracle.accepted {
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

	if oracle.rejected {
		t.Errorf("the case expects output, but BuildKit rejects the input: %v", oracle.err)
	}
	if err != nil {
		t.Fatalf("Format: unexpected error: %v", err)
	}
	if len(res.Fallbacks) != 0 {
		t.Errorf("safety check fell back on lines %v", res.Fallbacks)
	}
	if !bytes.Equal(res.Out, c.out) {
		t.Errorf("output differs from out:\n%s", lineDiff(c.out, res.Out))
	}
	var warnings []string
	for _, w := range res.Warnings {
		warnings = append(warnings, w.String())
	}
	if !slices.Equal(warnings, c.warnings) {
		t.Errorf("warnings:\n got %q\nwant %q", warnings, c.warnings)
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
		t.Errorf("formatting out changes it (not idempotent):\n%s", lineDiff(c.out, res2.Out))
	}
	if len(res2.Fallbacks) != 0 {
		t.Errorf("formatting out: safety check fell back on lines %v", res2.Fallbacks)
	}
	if got := syntax.Parse(c.out).Verbatim(); !bytes.Equal(got, c.out) {
		t.Errorf("Parse(out).Verbatim() differs from out:\n%s", lineDiff(c.out, got))
	}

	// The expected output itself must build what the input builds.
	if msg := oracle.sameBuildAs(c.out); msg != "" {
		t.Errorf("out does not build what in builds: %s", msg)
	}
}

func updateGolden(t *testing.T, path string, c *goldenCase, res *format.Result, err error) {
	var files []archiveFile
	for _, f := range c.arch.files {
		switch f.name {
		case "out", "out.crlf", "err", "warnings":
		default:
			files = append(files, f)
		}
	}
	if err != nil {
		files = append(files, archiveFile{"err", []byte(err.Error() + "\n")})
	} else {
		name, data := encodeGolden("out", res.Out)
		files = append(files, archiveFile{name, data})
		if len(res.Warnings) > 0 {
			var b strings.Builder
			for _, w := range res.Warnings {
				b.WriteString(w.String() + "\n")
			}
			files = append(files, archiveFile{"warnings", []byte(b.String())})
		}
	}
	c.arch.files = files
	if err := os.WriteFile(path, c.arch.format(), 0o666); err != nil {
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

var (
	bom       = []byte("\xef\xbb\xbf")
	noEOLLine = []byte("<NOEOL>\n")
)

// decodeGolden turns the text of an in or out file into the bytes it stands
// for; see TestGolden.
func decodeGolden(name string, data []byte) []byte {
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

// encodeGolden is the inverse of decodeGolden: it picks the file name (base
// or base+".crlf") and the text for data.
func encodeGolden(base string, data []byte) (string, []byte) {
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

// TestGoldenEncoding checks that the golden encoding round-trips the bytes it
// is meant to represent.
func TestGoldenEncoding(t *testing.T) {
	for _, s := range []string{
		"",
		"\n",
		"FROM a\n",
		"FROM a",
		"FROM a\r\nRUN b\r\n",
		"FROM a\r\nRUN b",
		"FROM a\r\nRUN b\n",
		"\xef\xbb\xbfFROM a\n",
		"\xef\xbb\xbfFROM a\r\n",
		"FROM a\rRUN b\n",
		"RUN a \t\n\tb\n",
	} {
		name, enc := encodeGolden("out", []byte(s))
		if got := decodeGolden(name, enc); string(got) != s {
			t.Errorf("%q: encoded as %s %q, decoded to %q", s, name, enc, got)
		}
	}
}

// archive is a txtar archive: a comment and a list of files. The format is
// that of golang.org/x/tools/txtar, written here to keep the module free of
// a dependency for forty lines.
type archive struct {
	comment []byte
	files   []archiveFile
}

type archiveFile struct {
	name string
	data []byte
}

// parseArchive parses a txtar archive. A line "-- NAME --" starts a file.
func parseArchive(data []byte) *archive {
	a := &archive{}
	var name string
	cur := &a.comment
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line = data[:i+1]
		}
		data = data[len(line):]
		if n, ok := archiveMarker(line); ok {
			if cur != &a.comment {
				a.files = append(a.files, archiveFile{name, fixNL(*cur)})
			}
			name = n
			cur = new([]byte)
			*cur = []byte{}
			continue
		}
		*cur = append(*cur, line...)
	}
	if cur != &a.comment {
		a.files = append(a.files, archiveFile{name, fixNL(*cur)})
	}
	return a
}

func archiveMarker(line []byte) (string, bool) {
	line = bytes.TrimRight(line, "\r\n")
	if !bytes.HasPrefix(line, []byte("-- ")) || !bytes.HasSuffix(line, []byte(" --")) || len(line) < 6 {
		return "", false
	}
	name := strings.TrimSpace(string(line[3 : len(line)-3]))
	return name, name != ""
}

func fixNL(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	return b
}

func (a *archive) format() []byte {
	var buf bytes.Buffer
	buf.Write(fixNL(a.comment))
	for _, f := range a.files {
		fmt.Fprintf(&buf, "-- %s --\n", f.name)
		buf.Write(fixNL(f.data))
	}
	return buf.Bytes()
}

// lineDiff shows two texts line by line, quoted so that white space, CR and
// the BOM are visible, marking the lines that differ.
func lineDiff(want, got []byte) string {
	w := strings.SplitAfter(string(want), "\n")
	g := strings.SplitAfter(string(got), "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl == gl {
			fmt.Fprintf(&b, "  %3d   %q\n", i+1, wl)
			continue
		}
		if i < len(w) {
			fmt.Fprintf(&b, "- %3d   %q\n", i+1, wl)
		}
		if i < len(g) {
			fmt.Fprintf(&b, "+ %3d   %q\n", i+1, gl)
		}
	}
	return "(- want, + got)\n" + b.String()
}

// goldenInputs returns the decoded input of every golden archive, for the
// fuzz seeds.
func goldenInputs(t testing.TB) [][]byte {
	paths, err := filepath.Glob(filepath.Join(goldenDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var ins [][]byte
	for _, path := range paths {
		ins = append(ins, loadGolden(t, path).in)
	}
	return ins
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
			oracle := buildkitOracle(t, src)
			if oracle.accepted == tc.wantErr {
				t.Fatalf("BuildKit: accepted=%v err=%v, test expects error=%v", oracle.accepted, oracle.err, tc.wantErr)
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
