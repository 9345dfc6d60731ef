package refactor

// This file finds where the pieces of an instruction lie in its joined
// text: the keyword, each flag word, the arguments. It mirrors
// github.com/moby/buildkit/frontend/dockerfile/parser (v0.34.x, files
// split_command.go and line_parsers.go) through format's exported
// splitting, and every instruction's flags are checked against format's
// Lowered.Flags before a rewrite trusts them (see newInst).

import (
	"strings"
	"unicode"

	"github.com/dfmt/dfmt/format/syntax"
)

// span is a half-open byte range [s, e) of a joined instruction.
type span struct{ s, e int }

// isWS is the white space of BuildKit's reWhitespace, [\t\v\f\r ].
func isWS(c byte) bool {
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'
}

// trimSpan is strings.TrimSpace over line[s:e], as a span.
func trimSpan(line string, s, e int) span {
	t := strings.TrimLeftFunc(line[s:e], unicode.IsSpace)
	s = e - len(t)
	t = strings.TrimRightFunc(t, unicode.IsSpace)
	return span{s, s + len(t)}
}

// parts is an instruction's joined text split as splitCommand does.
type parts struct {
	kw      span
	flags   []span   // each flag word as written
	flagVal []string // each flag as BuildKit reads it, quotes and escapes removed
	args    span     // the arguments, trimmed
}

// wsFields splits line[s:e] (already trimmed) at runs of [\t\v\f\r ] as
// reWhitespace.Split does; see syntax.Fields.
func wsFields(line string, s, e, n int) []span {
	return fromSpans(syntax.Fields(line, s, e, n))
}

// split splits line[s:e] as parser.splitCommand does; see
// syntax.SplitCommand.
func split(line string, s, e int, esc byte) parts {
	c := syntax.SplitCommand(line, s, e, esc)
	return parts{
		kw:      span{c.Keyword.S, c.Keyword.E},
		flags:   fromSpans(c.Flags),
		flagVal: c.FlagValues,
		args:    span{c.Args.S, c.Args.E},
	}
}

// words splits line[s:e] as parser.parseWords does: the words of ENV and
// LABEL key=value pairs and of ARG, quotes and escapes kept, with their
// spans; see syntax.ParseWords.
func words(line string, s, e int, esc byte) ([]string, []span) {
	w, sp := syntax.ParseWords(line, s, e, esc)
	return w, fromSpans(sp)
}

func fromSpans(sp []syntax.Span) []span {
	out := make([]span, len(sp))
	for i, x := range sp {
		out[i] = span{x.S, x.E}
	}
	return out
}
