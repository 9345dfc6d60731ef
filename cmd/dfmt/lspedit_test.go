package main

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dfmt/dfmt/format"
)

// checkDiff checks that d is a diff of a and b: its kept and deleted lines
// make a, its kept and inserted lines make b. It returns the number of
// lines it changes.
func checkDiff(t *testing.T, a, b string, d []diffLine) int {
	t.Helper()
	var ga, gb strings.Builder
	changed := 0
	for _, l := range d {
		if l.kind != '+' {
			ga.WriteString(l.text)
		}
		if l.kind != '-' {
			gb.WriteString(l.text)
		}
		if l.kind != ' ' {
			changed++
		}
	}
	if ga.String() != a || gb.String() != b {
		t.Fatalf("not a diff of\n%q\nand\n%q:\n%q", a, b, d)
	}
	return changed
}

// TestAnchoredDiff checks that the fast diff is a diff, and as small as
// diffmatchpatch's where formatting made the changes.
func TestAnchoredDiff(t *testing.T) {
	srcs := append(goldenInputs(t), corpusSample(t, 300)...)
	srcs = append(srcs, genDockerfile(1000))
	for _, src := range srcs {
		res, err := format.Format([]byte(src), format.Options{})
		if err != nil {
			continue
		}
		out := string(res.Out)
		got := checkDiff(t, src, out, anchoredDiff(src, out))
		if want := checkDiff(t, src, out, diffLines(src, out)); got > want {
			t.Errorf("%.60q: the anchored diff changes %d lines, diffmatchpatch's %d", src, got, want)
		}
	}

	// Random edits of a file with many repeated lines, and none.
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"RUN a\n", "RUN b\n", "\n", "# c\n", "ENV d=1\n", "RUN e\n"}
	for range 2000 {
		var a, b []string
		for range r.IntN(40) {
			a = append(a, words[r.IntN(len(words))])
		}
		for _, l := range a {
			switch r.IntN(6) {
			case 0: // dropped
			case 1:
				b = append(b, words[r.IntN(len(words))], l)
			case 2:
				b = append(b, strings.ToLower(l))
			default:
				b = append(b, l)
			}
		}
		as, bs := strings.Join(a, ""), strings.Join(b, "")
		if r.IntN(4) == 0 {
			bs = strings.TrimSuffix(bs, "\n")
		}
		checkDiff(t, as, bs, anchoredDiff(as, bs))
	}
	// Too long to diff, and nothing to anchor on: replaced whole.
	a, b := strings.Repeat("RUN a\nRUN b\n", 300), strings.Repeat("RUN b\nRUN a\n", 300)
	if got := checkDiff(t, a, b, anchoredDiff(a, b)); got > 2*600 {
		t.Errorf("%d lines changed", got)
	}
}
