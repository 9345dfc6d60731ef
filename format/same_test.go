package format

import (
	"slices"
	"testing"
)

// TestSameShell holds the safety check's shell comparison: blanks that only
// separate words may change; blanks inside quotes, expansions and
// substitutions, and everything else, may not.
func TestSameShell(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		esc  byte
		same bool
	}{
		{"a  b", "a b", '\\', true},
		{"a && b", "a  &&  b", '\\', true},
		{"a&&b", "a && b", '\\', true}, // as parsed shell
		{"echo 'a  b'", "echo 'a b'", '\\', false},
		{`echo "a  b"`, `echo "a b"`, '\\', false},
		{"echo ${x//  /_}", "echo ${x// /_}", '\\', false},
		{`echo "$(echo "a  b")"`, `echo "$(echo "a b")"`, '\\', false},
		{"echo a\\  b", "echo a\\ b", '\\', false},
		{"echo a\\  b", "echo a\\   b", '\\', true},
		{"a b", "ab", '\\', false},
		{"Write-Host  'a  b'", "Write-Host 'a  b'", '`', true},
		{"Write-Host 'a  b'", "Write-Host 'a b'", '`', false},
		{"a` b", "a`  b", '`', false},
		{"if (", "if  (", '\\', true}, // not shell either way: words
		{"if (", "if(", '\\', false},
	} {
		if got := sameShell(tc.a, tc.b, tc.esc, parsedShell{}); got != tc.same {
			t.Errorf("sameShell(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

// TestCaseWords holds the guard of topBlanks: only a case statement's
// word counts.
func TestCaseWords(t *testing.T) {
	for s, want := range map[string][]int{
		"case x in a) b;; esac": {0},
		"a; case $x in":         {3},
		"x=$(case y in":         {4},
		"lowercase the names":   nil,
		"testcase":              nil,
		"case":                  nil,
		"echo case-sensitive":   nil,
	} {
		if got := caseWords(s); !slices.Equal(got, want) {
			t.Errorf("caseWords(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestTopBlanksCase: a case statement inside a command substitution stops
// the reading; one outside it does not.
func TestTopBlanksCase(t *testing.T) {
	for s, want := range map[string]bool{
		`x="$(a)"; case "$x" in a) b ;; esac`:   true,
		`x="$(case "$y" in a) b ;; esac)"; c`:   false,
		"x=`case $y in a) b ;; esac`; c":        false,
		`case "$(a)" in a) echo "$(b)" ;; esac`: true,
	} {
		if got := topBlanks(s, '\\', func(int, int) {}); got != want {
			t.Errorf("topBlanks(%q) = %v, want %v", s, got, want)
		}
	}
}
