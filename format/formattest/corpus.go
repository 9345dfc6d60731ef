// Package formattest holds what the tests of dfmt's packages share: the
// one "same build" oracle (SameBuild), which judges with BuildKit's own
// parser whether a formatted or rewritten file builds what its input
// builds; the golden archives of format/testdata/golden (their directory,
// their encoding, their inputs as fuzz seeds); and the corpus of real
// Dockerfiles that the tests and the benchmarks run over.
//
// It imports no package of dfmt, so that the tests of format, format/syntax
// and refactor can all use it.
//
// The corpus lives outside the repository and is never copied into it:
// DFMT_CORPUS names it, e.g.
//
//	DFMT_CORPUS=../shared/corpus go test ./...
//
// A relative DFMT_CORPUS is taken relative to the repository's root (the
// folder holding go.mod), whichever package's tests read it, so that one
// setting serves `go test ./...`.
//
// Layout: valid/<project>/<file>, invalid/<project>/<file>,
// parser-testfiles/ (BuildKit's own parser test files), SOURCES.tsv.
package formattest

import (
	"os"
	"path/filepath"
	"testing"
)

// CorpusDir returns the corpus root named by DFMT_CORPUS, or skips the test or
// benchmark with a message saying how to run it, when DFMT_CORPUS is unset
// or names no corpus (a folder without valid/).
func CorpusDir(tb testing.TB) string {
	tb.Helper()
	dir, why := lookup()
	if why != "" {
		tb.Skip(why)
	}
	return dir
}

// Corpus returns the corpus root named by DFMT_CORPUS, and false where
// there is none, for a test that runs with or without it.
func Corpus() (string, bool) {
	dir, why := lookup()
	return dir, why == ""
}

func lookup() (dir, why string) {
	dir = os.Getenv("DFMT_CORPUS")
	if dir == "" {
		return "", "DFMT_CORPUS is not set: the corpus of real Dockerfiles is absent, so this test is skipped; " +
			"run it with DFMT_CORPUS=../shared/corpus (relative to the repository's root)"
	}
	if !filepath.IsAbs(dir) {
		if root, ok := moduleRoot(); ok {
			dir = filepath.Join(root, dir)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "valid")); err != nil || !fi.IsDir() {
		return "", "DFMT_CORPUS=" + os.Getenv("DFMT_CORPUS") + " names no corpus (no folder valid/ at " + dir + "), so this test is skipped"
	}
	return dir, ""
}

// moduleRoot is the nearest folder at or above the working directory (the
// package's folder, under go test) that holds go.mod.
func moduleRoot() (string, bool) {
	d, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}

// CorpusFile is one file of the corpus.
type CorpusFile struct {
	Path string // as found under the corpus root
	Rel  string // relative to the corpus root, with '/' separators
	Src  []byte
}

// CorpusFiles reads every regular file under the corpus's folder sub
// ("valid", "invalid", ...) in sorted order, or skips as CorpusDir does.
// The whole corpus is a few megabytes.
func CorpusFiles(tb testing.TB, sub string) []CorpusFile {
	tb.Helper()
	root := CorpusDir(tb)
	var out []CorpusFile
	err := filepath.WalkDir(filepath.Join(root, sub), func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		out = append(out, CorpusFile{Path: path, Rel: filepath.ToSlash(rel), Src: src})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}
