package formattest

import (
	"fmt"
	"strings"
)

// LineDiff shows two texts line by line, quoted so that white space, CR and
// the BOM are visible, marking the lines that differ.
func LineDiff(want, got []byte) string {
	w := strings.SplitAfter(string(want), "\n")
	g := strings.SplitAfter(string(got), "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl == gl {
			fmt.Fprintf(&b, "  %3d   %q\n", i+1, wl)
			continue
		}
		if i < len(w) {
			fmt.Fprintf(&b, "- %3d   %q\n", i+1, wl)
		}
		if i < len(g) {
			fmt.Fprintf(&b, "+ %3d   %q\n", i+1, gl)
		}
	}
	return "(- want, + got)\n" + b.String()
}

// FirstLineDiff describes the first line, line end included, on which two
// texts differ, for a message of one line: "in" is a, "out" is b.
func FirstLineDiff(a, b []byte) string {
	la, lb := strings.SplitAfter(string(a), "\n"), strings.SplitAfter(string(b), "\n")
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return fmt.Sprintf("line %d: in %q, out %q", i+1, x, y)
		}
	}
	return "identical"
}
