package format

import "testing"

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

// TestHasCaseWord holds the guard of topBlanks: only a case statement's
// word counts.
func TestHasCaseWord(t *testing.T) {
	for s, want := range map[string]bool{
		"case x in a) b;; esac": true,
		"a; case $x in":         true,
		"x=$(case y in":         true,
		"lowercase the names":   false,
		"testcase":              false,
		"case":                  false,
		"echo case-sensitive":   false,
	} {
		if got := hasCaseWord(s); got != want {
			t.Errorf("hasCaseWord(%q) = %v, want %v", s, got, want)
		}
	}
}
