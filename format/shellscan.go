package format

import (
	"slices"
	"strings"
	"sync"
)

// separatingBlanks calls fn for each run [i, j) of blanks (space, tab) in s that
// stands outside every quote, parameter expansion, command substitution
// and backquote: the only blanks that do nothing but separate words. It
// returns false, having stopped, where this reading may be wrong: a case
// statement inside a command substitution, whose unbalanced ')' would end
// the substitution early here.
//
// It errs on the side of reading blanks as content: a blank it takes for a
// separator is one in every shell a Dockerfile runs.
func separatingBlanks(s string, esc byte, fn func(i, j int)) bool {
	const (
		sq    = iota // '...'
		dq           // "..."
		ansi         // $'...'
		brace        // ${...}
		paren        // $(...) or (...) inside one
		backq        // `...`
	)
	var stack []byte
	// A case statement inside a command substitution (or backquotes) has
	// patterns whose ')' this reading would take for the substitution's
	// end: where one starts, it stops.
	var cases []int
	if strings.Contains(s, "$(") || strings.Contains(s, "`") {
		cases = caseWords(s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		// (Bytes skipped below change no state, so the check may come
		// at the first byte read after the word's start.)
		if len(cases) > 0 && i >= cases[0] {
			if slices.ContainsFunc(stack, func(k byte) bool { return k == paren || k == backq }) {
				return false
			}
			cases = cases[1:]
		}
		if !scanStop[c] && c != esc {
			continue // no state changes at any other byte
		}
		top := byte(255)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top == 255 && (c == ' ' || c == '\t') {
			j := i
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
			fn(i, j)
			i = j - 1
			continue
		}
		next := byte(0)
		if i+1 < len(s) {
			next = s[i+1]
		}
		switch top {
		case sq:
			if c == '\'' {
				stack = stack[:len(stack)-1]
			}
			continue
		case ansi:
			if c == '\\' {
				i++
			} else if c == '\'' {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		// The shell's own escape is the backslash whatever the Dockerfile's
		// escape; under the backtick escape the shell may be PowerShell
		// (backtick) or cmd (caret): each escapes the next character.
		if c == '\\' || c == esc || (esc == '`' && c == '^') {
			// But there, what one shell escapes the other does not: before
			// a quote, whether a quoted string opens depends on the shell.
			if esc == '`' && (next == '"' || next == '\'') {
				return false
			}
			i++
			continue
		}
		switch {
		case c == '$' && next == '{':
			stack = append(stack, brace)
			i++
		case c == '$' && next == '(':
			stack = append(stack, paren)
			i++
		case c == '$' && next == '\'' && top != dq:
			stack = append(stack, ansi)
			i++
		case c == '`':
			if top == backq {
				stack = stack[:len(stack)-1]
			} else {
				stack = append(stack, backq)
			}
		case c == '"':
			if top == dq {
				stack = stack[:len(stack)-1]
			} else {
				stack = append(stack, dq)
			}
		case top == dq:
			// Nothing else opens or closes inside double quotes.
		case c == '\'':
			stack = append(stack, sq)
		case c == '}' && top == brace:
			stack = stack[:len(stack)-1]
		case c == '(' && top == paren:
			stack = append(stack, paren)
		case c == ')' && top == paren:
			stack = stack[:len(stack)-1]
		}
	}
	return true
}

// scanStop marks the bytes at which separatingBlanks may change state, the
// escape aside: blanks, quotes, '$', parentheses, '}', the backslash and
// cmd's caret.
var scanStop = func() (t [256]bool) {
	for _, c := range []byte(" \t'\"$`(){}\\^") {
		t[c] = true
	}
	return t
}()

// sameWords reports whether a and b differ at most in blanks that only
// separate words (see separatingBlanks): in the length of such runs, and, in
// POSIX shell text, in runs that stand between a word and an operator,
// where shell needs none (see optionalBlanks). Then they run the same
// program. It is false where separatingBlanks cannot tell.
func sameWords(a, b string, esc byte, posix bool) bool {
	bufp := wordsPool.Get().(*[2][]byte)
	defer wordsPool.Put(bufp)
	// Inside a bash extended glob such as !( a), blanks are pattern; and
	// where a NUL byte stands, readers of shell differ (bash skips it, sh
	// stops there). Only the first line is read for words (normalBlanks).
	ma, mb := shellMarks(firstLine(a)), shellMarks(firstLine(b))
	if posix && (ma|mb)&(markGlob|markNUL) != 0 {
		return false
	}
	// Inside (( )) and [[ ]], operators are other than shell's ("&=",
	// "<="): blanks there only change in length.
	opt := posix && (ma|mb)&markTest == 0
	na, okA := normalBlanks(bufp[0][:0], a, esc, opt)
	nb, okB := normalBlanks(bufp[1][:0], b, esc, opt)
	bufp[0], bufp[1] = na, nb
	return okA && okB && string(na) == string(nb)
}

// wordsPool holds sameWords' buffers.
var wordsPool = sync.Pool{New: func() any { return new([2][]byte) }}

// normalBlanks appends s to dst with each run of blanks that only separates
// words made one space, and each run that shell does not need dropped (a
// run at either end of s is kept, as one space) when opt is set. ok is
// false where separatingBlanks cannot tell.
//
// Only the first line is read so: what follows a line end (in a RUN, its
// heredoc bodies) is kept as it is, blanks and all.
func normalBlanks(dst []byte, text string, esc byte, opt bool) (out []byte, ok bool) {
	s := firstLine(text)
	last := 0
	ok = separatingBlanks(s, esc, func(i, j int) {
		dst = append(dst, s[last:i]...)
		if !opt || !optionalBlanks(s, i, j) {
			dst = append(dst, ' ')
		}
		last = j
	})
	return append(dst, text[last:]...), ok
}

// firstLine returns s up to its first line end.
func firstLine(s string) string {
	if k := strings.IndexByte(s, '\n'); k >= 0 {
		return s[:k]
	}
	return s
}

// The marks of shellMarks.
const (
	markGlob = 1 << iota // a bash extended glob's opening: ?( *( +( @( !(
	markNUL              // a NUL byte
	markTest             // "((" or "[["
)

// shellMarks finds what makes sameWords careful.
func shellMarks(s string) (m int) {
	if strings.IndexByte(s, 0) >= 0 {
		m |= markNUL
	}
	for i := strings.IndexByte(s, '('); i >= 0; {
		if i > 0 {
			switch s[i-1] {
			case '?', '*', '+', '@', '!':
				m |= markGlob
			case '(':
				m |= markTest
			}
		}
		k := strings.IndexByte(s[i+1:], '(')
		if k < 0 {
			break
		}
		i += k + 1
	}
	if strings.Contains(s, "[[") {
		m |= markTest
	}
	return m
}

// byteClass holds, for each byte, the classes below.
var byteClass = func() (t [256]uint8) {
	for _, c := range []byte(";|&<>()") {
		t[c] |= classOp
	}
	for c := 0; c < 256; c++ {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			t[c] |= classWordStart | classWordEnd
		}
	}
	for _, c := range []byte("_./-\"'$=~+@%:,") {
		t[c] |= classWordStart
	}
	for _, c := range []byte("_./-\"'=~+@%:,}") {
		t[c] |= classWordEnd
	}
	return t
}()

const (
	classOp = 1 << iota
	classWordStart
	classWordEnd
)

// isOpByte reports the bytes of shell's operators.
func isOpByte(c byte) bool { return byteClass[c]&classOp != 0 }

// wordStart and wordEnd are the bytes that may begin a word after an
// operator, or end one before it, with no blank between them and no change
// in how shell splits the text: no operator byte, no escape, no '#' (a
// comment after a blank, text within a word), no '{' or '['.
func wordStart(c byte) bool { return byteClass[c]&classWordStart != 0 }

func wordEnd(c byte) bool { return byteClass[c]&classWordEnd != 0 }

// escaped reports whether s[k] follows an odd number of backslashes.
func escaped(s string, k int) bool {
	n := 0
	for k > 0 && s[k-1] == '\\' {
		n++
		k--
	}
	return n%2 == 1
}

// optionalBlanks reports whether the top-level run of blanks s[i:j] stands
// between a word and an operator where shell splits the two without it, so
// that dropping it keeps every token: "a ;" is "a;", "a | b" is "a|b",
// "> file" is ">file", "( cd x )" is "(cd x)".
//
// Operators that could join another are left out ("a & &" is not "a &&"),
// and so are the blanks that make a word an operator's argument rather
// than a file descriptor: "2 >x" is not "2>x", nor "{fd} >x" "{fd}>x".
func optionalBlanks(s string, i, j int) bool {
	if i == 0 || j == len(s) {
		return false
	}
	l, r := s[i-1], s[j]
	switch {
	case isOpByte(l) && !escaped(s, i-1) && wordStart(r):
		k := i - 1
		for k > 0 && isOpByte(s[k-1]) {
			k--
		}
		switch s[k:i] {
		case ";", ";;", "|", "||", "&", "&&", ">", ">>", "<", "&>", ">|":
			return true
		case "(":
			// A subshell or group's parenthesis, not an array's or
			// a process substitution's. (sameWords reads no text
			// with extended globs.)
			return k == 0 || s[k-1] == ' ' || s[k-1] == '\t'
		}
	case isOpByte(r) && wordEnd(l):
		m := j
		for m < len(s) && isOpByte(s[m]) {
			m++
		}
		switch s[j:m] {
		case ";", ";;", "|", "||", "&", "&&":
			return true
		case ")":
			return true
		case ">", ">>", "<", ">|":
			if l == '}' {
				return false
			}
			// A word of digits before it would be a file descriptor.
			k := i - 1
			for k >= 0 && '0' <= s[k] && s[k] <= '9' {
				k--
			}
			if k == i-1 {
				return true // the word does not end in a digit
			}
			return k >= 0 && wordEnd(s[k]) && s[k] != '}' && !escaped(s, k)
		}
	}
	return false
}

// caseWords returns where s holds "case" as a word that may start a case
// statement: after a blank, an operator or a parenthesis, before a blank.
// ("lowercase" or "testcase" is no case statement.)
func caseWords(s string) []int {
	var out []int
	for i := 0; ; {
		k := strings.Index(s[i:], "case")
		if k < 0 {
			return out
		}
		k += i
		before := k == 0 || strings.IndexByte(" \t;&|(`{", s[k-1]) >= 0
		after := k+4 < len(s) && (s[k+4] == ' ' || s[k+4] == '\t')
		if before && after {
			out = append(out, k)
		}
		i = k + 4
	}
}
