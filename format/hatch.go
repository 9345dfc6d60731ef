package format

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/dfmt/dfmt/format/syntax"
)

// The escape hatches of style rule 19 are comment lines between
// instructions whose first word is dfmt:ignore, dfmt:off or dfmt:on. Any
// text after that word, past white space, is the author's reason and is
// allowed.

// hatch is the escape hatch a comment line holds.
type hatch uint8

const (
	noHatch hatch = iota
	hatchIgnore
	hatchOff
	hatchOn
)

var hatchWords = [...]string{
	hatchIgnore: "dfmt:ignore",
	hatchOff:    "dfmt:off",
	hatchOn:     "dfmt:on",
}

func (h hatch) String() string { return hatchWords[h] }

// EscapeHatch returns "dfmt:ignore", "dfmt:off" or "dfmt:on" when a comment
// line (as written, without its line end) is that escape hatch, and "" for
// any other line. The hatch is the first word after the '#', exactly, ended
// by white space or by the end of the line: "# dfmt:ignore vendored as is"
// is a dfmt:ignore with a reason. Whether the line counts depends on where it
// stands: only comment lines between instructions are escape hatches.
func EscapeHatch(line []byte) string {
	if h, _ := readHatch(line); h != noHatch {
		return h.String()
	}
	return ""
}

// readHatch reads a comment line: the escape hatch it holds, and the
// 0-based byte offset in text of the word after the '#'.
func readHatch(text []byte) (h hatch, col int) {
	body, col := hatchBody(text)
	if len(body) < len("dfmt:on") || body[0] != 'd' || body[4] != ':' {
		return noHatch, col
	}
	return hatchOf(firstWord(body)), col
}

func hatchOf(word []byte) hatch {
	for h := hatchIgnore; h <= hatchOn; h++ {
		if string(word) == hatchWords[h] {
			return h
		}
	}
	return noHatch
}

// firstWord returns b up to its first white space.
func firstWord(b []byte) []byte {
	if i := bytes.IndexFunc(b, unicode.IsSpace); i >= 0 {
		return b[:i]
	}
	return b
}

// lookalike returns the warning for a comment line that is no escape hatch
// but reads like one, or "". Such a line's text after the '#' starts with
// "dfmt:" once the blanks (spaces, tabs) around the colon are taken out: a
// first word that starts with "dfmt:" ("dfmt:ignor", "dfmt:ignore-next"),
// or a hatch split at its colon ("dfmt: off", "dfmt :ignore"). "dfmt" may
// be in any case ("DFMT:OFF"), since a hatch in another case is a likely
// slip; the warning then lists the hatches, all in lower case.
func lookalike(text []byte) string {
	body, _ := hatchBody(text)
	if len(body) < len("dfmt:") || !bytes.EqualFold(body[:4], []byte("dfmt")) {
		return ""
	}
	i := 4
	for i < len(body) && isBlank(body[i]) {
		i++
	}
	if i == len(body) || body[i] != ':' {
		return "" // "# dfmt is great"
	}
	j := i + 1
	for j < len(body) && isBlank(body[j]) {
		j++
	}
	if i == 4 && j == 5 {
		// "dfmt:" and no blank after it: the first word is no hatch, or
		// readHatch would have found it.
		return fmt.Sprintf("unknown dfmt directive %s (want dfmt:ignore, dfmt:off or dfmt:on)", quoteShort(firstWord(body)))
	}
	next := firstWord(body[j:])
	written := bytes.TrimRight(body[:j+len(next)], " \t")
	if h := hatchOf(append([]byte("dfmt:"), next...)); h != noHatch && string(body[:4]) == "dfmt" {
		return fmt.Sprintf("dfmt directive %s has a blank around its colon (want %s)", quoteShort(written), h)
	}
	return fmt.Sprintf("unknown dfmt directive %s (want dfmt:ignore, dfmt:off or dfmt:on)", quoteShort(written))
}

func isBlank(b byte) bool { return b == ' ' || b == '\t' }

// quoteShort quotes b for a message, cut short after 40 bytes: a warning
// should fit on a line, whatever the comment holds.
func quoteShort(b []byte) string {
	const max = 40
	if len(b) <= max {
		return strconv.Quote(string(b))
	}
	i := max
	for i > 0 && !utf8.RuneStart(b[i]) {
		i--
	}
	return strconv.Quote(string(b[:i])) + "..."
}

// hatchBody returns a comment line's text after the '#' and the white space
// after it, and that text's 0-based byte offset in the line; nil when the
// line is no comment.
func hatchBody(text []byte) ([]byte, int) {
	t := syntax.TrimLeftSpace(text)
	if len(t) == 0 || t[0] != '#' {
		return nil, 0
	}
	body := syntax.TrimLeftSpace(t[1:])
	return body, len(text) - len(body)
}

// hatches is what the escape hatches of a file ask of the printer, and what
// they draw warnings for.
type hatches struct {
	// ignore marks the instructions (by node index) that a dfmt:ignore
	// keeps as written.
	ignore map[int]bool
	// off maps the node index of a dfmt:off that opens a region to the
	// index of the node after the region: the region holds its dfmt:on,
	// or, without one, runs to the end of the file.
	off map[int]int
	// warnings are in file order.
	warnings []Warning
}

// readHatches finds the escape hatches of f: a dfmt:ignore directly above an
// instruction, a dfmt:off outside a region, the first dfmt:on inside one.
//
// It warns for a comment that reads like a hatch and is none (lookalike),
// in a region or out of one; for a dfmt:ignore not directly above an
// instruction (a blank line, another comment or the end of the file comes
// next) and a dfmt:on with no region open, which do nothing; and for a
// hatch, or a lookalike, on a comment line inside an instruction's
// continuation lines: BuildKit drops those lines, and dfmt reads no hatch
// there. A dfmt:ignore or dfmt:off inside a region does nothing either,
// but does no harm: no warning.
func readHatches(f *syntax.File) hatches {
	var hs hatches
	warn := func(line, col int, msg string) {
		hs.warnings = append(hs.warnings, Warning{Line: line + 1, Col: col + 1, Msg: msg})
	}
	open := -1 // the dfmt:off node of the region the loop is in
	for k, n := range f.Nodes {
		switch n.Kind {
		case syntax.CommentNode:
		case syntax.InstructionNode:
			for _, pt := range n.InstrLines {
				if pt.Kind != syntax.CommentLine {
					continue
				}
				text := f.Lines[pt.Line].Text
				if h, col := readHatch(text); h != noHatch {
					warn(pt.Line, col, h.String()+" inside an instruction does nothing")
				} else if msg := lookalike(text); msg != "" {
					warn(pt.Line, col, msg)
				}
			}
			continue
		default:
			continue
		}
		text := f.Lines[n.Start].Text
		h, col := readHatch(text)
		switch {
		case h == noHatch:
			if msg := lookalike(text); msg != "" {
				warn(n.Start, col, msg)
			}
		case open >= 0:
			if h == hatchOn {
				hs.off[open] = k + 1
				open = -1
			}
		case h == hatchOff:
			if hs.off == nil {
				hs.off = map[int]int{}
			}
			hs.off[k] = len(f.Nodes)
			open = k
		case h == hatchOn:
			warn(n.Start, col, "dfmt:on with no dfmt:off open")
		case h == hatchIgnore:
			if k+1 < len(f.Nodes) && f.Nodes[k+1].Kind == syntax.InstructionNode {
				if hs.ignore == nil {
					hs.ignore = map[int]bool{}
				}
				hs.ignore[k+1] = true
			} else {
				warn(n.Start, col, "dfmt:ignore does nothing here: no instruction on the next line")
			}
		}
	}
	return hs
}
