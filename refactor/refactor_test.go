package refactor

import (
	"bytes"
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
//	in         the Dockerfile
//	out        what Apply returns (before formatting)
//	skips      one "line: name: skipped: reason" per line
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
			out, skips, err := Apply(in, names)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			var sk strings.Builder
			for _, s := range skips {
				sk.WriteString(s.String())
				sk.WriteByte('\n')
			}
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
			checkResult(t, in, out, names)
		})
	}
}

// checkResult checks what every rewrite must keep: the result parses,
// formats, formats to a fixed point, and is a fixed point of the same
// refactors; and each of the refactors, on its own, keeps what BuildKit
// builds (checkEachBuild).
func checkResult(t *testing.T, in, out []byte, names []string) {
	t.Helper()
	if err := checkEachBuild(in, names); err != nil {
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
	again, _, err := Apply(out, names)
	if err != nil {
		t.Fatalf("Apply on the result: %v", err)
	}
	if !bytes.Equal(again, out) {
		t.Errorf("Apply on the result changes it again:\n%s", again)
	}
	// Formatted, the refactors have nothing left to do.
	fa, _, err := Apply(once, names)
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
