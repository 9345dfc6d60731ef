package refactor

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/syntax"
)

var update = flag.Bool("update", false, "rewrite the out and skips sections of testdata/*.txtar")

// TestGolden runs the cases in testdata/*.txtar. Each archive holds:
//
//	refactors  the names given to Apply, separated by white space or commas
//	options    optional: "unsafe" (Options.Unsafe), and "context" or "dir"
//	           for the ctx/ files to be Options.Context or Options.Dir
//	ctx/PATH   optional: a file of the build context (see writeContext)
//	in         the Dockerfile
//	out        what Apply returns (before formatting)
//	skips      one "line: name: skipped: reason" per line, with $CTX for
//	           the folder of the ctx/ files
//
// Each case also checks that the output formats, that Apply on the output
// changes nothing more, and that each refactor named, on its own, keeps
// what BuildKit builds (formattest.SameBuild, with that refactor's
// allowed changes). With
// -update the out and skips sections are written from what Apply returns;
// review the diff.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no test cases")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sec := map[string][]byte{}
			for _, f := range ar.Files {
				sec[f.Name] = f.Data
			}
			in, ok := sec["in"]
			if !ok {
				t.Fatal("no in section")
			}
			in = unescapeCR(in)
			names := strings.FieldsFunc(string(sec["refactors"]), func(r rune) bool {
				return r == ',' || r == ' ' || r == '\n' || r == '\t'
			})
			o := goldenOptions(t, ar)
			out, skips, err := o.Apply(in, names)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			var sk strings.Builder
			for _, s := range skips {
				sk.WriteString(s.String())
				sk.WriteByte('\n')
			}
			skipText := sk.String()
			if dir := o.Context + o.Dir; dir != "" {
				skipText = strings.ReplaceAll(skipText, dir, "$CTX")
			}
			sk.Reset()
			sk.WriteString(skipText)
			if *update {
				for i := range ar.Files {
					switch ar.Files[i].Name {
					case "out":
						ar.Files[i].Data = escapeCR(out)
					case "skips":
						ar.Files[i].Data = []byte(sk.String())
					}
				}
				if _, ok := sec["out"]; !ok {
					ar.Files = append(ar.Files, txtar.File{Name: "out", Data: escapeCR(out)})
				}
				if _, ok := sec["skips"]; !ok {
					ar.Files = append(ar.Files, txtar.File{Name: "skips", Data: []byte(sk.String())})
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want := unescapeCR(sec["out"]); !bytes.Equal(out, want) {
				t.Errorf("out:\n%s\nwant:\n%s", out, want)
			}
			if got, want := sk.String(), string(sec["skips"]); got != want {
				t.Errorf("skips:\n%s\nwant:\n%s", got, want)
			}
			checkResult(t, in, out, names, o)
		})
	}
}

// goldenOptions are the Options of a golden case: its options section,
// with its ctx/ files written to a folder for the context or the
// Dockerfile's folder.
func goldenOptions(t *testing.T, ar *txtar.Archive) Options {
	var o Options
	var words []string
	for _, f := range ar.Files {
		if f.Name == "options" {
			words = strings.Fields(string(f.Data))
		}
	}
	for _, w := range words {
		switch w {
		case "unsafe":
			o.Unsafe = true
		case "context":
			o.Context = writeContext(t, ar)
		case "dir":
			o.Dir = writeContext(t, ar)
		default:
			t.Fatalf("unknown option %q", w)
		}
	}
	return o
}

// writeContext writes the ctx/ files of a golden case to a new folder and
// returns it. A file whose text starts with a line "!tar", "!tar.gz" or
// "!gz" is, instead of its text, a tar archive holding the rest, the same
// gzip-compressed, or the rest gzip-compressed alone; "!link TARGET" is
// a symbolic link, "!dir" an empty folder.
func writeContext(t *testing.T, ar *txtar.Archive) string {
	dir := t.TempDir()
	for _, f := range ar.Files {
		name, ok := strings.CutPrefix(f.Name, "ctx/")
		if !ok {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		head, rest, _ := bytes.Cut(f.Data, []byte("\n"))
		var data []byte
		switch h := string(head); {
		case h == "!tar":
			data = tarOf(t, rest)
		case h == "!tar.gz":
			data = gzipOf(t, tarOf(t, rest))
		case h == "!gz":
			data = gzipOf(t, rest)
		case strings.HasPrefix(h, "!link "):
			if err := os.Symlink(strings.TrimPrefix(h, "!link "), p); err != nil {
				t.Fatal(err)
			}
			continue
		case h == "!dir":
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		default:
			data = f.Data
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tarOf is a tar archive holding one file, whose content is data.
func tarOf(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	w := tar.NewWriter(&b)
	if err := w.WriteHeader(&tar.Header{Name: "file", Mode: 0o644, Size: int64(len(data))}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// gzipOf is data gzip-compressed.
func gzipOf(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// checkResult checks what every rewrite must keep: the result parses,
// formats, formats to a fixed point, and is a fixed point of the same
// refactors; and each of the refactors, on its own, keeps what BuildKit
// builds (checkEachBuild). The refactors run with o.
func checkResult(t *testing.T, in, out []byte, names []string, o Options) {
	t.Helper()
	if err := checkEachBuild(in, names, o); err != nil {
		t.Errorf("the build changes: %v", err)
	}
	if pf := syntax.Parse(out); pf.Err != nil {
		t.Fatalf("the result does not parse: %v", pf.Err)
	}
	once, err := format.Source(out, format.Options{})
	if err != nil {
		t.Fatalf("format.Source: %v", err)
	}
	twice, err := format.Source(once, format.Options{})
	if err != nil || !bytes.Equal(once, twice) {
		t.Errorf("formatting the result is not idempotent:\n%s\nthen:\n%s", once, twice)
	}
	again, _, err := o.Apply(out, names)
	if err != nil {
		t.Fatalf("Apply on the result: %v", err)
	}
	if !bytes.Equal(again, out) {
		t.Errorf("Apply on the result changes it again:\n%s", again)
	}
	// Formatted, the refactors have nothing left to do.
	fa, _, err := o.Apply(once, names)
	if err != nil {
		t.Fatalf("Apply on the formatted result: %v", err)
	}
	if !bytes.Equal(fa, once) {
		t.Errorf("Apply on the formatted result changes it:\n%s\nto:\n%s", once, fa)
	}
}

// In the archives "<CR>" stands for a carriage return, which txtar would
// not keep visible.
func unescapeCR(b []byte) []byte { return bytes.ReplaceAll(b, []byte("<CR>"), []byte("\r")) }
func escapeCR(b []byte) []byte   { return bytes.ReplaceAll(b, []byte("\r"), []byte("<CR>")) }

func TestLookup(t *testing.T) {
	rs, err := Lookup([]string{"platform", "merge-runs", "platform"})
	if err != nil || len(rs) != 2 || rs[0] != MergeRuns || rs[1] != Platform {
		t.Errorf("Lookup = %v, %v; want merge-runs, platform", rs, err)
	}
	rs, err = Lookup([]string{"all"})
	if err != nil || len(rs) != len(All) {
		t.Errorf("Lookup(all) = %d refactors, %v", len(rs), err)
	}
	if _, err = Lookup([]string{"all", "bogus"}); err == nil {
		t.Errorf("Lookup(all, bogus) succeeded")
	}
	_, err = Lookup([]string{"merge-run"})
	var ue *UnknownError
	if !errors.As(err, &ue) || ue.Name != "merge-run" {
		t.Errorf("Lookup(merge-run) error = %v, want *UnknownError", err)
	}
	seen := map[string]bool{}
	for _, r := range All {
		if seen[r.Name] || r.Summary == "" || r.Safe == "" || r.Changes == "" || r.run == nil {
			t.Errorf("refactor %q: duplicate or incomplete", r.Name)
		}
		seen[r.Name] = true
	}
}

func TestApplyRejected(t *testing.T) {
	_, _, err := Apply([]byte("FROM alpine\nENV PATH\n"), []string{"all"})
	var fe *format.Error
	if !errors.As(err, &fe) || fe.Line != 2 {
		t.Errorf("Apply on a file BuildKit rejects: err = %v, want a *format.Error at line 2", err)
	}
}
