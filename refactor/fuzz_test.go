package refactor

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/syntax"
)

// FuzzApply runs all the refactors on any input, seeded with the golden
// cases: no panic; a file BuildKit rejects is an error; otherwise the
// output parses, is a fixed point of the refactors, and formats, and one
// of the refactors on its own keeps what BuildKit builds (checkEachBuild).
func FuzzApply(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, s := range ar.Files {
			if s.Name == "in" {
				f.Add(unescapeCR(s.Data))
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		out, _, err := Apply(src, []string{"all"})
		if pf := syntax.Parse(src); pf.Err != nil {
			if err == nil {
				t.Fatalf("Apply accepted a file dfmt rejects: %v", pf.Err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Apply: %v", err)
		}
		if pf := syntax.Parse(out); pf.Err != nil {
			t.Fatalf("the output does not parse: %v\n%q", pf.Err, out)
		}
		again, _, err := Apply(out, []string{"all"})
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("Apply is not idempotent:\n%q\nthen\n%q", out, again)
		}
		if _, err := format.Source(out, format.Options{}); err != nil {
			t.Fatalf("format.Source on the output: %v", err)
		}
		// One refactor on its own, picked by the input's length, keeps
		// what BuildKit builds: checking every one each time would slow
		// the fuzzer twentyfold.
		if err := checkEachBuild(src, []string{All[len(src)%len(All)].Name}, Options{}); err != nil {
			t.Fatalf("the build changes: %v\ninput:\n%q", err, src)
		}
	})
}
