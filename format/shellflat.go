package format

import (
	"strings"
	"unicode/utf8"
)

// This file reads the commonest shell bodies without a shell parser:
// lists of simple commands joined by "&&", "||", "|" and ";", with quoted
// words, parameters, command substitutions and redirections, in groups,
// subshells, if, while, until and for, as in most RUN instructions. It
// makes the very tokens the walker over mvdan.cc/sh's tree makes for them
// (TestFlatTokensMatchWalker and FuzzFlatTokens hold it to that), and
// declines, for the parser to decide, anything else: case statements,
// functions, heredocs, comments, arithmetic, [[ ]], backquotes.

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
	// cuts are the command substitutions of the word read last.
	cuts []flatCut
	// skip is set while subst reads past the substitutions inside one.
	skip bool
}

// flatCut is a command substitution "$(" ... ")" of a word: l is the
// offset of its '$', r that of its ')', and toks the tokens of the
// statements inside, at their offsets in the body, in scope -1 for the
// scope that the piece of the word ending in "$(" opens.
type flatCut struct {
	l, r int
	toks []shTok
}

// flatTokens appends the layout tokens of body to toks, or reports false
// where body is not a flat body.
func flatTokens(body string, toks []shTok) ([]shTok, bool) {
	if !utf8.ValidString(body) {
		return toks, false
	}
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c < ' ' && c != '\t', c == 0x7f, c == '`':
			return toks, false
		case c == '<' && i+1 < len(body) && body[i+1] == '<':
			return toks, false
		}
	}
	r := flatReader{s: body, toks: toks}
	if !r.list(-1, nil, false) || r.i != len(body) {
		return toks, false
	}
	return r.toks, true
}

// list reads statements in scope sc (see shTok) up to the end, a ')'
// closing a subshell (paren), or one of the stop words in command
// position, which it leaves. It is false for no statement, or text that is
// not flat.
func (r *flatReader) list(sc int, stops []string, paren bool) bool {
	n := 0
	for {
		r.blanks()
		if r.i == len(r.s) || paren && r.s[r.i] == ')' || r.atStop(stops) {
			return n > 0
		}
		from := len(r.toks)
		if !r.andOr(sc) {
			return false
		}
		n++
		r.blanks()
		switch {
		case r.i == len(r.s), paren && r.s[r.i] == ')':
		case r.at(";;"), r.at(";&"):
			return false
		case r.op(";", sc):
			t := &r.toks[len(r.toks)-1]
			t.kind, t.glueBefore = tokTrail, true
			t.role, t.anchor = roleClose, firstStart(r.toks[from:len(r.toks)-1])
		case r.op("&", sc):
			t := &r.toks[len(r.toks)-1]
			t.kind = tokTrail
			t.role, t.anchor = roleClose, firstStart(r.toks[from:len(r.toks)-1])
		default:
			return false
		}
	}
}

// andOr reads pipelines joined by "&&" and "||".
func (r *flatReader) andOr(sc int) bool {
	from := len(r.toks)
	for {
		if !r.pipeline(sc) {
			return false
		}
		r.blanks()
		if !r.op("&&", sc) && !r.op("||", sc) {
			return true
		}
		r.lead(from)
		r.blanks()
	}
}

// pipeline reads commands joined by "|" and "|&".
func (r *flatReader) pipeline(sc int) bool {
	from := len(r.toks)
	for {
		if !r.cmd(sc) {
			return false
		}
		r.blanks()
		if r.at("||") || !r.op("|&", sc) && !r.op("|", sc) {
			return true
		}
		r.lead(from)
		r.blanks()
	}
}

// lead makes the last token an operator that begins its line at a break,
// measured from the start of the statement that began at token from.
func (r *flatReader) lead(from int) {
	k := len(r.toks) - 1
	r.toks[k].kind, r.toks[k].role = tokLead, roleLead
	r.toks[k].anchor = firstStart(r.toks[from:k])
}

// closing makes token k close the construct opened at offset o.
func (r *flatReader) closing(k, o int) {
	r.toks[k].role, r.toks[k].anchor = roleClose, o
}

// closeCond makes the ';' or '&' that ends a condition close the
// construct opened at offset o in scope sc, as shWalker.closeCond does.
func (r *flatReader) closeCond(from, o, sc int) {
	if k := len(r.toks) - 1; k >= from && r.toks[k].kind == tokTrail {
		r.toks[k].scope = sc
		r.closing(k, o)
	}
}

// cmd reads a command: a simple one, or a group, subshell, if, while,
// until or for, with redirections after it.
func (r *flatReader) cmd(sc int) bool {
	if r.i == len(r.s) {
		return false
	}
	first := len(r.toks)
	ok := true
	switch w := r.peekWord(); {
	case r.s[r.i] == '(':
		if r.at("((") {
			return false
		}
		k := r.tok(r.i+1, sc)
		r.toks[k].glueAfter = true
		o := r.toks[k].s
		if ok = r.list(o, nil, true) && r.at(")"); ok {
			k = r.tok(r.i+1, sc)
			r.toks[k].glueBefore = true
			r.closing(k, o)
		}
	case w == "{":
		if r.i+1 == len(r.s) || r.s[r.i+1] != ' ' && r.s[r.i+1] != '\t' {
			return false
		}
		o := r.toks[r.tok(r.i+1, sc)].s
		ok = r.list(o, []string{"}"}, false) && r.keyword("}", sc, o)
	case w == "if":
		o := r.toks[r.tok(r.i+2, sc)].s
		ok = r.cond(o, sc, "then") && r.list(o, []string{"elif", "else", "fi"}, false)
		for ok && r.peekWord() == "elif" {
			r.keyword("elif", sc, o)
			ok = r.cond(o, sc, "then") && r.list(o, []string{"elif", "else", "fi"}, false)
		}
		if ok && r.peekWord() == "else" {
			r.keyword("else", sc, o)
			ok = r.list(o, []string{"fi"}, false)
		}
		ok = ok && r.keyword("fi", sc, o)
	case w == "while", w == "until":
		o := r.toks[r.tok(r.i+len(w), sc)].s
		ok = r.cond(o, sc, "do") && r.list(o, []string{"done"}, false) && r.keyword("done", sc, o)
	case w == "for":
		ok = r.forLoop(sc)
	default:
		return r.command(sc)
	}
	if !ok {
		return false
	}
	// Redirections of the compound command are measured from its first
	// token.
	var redirs []int
	for {
		r.blanks()
		if r.i == len(r.s) {
			break
		}
		matched, rok := r.redir(&redirs, sc)
		if !matched {
			break
		}
		if !rok {
			return false
		}
	}
	for _, k := range redirs {
		r.toks[k].role, r.toks[k].anchor = roleArg, r.toks[first].s
	}
	return true
}

// cond reads the condition of the construct opened at offset o in scope
// sc, and the word (then, do) that ends it.
func (r *flatReader) cond(o, sc int, end string) bool {
	from := len(r.toks)
	if !r.list(o, []string{end}, false) {
		return false
	}
	r.closeCond(from, o, sc)
	return r.keyword(end, sc, o)
}

// forLoop reads "for name [in words]; do list; done".
func (r *flatReader) forLoop(sc int) bool {
	o := r.toks[r.tok(r.i+3, sc)].s
	r.blanks()
	s := r.i
	if r.i == len(r.s) || !r.word() || !isName(r.s[s:r.i]) {
		return false
	}
	// Its list of words is the loop's arguments.
	r.set(r.appendWord(s, sc), roleArg, o)
	r.blanks()
	if r.peekWord() == "in" {
		r.keyword("in", sc, -1)
		k := len(r.toks) - 1
		r.toks[k].role, r.toks[k].anchor = roleArg, o
		for {
			r.blanks()
			if r.i == len(r.s) || isFlatStop(r.s[r.i]) {
				break
			}
			s := r.i
			if !r.word() || flatReserved[r.s[s:r.i]] {
				return false
			}
			r.set(r.appendWord(s, sc), roleArg, o)
		}
	}
	if r.at(";;") || !r.op(";", sc) {
		return false
	}
	t := &r.toks[len(r.toks)-1]
	t.kind, t.glueBefore = tokTrail, true
	r.closing(len(r.toks)-1, o)
	return r.keyword("do", sc, o) && r.list(o, []string{"done"}, false) && r.keyword("done", sc, o)
}

// isName reports a shell variable name.
func isName(w string) bool {
	return w != "" && nameLen(w) == len(w)
}

// nameLen returns the length of the variable name w starts with.
func nameLen(w string) int {
	i := 0
	for i < len(w) && (w[i] == '_' || 'a' <= w[i] && w[i] <= 'z' || 'A' <= w[i] && w[i] <= 'Z' || i > 0 && '0' <= w[i] && w[i] <= '9') {
		i++
	}
	return i
}

// peekWord returns the plain word at the reading position, if one stands
// there whole (no quotes, escapes or expansions), or "".
func (r *flatReader) peekWord() string {
	k := r.i
	for k < len(r.s) && !isFlatStop(r.s[k]) && r.s[k] != '"' && r.s[k] != '\'' && r.s[k] != '\\' && r.s[k] != '$' {
		k++
	}
	if k < len(r.s) && !isFlatStop(r.s[k]) {
		return ""
	}
	return r.s[r.i:k]
}

// atStop reports whether one of the stop words stands at the reading
// position.
func (r *flatReader) atStop(stops []string) bool {
	if len(stops) == 0 {
		return false
	}
	w := r.peekWord()
	for _, s := range stops {
		if w == s {
			return true
		}
	}
	return false
}

// keyword takes the reserved word w, which must stand at the reading
// position after blanks, as a token in scope sc that closes the construct
// opened at offset o (none where o is negative).
func (r *flatReader) keyword(w string, sc, o int) bool {
	r.blanks()
	if r.peekWord() != w {
		return false
	}
	k := r.tok(r.i+len(w), sc)
	if o >= 0 {
		r.closing(k, o)
	}
	return true
}

// tok takes the bytes up to e as a token in scope sc and returns its index.
func (r *flatReader) tok(e, sc int) int {
	r.toks = append(r.toks, shTok{s: r.i, e: e, scope: sc, anchor: -1})
	r.i = e
	return len(r.toks) - 1
}

// at reports whether o stands at the reading position.
func (r *flatReader) at(o string) bool {
	return len(r.s)-r.i >= len(o) && r.s[r.i:r.i+len(o)] == o
}

func (r *flatReader) blanks() {
	for r.i < len(r.s) && (r.s[r.i] == ' ' || r.s[r.i] == '\t') {
		r.i++
	}
}

// op takes the operator o at the reading position as a token in scope sc.
func (r *flatReader) op(o string, sc int) bool {
	if !r.at(o) {
		return false
	}
	r.tok(r.i+len(o), sc)
	return true
}

// command reads a simple command: assignments, words and redirections.
func (r *flatReader) command(sc int) bool {
	first := -1 // the offset of the command's first word
	decl, allAssign := false, true
	var redirs []int // the indices of its redirection tokens
	words := 0
	for {
		r.blanks()
		if r.i == len(r.s) {
			break
		}
		if matched, ok := r.redir(&redirs, sc); matched {
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
		k := r.appendWord(s, sc)
		if words == 0 {
			first = s
		} else {
			// A command's words after its first go one level deeper
			// (shWalker.args), a declaration's too.
			r.set(k, roleArg, first)
		}
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
		r.toks[k].role, r.toks[k].anchor = roleArg, head
	}
	return true
}

// flatAssign reports whether w is an assignment, name=value or
// name+=value; sure is false for an indexed one (name[i]=value).
func flatAssign(w string) (assign, sure bool) {
	i := nameLen(w)
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
	return w[0] == '-' || isName(w)
}

// redir reads a redirection at the reading position: an operator, with a
// file descriptor's digits before it, and its word. matched is false where
// none starts there; ok is false where one does but is not flat.
func (r *flatReader) redir(redirs *[]int, sc int) (matched, ok bool) {
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
		*redirs = append(*redirs, len(r.toks))
		r.toks = append(r.toks, shTok{s: start, e: end, scope: sc, anchor: -1})
		k := r.appendWord(w, sc)
		r.toks[k].glueBefore = o == ">&" || o == "<&"
		*redirs = append(*redirs, k)
		return true, true
	}
	return false, false
}

// set gives token k a role measured from anchor.
func (r *flatReader) set(k int, role uint8, anchor int) {
	r.toks[k].role, r.toks[k].anchor = role, anchor
}

// appendWord appends the tokens of the word read last, from offset s to
// the reading position, as shWalker.wordToks makes them, and returns the
// index of its first.
func (r *flatReader) appendWord(s, sc int) int {
	first := len(r.toks)
	at, piece := s, -1
	for _, c := range r.cuts {
		k := len(r.toks)
		r.toks = append(r.toks, shTok{s: at, e: c.l + 2, scope: sc, anchor: -1})
		if piece >= 0 {
			r.toks[k].keep = true
			r.set(k, roleClose, r.toks[piece].s)
		}
		piece = k
		for _, t := range c.toks {
			if t.scope < 0 {
				t.scope = at
			}
			t.keep = true
			r.toks = append(r.toks, t)
		}
		at = c.r
	}
	k := len(r.toks)
	r.toks = append(r.toks, shTok{s: at, e: r.i, scope: sc, anchor: -1})
	if piece >= 0 {
		r.toks[k].keep = true
		r.set(k, roleClose, r.toks[piece].s)
	}
	return first
}

// word reads one word: literal bytes, escapes, quotes and parameters.
func (r *flatReader) word() bool {
	s := r.s
	start := r.i
	r.cuts = r.cuts[:0]
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
		case c == '{', c == '}':
			return false // a group's or a brace expansion's, not a ${'s
		default:
			r.i++
		}
	}
	return r.i > start
}

// dquote reads the rest of a double-quoted string, after its '"'.
func (r *flatReader) dquote() bool { return r.quoted('"') }

// quoted reads the rest of a string closed by q, after its opening: a
// double-quoted one, with expansions, or a $'...' one, without. In both a
// backslash escapes the next byte.
func (r *flatReader) quoted(q byte) bool {
	s := r.s
	for r.i < len(s) {
		switch c := s[r.i]; {
		case c == '\\':
			r.i += 2
		case c == q:
			r.i++
			return true
		case c == '$' && q == '"':
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
		return r.quoted('\'')
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
		return r.subst(inQuotes)
	case strings.IndexByte("$?#@*!-0123456789", c) >= 0:
		r.i += 2 // a special parameter: "$$'x'" is $$ and 'x'
		return true
	}
	r.i++
	return true
}

// subst reads a command substitution, "$(" to its ")", as part of a
// word, and outside double quotes records it in r.cuts, with the tokens of
// its inside, for appendWord to lay out. It declines what could hide that
// end from a simple reading ($(( )), comments, subshells, backquotes) and
// an inside that is not a flat body itself.
func (r *flatReader) subst(inQuotes bool) bool {
	s := r.s
	if r.i+2 < len(s) && s[r.i+2] == '(' {
		return false
	}
	start := r.i
	// The substitutions inside this one are read again, with their
	// tokens, by flatTokens below: they are no cuts of the word, and
	// here they are only skipped (reading each level twice would take
	// time exponential in the nesting).
	cuts, skip := len(r.cuts), r.skip
	r.skip = true
	defer func() { r.skip = skip }()
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
			r.cuts = r.cuts[:cuts]
			if skip {
				return true
			}
			base := start + 2
			toks, ok := flatTokens(s[base:r.i-1], nil)
			if !ok || inQuotes {
				// One in double quotes stays in its word, whose bytes
				// are kept (shWalker.wordToks).
				return ok
			}
			for k := range toks {
				t := &toks[k]
				t.s, t.e = t.s+base, t.e+base
				if t.scope >= 0 {
					t.scope += base
				}
				if t.anchor >= 0 {
					t.anchor += base
				}
			}
			r.cuts = append(r.cuts, flatCut{l: start, r: r.i - 1, toks: toks})
			return true
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
	n += nameLen(s[n:])
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
