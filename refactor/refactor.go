package refactor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dfmt/dfmt/format/syntax"
)

// Refactor is one rewrite of the catalogue.
type Refactor struct {
	// Name is what -r takes, e.g. "merge-runs".
	Name string
	// Summary says in one line what the rewrite does.
	Summary string
	// Safe says when it applies: the conditions under which it can show
	// that BuildKit builds the same. Everywhere else it reports a Skip.
	Safe string
	// Changes says what is still different when it applies: layers, the
	// cache, PID 1, image metadata.
	Changes string

	run func(*file)
}

// Skip is a place where a requested refactor did not apply, and why.
type Skip struct {
	// Line and Col (1-based; Col counts bytes, see syntax.UTF16Col) are
	// where in the input the skip stands: the word its reason concerns
	// (a source, a flag, a word of the command), or else the
	// instruction's keyword. EndLine and EndCol are where that word or
	// keyword ends (exclusive). Where an earlier refactor of the same
	// Apply rewrote the line, the column is mapped back by what the
	// rewritten line and the input's have in common.
	Line, Col       int
	EndLine, EndCol int
	Name            string // the refactor
	Reason          string // lower case, no final period
}

func (s Skip) String() string {
	return fmt.Sprintf("%d:%d: %s: skipped: %s", s.Line, s.Col, s.Name, s.Reason)
}

// All is the catalogue, in the order Apply runs it.
var All = []*Refactor{
	MergeRuns,
	AddToCopy,
	ExecForm,
	KeyValue,
	Maintainer,
	StageNames,
	Platform,
	SortPackages,
}

// UnknownError is the error of Lookup for a name that is no refactor.
type UnknownError struct{ Name string }

func (e *UnknownError) Error() string {
	return fmt.Sprintf("unknown refactor %q (see --list-refactors)", e.Name)
}

// Lookup returns the refactors named, in catalogue order and each once;
// "all" names them all. An unknown or empty name is an *UnknownError.
func Lookup(names []string) ([]*Refactor, error) {
	want := map[string]bool{}
	all := false
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "all" {
			all = true
			continue
		}
		found := false
		for _, r := range All {
			if r.Name == n {
				found = true
			}
		}
		if !found {
			return nil, &UnknownError{Name: n}
		}
		want[n] = true
	}
	if all {
		return slices.Clone(All), nil
	}
	var out []*Refactor
	for _, r := range All {
		if want[r.Name] {
			out = append(out, r)
		}
	}
	return out, nil
}

// Apply runs the named refactors on src, in catalogue order, parsing the
// file again between them. It returns the rewritten file, which still
// needs formatting (format.Source), and the places where a refactor did
// not apply. The error is an unknown name (*UnknownError) or, for a file
// BuildKit rejects, the *format.Error that format.Source would return; the
// refactors never run on such a file.
//
// Each refactor replaces whole lines of instructions: heredoc bodies stay
// byte for byte, comments stay, new line ends are the file's own.
func Apply(src []byte, names []string) (out []byte, skips []Skip, err error) {
	rs, err := Lookup(names)
	if err != nil {
		return nil, nil, err
	}
	var input *syntax.File // the tree of src as given
	var lineMap []int      // current line index -> input line index; nil is the identity
	for _, r := range rs {
		f, err := load(src)
		if err != nil {
			if lineMap != nil {
				// A refactor broke the file: never hand that on.
				return nil, nil, fmt.Errorf("refactor %s: internal error: the result does not parse: %v", r.Name, err)
			}
			return nil, nil, err
		}
		if input == nil {
			input = f.tree
		}
		f.name = r.Name
		r.run(f)
		for _, s := range f.skips {
			s.Line, s.Col = inputPos(f.tree, input, lineMap, s.Line, s.Col, false)
			s.EndLine, s.EndCol = inputPos(f.tree, input, lineMap, s.EndLine, s.EndCol, true)
			skips = append(skips, s)
		}
		if len(f.sites) == 0 {
			continue
		}
		next, from := f.output()
		newMap := make([]int, len(from))
		for i, l := range from {
			newMap[i] = origLine(lineMap, l)
		}
		lineMap, src = newMap, next
	}
	if lineMap != nil {
		if _, err := load(src); err != nil {
			return nil, nil, fmt.Errorf("internal error: the refactored file does not parse: %v", err)
		}
	}
	return src, skips, nil
}

// origLine is the input line that line (an index into the current text)
// came from, by lineMap (nil: the identity).
func origLine(lineMap []int, line int) int {
	if lineMap == nil || line >= len(lineMap) {
		return line
	}
	return lineMap[line]
}

// inputPos maps a 1-based line and byte column of cur, the text an
// earlier refactor rewrote, to the input: the line by lineMap, the column
// through what the two lines have in common. A column in their common
// prefix stays; one in their common suffix moves by the difference in
// length; one in between (text a refactor rewrote) goes to the start of
// the rewritten part, or with end to its end.
func inputPos(cur, input *syntax.File, lineMap []int, line, col int, end bool) (int, int) {
	i := origLine(lineMap, line-1)
	if lineMap == nil || line-1 >= len(cur.Lines) || i >= len(input.Lines) {
		return i + 1, col
	}
	a, b := cur.Lines[line-1].Text, input.Lines[i].Text
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	q := 0
	for q < len(a)-p && q < len(b)-p && a[len(a)-1-q] == b[len(b)-1-q] {
		q++
	}
	c := col - 1
	switch {
	case c < p || end && c == p:
		return i + 1, col
	case c >= len(a)-q:
		return i + 1, col - len(a) + len(b)
	case end:
		return i + 1, len(b) - q + 1
	}
	return i + 1, p + 1
}
