package syntax

import (
	"bytes"
	"sync"
)

// Line is one physical line of a Dockerfile.
type Line struct {
	// Text is the line without its line end.
	Text []byte
	// EOL is the line end: the trailing run of '\r' and '\n' bytes that
	// BuildKit trims (parser.go, trimNewline), or empty for a last line
	// without one.
	EOL []byte
}

// NodeKind tells what a top-level node of a File is.
type NodeKind uint8

// The kinds of top-level nodes.
const (
	BlankNode       NodeKind = iota // an empty or white-space line
	CommentNode                     // a line whose first non-blank byte is '#'
	DirectiveNode                   // a parser directive such as "# escape=`"
	InstructionNode                 // an instruction with its continuation lines and heredoc bodies
	UnreadNode                      // lines BuildKit never reads (after a line over 64 KiB)
)

// InstrLineKind tells what a line inside an instruction is.
type InstrLineKind uint8

// The kinds of lines inside an instruction, before its heredoc bodies.
const (
	TextLine    InstrLineKind = iota // a line that contributes text
	CommentLine                      // a comment line inside a continuation, dropped by BuildKit
	BlankLine                        // an empty continuation line, dropped by BuildKit
)

// InstrLine is one physical line of an instruction before its heredoc bodies.
type InstrLine struct {
	Kind InstrLineKind
	// Cont reports that the line ends with the continuation character.
	Cont bool
	Line int // index into File.Lines
	// TextStart and TextEnd delimit, in the line's Text, the bytes that the
	// line contributes to the joined instruction (a TextLine only): the
	// first line loses its leading white space, every line the continuation
	// character and the blanks after it.
	TextStart, TextEnd int
}

// Node is a top-level element of a File: a blank line, a comment, a parser
// directive, or an instruction spanning lines [Start, End).
type Node struct {
	Kind NodeKind

	// Description marks a comment line whose text BuildKit reads as written
	// with the instruction below it: a FROM or ARG description, or a check
	// directive (# check=skip=…) for that instruction. The printer keeps its
	// indentation, which is part of that text.
	Description bool

	Start, End int

	// Instruction nodes only.
	InstrLines []InstrLine // lines [Start, BodyStart)
	BodyStart  int         // first heredoc body line; End when there is none
	Lowered    *Lowered    // what BuildKit sees; nil when the instruction failed to parse

	joinedText string // the joined text, as the scanner built it
	index      int    // in File.Nodes
}

// Joined returns an instruction's text as BuildKit joins its lines, before
// it splits off the keyword: the first line without its leading white space,
// continuation characters, comment lines and empty lines dropped.
func (n *Node) Joined() string { return n.joinedText }

// File is the lossless concrete syntax tree of one Dockerfile: every byte of
// the input is in exactly one Line, and every Line in exactly one Node.
type File struct {
	BOM    bool // the input began with a UTF-8 byte order mark
	Lines  []Line
	Nodes  []*Node
	Escape byte // the escape and continuation character: '\\' or '`'
	// Directives are the parser directives in force, in order.
	Directives []Directive
	// Err is the first fault BuildKit's parser reports for this file, or nil.
	Err *Error

	Lowered []*Lowered // every instruction's lowering, in order

	offsetsOnce sync.Once
	offsets     []int // where each line starts, and the end; see LineOffset
}

// Directive is a parser directive: syntax, escape or check.
type Directive struct {
	Name, Value string
}

// BOM is the UTF-8 byte order mark, which File.BOM records.
const BOM = "\xef\xbb\xbf"

// Verbatim prints the tree unchanged: the input, byte for byte.
func (f *File) Verbatim() []byte {
	n := 0
	for _, l := range f.Lines {
		n += len(l.Text) + len(l.EOL)
	}
	out := make([]byte, 0, n+3)
	if f.BOM {
		out = append(out, BOM...)
	}
	for _, l := range f.Lines {
		out = append(out, l.Text...)
		out = append(out, l.EOL...)
	}
	return out
}

// splitLines cuts src after every '\n', as BuildKit's scanner does
// (parser.go, scanLines), and separates each line's end.
func splitLines(src []byte) []Line {
	lines := make([]Line, 0, bytes.Count(src, []byte{'\n'})+1)
	for len(src) > 0 {
		var tok []byte
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			tok, src = src[:i+1], src[i+1:]
		} else {
			tok, src = src, nil
		}
		j := len(tok)
		for j > 0 && (tok[j-1] == '\n' || tok[j-1] == '\r') {
			j--
		}
		lines = append(lines, Line{Text: tok[:j:j], EOL: tok[j:]})
	}
	return lines
}
