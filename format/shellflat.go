package format

import (
	"strings"
	"unicode/utf8"
)

// This file reads the commonest shell bodies without a shell parser: a
// line of simple commands joined by "&&", "||", "|" and ";", with quoted
// words, parameters and redirections, as in most RUN instructions. It
// makes the very tokens the walker over mvdan.cc/sh's tree makes for them
// (TestFlatTokensMatchWalker and FuzzFlatTokens hold it to that), and
// declines, for the parser to decide, anything else: compound commands,
// command substitutions, heredocs, comments, arithmetic, reserved words.

// flatReserved are the words that, first in a command, make it something
// other than a simple command: mvdan.cc/sh's reserved words and the
// builtins it parses as clauses of their own.
var flatReserved = map[string]bool{
	"if": true, "then": true, "elif": true, "else": true, "fi": true, "do": true, "done": true,
	"case": true, "esac": true, "while": true, "until": true, "for": true, "in": true,
	"select": true, "function": true, "time": true, "coproc": true, "let": true,
	"[[": true, "]]": true,
}

// flatDecl are the declaration builtins, parsed as a DeclClause.
var flatDecl = map[string]bool{
	"declare": true, "local": true, "export": true, "readonly": true, "typeset": true, "nameref": true,
}

// flatRedirs are the redirection operators a flat body may hold, longest
// first; the heredoc and here-string ones are left to the parser.
var flatRedirs = [...]string{"&>>", "&>", ">>", ">&", ">|", "<&", "<>", ">", "<"}

type flatReader struct {
	s    string
	i    int
	toks []shTok
}

// flatTokens appends the layout tokens of body to toks, or reports false
// where body is not a flat body.
func flatTokens(body string, toks []shTok) ([]shTok, bool) {
	if !utf8.ValidString(body) {
		return toks, false
	}
	r := flatReader{s: body, toks: toks}
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c < ' ' && c != '\t', c == 0x7f, c == '`', c == '{' && (i == 0 || body[i-1] != '$'):
			return toks, false
		case c == '<' && i+1 < len(body) && body[i+1] == '<':
			return toks, false
		}
	}
	r.blanks()
	if r.i == len(body) {
		return toks, false
	}
	for r.i < len(body) {
		if !r.command() {
			return toks, false
		}
		r.blanks()
		if r.i == len(body) {
			break
		}
		// An operator between commands, or a terminator.
		switch {
		case r.op("&&"), r.op("||"), r.op("|&"):
			r.toks[len(r.toks)-1].kind = tokLead
		case r.op(";;"), r.op(";&"):
			return toks, false
		case r.op("|"):
			r.toks[len(r.toks)-1].kind = tokLead
		case r.op(";"):
			t := &r.toks[len(r.toks)-1]
			t.kind, t.glueBefore = tokTrail, true
			r.blanks()
			if r.i == len(body) {
				return r.toks, true
			}
			continue
		case r.op("&"):
			r.toks[len(r.toks)-1].kind = tokTrail
			r.blanks()
			if r.i == len(body) {
				return r.toks, true
			}
			continue
		default:
			return toks, false
		}
		r.blanks()
		if r.i == len(body) {
			return toks, false // an operator with nothing after it
		}
	}
	return r.toks, true
}

func (r *flatReader) blanks() {
	for r.i < len(r.s) && (r.s[r.i] == ' ' || r.s[r.i] == '\t') {
		r.i++
	}
}

// op takes the operator o at the reading position as a token.
func (r *flatReader) op(o string) bool {
	if len(r.s)-r.i < len(o) || r.s[r.i:r.i+len(o)] != o {
		return false
	}
	r.toks = append(r.toks, shTok{s: r.i, e: r.i + len(o), head: -1})
	r.i += len(o)
	return true
}

// command reads a simple command: assignments, words and redirections.
func (r *flatReader) command() bool {
	first := -1 // the offset of the command's first word
	decl, allAssign := false, true
	var redirs []int // the indices of its redirection tokens
	words := 0
	for {
		r.blanks()
		if r.i == len(r.s) {
			break
		}
		if matched, ok := r.redir(&redirs); matched {
			if !ok {
				return false
			}
			continue
		}
		if isFlatStop(r.s[r.i]) {
			break
		}
		s := r.i
		if !r.word() {
			return false
		}
		w := r.s[s:r.i]
		if w[0] == '#' || w[0] == '!' {
			return false // a comment, a negation
		}
		if allAssign {
			// The first word that is no assignment names the command.
			if flatReserved[w] {
				return false
			}
			if flatDecl[w] {
				if words > 0 {
					return false // assignments before a declaration
				}
				decl = true
			}
		}
		assign, sure := flatAssign(w)
		if !sure {
			return false
		}
		if decl && words > 0 && !assign && !flatDeclArg(w) {
			return false // the parser reads a declaration's words itself
		}
		t := shTok{s: s, e: r.i, head: -1}
		if words == 0 {
			first = s
		} else if !decl {
			// A command's words after its first go one level deeper
			// (shWalker.args); a declaration's do not.
			t.head = first
		}
		r.toks = append(r.toks, t)
		words++
		allAssign = allAssign && assign
	}
	if words == 0 && len(redirs) == 0 || decl && len(redirs) > 0 {
		return false
	}
	// Redirections take the offset of the command's first token as their
	// head: its first word, or with none, the first redirection.
	head := first
	if head < 0 {
		head = r.toks[redirs[0]].s
	}
	for _, k := range redirs {
		r.toks[k].head = head
	}
	return true
}

// flatAssign reports whether w is an assignment, name=value or
// name+=value; sure is false for an indexed one (name[i]=value).
func flatAssign(w string) (assign, sure bool) {
	i := 0
	for i < len(w) && (w[i] == '_' || 'a' <= w[i] && w[i] <= 'z' || 'A' <= w[i] && w[i] <= 'Z' || i > 0 && '0' <= w[i] && w[i] <= '9') {
		i++
	}
	if i == 0 || i == len(w) {
		return false, true
	}
	switch {
	case w[i] == '=':
		return true, true
	case w[i] == '+' && i+1 < len(w) && w[i+1] == '=':
		// The parser's node for an empty "name+=" ends short of its '='.
		return true, i+2 < len(w)
	case w[i] == '[':
		return false, false
	}
	return false, true
}

// flatDeclArg reports a declaration's word that is no assignment but a
// plain one: a name, or an option without '='.
func flatDeclArg(w string) bool {
	if strings.IndexByte(w, '=') >= 0 {
		return false
	}
	if w[0] == '-' {
		return true
	}
	for i := 0; i < len(w); i++ {
		if !(w[i] == '_' || 'a' <= w[i] && w[i] <= 'z' || 'A' <= w[i] && w[i] <= 'Z' || i > 0 && '0' <= w[i] && w[i] <= '9') {
			return false
		}
	}
	return true
}

// redir reads a redirection at the reading position: an operator, with a
// file descriptor's digits before it, and its word. matched is false where
// none starts there; ok is false where one does but is not flat.
func (r *flatReader) redir(redirs *[]int) (matched, ok bool) {
	start, j := r.i, r.i
	for j < len(r.s) && '0' <= r.s[j] && r.s[j] <= '9' {
		j++
	}
	if j == len(r.s) || r.s[j] != '<' && r.s[j] != '>' && (j > start || r.s[j] != '&') {
		return false, false // no operator: a word, perhaps of digits
	}
	for _, o := range flatRedirs {
		if len(r.s)-j < len(o) || r.s[j:j+len(o)] != o {
			continue
		}
		end := j + len(o)
		r.i = end
		r.blanks()
		w := r.i
		if r.i == len(r.s) || isFlatStop(r.s[r.i]) || r.s[r.i] == '#' || !r.word() {
			return true, false
		}
		*redirs = append(*redirs, len(r.toks), len(r.toks)+1)
		r.toks = append(r.toks,
			shTok{s: start, e: end, head: -1},
			shTok{s: w, e: r.i, head: -1, glueBefore: o == ">&" || o == "<&"})
		return true, true
	}
	return false, false
}

// word reads one word: literal bytes, escapes, quotes and parameters.
func (r *flatReader) word() bool {
	s := r.s
	start := r.i
	for r.i < len(s) {
		switch c := s[r.i]; {
		case isFlatStop(c):
			return r.i > start
		case c == '\\':
			if r.i+1 >= len(s) {
				return false
			}
			r.i += 2
		case c == '\'':
			k := strings.IndexByte(s[r.i+1:], '\'')
			if k < 0 {
				return false
			}
			r.i += k + 2
		case c == '"':
			r.i++
			if !r.dquote() {
				return false
			}
		case c == '$':
			if !r.dollar(false) {
				return false
			}
		case c == '}':
			return false // not closing a ${
		default:
			r.i++
		}
	}
	return r.i > start
}

// dquote reads the rest of a double-quoted string, after its '"'.
func (r *flatReader) dquote() bool {
	s := r.s
	for r.i < len(s) {
		switch s[r.i] {
		case '\\':
			r.i += 2
		case '"':
			r.i++
			return true
		case '$':
			if !r.dollar(true) {
				return false
			}
		default:
			r.i++
		}
	}
	return false
}

// dollar reads what starts with '$': $'...', $"..." (not inside double
// quotes, where they are no quotes), ${name...}, or a plain '$' whose
// parameter name the caller reads as literal bytes.
func (r *flatReader) dollar(inQuotes bool) bool {
	s := r.s
	if r.i+1 >= len(s) {
		r.i++
		return true
	}
	switch c := s[r.i+1]; {
	case inQuotes && (c == '\'' || c == '"'):
		// A literal '$'; the quote is read by the caller.
	case c == '\'':
		r.i += 2
		for r.i < len(s) {
			switch s[r.i] {
			case '\\':
				r.i += 2
			case '\'':
				r.i++
				return true
			default:
				r.i++
			}
		}
		return false
	case c == '"':
		r.i += 2
		return r.dquote()
	case c == '{':
		// Only a plain expansion, whose '}' is the first one: no quotes,
		// escapes or expansions inside.
		k, ok := flatBraceParam(s, r.i+2)
		if !ok {
			return false
		}
		r.i = k
		return true
	case c == '[':
		return false // $[ ], old arithmetic
	case c == '(':
		return r.subst()
	case strings.IndexByte("$?#@*!-0123456789", c) >= 0:
		r.i += 2 // a special parameter: "$$'x'" is $$ and 'x'
		return true
	}
	r.i++
	return true
}

// subst reads a command substitution, "$(" to its ")", as part of a
// word: the layout keeps a word whole. It declines what could hide that
// end from a simple reading ($(( )), comments, subshells, backquotes) and
// an inside that is not a flat body itself.
func (r *flatReader) subst() bool {
	s := r.s
	if r.i+2 < len(s) && s[r.i+2] == '(' {
		return false
	}
	start := r.i
	r.i += 2
	for r.i < len(s) {
		switch c := s[r.i]; c {
		case '\\':
			r.i += 2
		case '\'':
			k := strings.IndexByte(s[r.i+1:], '\'')
			if k < 0 {
				return false
			}
			r.i += k + 2
		case '"':
			r.i++
			if !r.dquote() {
				return false
			}
		case '$':
			if !r.dollar(false) {
				return false
			}
		case ')':
			// Its inside must be flat too, as the parser would read it.
			r.i++
			inner := s[start+2 : r.i-1]
			_, ok := flatTokens(inner, nil)
			return ok
		case '#', '`', '{', '}', '(':
			return false
		default:
			r.i++
		}
	}
	return false
}

// flatBraceParam reads a parameter expansion from after its "${": a name
// (or "#name", or digits) and "}", or a name, one of the common operators
// and a word without quotes, escapes or expansions. It returns the offset
// after the '}'.
func flatBraceParam(s string, i int) (int, bool) {
	if i < len(s) && s[i] == '#' {
		i++
	}
	n := i
	if n < len(s) && '0' <= s[n] && s[n] <= '9' {
		for n < len(s) && '0' <= s[n] && s[n] <= '9' {
			n++
		}
		if n < len(s) && s[n] == '}' {
			return n + 1, true
		}
		return 0, false
	}
	for n < len(s) && (s[n] == '_' || 'a' <= s[n] && s[n] <= 'z' || 'A' <= s[n] && s[n] <= 'Z' || n > i && '0' <= s[n] && s[n] <= '9') {
		n++
	}
	if n == i || n >= len(s) {
		return 0, false
	}
	if s[n] == '}' {
		return n + 1, true
	}
	if i > 0 && s[i-1] == '#' {
		return 0, false // ${#name} takes no operator
	}
	for _, op := range [...]string{":-", ":=", ":+", ":?", "##", "%%", "//", "-", "=", "+", "?", "#", "%", "/"} {
		if strings.HasPrefix(s[n:], op) {
			k := n + len(op)
			for k < len(s) && s[k] != '}' {
				if strings.IndexByte("{'\"\\`$", s[k]) >= 0 {
					return 0, false
				}
				k++
			}
			if k >= len(s) {
				return 0, false
			}
			return k + 1, true
		}
	}
	return 0, false
}

// isFlatStop reports the bytes that end a word: blanks and operators.
func isFlatStop(c byte) bool {
	return c == ' ' || c == '\t' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')'
}
