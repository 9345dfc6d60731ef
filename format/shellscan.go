package format

import "strings"

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
	if hasCaseWord(s) && (strings.Contains(s, "$(") || strings.Contains(s, "`")) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
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

// sameWords reports whether a and b differ at most in the length of runs of
// blanks that only separate words (see topBlanks): then they run the same
// program. It is false where topBlanks cannot tell.
func sameWords(a, b string, esc byte) bool {
	ra, okA := blankRuns(a, esc)
	if !okA {
		return false
	}
	rb, okB := blankRuns(b, esc)
	if !okB || len(ra) != len(rb) {
		return false
	}
	// The texts between the runs must be equal, run for run.
	pa, pb := 0, 0
	for k := range ra {
		if a[pa:ra[k].s] != b[pb:rb[k].s] {
			return false
		}
		pa, pb = ra[k].e, rb[k].e
	}
	return a[pa:] == b[pb:]
}

// blankRuns lists the runs of blanks that only separate words, with a run
// at either end of the text counted (and so matched) too.
func blankRuns(s string, esc byte) ([]span, bool) {
	var runs []span
	ok := topBlanks(s, esc, func(i, j int) {
		runs = append(runs, span{i, j})
	})
	return runs, ok
}

// hasCaseWord reports whether s holds "case" as a word that may start a
// case statement: after a blank, an operator or a parenthesis, before a
// blank. ("lowercase" or "testcase" is no case statement.)
func hasCaseWord(s string) bool {
	for i := 0; ; {
		k := strings.Index(s[i:], "case")
		if k < 0 {
			return false
		}
		k += i
		before := k == 0 || strings.IndexByte(" \t;&|(`{", s[k-1]) >= 0
		after := k+4 < len(s) && (s[k+4] == ' ' || s[k+4] == '\t')
		if before && after {
			return true
		}
		i = k + 4
	}
}
