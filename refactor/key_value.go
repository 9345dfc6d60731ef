package refactor

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dfmt/dfmt/format/syntax"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// KeyValue writes the legacy "ENV key value" and "LABEL key value" forms as
// key=value, quoting the value so that it means exactly what it did:
//
//	ENV A b c                 →  ENV A="b c"
//	ENV PATH /opt/bin:$PATH   →  ENV PATH=/opt/bin:$PATH
//	LABEL vendor ACME 'Inc.'  →  LABEL vendor="ACME "'Inc.'
//
// The legacy value is the whole rest of the line, which BuildKit then
// expands as one word; in key=value form white space outside quotes would
// end the word. So each run of unquoted text that holds white space is put
// in double quotes, with its escapes rewritten to mean inside the quotes
// what they meant outside; quoted parts and $ expansions stay as written.
// ARG is never touched: "ARG a b" declares two arguments.
var KeyValue = &Refactor{
	Name:    "key-value",
	Summary: "legacy ENV k v / LABEL k v → k=v, the value quoted to stay the same",
	Safe:    "always, with exact quoting; never ARG",
	Changes: "nothing BuildKit builds; BuildKit's LegacyKeyValueFormat warning goes away",
	run:     keyValue,
}

func keyValue(f *file) {
	for _, in := range f.insts {
		if c := in.onbuild(); c != nil {
			if k := c.Keyword(); (k == "env" || k == "label") && c.Legacy {
				f.skip(in, "under ONBUILD: the trigger is kept in the image as written")
			}
			continue
		}
		if in.keyword != "env" && in.keyword != "label" || !in.lowered.Legacy || f.common(in) {
			continue
		}
		key, val := in.lowered.Next.Value, in.lowered.Next.Next.Value
		// The key and the value, where the lowering found them.
		pair := in.lowered.Spans // the key and the value
		if len(pair) != 2 || in.text[pair[0].S:pair[0].E] != key || in.text[pair[1].S:pair[1].E] != val {
			f.skip(in, "internal error: cannot find the key and value")
			continue
		}
		if strings.ContainsAny(key, `'"`) || strings.IndexByte(key, f.escape) >= 0 {
			f.skipAt(in, pair[0], "the key %s holds quotes or escapes", key)
			continue
		}
		quoting, err := requote(val, f.escape)
		if err != nil {
			f.skipAt(in, pair[1], "%v", err)
			continue
		}
		// Where the value starts on a later line, the "=" joins that
		// line to the key's, which stays on the instruction's line: "ENV
		// DEPS \" and "    a \" become "ENV DEPS="a \", and the value's
		// other lines stay as they are. A comment line between them is
		// in the way (rewrite says so).
		edits := []edit{{pair[0].E, pair[1].S, "="}}
		if f.endPos(in, pair[0].E).Line != f.pos(in, pair[1].S).Line {
			// The join takes the value's first byte along, so that it
			// ends on the value's line, and with it the quoting there.
			join := edit{pair[0].E, pair[1].S + 1, "="}
			var first []edit
			for len(quoting) > 0 && quoting[0].end <= 1 {
				first, quoting = append(first, quoting[0]), quoting[1:]
			}
			join.text += spliceEdits(val[:1], first)
			edits = []edit{join}
		}
		for _, q := range quoting {
			edits = append(edits, edit{pair[1].S + q.start, pair[1].S + q.end, q.text})
		}
		lines, err := f.rewrite(in, edits)
		if err == nil {
			err = f.verify(lines, in, func(n *syntax.Lowered) bool {
				a := n.Next
				return n.Keyword() == in.keyword && len(n.Flags) == len(in.lowered.Flags) &&
					a != nil && a.Value == key && a.Next != nil && a.Next.Next != nil &&
					a.Next.Next.Value == "=" && a.Next.Next.Next == nil &&
					sameExpansion(val, a.Next.Value, f.escape)
			})
		}
		if err != nil {
			f.skip(in, "%v", err)
			continue
		}
		f.replace("Write "+strings.ToUpper(in.keyword)+" as key=value", in.node.Start, in.node.BodyStart, lines)
	}
}

// requote returns the edits that make a legacy value, which BuildKit
// expands as one word whatever white space it holds, a single key=value
// word that expands to the same. Every run of unquoted text (plain
// characters, escapes, $ expansions) that holds white space goes into
// double quotes; inside them an escape keeps its meaning only before ",
// $ and the escape character itself (shell/lex.go, processDoubleQuote),
// so other escapes lose their escape character. Quoted parts stay.
func requote(v string, esc byte) ([]edit, error) {
	var edits []edit
	i := 0
	for i < len(v) {
		switch v[i] {
		case '\'':
			j := strings.IndexByte(v[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("the value has an unterminated quote")
			}
			i += j + 2
			continue
		case '"':
			j, ok := dqEnd(v, i, esc)
			if !ok {
				return nil, fmt.Errorf("the value has an unterminated quote")
			}
			i = j
			continue
		}
		// An unquoted run: up to the next quote outside $ expansions.
		start := i
		var run []edit
		space := false
		for i < len(v) && v[i] != '\'' && v[i] != '"' {
			switch c := v[i]; {
			case c == esc:
				if i+1 == len(v) {
					// BuildKit drops an escape at the end; inside the
					// quotes it would escape the closing one.
					run = append(run, edit{i, i + 1, ""})
					i++
					continue
				}
				if n := v[i+1]; n != '"' && n != '$' && n != esc {
					run = append(run, edit{i, i + 1, ""})
				}
				r, size := utf8.DecodeRuneInString(v[i+1:])
				space = space || unicode.IsSpace(r)
				i += 1 + size
			case c == '$':
				j, ok := dollarEnd(v, i, esc)
				if !ok {
					return nil, fmt.Errorf("the value has an unterminated ${")
				}
				space = space || strings.ContainsFunc(v[i:j], unicode.IsSpace)
				i = j
			default:
				r, size := utf8.DecodeRuneInString(v[i:])
				space = space || unicode.IsSpace(r)
				i += size
			}
		}
		if space {
			edits = append(edits, edit{start, start, `"`})
			edits = append(edits, run...)
			edits = append(edits, edit{i, i, `"`})
		}
	}
	sort.SliceStable(edits, func(a, b int) bool { return edits[a].start < edits[b].start })
	return edits, nil
}

// dqEnd returns the index after the double-quoted string starting at
// v[i], as processDoubleQuote reads it.
func dqEnd(v string, i int, esc byte) (int, bool) {
	for j := i + 1; j < len(v); j++ {
		switch v[j] {
		case '"':
			return j + 1, true
		case '$':
			k, ok := dollarEnd(v, j, esc)
			if !ok {
				return 0, false
			}
			j = k - 1
		case esc:
			if j+1 < len(v) && (v[j+1] == '"' || v[j+1] == '$' || v[j+1] == esc) {
				j++
			}
		}
	}
	return 0, false
}

// dollarEnd returns the index after the $ expansion starting at v[i]:
// "$name", "$1" or a special parameter, or "${…}" to its matching brace
// (quotes and escapes inside taken into account), or just "$".
func dollarEnd(v string, i int, esc byte) (int, bool) {
	j := i + 1
	if j == len(v) {
		return j, true
	}
	if v[j] != '{' {
		for j < len(v) && (v[j] == '_' || v[j] >= 'a' && v[j] <= 'z' || v[j] >= 'A' && v[j] <= 'Z' || v[j] >= '0' && v[j] <= '9') {
			j++
		}
		return j, true
	}
	depth := 0
	for ; j < len(v); j++ {
		switch v[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j + 1, true
			}
		case '\'':
			k := strings.IndexByte(v[j+1:], '\'')
			if k < 0 {
				return 0, false
			}
			j += k + 1
		case '"':
			k, ok := dqEnd(v, j, esc)
			if !ok {
				return 0, false
			}
			j = k - 1
		case esc:
			j++
		}
	}
	return 0, false
}

// sameExpansion reports whether BuildKit expands a and b to the same value,
// tried with every variable they use unset, set to a value with white
// space, and set empty. It is the check after the exact rewrite, not the
// proof of it.
func sameExpansion(a, b string, esc byte) bool {
	lex := shell.NewLex(rune(esc))
	names := map[string]bool{}
	for _, w := range []string{a, b} {
		r, err := lex.ProcessWordWithMatches(w, shell.EnvsFromSlice(nil))
		if err != nil {
			continue
		}
		for k := range r.Unmatched {
			names[k] = true
		}
	}
	var set, empty []string
	for k := range names {
		set = append(set, k+"=v  a\tl'\"ue $x")
		empty = append(empty, k+"=")
	}
	for _, env := range [][]string{nil, set, empty} {
		e := shell.EnvsFromSlice(env)
		ra, _, errA := lex.ProcessWord(a, e)
		rb, _, errB := lex.ProcessWord(b, e)
		if ra != rb || (errA == nil) != (errB == nil) {
			return false
		}
	}
	return true
}
