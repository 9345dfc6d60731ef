package format

// Span is a half-open byte range [S, E) of an instruction's joined text
// (see File.Joined).
type Span struct{ S, E int }

// Command is an instruction's joined text split where BuildKit's parser
// splits it (parser.splitCommand).
type Command struct {
	Keyword    Span
	Flags      []Span   // each flag word as written
	FlagValues []string // each flag as BuildKit reads it
	Args       Span     // the arguments, trimmed
}

func spans(sp []span) []Span {
	out := make([]Span, len(sp))
	for i, x := range sp {
		out[i] = Span{x.s, x.e}
	}
	return out
}

// SplitCommand splits text[s:e], an instruction's joined text or the
// instruction under ONBUILD, into keyword, flags and arguments, with the
// file's escape character.
func SplitCommand(text string, s, e int, esc byte) Command {
	c := splitCommand(text, s, e, esc)
	return Command{
		Keyword:    Span{c.keyword.s, c.keyword.e},
		Flags:      spans(c.flags),
		FlagValues: c.flagVal,
		Args:       Span{c.args.s, c.args.e},
	}
}

// Words splits text[s:e] into the words of ARG, and of ENV and LABEL
// key=value pairs, as BuildKit does (parser.parseWords): quotes and escapes
// kept, each with its span.
func Words(text string, s, e int, esc byte) ([]string, []Span) {
	w, sp := parseWords(text, s, e, esc)
	return w, spans(sp)
}

// Fields splits text[s:e], trimmed, at runs of [\t\v\f\r ] as BuildKit
// splits FROM, COPY, ADD, VOLUME and EXPOSE arguments. With n > 0 there are
// at most n fields, the last running to e.
func Fields(text string, s, e, n int) []Span {
	return spans(wsFields(text, s, e, n))
}
