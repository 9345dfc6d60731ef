package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/dfmt/dfmt/format"
)

// TestDiffAnnotations checks the regions: one per run of changed lines,
// with the lines it replaces in the original.
func TestDiffAnnotations(t *testing.T) {
	const msg = ",title=dfmt::not formatted as dfmt would format it; run dfmt -w x\n"
	tests := []struct {
		name string
		a, b string
		want string // the line and endLine of each region
	}{
		{"one line", "from a\n", "FROM a\n", "1,1"},
		{"several lines", "a\nb\nc\nd\n", "a\nB\nC\nd\n", "2,3"},
		// Regions that -d prints in one hunk (their contexts touch) are
		// still separate here.
		{"two regions", "a\n1\n2\nb\n", "A\n1\n2\nB\n", "1,1 4,4"},
		{"far apart", "a\n1\n2\n3\n4\n5\n6\n7\nb\n", "A\n1\n2\n3\n4\n5\n6\n7\nB\n", "1,1 9,9"},
		{"deletion", "a\n\n\nb\n", "a\n\nb\n", "3,3"},
		{"replacement by more lines", "a\nb\n", "a\nb1\nb2\nb3\n", "2,2"},
		// A pure insertion points at the line it follows, or at line 1.
		{"insertion", "a\nc\n", "a\nb\nc\n", "1,1"},
		{"insertion at the top", "b\n", "a\nb\n", "1,1"},
		{"insertion at the end", "a\n", "a\nb\n", "1,1"},
		{"into an empty file", "", "a\n", "1,1"},
		{"missing line end", "a\nb", "a\nb\n", "2,2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want strings.Builder
			for r := range strings.FieldsSeq(tt.want) {
				first, last, _ := strings.Cut(r, ",")
				want.WriteString("::error file=x,line=" + first + ",endLine=" + last + msg)
			}
			got := string(diffAnnotations("x", diffLines(tt.a, tt.b)))
			if got != want.String() {
				t.Errorf("got\n%s\nwant\n%s", got, want.String())
			}
		})
	}
}

func TestDiffAnnotationsNames(t *testing.T) {
	lines := diffLines("a\n", "A\n")
	for _, tt := range []struct{ name, want string }{
		{"", "::error line=1,endLine=1,title=dfmt::not formatted as dfmt would format it\n"},
		{"a,b:c%d.Dockerfile", "::error file=a%2Cb%3Ac%25d.Dockerfile,line=1,endLine=1,title=dfmt::not formatted as dfmt would format it; run dfmt -w a,b:c%25d.Dockerfile\n"},
		{"my app/Dockerfile", "::error file=my app/Dockerfile,line=1,endLine=1,title=dfmt::not formatted as dfmt would format it; run dfmt -w 'my app/Dockerfile'\n"},
		{"a\nb", "::error file=a%0Ab,line=1,endLine=1,title=dfmt::not formatted as dfmt would format it; run dfmt -w 'a%0Ab'\n"},
	} {
		if got := string(diffAnnotations(tt.name, lines)); got != tt.want {
			t.Errorf("%q:\ngot  %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestErrorAnnotation(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"d/Dockerfile", &format.Error{Line: 2, Col: 5, Msg: "binary file: contains a nul byte"},
			"::error file=d/Dockerfile,line=2,col=5::binary file: contains a nul byte\n"},
		{"x", &format.Error{Line: 3, Msg: "no column"}, "::error file=x,line=3::no column\n"},
		{"x", &format.Error{Msg: "no line"}, "::error file=x::no line\n"},
		{"x", errors.New("100% bad,\r\nreally: yes"), "::error file=x::100%25 bad,%0D%0Areally: yes\n"},
		{"", errors.New("oops"), "::error::oops\n"},
		{"a:b", errNotRegular, "::error file=a%3Ab::not a regular file\n"},
	} {
		if got := string(errorAnnotation(tt.name, tt.err)); got != tt.want {
			t.Errorf("%q %v:\ngot  %q\nwant %q", tt.name, tt.err, got, tt.want)
		}
	}
}

// TestEscape checks the escapes against those of GitHub's toolkit.
func TestEscape(t *testing.T) {
	const s = "a%b\rc\nd:e,f%0A"
	if got, want := escapeData(s), "a%25b%0Dc%0Ad:e,f%250A"; got != want {
		t.Errorf("escapeData: got %q, want %q", got, want)
	}
	if got, want := escapeProperty(s), "a%25b%0Dc%0Ad%3Ae%2Cf%250A"; got != want {
		t.Errorf("escapeProperty: got %q, want %q", got, want)
	}
}

func TestShellQuote(t *testing.T) {
	for s, want := range map[string]string{
		"Dockerfile":      "Dockerfile",
		"a/b.Dockerfile":  "a/b.Dockerfile",
		"a b":             "'a b'",
		"it's":            `'it'\''s'`,
		"-x.Dockerfile":   "./-x.Dockerfile",
		"-x y.Dockerfile": "'./-x y.Dockerfile'",
		"$HOME/x":         "'$HOME/x'",
	} {
		if got := shellQuote(s); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestAnnotateRun checks when run annotates and where: only with -l, -d or
// --check, on standard output but with -d, and on by itself when
// GITHUB_ACTIONS is true.
func TestAnnotateRun(t *testing.T) {
	files := map[string]string{
		"Dockerfile":     "from a\n",
		"bad/Dockerfile": "FROM a\nENV PATH\n",
	}
	const (
		region = "::error file=Dockerfile,line=1,endLine=1,title=dfmt::not formatted as dfmt would format it; run dfmt -w Dockerfile\n"
		bad    = "::error file=bad/Dockerfile,line=2,col=1::env must have two arguments\n"
		badMsg = "bad/Dockerfile:2:1: env must have two arguments\n"
		diff   = "--- Dockerfile.orig\n+++ Dockerfile\n@@ -1 +1 @@\n-from a\n+FROM a\n"
	)
	tests := []struct {
		env            string
		args           []string
		code           int
		stdout, stderr string
	}{
		{args: []string{"--annotate", "-l", "Dockerfile", "bad"}, code: 2, stdout: "Dockerfile\n" + region + bad, stderr: badMsg},
		{args: []string{"--annotate", "--check", "Dockerfile"}, code: 1, stdout: "Dockerfile\n" + region},
		{args: []string{"--annotate", "-d", "Dockerfile", "bad"}, code: 2, stdout: diff, stderr: region + badMsg + bad},
		{args: []string{"--annotate", "-l", "-d", "Dockerfile"}, code: 1, stdout: "Dockerfile\n" + diff, stderr: region},
		{args: []string{"--annotate", "-l", "missing"}, code: 2, stdout: "::error file=missing::no such file or directory\n", stderr: "missing: no such file or directory\n"},
		// Nothing to annotate without -l, -d or --check.
		{args: []string{"--annotate", "Dockerfile", "bad"}, code: 2, stdout: "FROM a\n", stderr: badMsg},
		{args: []string{"--annotate", "-w", "bad"}, code: 2, stderr: badMsg},
		{env: "true", args: []string{"-l", "Dockerfile"}, code: 1, stdout: "Dockerfile\n" + region},
		{env: "true", args: []string{"--annotate=false", "-l", "Dockerfile"}, code: 1, stdout: "Dockerfile\n"},
		{env: "1", args: []string{"-l", "Dockerfile"}, code: 1, stdout: "Dockerfile\n"},
		{args: []string{"-l", "Dockerfile"}, code: 1, stdout: "Dockerfile\n"},
	}
	for _, tt := range tests {
		t.Run(tt.env+" "+strings.Join(tt.args, " "), func(t *testing.T) {
			setup(t, files)
			prev := getenv
			t.Cleanup(func() { getenv = prev })
			getenv = func(key string) string {
				if key == "GITHUB_ACTIONS" {
					return tt.env
				}
				return ""
			}
			stdout, stderr, code := dfmt("", tt.args...)
			if code != tt.code || stdout != tt.stdout || stderr != tt.stderr {
				t.Errorf("got status %d, stdout %q, stderr %q\nwant status %d, stdout %q, stderr %q",
					code, stdout, stderr, tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}
