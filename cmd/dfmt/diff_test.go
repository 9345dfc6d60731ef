package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want string
	}{
		{"equal", "FROM a\n", "FROM a\n", ""},
		{"one line", "from a\n", "FROM a\n", `--- x.orig
+++ x
@@ -1 +1 @@
-from a
+FROM a
`},
		{"context", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n", `--- x.orig
+++ x
@@ -2,7 +2,7 @@
 2
 3
 4
-5
+five
 6
 7
 8
`},
		{"two hunks", "a\n1\n2\n3\n4\n5\n6\n7\nb\n", "A\n1\n2\n3\n4\n5\n6\n7\nB\n", `--- x.orig
+++ x
@@ -1,4 +1,4 @@
-a
+A
 1
 2
 3
@@ -6,4 +6,4 @@
 5
 6
 7
-b
+B
`},
		{"gap of six merges", "a\n1\n2\n3\n4\n5\n6\nb\n", "A\n1\n2\n3\n4\n5\n6\nB\n", `--- x.orig
+++ x
@@ -1,8 +1,8 @@
-a
+A
 1
 2
 3
 4
 5
 6
-b
+B
`},
		{"insert at start", "b\n", "a\nb\n", `--- x.orig
+++ x
@@ -1 +1,2 @@
+a
 b
`},
		{"delete lines", "a\nb\nc\n", "a\nc\n", `--- x.orig
+++ x
@@ -1,3 +1,2 @@
 a
-b
 c
`},
		{"from empty", "", "FROM a\nRUN b\n", `--- x.orig
+++ x
@@ -0,0 +1,2 @@
+FROM a
+RUN b
`},
		{"to empty", "\n\n", "", `--- x.orig
+++ x
@@ -1,2 +0,0 @@
-
-
`},
		{"add final newline", "FROM a\nRUN b", "FROM a\nRUN b\n", `--- x.orig
+++ x
@@ -1,2 +1,2 @@
 FROM a
-RUN b
\ No newline at end of file
+RUN b
`},
		{"both without final newline", "from a\nRUN b", "FROM a\nRUN b", `--- x.orig
+++ x
@@ -1,2 +1,2 @@
-from a
+FROM a
 RUN b
\ No newline at end of file
`},
		{"remove final newline", "a\n", "a", `--- x.orig
+++ x
@@ -1 +1 @@
-a
+a
\ No newline at end of file
`},
		{"crlf", "from a\r\nRUN b  \r\nRUN c\r\n", "FROM a\r\nRUN b\r\nRUN c\r\n", "--- x.orig\n+++ x\n@@ -1,3 +1,3 @@\n-from a\r\n-RUN b  \r\n+FROM a\r\n+RUN b\r\n RUN c\r\n"},
		{"crlf to lf", "a\r\nb\r\n", "a\nb\n", "--- x.orig\n+++ x\n@@ -1,2 +1,2 @@\n-a\r\n-b\r\n+a\n+b\n"},
		{"deletions before insertions", "a\nb\nc\nd\n", "a\nB\nC\nd\n", `--- x.orig
+++ x
@@ -1,4 +1,4 @@
 a
-b
-c
+B
+C
 d
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(unifiedDiff("x.orig", "x", []byte(tt.a), []byte(tt.b)))
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			if tt.want != "" {
				checkApplies(t, tt.a, tt.b, got)
				compareGNU(t, tt.a, tt.b, got)
			}
		})
	}
}

// TestUnifiedDiffRandom checks on random edits that the diff turns a into
// b, that its headers count right and its context is at most three lines.
func TestUnifiedDiffRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		a := randomText(r)
		b := mutate(r, a)
		if r.IntN(4) == 0 {
			b = strings.ReplaceAll(b, "\n", "\r\n")
		}
		d := string(unifiedDiff("x.orig", "x", []byte(a), []byte(b)))
		if (d == "") != (a == b) {
			t.Fatalf("case %d: empty diff %v for a == b %v", i, d == "", a == b)
		}
		if d != "" {
			checkApplies(t, a, b, d)
		}
	}
}

// TestUnifiedDiffFallback checks the diff past maxDiffLines, where
// diffmatchpatch is not used.
func TestUnifiedDiffFallback(t *testing.T) {
	defer func(n int) { maxDiffLines = n }(maxDiffLines)
	maxDiffLines = 10
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		a := randomText(r)
		b := mutate(r, a)
		if d := string(unifiedDiff("x.orig", "x", []byte(a), []byte(b))); d != "" {
			checkApplies(t, a, b, d)
		}
	}
}

// TestUnifiedDiffPatch applies diffs with patch(1), the tool users feed
// them to, including files without a final newline and CRLF files.
func TestUnifiedDiffPatch(t *testing.T) {
	if _, err := exec.LookPath("patch"); err != nil {
		t.Skip("no patch command")
	}
	r := rand.New(rand.NewPCG(5, 6))
	dir := t.TempDir()
	for i := range 40 {
		a := randomText(r)
		b := mutate(r, a)
		if i%3 == 0 {
			a = strings.ReplaceAll(a, "\n", "\r\n")
			b = strings.ReplaceAll(b, "\n", "\r\n")
		}
		if a == b {
			continue
		}
		name := filepath.Join(dir, "Dockerfile")
		if err := os.WriteFile(name, []byte(a), 0o644); err != nil {
			t.Fatal(err)
		}
		d := unifiedDiff("Dockerfile.orig", "Dockerfile", []byte(a), []byte(b))
		cmd := exec.Command("patch", "-s", "-p0", "--binary")
		cmd.Dir = dir
		cmd.Stdin = bytes.NewReader(d)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("case %d: patch: %v\n%s\ndiff:\n%q", i, err, out, d)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != b {
			t.Fatalf("case %d: patched to %q, want %q\ndiff:\n%s", i, got, b, d)
		}
	}
}

// compareGNU checks that GNU diff -u prints the same hunks as got.
func compareGNU(t *testing.T, a, b, got string) {
	t.Helper()
	if _, err := exec.LookPath("diff"); err != nil {
		return
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), []byte(a), 0o644)
	os.WriteFile(filepath.Join(dir, "b"), []byte(b), 0o644)
	cmd := exec.Command("diff", "-u", "a", "b")
	cmd.Dir = dir
	out, _ := cmd.Output()
	if !bytes.HasPrefix(out, []byte("--- a")) {
		t.Skipf("diff -u is not GNU diff: %q", out)
	}
	gnu := strings.Join(splitLines(string(out))[2:], "")
	if mine := strings.Join(splitLines(got)[2:], ""); mine != gnu {
		t.Errorf("diff -u prints:\n%s\nwe print:\n%s", gnu, mine)
	}
}

func randomText(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(30) {
		fmt.Fprintf(&b, "line %d\n", r.IntN(8))
	}
	s := b.String()
	if r.IntN(4) == 0 {
		s = strings.TrimSuffix(s, "\n")
	}
	return s
}

func mutate(r *rand.Rand, s string) string {
	lines := splitLines(s)
	for range r.IntN(5) {
		switch k := r.IntN(3); {
		case k == 0 && len(lines) > 0:
			i := r.IntN(len(lines))
			lines = append(lines[:i], lines[i+1:]...)
		case k == 1:
			i := r.IntN(len(lines) + 1)
			lines = append(lines[:i], append([]string{fmt.Sprintf("new %d\n", r.IntN(8))}, lines[i:]...)...)
		case len(lines) > 0:
			i := r.IntN(len(lines))
			lines[i] = strings.ToUpper(lines[i])
		}
	}
	out := strings.Join(lines, "")
	switch r.IntN(6) {
	case 0:
		out = strings.TrimSuffix(out, "\n")
	case 1:
		if out != "" && !strings.HasSuffix(out, "\n") {
			out += "\n"
		}
	}
	return out
}

var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$`)

// checkApplies applies the unified diff d to a, strictly, and checks the
// result is b. It also checks the hunk headers and the context width.
func checkApplies(t *testing.T, a, b, d string) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("a=%q b=%q\ndiff:\n%s\n%s", a, b, d, fmt.Sprintf(format, args...))
	}
	if !strings.HasPrefix(d, "--- x.orig\n+++ x\n") && !strings.HasPrefix(d, "--- Dockerfile.orig\n") {
		fail("bad header")
	}
	dl := splitLines(d)[2:]
	al := splitLines(a)
	var out []string
	pos := 0 // lines of a consumed
	for i := 0; i < len(dl); {
		m := hunkHeader.FindStringSubmatch(strings.TrimSuffix(dl[i], "\n"))
		if m == nil {
			fail("line %d: want a hunk header, got %q", i, dl[i])
		}
		num := func(s string, def int) int {
			if s == "" {
				return def
			}
			n, _ := strconv.Atoi(s)
			return n
		}
		oldStart, oldCount := num(m[1], 0), num(m[2], 1)
		newStart, newCount := num(m[3], 0), num(m[4], 1)
		// An empty range names the line before it.
		oldFirst := oldStart - 1
		if oldCount == 0 {
			oldFirst = oldStart
		}
		if oldFirst < pos {
			fail("hunk at old line %d overlaps the previous one", oldStart)
		}
		out = append(out, al[pos:oldFirst]...)
		if want := len(out); (newCount == 0 && newStart != want) || (newCount > 0 && newStart != want+1) {
			fail("hunk new start %d, want %d", newStart, want+1)
		}
		pos = oldFirst
		i++
		var kinds []byte
		gotOld, gotNew := 0, 0
		for i < len(dl) && !strings.HasPrefix(dl[i], "@@") {
			l := dl[i]
			i++
			text := l[1:]
			if i < len(dl) && dl[i] == "\\ No newline at end of file\n" {
				text = strings.TrimSuffix(text, "\n")
				i++
			}
			kinds = append(kinds, l[0])
			switch l[0] {
			case ' ':
				if pos >= len(al) || al[pos] != text {
					fail("context %q does not match", text)
				}
				out = append(out, text)
				pos++
				gotOld++
				gotNew++
			case '-':
				if pos >= len(al) || al[pos] != text {
					fail("deleted %q does not match", text)
				}
				pos++
				gotOld++
			case '+':
				out = append(out, text)
				gotNew++
			default:
				fail("bad line %q", l)
			}
		}
		if gotOld != oldCount || gotNew != newCount {
			fail("hunk counts %d,%d, header says %d,%d", gotOld, gotNew, oldCount, newCount)
		}
		k := string(kinds)
		lead := len(k) - len(strings.TrimLeft(k, " "))
		trail := len(k) - len(strings.TrimRight(k, " "))
		if lead > diffContext || trail > diffContext || strings.Contains(strings.Trim(k, " "), strings.Repeat(" ", 2*diffContext+1)) {
			fail("bad context in hunk %q", k)
		}
		if strings.Contains(k, "+-") {
			fail("insertion before deletion in %q", k)
		}
	}
	out = append(out, al[pos:]...)
	if got := strings.Join(out, ""); got != b {
		fail("applied: %q", got)
	}
}
