package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// diffContext is the number of unchanged lines around each change.
const diffContext = 3

// maxDiffLines bounds the lines given to diffmatchpatch, whose line mode
// encodes each distinct line as one rune and so can tell apart no more
// than about 1,112,000. Above it, unifiedDiff falls back to replacing
// everything between the common head and tail: a correct diff, if not a
// minimal one. A variable for tests.
var maxDiffLines = 1_000_000

// A diffLine is one line of a unified diff: kind is ' ', '-' or '+', and
// text the line with its line end, if it has one.
type diffLine struct {
	kind byte
	text string
}

// unifiedDiff returns the unified diff from a to b, as diff -u and patch
// know it: "--- oldName" and "+++ newName" headers (no time stamps), then
// hunks with three lines of context. Lines are split after each "\n" and
// printed with their own ends, so a CRLF file's diff keeps its "\r"; a last
// line without a line end is followed by "\ No newline at end of file". It
// returns nil when a and b are equal.
func unifiedDiff(oldName, newName string, a, b []byte) []byte {
	if bytes.Equal(a, b) {
		return nil
	}
	return formatDiff(oldName, newName, diffLines(string(a), string(b)))
}

// formatDiff is unifiedDiff for lines already diffed, which must hold a
// change.
func formatDiff(oldName, newName string, lines []diffLine) []byte {
	var out bytes.Buffer
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	for _, h := range hunks(lines, diffContext) {
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(h.oldStart, h.oldCount), hunkRange(h.newStart, h.newCount))
		for _, l := range h.lines {
			out.WriteByte(l.kind)
			out.WriteString(l.text)
			if !strings.HasSuffix(l.text, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
	}
	return out.Bytes()
}

// A hunk is a run of changed lines with the unchanged lines around them.
type hunk struct {
	oldStart, newStart int // the lines of a and b before the hunk
	oldCount, newCount int // the lines of a and b in the hunk
	lines              []diffLine
}

// hunks groups the changes of a line diff into hunks with context unchanged
// lines before and after each change, one hunk for changes whose contexts
// touch, as diff -U context does. With no context each hunk is one run of
// changed lines: what -d shows, less the context.
func hunks(lines []diffLine, context int) []hunk {
	var out []hunk
	// oldNo and newNo count the lines of a and b before lines[i].
	oldNo, newNo := 0, 0
	for i := 0; i < len(lines); {
		// Find the next change and the context before it.
		c := i
		for c < len(lines) && lines[c].kind == ' ' {
			c++
		}
		if c == len(lines) {
			break
		}
		start := max(c-context, i)
		oldNo += start - i // lines[i:start] are all equal
		newNo += start - i
		// Extend the hunk over every change whose gap of equal lines to
		// the previous one is short enough that their contexts touch.
		end := c // one past the last change
		for {
			for end < len(lines) && lines[end].kind != ' ' {
				end++
			}
			eq := end
			for eq < len(lines) && lines[eq].kind == ' ' {
				eq++
			}
			if eq == len(lines) || eq-end > 2*context {
				break
			}
			end = eq
		}
		stop := min(end+context, len(lines))

		h := hunk{oldStart: oldNo, newStart: newNo, lines: lines[start:stop]}
		for _, l := range h.lines {
			if l.kind != '+' {
				h.oldCount++
			}
			if l.kind != '-' {
				h.newCount++
			}
		}
		out = append(out, h)
		oldNo += h.oldCount
		newNo += h.newCount
		i = stop
	}
	return out
}

// hunkRange is one side of a hunk header as GNU diff prints it: "start",
// "start,count", or for an empty range the line before it and ",0".
func hunkRange(before, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", before)
	case 1:
		return fmt.Sprintf("%d", before+1)
	}
	return fmt.Sprintf("%d,%d", before+1, count)
}

// diffLines is the line diff of a and b: every line of both, in order,
// marked equal, deleted or inserted. Within each run of changes the
// deletions come first, as diff prints them.
func diffLines(a, b string) []diffLine {
	// Trim the common head and tail by hand: most formatting changes are
	// few and far apart, and this keeps the lines given to
	// diffmatchpatch, and so its rune encoding, small.
	al, bl := splitLines(a), splitLines(b)
	head := 0
	for head < len(al) && head < len(bl) && al[head] == bl[head] {
		head++
	}
	tail := 0
	for tail < len(al)-head && tail < len(bl)-head && al[len(al)-1-tail] == bl[len(bl)-1-tail] {
		tail++
	}
	var out []diffLine
	for _, l := range al[:head] {
		out = append(out, diffLine{' ', l})
	}
	midA, midB := al[head:len(al)-tail], bl[head:len(bl)-tail]
	out = append(out, diffMiddle(midA, midB)...)
	for _, l := range al[len(al)-tail:] {
		out = append(out, diffLine{' ', l})
	}
	return out
}

// diffMiddle diffs two runs of lines with no common first or last line.
func diffMiddle(a, b []string) []diffLine {
	var out []diffLine
	if len(a)+len(b) > maxDiffLines || len(a) == 0 || len(b) == 0 {
		for _, l := range a {
			out = append(out, diffLine{'-', l})
		}
		for _, l := range b {
			out = append(out, diffLine{'+', l})
		}
		return out
	}
	dmp := diffmatchpatch.New()
	ca, cb, lineArray := dmp.DiffLinesToChars(strings.Join(a, ""), strings.Join(b, ""))
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lineArray)

	var del, ins []diffLine
	flush := func() {
		out = append(out, del...)
		out = append(out, ins...)
		del, ins = del[:0], ins[:0]
	}
	for _, d := range diffs {
		for _, l := range splitLines(d.Text) {
			switch d.Type {
			case diffmatchpatch.DiffDelete:
				del = append(del, diffLine{'-', l})
			case diffmatchpatch.DiffInsert:
				ins = append(ins, diffLine{'+', l})
			default:
				flush()
				out = append(out, diffLine{' ', l})
			}
		}
	}
	flush()
	return out
}

// splitLines splits s after each "\n"; a last line without one is kept.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}
