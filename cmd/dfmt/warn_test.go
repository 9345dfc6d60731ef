package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dfmt/dfmt/format"
)

// TestWarnings checks how the formatter's warnings are printed: on standard
// error as "path:line:col: warning: message", in file order and argument
// order, before the file's other messages, in every mode, and without a
// change to the exit status.
func TestWarnings(t *testing.T) {
	files := map[string]string{
		"w/a.Dockerfile": "from a\nUSER warn\n",            // differs
		"w/b.Dockerfile": "FROM b\nUSER warn\nUSER warn\n", // formatted
		"w/c.Dockerfile": "FROM c\n",
		"bad/Dockerfile": "USER warn\nENV PATH\n",
	}
	const (
		warnA = "w/a.Dockerfile:2:1: warning: fake warning\n"
		warnB = "w/b.Dockerfile:2:1: warning: fake warning\nw/b.Dockerfile:3:1: warning: fake warning\n"
		badE  = "bad/Dockerfile:2:1: env must have two arguments\n"
	)
	tests := []struct {
		stdin          string
		args           []string
		code           int
		stdout, stderr string
	}{
		{args: []string{"w"}, stdout: "FROM a\nUSER warn\nFROM b\nUSER warn\nUSER warn\nFROM c\n", stderr: warnA + warnB},
		{args: []string{"-l", "w"}, code: 1, stdout: "w/a.Dockerfile\n", stderr: warnA + warnB},
		{args: []string{"--check", "w"}, code: 1, stdout: "w/a.Dockerfile\n", stderr: warnA + warnB},
		{args: []string{"-l", "w/b.Dockerfile"}, stderr: warnB},
		{args: []string{"--check", "w/b.Dockerfile", "w/c.Dockerfile"}, stderr: warnB},
		{args: []string{"-d", "w/b.Dockerfile"}, stderr: warnB},
		{args: []string{"-w", "w/b.Dockerfile"}, stderr: warnB},
		{args: []string{"w/c.Dockerfile", "w/b.Dockerfile", "w/a.Dockerfile"}, stdout: "FROM c\nFROM b\nUSER warn\nUSER warn\nFROM a\nUSER warn\n", stderr: warnB + warnA},
		// A file in error has no warnings: it was not formatted.
		{args: []string{"-l", "bad", "w/b.Dockerfile"}, code: 2, stderr: badE + warnB},
		{stdin: "USER warn\n", stdout: "USER warn\n", stderr: "<standard input>:1:1: warning: fake warning\n"},
		{stdin: "from a\nUSER warn\n", args: []string{"-l", "--stdin-filepath", "x/Dockerfile"}, code: 1, stdout: "x/Dockerfile\n", stderr: "x/Dockerfile:2:1: warning: fake warning\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " ")+"<"+tt.stdin, func(t *testing.T) {
			setup(t, files)
			stdout, stderr, code := dfmt(tt.stdin, tt.args...)
			if code != tt.code || stdout != tt.stdout || stderr != tt.stderr {
				t.Errorf("got status %d, stdout %q, stderr %q\nwant status %d, stdout %q, stderr %q",
					code, stdout, stderr, tt.code, tt.stdout, tt.stderr)
			}
		})
	}

	// -w writes a file that differs, and still warns.
	setup(t, files)
	if _, stderr, code := dfmt("", "-w", "w/a.Dockerfile"); code != 0 || stderr != warnA || readString(t, "w/a.Dockerfile") != "FROM a\nUSER warn\n" {
		t.Errorf("-w: status %d, stderr %q, file %q", code, stderr, readString(t, "w/a.Dockerfile"))
	}
}

// TestWarningsFirst checks that where standard output and standard error
// are one stream, a file's warnings come before its output.
func TestWarningsFirst(t *testing.T) {
	setup(t, map[string]string{"a.Dockerfile": "from a\nUSER warn\n", "b.Dockerfile": "USER warn\nfrom b\n"})
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"a.Dockerfile", "b.Dockerfile"}, "a.Dockerfile:2:1: warning: fake warning\nFROM a\nUSER warn\nb.Dockerfile:1:1: warning: fake warning\nUSER warn\nFROM b\n"},
		{[]string{"-l", "a.Dockerfile", "b.Dockerfile"}, "a.Dockerfile:2:1: warning: fake warning\na.Dockerfile\nb.Dockerfile:1:1: warning: fake warning\nb.Dockerfile\n"},
	} {
		var both bytes.Buffer
		run(tt.args, strings.NewReader(""), &both, &both)
		if both.String() != tt.want {
			t.Errorf("%v: one stream reads\n%s\nwant\n%s", tt.args, both.String(), tt.want)
		}
	}
}

// TestWarningsRefactored runs the real formatter after a refactor that
// takes a line out: the warning names the line of the file as written,
// not of the refactored text.
func TestWarningsRefactored(t *testing.T) {
	setup(t, map[string]string{"Dockerfile": "FROM a\nRUN a\n\nRUN b\n# dfmt:of\nRUN c\n"})
	formatSource = format.Format
	stdout, stderr, code := dfmt("", "-l", "-v", "-r", "merge-runs", "Dockerfile")
	want := `Dockerfile:5:3: warning: unknown dfmt directive "dfmt:of" (want dfmt:ignore, dfmt:off or dfmt:on)` + "\n" +
		`Dockerfile:6:1: merge-runs: skipped: not merged with the RUN at line 4: the comment "# dfmt:of" at line 5 applies to one instruction` + "\n"
	if code != 1 || stdout != "Dockerfile\n" || stderr != want {
		t.Errorf("status %d, stdout %q, stderr:\n%s\nwant:\n%s", code, stdout, stderr, want)
	}
}
