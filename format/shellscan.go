package format

import (
	"slices"
	"strings"
	"sync"
)

// topBlanks calls fn for each run [i, j) of blanks (space, tab) in s that
// stands outside every quote, parameter expansion, command substitution
// and backquote: the only blanks that do nothing but separate words. It
// returns false, having stopped, where this reading may be wrong: a case
// statement inside a command substitution, whose unbalanced ')' would end
// the substitution early here.
//
// It errs on the side of reading blanks as content: a blank it takes for a
// separator is one in every shell a Dockerfile runs.
func topBlanks(s string, esc byte, fn func(i, j int)) bool {
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

// scanStop marks the bytes at which topBlanks may change state, the
// escape aside: blanks, quotes, '$', parentheses, '}', the backslash and
// cmd's caret.
var scanStop = func() (t [256]bool) {
	for _, c := range []byte(" \t'\"$`(){}\\^") {
		t[c] = true
	}
	return t
}()

// sameWords reports whether a and b differ at most in the length of runs of
// blanks that only separate words (see topBlanks): then they run the same
// program. It is false where topBlanks cannot tell.
func sameWords(a, b string, esc byte) bool {
	bufp := runsPool.Get().(*[]span)
	defer runsPool.Put(bufp)
	ra := (*bufp)[:0]
	if !topBlanks(a, esc, func(i, j int) { ra = append(ra, span{i, j}) }) {
		return false
	}
	*bufp = ra
	// The texts between the runs must be equal, run for run (a run at
	// either end of the text counts, and so must match, too).
	k, pa, pb := 0, 0, 0
	same := true
	ok := topBlanks(b, esc, func(i, j int) {
		if !same {
			return
		}
		if k == len(ra) || a[pa:ra[k].s] != b[pb:i] {
			same = false
			return
		}
		pa, pb = ra[k].e, j
		k++
	})
	return ok && same && k == len(ra) && a[pa:] == b[pb:]
}

// runsPool holds sameWords' buffers of blank runs.
var runsPool = sync.Pool{New: func() any { return new([]span) }}

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
