package format

import (
	"reflect"
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
		// Blanks between a word and an operator, which shell needs not.
		{"a ; b", "a;b", '\\', true},
		{"a|b", "a | b", '\\', true},
		{"a>/dev/null", "a > /dev/null", '\\', true},
		{"a 2>/dev/null", "a 2> /dev/null", '\\', true},
		{"( cd x )", "(cd x)", '\\', true},
		{"a\\; b", "a\\;b", '\\', false}, // an escaped ';' is a word's
		{"a 2>x", "a 2 >x", '\\', false}, // a file descriptor, or a word
		{"a {fd}>x", "a {fd} >x", '\\', false},
		{"a & & b", "a && b", '\\', false},
		{"x=( a )", "x=(a)", '\\', true}, // as parsed shell: an array
		{"ls @( a )", "ls @(a)", '\\', false},
		{"a ;#b", "a;#b", '\\', true},
		{"a; #b", "a;#b", '\\', true}, // a comment either way, as parsed shell
		{"a ;b", "a;b", '`', false},
	} {
		if got := sameShell(tc.a, tc.b, tc.esc, true, parsedShell{}); got != tc.same {
			t.Errorf("sameShell(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

// TestCaseWords holds the guard of separatingBlanks: only a case statement's
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
		if got := separatingBlanks(s, '\\', func(int, int) {}); got != want {
			t.Errorf("separatingBlanks(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestSameWords holds the parser-free half of the shell comparison.
func TestSameWords(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"a ; b", "a;b", true},
		{"a ; b", "a;  b", true},
		{"a|b", "a | b", true},
		{"a || b", "a||b", true},
		{"a&&b", "a && b", true},
		{"a>/dev/null", "a > /dev/null", true},
		{"a >>log", "a>> log", true},
		{"a 2>/dev/null", "a 2> /dev/null", true},
		{`"2">x`, `"2" >x`, true},
		{"( cd x )", "(cd x)", true},
		{"a) b ;; esac", "a) b;; esac", true},
		{"a\\; b", "a\\;b", false},
		{"a 2>x", "a 2 >x", false},
		{"2>x", "2 >x", false},
		{"a {fd}>x", "a {fd} >x", false},
		{"a & & b", "a && b", false},
		{"a > > b", "a >> b", false},
		{"x=( a )", "x=(a)", false},
		{"ls @( a ) ( cd x )", "ls @( a ) (cd x)", false},
		{"a ;#b", "a;#b", true},
		{"a; #b", "a;#b", false},
		{"a <<EOF", "a << EOF", false},
		{"a <( b )", "a <(b)", false},
		{"a; b", "a;b ", false},
		{"a 'b ; c'", "a 'b; c'", false},
	} {
		if got := sameWords(tc.a, tc.b, '\\', true); got != tc.same {
			t.Errorf("sameWords(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
	// Text run by another shell (PowerShell, cmd) may only change in the
	// length of runs: @( is no extended glob there.
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"Remove-Item @( 'a',   'b' ) -Force", "Remove-Item @( 'a', 'b' ) -Force", true},
		{"a ; b", "a;b", false},
		{"a  ;  b", "a ; b", true},
	} {
		if got := sameWords(tc.a, tc.b, '\\', false); got != tc.same {
			t.Errorf("sameWords(%q, %q, not POSIX) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

// FuzzSameWords holds sameWords to the shell parser: texts it finds the
// same, made from one text by adding and removing blanks, parse alike.
func FuzzSameWords(f *testing.F) {
	for _, s := range []string{
		"a ; b", "a|b >/dev/null 2>&1", "( cd x ) && y", "case $x in a) b ;; esac",
		`x="$(a ; b)" | c`, "a 2>x", "f() { a; }", "a <<EOF\nx ; y\nEOF", "for i in 1 2 ; do a ; done",
	} {
		f.Add(s, []byte{1, 5, 9})
	}
	f.Fuzz(func(t *testing.T, a string, edits []byte) {
		if len(a) == 0 || len(a) > 512 || len(edits) > 16 {
			return
		}
		// Each edit adds a blank at a place, or takes one away.
		b := []byte(a)
		for _, e := range edits {
			k := int(e) % (len(b) + 1)
			if k < len(b) && (b[k] == ' ' || b[k] == '\t') {
				b = append(b[:k], b[k+1:]...)
			} else {
				b = append(b[:k], append([]byte{' '}, b[k:]...)...)
			}
		}
		if !sameWords(a, string(b), '\\', true) {
			return
		}
		t1, t2 := shellPool.Get().(*shellTools), shellPool.Get().(*shellTools)
		defer shellPool.Put(t1)
		defer shellPool.Put(t2)
		fa, errA := t1.parse(a)
		fb, errB := t2.parse(string(b))
		if (errA == nil) != (errB == nil) {
			t.Fatalf("same words, but one parses and the other does not:\n%q: %v\n%q: %v", a, errA, b, errB)
		}
		if errA == nil && !sameSyntax(reflect.ValueOf(fa), reflect.ValueOf(fb)) {
			t.Fatalf("same words, but different programs:\n%q\n%q", a, b)
		}
	})
}
