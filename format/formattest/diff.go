package formattest

import (
	"fmt"
	"iter"
	"strings"
)

// linePair is line n (1-based) of two texts, line end included; a text
// too short to have it has ok false and "".
type linePair struct {
	n        int
	a, b     string
	okA, okB bool
}

// linePairs yields the lines of a and b side by side, to the end of the
// longer.
func linePairs(a, b []byte) iter.Seq[linePair] {
	la, lb := strings.SplitAfter(string(a), "\n"), strings.SplitAfter(string(b), "\n")
	return func(yield func(linePair) bool) {
		for i := 0; i < len(la) || i < len(lb); i++ {
			p := linePair{n: i + 1, okA: i < len(la), okB: i < len(lb)}
			if p.okA {
				p.a = la[i]
			}
			if p.okB {
				p.b = lb[i]
			}
			if !yield(p) {
				return
			}
		}
	}
}

// LineDiff shows two texts line by line, quoted so that white space, CR and
// the BOM are visible, marking the lines that differ.
func LineDiff(want, got []byte) string {
	var b strings.Builder
	for p := range linePairs(want, got) {
		if p.a == p.b {
			fmt.Fprintf(&b, "  %3d   %q\n", p.n, p.a)
			continue
		}
		if p.okA {
			fmt.Fprintf(&b, "- %3d   %q\n", p.n, p.a)
		}
		if p.okB {
			fmt.Fprintf(&b, "+ %3d   %q\n", p.n, p.b)
		}
	}
	return "(- want, + got)\n" + b.String()
}

// FirstLineDiff describes the first line, line end included, on which two
// texts differ, for a message of one line: "in" is a, "out" is b.
func FirstLineDiff(a, b []byte) string {
	for p := range linePairs(a, b) {
		if p.a != p.b {
			return fmt.Sprintf("line %d: in %q, out %q", p.n, p.a, p.b)
		}
	}
	return "identical"
}
