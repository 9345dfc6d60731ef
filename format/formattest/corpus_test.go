package formattest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	root, ok := moduleRoot()
	if !ok {
		t.Fatal("no go.mod above the package")
	}
	if _, err := os.Stat(filepath.Join(root, "format", "formattest", "corpus.go")); err != nil {
		t.Fatalf("module root %s is not the repository's: %v", root, err)
	}

	// A corpus made here, named relative to the repository's root.
	tmp, err := os.MkdirTemp(root, ".corpus-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	if err := os.Mkdir(filepath.Join(tmp, "valid"), 0o755); err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(root, tmp)

	for _, tt := range []struct {
		env, dir, why string
	}{
		{"", "", "DFMT_CORPUS is not set"},
		{rel, tmp, ""},
		{tmp, tmp, ""},
		{filepath.Join(rel, "valid"), "", "names no corpus"},
	} {
		t.Setenv("DFMT_CORPUS", tt.env)
		dir, why := lookup()
		if dir != tt.dir || !strings.Contains(why, tt.why) || (tt.why == "") != (why == "") {
			t.Errorf("DFMT_CORPUS=%q: got %q, %q; want %q, %q", tt.env, dir, why, tt.dir, tt.why)
		}
	}
}
