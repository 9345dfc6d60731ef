package refactor

// This file finds where the pieces of an instruction lie in its joined
// text: the keyword, each flag word, the arguments. It mirrors
// github.com/moby/buildkit/frontend/dockerfile/parser (v0.34.x, files
// split_command.go and line_parsers.go), as format's lowering does; format
// keeps its spans unexported, so the few functions a rewrite needs are
// repeated here, and every instruction's flags are checked against
// format's Lowered.Flags before a rewrite trusts them (see newInst).

import (
	"strings"
	"unicode"
	"unicode/utf8"
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

// wsFields splits line[s:e] (already trimmed) at runs of [\t\v\f\r ] as
// reWhitespace.Split does. With n > 0 there are at most n fields, the last
// running to e.
func wsFields(line string, s, e, n int) []span {
	var out []span
	start := s
	for i := s; i < e; i++ {
		if !isWS(line[i]) {
			continue
		}
		out = append(out, span{start, i})
		for i < e && isWS(line[i]) {
			i++
		}
		start = i
		if n > 0 && len(out) == n-1 {
			break
		}
		i--
	}
	return append(out, span{start, e})
}

// parts is an instruction's joined text split as splitCommand does.
type parts struct {
	kw      span
	flags   []span   // each flag word as written
	flagVal []string // each flag as BuildKit reads it, quotes and escapes removed
	args    span     // the arguments, trimmed
}

// split mirrors parser.splitCommand over line[s:e].
func split(line string, s, e int, esc byte) parts {
	t := trimSpan(line, s, e)
	f := wsFields(line, t.s, t.e, 2)
	p := parts{kw: f[0], args: span{t.e, t.e}}
	if len(f) == 2 {
		var a int
		p.flags, p.flagVal, a = builderFlags(line, f[1].s, t.e, esc)
		p.args = trimSpan(line, a, t.e)
	}
	return p
}

// builderFlags mirrors parser.extractBuilderFlags: the leading
// "--name[=value]" words of line[s:e], their values, and where the
// arguments start.
func builderFlags(line string, s, e int, esc byte) ([]span, []string, int) {
	const (
		inSpaces = iota
		inWord
		inQuote
	)
	var spans []span
	var words []string
	phase := inSpaces
	var sb strings.Builder
	quote := byte(0)
	blankOK := false
	start := s
	var ch byte
	for pos := s; pos <= e; pos++ {
		if pos != e {
			ch = line[pos]
		}
		if phase == inSpaces {
			if pos == e {
				break
			}
			if unicode.IsSpace(rune(ch)) {
				continue
			}
			if ch != '-' || pos+1 == e || line[pos+1] != '-' {
				return spans, words, pos
			}
			phase = inWord
			start = pos
		}
		if (phase == inWord || phase == inQuote) && pos == e {
			if w := sb.String(); w != "--" && (blankOK || len(w) > 0) {
				words = append(words, w)
				spans = append(spans, span{start, pos})
			}
			break
		}
		if phase == inWord {
			if unicode.IsSpace(rune(ch)) {
				w := sb.String()
				phase = inSpaces
				if w == "--" {
					return spans, words, pos
				}
				if blankOK || len(w) > 0 {
					words = append(words, w)
					spans = append(spans, span{start, pos})
				}
				sb.Reset()
				blankOK = false
				continue
			}
			if ch == '\'' || ch == '"' {
				quote = ch
				blankOK = true
				phase = inQuote
				continue
			}
			if ch == esc {
				if pos+1 == e {
					continue
				}
				pos++
				ch = line[pos]
			}
			sb.WriteByte(ch)
			continue
		}
		if phase == inQuote {
			if ch == quote {
				phase = inWord
				continue
			}
			if ch == esc {
				if pos+1 == e {
					phase = inWord
					continue
				}
				pos++
				ch = line[pos]
			}
			sb.WriteByte(ch)
		}
	}
	return spans, words, e
}

// words mirrors parser.parseWords over line[s:e]: the words of ENV and
// LABEL key=value pairs and of ARG, quotes and escapes kept, with their
// spans.
func words(line string, s, e int, esc byte) ([]string, []span) {
	const (
		inSpaces = iota
		inWord
		inQuote
	)
	var out []string
	var spans []span
	phase := inSpaces
	quote := rune(0)
	blankOK := false
	var ch rune
	var w int
	var sb strings.Builder
	start := s
	escR := rune(esc)
	for pos := s; pos <= e; pos += w {
		if pos != e {
			ch, w = utf8.DecodeRuneInString(line[pos:e])
		}
		if phase == inSpaces {
			if pos == e {
				break
			}
			if unicode.IsSpace(ch) {
				continue
			}
			phase = inWord
			start = pos
		}
		if (phase == inWord || phase == inQuote) && pos == e {
			if blankOK || sb.Len() > 0 {
				out = append(out, sb.String())
				spans = append(spans, span{start, pos})
			}
			break
		}
		if phase == inWord {
			if unicode.IsSpace(ch) {
				phase = inSpaces
				if blankOK || sb.Len() > 0 {
					out = append(out, sb.String())
					spans = append(spans, span{start, pos})
				}
				sb.Reset()
				blankOK = false
				continue
			}
			if ch == '\'' || ch == '"' {
				quote = ch
				blankOK = true
				phase = inQuote
			}
			if ch == escR {
				if pos+w == e {
					continue
				}
				sb.WriteRune(ch)
				pos += w
				ch, w = utf8.DecodeRuneInString(line[pos:e])
			}
			sb.WriteRune(ch)
			continue
		}
		if phase == inQuote {
			if ch == quote {
				phase = inWord
			}
			if ch == escR && quote != '\'' {
				if pos+w == e {
					phase = inWord
					continue
				}
				pos += w
				sb.WriteRune(ch)
				ch, w = utf8.DecodeRuneInString(line[pos:e])
			}
			sb.WriteRune(ch)
		}
	}
	return out, spans
}
