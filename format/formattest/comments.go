package formattest

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// bkComment is a comment line, with where it stands relative to the
// instructions BuildKit sees.
type bkComment struct {
	text  string // trimmed of surrounding white space
	line  int    // 1-based
	instr int    // number of instructions that start before it
	in    bool   // inside instruction instr (a continuation comment)
}

// bkComments returns the comment lines of src: lines whose first non-blank
// character is '#', outside heredoc bodies. res is BuildKit's tree of src
// (nil for a file BuildKit rejects for having no instructions: then no line
// is a heredoc body). Heredoc bodies are the last lines of an instruction's
// StartLine..EndLine range: each heredoc takes the lines of its Content (which
// BuildKit keeps with their line ends) plus its terminator line.
func bkComments(src []byte, res *parser.Result) []bkComment {
	type span struct{ start, end, bodyFrom int }
	var spans []span
	if res != nil {
		for _, n := range res.AST.Children {
			s := span{n.StartLine, n.EndLine, n.EndLine + 1}
			for _, h := range n.Heredocs {
				s.bodyFrom -= strings.Count(h.Content, "\n") + 1
			}
			spans = append(spans, s)
		}
	}
	src = bytes.TrimPrefix(src, []byte{0xEF, 0xBB, 0xBF})
	var cs []bkComment
	k := 0 // spans[:k] start before the current line
	for i := 1; len(src) > 0; i++ {
		line, rest, _ := bytes.Cut(src, []byte("\n"))
		src = rest
		for k < len(spans) && spans[k].start <= i {
			k++
		}
		in := k > 0 && i <= spans[k-1].end
		if in && i >= spans[k-1].bodyFrom {
			continue // heredoc body or terminator
		}
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] == '#' {
			cs = append(cs, bkComment{text: string(t), line: i, instr: k, in: in})
		}
	}
	return cs
}

// commentPlace is where a comment stands among the spans of a walk:
// before the first (span -1), or inside or after span's instructions, or
// within a span of several instructions (inside one of them or between
// two), where an allowed change may have moved it.
type commentPlace struct {
	span  int
	where string // "before", "inside", "after" or "within"
}

// places returns the place of each comment, on the side whose instruction
// ranges spans give (in when in is true). nil spans stand for one span an
// instruction, as in a walk of equal instructions.
func places(cs []bkComment, spans []span, in bool) []commentPlace {
	ps := make([]commentPlace, len(cs))
	for i, c := range cs {
		if c.instr == 0 {
			ps[i] = commentPlace{-1, "before"}
			continue
		}
		k := c.instr - 1 // the instruction it is inside or after
		s, last, several := k, true, false
		for si, sp := range spans {
			from, to := sp.outFrom, sp.outTo
			if in {
				from, to = sp.inFrom, sp.inTo
			}
			if from <= k && k < to {
				s, last = si, k == to-1
				several = sp.inTo-sp.inFrom > 1 || sp.outTo-sp.outFrom > 1
				break
			}
		}
		switch {
		case several && (c.in || !last):
			ps[i] = commentPlace{s, "within"}
		case c.in:
			ps[i] = commentPlace{s, "inside"}
		default:
			ps[i] = commentPlace{s, "after"}
		}
	}
	return ps
}

func (p commentPlace) String() string {
	if p.span < 0 {
		return "before the first instruction"
	}
	return fmt.Sprintf("%s instruction %d", p.where, p.span+1)
}

// sameComments reports the first comment of in that out lost, moved or
// added. The multiset of texts must match (nothing lost or added), and so
// must the sequence with each comment's place among the instructions
// (STYLE.md rule 18: a comment never moves to another instruction), the
// instructions being matched by the walk's spans.
func sameComments(in, out []bkComment, spans []span) error {
	count := map[string]int{}
	for _, c := range in {
		count[c.text]++
	}
	for _, c := range out {
		count[c.text]--
	}
	for _, c := range in {
		if count[c.text] > 0 {
			return fmt.Errorf("comment lost: in line %d: %q", c.line, c.text)
		}
	}
	for _, c := range out {
		if count[c.text] < 0 {
			return fmt.Errorf("comment added: out line %d: %q", c.line, c.text)
		}
	}
	pin, pout := places(in, spans, true), places(out, spans, false)
	for i := range in {
		x, y := in[i], out[i]
		if x.text != y.text {
			return fmt.Errorf("comments reordered: in line %d %q, out line %d %q", x.line, x.text, y.line, y.text)
		}
		if pin[i] != pout[i] {
			return fmt.Errorf("comment moved: %q from in line %d (%v) to out line %d (%v)", x.text, x.line, pin[i], y.line, pout[i])
		}
	}
	return nil
}
