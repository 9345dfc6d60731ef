package main

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/dfmt/dfmt/format/syntax"
)

// This file turns byte offsets into the protocol's positions and back, and
// the formatter's output into the edits that an editor applies.

// lspPos is a place in a document: a 0-based line, as the protocol
// counts lines (ended by "\n", "\r\n" or "\r"), and a 0-based character
// offset in the line in the negotiated encoding's code units.
type lspPos struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type lspRange struct {
	Start lspPos `json:"start"`
	End   lspPos `json:"end"`
}

type textEdit struct {
	Range   lspRange `json:"range"`
	NewText string   `json:"newText"`
}

// Position encodings, as the protocol names them.
const (
	encUTF16 = "utf-16"
	encUTF8  = "utf-8"
)

// lineIndex maps between byte offsets in a document's text and positions.
type lineIndex struct {
	text   string
	starts []int // where each line starts; a text ending in a line break has an empty last line
	utf8   bool  // characters are bytes, not UTF-16 code units
}

func newLineIndex(text string, enc string) *lineIndex {
	x := &lineIndex{text: text, utf8: enc == encUTF8}
	x.starts = make([]int, 1, strings.Count(text, "\n")+2)
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			x.starts = append(x.starts, i+1)
		case '\n':
			x.starts = append(x.starts, i+1)
		}
	}
	return x
}

// lineText is line l without its line break.
func (x *lineIndex) lineText(l int) string {
	end := len(x.text)
	if l+1 < len(x.starts) {
		end = x.starts[l+1]
	}
	s := x.text[x.starts[l]:end]
	return strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r")
}

// pos returns the position of byte offset off. An offset inside a line
// break is placed at the end of the line's text.
func (x *lineIndex) pos(off int) lspPos {
	off = max(0, min(off, len(x.text)))
	l := sort.Search(len(x.starts), func(i int) bool { return x.starts[i] > off }) - 1
	line := x.lineText(l)
	col := min(off-x.starts[l], len(line))
	if x.utf8 {
		return lspPos{l, col}
	}
	return lspPos{l, syntax.UTF16Col([]byte(line[:col]), col+1) - 1}
}

// offset returns the byte offset of p. A line past the end is the end of
// the text; a character past the end of its line, the end of the line's
// text, as the protocol says; one inside a character (a byte within a UTF-8
// sequence, a unit between two surrogates), the start of that character.
func (x *lineIndex) offset(p lspPos) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(x.starts) {
		return len(x.text)
	}
	line := x.lineText(p.Line)
	start := x.starts[p.Line]
	if p.Character <= 0 {
		return start
	}
	if x.utf8 {
		col := min(p.Character, len(line))
		for col > 0 && col < len(line) && !utf8.RuneStart(line[col]) {
			col--
		}
		return start + col
	}
	units := 0
	for i, r := range line {
		n := 1
		if r >= 0x10000 {
			n = 2
		}
		if units+n > p.Character {
			return start + i
		}
		units += n
	}
	return start + len(line)
}

// rangeOf is the range of bytes [from, to).
func (x *lineIndex) rangeOf(from, to int) lspRange {
	return lspRange{x.pos(from), x.pos(to)}
}

// lineEdits returns the edits that turn x's text into next: one for each
// run of changed lines, replacing whole lines, so that no edit touches a
// line that stays as it was and an editor keeps its cursors and marks
// there. The edits do not overlap and are in document order.
func lineEdits(x *lineIndex, next string) []textEdit {
	if x.text == next {
		return []textEdit{}
	}
	edits := []textEdit{}
	off := 0        // bytes of x.text before the current line
	start := -1     // where the current run of changes starts, or -1
	var repl []byte // the run's new lines
	flush := func() {
		if start >= 0 {
			edits = append(edits, textEdit{x.rangeOf(start, off), string(repl)})
			start, repl = -1, repl[:0]
		}
	}
	for _, l := range anchoredDiff(x.text, next) {
		switch l.kind {
		case ' ':
			flush()
			off += len(l.text)
		case '-':
			if start < 0 {
				start = off
			}
			off += len(l.text)
		case '+':
			if start < 0 {
				start = off
			}
			repl = append(repl, l.text...)
		}
	}
	flush()
	return edits
}

// applyEdits applies non-overlapping edits to x's text; it is what an
// editor does, for tests and for range formatting's check.
func applyEdits(x *lineIndex, edits []textEdit) string {
	type span struct {
		from, to int
		text     string
	}
	spans := make([]span, len(edits))
	for i, e := range edits {
		spans[i] = span{x.offset(e.Range.Start), x.offset(e.Range.End), e.NewText}
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
	var b strings.Builder
	off := 0
	for _, s := range spans {
		b.WriteString(x.text[off:max(off, s.from)])
		b.WriteString(s.text)
		off = max(off, s.to)
	}
	b.WriteString(x.text[off:])
	return b.String()
}

// formatLines returns src with the lines of the instructions that the
// bytes [from, to] of src touch as formatted has them, and every other line
// as src has it. The runs of comments and blank lines between instructions
// count as one more piece each. formatted must be src formatted: the
// formatter keeps the instructions one for one and checks each on its own,
// so any mix of formatted and unformatted instructions builds the same.
func formatLines(src, formatted string, from, to int) (string, error) {
	f := syntax.Parse([]byte(src))
	first := f.Position(from).Line - 1
	if to > from && f.Position(to).Col == 1 {
		// A range that ends at the start of a line, as a selection of
		// whole lines does, does not touch that line.
		to--
	}
	last := f.Position(to).Line - 1
	return formatPieces(f, formatted, func(p lineSpan) bool {
		return p.start <= last && p.end-1 >= first
	})
}

// formatPieces returns f's text with the pieces (see pieces) for which want
// is true as formatted, f's text formatted, has them.
func formatPieces(f *syntax.File, formatted string, want func(lineSpan) bool) (string, error) {
	g := syntax.Parse([]byte(formatted))
	fp, gp := pieces(f), pieces(g)
	if len(fp) != len(gp) {
		return "", fmt.Errorf("the formatted text has %d instructions where the document has %d", len(gp)/2, len(fp)/2)
	}
	var b strings.Builder
	if f.BOM {
		b.WriteString(syntax.BOM)
	}
	open := false // the last line written has no line end
	write := func(lines []syntax.Line) {
		for _, l := range lines {
			if open {
				b.WriteByte('\n') // a last line that is no longer last
			}
			b.Write(l.Text)
			b.Write(l.EOL)
			open = len(l.EOL) == 0
		}
	}
	for i, p := range fp {
		if p.start < p.end && want(p) {
			write(g.Lines[gp[i].start:gp[i].end])
		} else {
			write(f.Lines[p.start:p.end])
		}
	}
	out := b.String()
	if err := syntax.Parse([]byte(out)).Err; err != nil {
		return "", fmt.Errorf("formatting part of the document breaks it: %v", err)
	}
	return out, nil
}

// lineSpan is the lines [start, end) of a File.
type lineSpan struct{ start, end int }

// pieces cuts f into its instructions and the runs of other lines before,
// between and after them (which may be empty): 2n+1 spans for n
// instructions, instructions at the odd indexes.
func pieces(f *syntax.File) []lineSpan {
	var ps []lineSpan
	prev := 0
	for _, n := range f.Nodes {
		if n.Kind == syntax.InstructionNode {
			ps = append(ps, lineSpan{prev, n.Start}, lineSpan{n.Start, n.End})
			prev = n.End
		}
	}
	return append(ps, lineSpan{prev, len(f.Lines)})
}

// smallDiff bounds the product of the lengths of the runs of lines that
// anchoredDiff diffs by lcsDiff, whose time and memory it is.
const smallDiff = 50_000

// anchoredDiff is the line diff of a and b, as diffLines returns it, in
// time close to linear for what formatting does to a file: many small
// changes spread over it, which make the plain diff's cost grow with
// their number times the file's length. Lines that occur once in each
// side, in the same order, anchor the diff (as in patience diff); the
// short runs between anchors are diffed by lcsDiff.
func anchoredDiff(a, b string) []diffLine {
	al, bl := splitLines(a), splitLines(b)
	out := make([]diffLine, 0, max(len(al), len(bl))+16)
	return diffRange(out, al, bl)
}

func diffRange(out []diffLine, a, b []string) []diffLine {
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		out = append(out, diffLine{' ', a[head]})
		head++
	}
	a, b = a[head:], b[head:]
	tail := 0
	for tail < len(a) && tail < len(b) && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	same := a[len(a)-tail:]
	a, b = a[:len(a)-tail], b[:len(b)-tail]
	switch anchors := uniqueAnchors(a, b); {
	case len(anchors) > 0:
		i, j := 0, 0
		for _, k := range anchors {
			out = diffRange(out, a[i:k[0]], b[j:k[1]])
			out = append(out, diffLine{' ', a[k[0]]})
			i, j = k[0]+1, k[1]+1
		}
		out = diffRange(out, a[i:], b[j:])
	case len(a)*len(b) <= smallDiff:
		out = lcsDiff(out, a, b)
	default:
		// No line to hold on to, and too many to diff: replace them
		// all, which is right if not minimal.
		for _, l := range a {
			out = append(out, diffLine{'-', l})
		}
		for _, l := range b {
			out = append(out, diffLine{'+', l})
		}
	}
	for _, l := range same {
		out = append(out, diffLine{' ', l})
	}
	return out
}

// uniqueAnchors returns the pairs (i, j) with a[i] == b[j] a line that
// occurs once in a and once in b, as many of them as keep the same order
// in both (a longest increasing run of j, by patience sorting).
func uniqueAnchors(a, b []string) [][2]int {
	if len(a) == 0 || len(b) == 0 {
		return nil
	}
	// How often each line of a occurs in a and in b, and where in b.
	type seen struct{ na, nb, j int32 }
	index := make(map[string]int32, len(a))
	counts := make([]seen, 0, len(a))
	for _, l := range a {
		k, ok := index[l]
		if !ok {
			k = int32(len(counts))
			index[l] = k
			counts = append(counts, seen{})
		}
		counts[k].na++
	}
	for j, l := range b {
		if k, ok := index[l]; ok {
			counts[k].nb++
			counts[k].j = int32(j)
		}
	}
	var pairs [][2]int
	for i, l := range a {
		if s := counts[index[l]]; s.na == 1 && s.nb == 1 {
			pairs = append(pairs, [2]int{i, int(s.j)})
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	// Patience sorting: tops[k] is the pair ending the best run of
	// length k+1 found so far; prev links each pair to the one before it.
	var tops []int
	prev := make([]int, len(pairs))
	for p, pr := range pairs {
		k := sort.Search(len(tops), func(k int) bool { return pairs[tops[k]][1] > pr[1] })
		prev[p] = -1
		if k > 0 {
			prev[p] = tops[k-1]
		}
		if k == len(tops) {
			tops = append(tops, p)
		} else {
			tops[k] = p
		}
	}
	run := make([][2]int, len(tops))
	for p, k := tops[len(tops)-1], len(tops)-1; p >= 0; p, k = prev[p], k-1 {
		run[k] = pairs[p]
	}
	return run
}

// lcsDiff appends the diff of a and b by their longest common
// subsequence, in time and memory proportional to len(a)*len(b).
func lcsDiff(out []diffLine, a, b []string) []diffLine {
	n, m := len(a), len(b)
	w := m + 1
	// lcs[i*w+j] is the length of the longest common subsequence of
	// a[i:] and b[j:].
	lcs := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			out = append(out, diffLine{' ', a[i]})
			i, j = i+1, j+1
		case j == m || (i < n && lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
			out = append(out, diffLine{'-', a[i]})
			i++
		default:
			out = append(out, diffLine{'+', b[j]})
			j++
		}
	}
	return out
}
