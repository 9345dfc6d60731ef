package main

import (
	"errors"
	"io"
)

// This file is the seam where the refactor issue plugs in: -r/--refactor and
// --list-refactors are parsed in run, and everything they do goes through
// the three functions below. Until the refactor package lands, asking for
// a refactor is a usage error.

// errNoRefactors is the usage error for -r and --list-refactors until
// refactors exist.
var errNoRefactors = errors.New("refactors are not available yet")

// checkRefactors validates the names given to -r (each a refactor or
// "all") and returns them expanded. It runs before any file is read, so a
// misspelt name is a usage error.
func checkRefactors(names []string) ([]string, error) {
	return nil, errNoRefactors
}

// listRefactors prints, for --list-refactors, each refactor's name, what it
// does and when it is safe.
func listRefactors(w io.Writer) error {
	return errNoRefactors
}

// applyRefactors applies the named refactors to src, the file at path
// (already named as it appears in messages), before it is formatted. Each
// place where a refactor was asked for but skipped is reported on stderr as
// "path:line: name: skipped: reason" without failing. An error fails the
// file as a format error would. With no names it returns src unchanged.
//
// stderr is the file's own buffer, printed in argument order with the
// file's other messages.
func applyRefactors(src []byte, names []string, path string, stderr io.Writer) ([]byte, error) {
	if len(names) == 0 {
		return src, nil
	}
	return nil, errNoRefactors
}
