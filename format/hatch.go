package format

import (
	"bytes"
	"unicode"
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
	word := body
	if i := bytes.IndexFunc(body, unicode.IsSpace); i >= 0 {
		word = body[:i]
	}
	for h := hatchIgnore; h <= hatchOn; h++ {
		if string(word) == hatchWords[h] {
			return h, col
		}
	}
	return noHatch, col
}

// hatchBody returns a comment line's text after the '#' and the white space
// after it, and that text's 0-based byte offset in the line; nil when the
// line is no comment.
func hatchBody(text []byte) ([]byte, int) {
	t := trimLeftSpace(text)
	if len(t) == 0 || t[0] != '#' {
		return nil, 0
	}
	body := trimLeftSpace(t[1:])
	return body, len(text) - len(body)
}

// hatches is what the escape hatches of a file ask of the printer.
type hatches struct {
	// ignore marks the instructions (by node index) that a dfmt:ignore
	// keeps as written.
	ignore map[int]bool
	// off maps the node index of a dfmt:off that opens a region to the
	// index of the node after the region: the region holds its dfmt:on,
	// or, without one, runs to the end of the file.
	off map[int]int
}

// readHatches finds the escape hatches of f: a dfmt:ignore directly above an
// instruction, a dfmt:off outside a region, the first dfmt:on inside one.
func readHatches(f *File) hatches {
	var hs hatches
	open := -1 // the dfmt:off node of the region the loop is in
	for k, n := range f.Nodes {
		if n.Kind != CommentNode {
			continue
		}
		h, _ := readHatch(f.Lines[n.Start].Text)
		switch {
		case h == noHatch:
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
		case h == hatchIgnore:
			if k+1 < len(f.Nodes) && f.Nodes[k+1].Kind == InstructionNode {
				if hs.ignore == nil {
					hs.ignore = map[int]bool{}
				}
				hs.ignore[k+1] = true
			}
		}
	}
	return hs
}
