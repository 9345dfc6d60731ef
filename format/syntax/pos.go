package syntax

import (
	"unicode/utf8"
)

// Pos is a place in a Dockerfile's source.
type Pos struct {
	// Offset is the byte offset from the start of the source, a byte
	// order mark included.
	Offset int
	// Line is the 1-based line.
	Line int
	// Col is the 1-based byte column in the line (a byte order mark on
	// the first line not counted); see UTF16Col for editors.
	Col int
}

// LineOffset returns the byte offset at which line i (0-based, an index
// into f.Lines) starts in the source.
func (f *File) LineOffset(i int) int {
	f.offsetsOnce.Do(func() {
		f.offsets = make([]int, len(f.Lines)+1)
		off := 0
		if f.BOM {
			off = len(BOM)
		}
		for k, l := range f.Lines {
			f.offsets[k] = off
			off += len(l.Text) + len(l.EOL)
		}
		f.offsets[len(f.Lines)] = off
	})
	return f.offsets[i]
}

// At returns the position of byte col (0-based) of line i (0-based).
func (f *File) At(i, col int) Pos {
	return Pos{Offset: f.LineOffset(i) + col, Line: i + 1, Col: col + 1}
}

// Position returns the position of the byte at offset in the source. An
// offset in a line end is placed after the line's text, one in the byte
// order mark at the first column, and one past the end of the source after
// the last line.
func (f *File) Position(offset int) Pos {
	f.LineOffset(0)
	lo, hi := 0, len(f.Lines)
	for lo < hi { // the last line starting at or before offset
		m := int(uint(lo+hi+1) >> 1)
		if f.offsets[m] <= offset {
			lo = m
		} else {
			hi = m - 1
		}
	}
	if lo == len(f.Lines) {
		if lo == 0 {
			return Pos{Offset: offset, Line: 1, Col: 1}
		}
		lo--
	}
	col := offset - f.offsets[lo]
	col = max(0, min(col, len(f.Lines[lo].Text)))
	return f.At(lo, col)
}

// Start returns the position of the first byte of n that is not white
// space: an instruction's keyword, a comment's '#'.
func (f *File) Start(n *Node) Pos {
	if n.Kind == InstructionNode && len(n.InstrLines) > 0 {
		first := n.InstrLines[0]
		return f.At(first.Line, first.TextStart)
	}
	text := f.Lines[n.Start].Text
	return f.At(n.Start, len(text)-len(TrimLeftSpace(text)))
}

// JoinedPos returns the position in the file of byte j of n's joined text
// (Node.Joined): where a refactor's or a message's offset into the text
// BuildKit reads stands in the file. j = len(n.Joined()) is placed after
// the last byte.
func (f *File) JoinedPos(n *Node, j int) Pos {
	last := -1
	for k, l := range n.InstrLines {
		if l.Kind != TextLine {
			continue
		}
		w := l.TextEnd - l.TextStart
		if j < w {
			return f.At(l.Line, l.TextStart+j)
		}
		j -= w
		last = k
	}
	if last < 0 {
		return f.Start(n)
	}
	l := n.InstrLines[last]
	return f.At(l.Line, l.TextEnd+j)
}

// UTF16Col converts col, a 1-based byte column in line, to the 1-based
// column in UTF-16 code units that editors speaking the Language Server
// Protocol count by default. Invalid UTF-8 counts one unit a byte, as
// U+FFFD would.
func UTF16Col(line []byte, col int) int {
	n := 1
	b := line[:min(max(col-1, 0), len(line))]
	for len(b) > 0 {
		r, w := utf8.DecodeRune(b)
		b = b[w:]
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n + max(col-1-len(line), 0)
}
