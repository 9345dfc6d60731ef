package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dfmt/dfmt/refactor"
)

// This file is the seam where the refactor package plugs in: -r/--refactor,
// --unsafe, --context and --list-refactors are parsed in run, and
// everything they do goes through the functions below.

// checkRefactorOptions checks --unsafe and --context (given says whether
// -r was) and puts them in cfg: both go with -r, and the context must be a
// folder.
func checkRefactorOptions(cfg *config, given, unsafe, hasContext bool, dir string) error {
	switch {
	case (unsafe || hasContext) && !given:
		return errors.New("--unsafe and --context go with -r")
	case hasContext && dir == "":
		return errors.New("--context needs a folder")
	case hasContext:
		fi, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("--context: %v", err)
		}
		if !fi.IsDir() {
			return fmt.Errorf("--context: %s is not a folder", dir)
		}
	}
	cfg.unsafe, cfg.context = unsafe, dir
	return nil
}

// refactorOptions are the refactor.Options for job j: --unsafe, --context,
// and the folder of the file (of --stdin-filepath for standard input, else
// the current one), which add-to-copy takes for the build context with
// --unsafe and no --context.
func (c *config) refactorOptions(j *job) refactor.Options {
	o := refactor.Options{Unsafe: c.unsafe, Context: c.context}
	switch {
	case !j.stdin:
		o.Dir = filepath.Dir(j.path)
	case c.stdinPath != "":
		o.Dir = filepath.Dir(c.stdinPath)
	}
	return o
}

// checkRefactors validates the names given to -r (each a refactor or
// "all") and returns them expanded, in catalogue order. It runs before any
// file is read, so a misspelt name is a usage error.
func checkRefactors(names []string) ([]string, error) {
	rs, err := refactor.Lookup(names)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out, nil
}

// listRefactors prints, for --list-refactors, each refactor's name, what it
// does, when it applies and what still changes when it does.
func listRefactors(w io.Writer) error {
	var b strings.Builder
	for i, r := range refactor.All {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s\n", r.Name)
		fmt.Fprintf(&b, "    %s\n", r.Summary)
		fmt.Fprintf(&b, "    applies when: %s\n", r.Safe)
		fmt.Fprintf(&b, "    still changes: %s\n", r.Changes)
		if r.Unsafe != "" {
			fmt.Fprintf(&b, "    unsafe (--unsafe applies): %s\n", r.Unsafe)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// applyRefactors applies the named refactors, with opts, to src, the file
// at path (already named as it appears in messages), before it is
// formatted. It returns the number of places where a refactor was asked
// for but skipped; with verbose each is also reported on stderr as
// "path:line:col: name: skipped: reason", an unsafe site with "(unsafe:
// --unsafe applies it)" after. Skips never fail the file. An error (a file
// BuildKit rejects) fails the file as a format error would. With no names
// it returns src unchanged.
//
// stderr is the file's own buffer, printed in argument order with the
// file's other messages.
func applyRefactors(src []byte, names []string, opts refactor.Options, path string, verbose bool, stderr io.Writer) ([]byte, int, error) {
	if len(names) == 0 {
		return src, 0, nil
	}
	out, skips, err := opts.Apply(src, names)
	if err != nil {
		return nil, 0, err
	}
	if verbose {
		for _, s := range skips {
			fmt.Fprintf(stderr, "%s:%s\n", path, s)
		}
	}
	return out, len(skips), nil
}

// skipSummary is the line said, without -v, when refactor sites were
// skipped: how many, and how to see them.
func skipSummary(n int) string {
	places := "places"
	if n == 1 {
		places = "place"
	}
	return fmt.Sprintf("dfmt: refactors skipped %d %s where they could not show the build stays the same (-v says where and why)", n, places)
}
