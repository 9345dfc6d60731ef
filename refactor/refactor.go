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
	// Unsafe says which sites are unsafe, if it has any: those where
	// whether the build stays the same depends on what the file cannot
	// show (a base image's ENTRYPOINT, the build context's files). They
	// are skipped unless Options.Unsafe asks for them.
	Unsafe string

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
	// Unsafe is set where the site is an unsafe one, which
	// Options.Unsafe would apply: Reason then says what the file cannot
	// show.
	Unsafe bool
}

func (s Skip) String() string {
	if s.Unsafe {
		return fmt.Sprintf("%d:%d: %s: skipped: %s (unsafe: --unsafe applies it)", s.Line, s.Col, s.Name, s.Reason)
	}
	return fmt.Sprintf("%d:%d: %s: skipped: %s", s.Line, s.Col, s.Name, s.Reason)
}

// Options says which sites the refactors apply, and what they may read
// besides the Dockerfile. The zero Options applies the safe sites only
// and reads nothing else: that is Apply and Sites.
type Options struct {
	// Unsafe applies the unsafe sites too (dfmt -r --unsafe): those
	// where the build stays the same only if what the file cannot show
	// is as the refactor takes it to be (Refactor.Unsafe says what).
	Unsafe bool
	// Context is the folder of the build context (dfmt --context), where
	// add-to-copy looks at ADD's local sources; "" when it is unknown.
	Context string
	// Dir is the folder the Dockerfile is in. Where Context is "", an
	// unsafe add-to-copy site takes it for the build context, as "docker
	// build" of that folder would: with Unsafe, its sources are looked
	// at there. "" means the current folder.
	Dir string
}

// All is the catalogue. Apply runs it in this order, but for merge-runs,
// which it runs last.
var All = []*Refactor{
	DropOverridden,
	MergeRuns,
	AddToCopy,
	ExecForm,
	KeyValue,
	Maintainer,
	StageNames,
	Platform,
	ExposeProto,
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

// Apply runs the named refactors on src, in catalogue order but for
// merge-runs, which runs last (sorting packages before merging RUNs gives
// what sorting them after would, and lets Apply parse the file once less),
// each reading the file as the ones before it left it. It returns the rewritten file, which still
// needs formatting (format.Source), and the places where a refactor did
// not apply. The error is an unknown name (*UnknownError) or, for a file
// BuildKit rejects, the *format.Error that format.Source would return; the
// refactors never run on such a file.
//
// Each refactor replaces whole lines of instructions: heredoc bodies stay
// byte for byte, comments stay, new line ends are the file's own.
//
// Apply applies the safe sites only, and reports the unsafe ones as skips
// (Skip.Unsafe): it is Options{}.Apply.
func Apply(src []byte, names []string) (out []byte, skips []Skip, err error) {
	return Options{}.Apply(src, names)
}

// Apply is the package's Apply with these options: with o.Unsafe it
// applies the unsafe sites too, and add-to-copy reads o.Context.
func (o Options) Apply(src []byte, names []string) (out []byte, skips []Skip, err error) {
	out, skips, _, err = o.apply(src, names)
	return out, skips, err
}

// apply is Apply, which also returns, for each line of out, the index of
// the input line it came from (nil when out is src).
//
// Each refactor reads the file as the ones before it left it. To keep
// that linear in the file, the file is parsed again only when a refactor
// needs it: the sites of several refactors wait (pending) and are written
// at once as long as none touches the lines of another and none reads what
// another changed. A refactor whose sites meet pending ones runs again on
// the file with those written; merge-runs, which reads which instructions
// are next to each other, always reads the file as written.
func (o Options) apply(src []byte, names []string) (out []byte, skips []Skip, lineMap []int, err error) {
	rs, err := Lookup(names)
	if err != nil {
		return nil, nil, nil, err
	}
	if i := slices.Index(rs, MergeRuns); i >= 0 {
		rs = append(slices.Delete(rs, i, i+1), MergeRuns)
	}
	var input *syntax.File // the tree of src as given
	var f *file            // the parse of src
	var pending []site     // sites on f not yet written
	// write writes the pending sites to src; f is then stale.
	write := func() {
		if len(pending) == 0 {
			return
		}
		f.sites = pending
		next, from := f.output()
		newMap := make([]int, len(from))
		for i, l := range from {
			newMap[i] = origLine(lineMap, l)
		}
		lineMap, src, f, pending = newMap, next, nil, nil
	}
	for _, r := range rs {
		if r == MergeRuns {
			write()
		}
		for {
			if f == nil {
				f, err = load(src, o)
			}
			if err != nil {
				if lineMap != nil {
					// A refactor broke the file: never hand that on.
					return nil, nil, nil, fmt.Errorf("refactor %s: internal error: the result does not parse: %v", r.Name, err)
				}
				return nil, nil, nil, err
			}
			if input == nil {
				input = f.tree
			}
			f.name, f.sites, f.skips = r.Name, nil, nil
			r.run(f)
			if len(pending) > 0 && overlap(pending, f.sites) {
				write() // and run r again on the result
				continue
			}
			break
		}
		for _, s := range f.skips {
			s.Line, s.Col = inputPos(f.tree, input, lineMap, s.Line, s.Col, false)
			s.EndLine, s.EndCol = inputPos(f.tree, input, lineMap, s.EndLine, s.EndCol, true)
			skips = append(skips, s)
		}
		pending = append(pending, f.sites...)
	}
	if len(pending) > 0 {
		write()
		if pf := syntax.Parse(src); pf.Err != nil {
			return nil, nil, nil, fmt.Errorf("internal error: the refactored file does not parse: %v", pf.Err)
		}
	}
	return src, skips, lineMap, nil
}

// overlap reports whether a site of b touches the lines of a site of a.
// The sites of each do not overlap one another.
func overlap(a, b []site) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	byStart := func(x, y site) int { return x.start - y.start }
	slices.SortFunc(a, byStart)
	slices.SortFunc(b, byStart)
	for i, j := 0, 0; i < len(a) && j < len(b); {
		x, y := a[i], b[j]
		switch {
		case x.end <= y.start:
			i++
		case y.end <= x.start:
			j++
		default:
			return true
		}
	}
	return false
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
