package syntax

import (
	"strings"
	"testing"
)

func TestErrorColumn(t *testing.T) {
	for _, tt := range []struct {
		src       string
		line, col int
	}{
		{"FROM a\nENV PATH\n", 2, 1},
		{"FROM a\n   ENV PATH\n", 2, 4},
		{"\ufeffFROM a\n\tENV PATH\n", 2, 2},
		{"FROM a\nRUN a \\\n  b\n  \tLABEL x\n", 4, 4},
		{"# escape=x\nFROM a\n", 1, 1},
		{"  # syntax=a\n  # syntax=b\nFROM a\n", 2, 3},
	} {
		f := Parse([]byte(tt.src))
		if f.Err == nil || f.Err.Line != tt.line || f.Err.Col != tt.col {
			t.Errorf("%q: error %v, want at %d:%d", tt.src, f.Err, tt.line, tt.col)
		}
	}
}

func TestPositions(t *testing.T) {
	src := "\ufeffFROM a\r\n  RUN echo \\\n# c\n\n    one\\\n  two\nLABEL é=1\n"
	f := Parse([]byte(src))
	if f.Err != nil {
		t.Fatal(f.Err)
	}
	// Every offset maps to the line and column holding it, and back.
	for off := 3; off < len(src); off++ {
		p := f.Position(off)
		if want := f.LineOffset(p.Line-1) + p.Col - 1; p.Offset != off && src[off] != '\r' && src[off] != '\n' || want != p.Offset {
			t.Errorf("Position(%d) = %+v, back to %d", off, p, want)
		}
		if src[off] != '\r' && src[off] != '\n' {
			if got := f.Lines[p.Line-1].Text[p.Col-1]; got != src[off] {
				t.Errorf("Position(%d) = %+v holds %q, want %q", off, p, got, src[off])
			}
		}
	}
	if p := f.Position(len(src)); p.Line != 7 {
		t.Errorf("end: %+v", p)
	}
	run := f.Nodes[1]
	if p := f.Start(run); p.Line != 2 || p.Col != 3 {
		t.Errorf("Start(RUN) = %+v", p)
	}
	// The joined text "RUN echo     one  two": each byte back to the file.
	j := run.Joined()
	for i := 0; i < len(j); i++ {
		p := f.JoinedPos(run, i)
		if got := f.Lines[p.Line-1].Text[p.Col-1]; got != j[i] {
			t.Errorf("JoinedPos(%d) = %+v holds %q, want %q", i, p, got, j[i])
		}
	}
	if p := f.JoinedPos(run, strings.Index(j, "two")); p.Line != 6 || p.Col != 3 {
		t.Errorf("JoinedPos(two) = %+v", p)
	}
	if p := f.JoinedPos(run, len(j)); p.Line != 6 || p.Col != 6 {
		t.Errorf("JoinedPos(end) = %+v", p)
	}
	if p := f.Start(f.Nodes[len(f.Nodes)-1]); p.Line != 7 || p.Col != 1 || src[p.Offset:p.Offset+5] != "LABEL" {
		t.Errorf("Start(LABEL) = %+v", p)
	}
}

func TestUTF16Col(t *testing.T) {
	line := []byte("LABEL a=\"é😀x\"")
	for _, tt := range []struct{ col, want int }{
		{1, 1}, {9, 9}, {10, 10}, {12, 11}, {16, 13}, {17, 14}, {18, 15}, {30, 27},
	} {
		if got := UTF16Col(line, tt.col); got != tt.want {
			t.Errorf("UTF16Col(%d) = %d, want %d", tt.col, got, tt.want)
		}
	}
	if got := UTF16Col([]byte("a\xffb"), 4); got != 4 {
		t.Errorf("invalid UTF-8: %d", got)
	}
}
