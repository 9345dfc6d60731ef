package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/formattest"
)

// fakeFormat stands in for format.Format in the tests of the command's own
// machinery, so that they test reading, writing and ordering whatever the
// printer does: it upper-cases a leading "from" or "run", drops trailing
// blanks, rejects a line "ENV PATH", prints its options for a line
// "SHOWOPTS", and warns of a line "USER warn" (a line BuildKit knows, so that a walk formats the file).
func fakeFormat(src []byte, opts format.Options) (*format.Result, error) {
	res := &format.Result{}
	var out []byte
	for i, line := range splitLines(string(src)) {
		body := strings.TrimRight(line, "\r\n")
		end := line[len(body):]
		switch body {
		case "ENV PATH":
			return nil, &format.Error{Line: i + 1, Col: 1, Msg: "env must have two arguments"}
		case "SHOWOPTS":
			body = fmt.Sprintf("# indent=%d tabs=%v", opts.Indent, opts.Tabs)
		case "USER warn":
			res.Warnings = append(res.Warnings, format.Warning{Line: i + 1, Col: 1, Msg: "fake warning"})
		}
		body = strings.TrimRight(body, " \t")
		if k, rest, ok := strings.Cut(body, " "); ok && (k == "from" || k == "run") {
			body = strings.ToUpper(k) + " " + rest
		}
		out = append(out, body...)
		out = append(out, end...)
	}
	res.Out = out
	return res, nil
}

// setup makes a temporary directory holding files, changes into it, puts
// fakeFormat in place of the formatter and saves the file system hooks;
// all are restored when the test ends.
func setup(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, files)
	t.Chdir(dir)
	prevFormat, prevOpen, prevReadDir, prevCreate, prevRename := formatSource, openFile, readDir, createTemp, rename
	t.Cleanup(func() {
		formatSource, openFile, readDir, createTemp, rename = prevFormat, prevOpen, prevReadDir, prevCreate, prevRename
	})
	formatSource = fakeFormat
	return dir
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// dfmt runs the command with stdin and returns what it printed and its
// exit status.
func dfmt(stdin string, args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	code = run(args, strings.NewReader(stdin), &o, &e)
	return o.String(), e.String(), code
}

func readString(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRun checks the exit status and both outputs of each mode.
func TestRun(t *testing.T) {
	files := map[string]string{
		"clean/Dockerfile":   "FROM a\n",
		"dirty/Dockerfile":   "from a\n",
		"dirty/x.Dockerfile": "FROM a  \n",
		"bad/Dockerfile":     "FROM a\nENV PATH\n",
		"notes.txt":          "from a\n",
	}
	tests := []struct {
		stdin          string
		args           []string
		code           int
		stdout, stderr string
	}{
		{args: []string{"clean"}, stdout: "FROM a\n"},
		{args: []string{"dirty"}, stdout: "FROM a\nFROM a\n"},
		{args: []string{"notes.txt", "clean/Dockerfile"}, stdout: "FROM a\nFROM a\n"},
		{args: []string{"-l", "clean"}},
		{args: []string{"-l", "clean", "dirty"}, code: 1, stdout: "dirty/Dockerfile\ndirty/x.Dockerfile\n"},
		{args: []string{"--check", "dirty"}, code: 1, stdout: "dirty/Dockerfile\ndirty/x.Dockerfile\n"},
		{args: []string{"--check", "clean"}},
		{args: []string{"-d", "clean"}},
		{args: []string{"-d", "dirty/Dockerfile"}, code: 1, stdout: "--- dirty/Dockerfile.orig\n+++ dirty/Dockerfile\n@@ -1 +1 @@\n-from a\n+FROM a\n"},
		{args: []string{"-l", "-d", "dirty/Dockerfile"}, code: 1, stdout: "dirty/Dockerfile\n--- dirty/Dockerfile.orig\n+++ dirty/Dockerfile\n@@ -1 +1 @@\n-from a\n+FROM a\n"},
		{args: []string{"bad"}, code: 2, stderr: "bad/Dockerfile:2:1: env must have two arguments\n"},
		{args: []string{"-l", "bad", "dirty"}, code: 2, stdout: "dirty/Dockerfile\ndirty/x.Dockerfile\n", stderr: "bad/Dockerfile:2:1: env must have two arguments\n"},
		{args: []string{"-l", "nope", "clean"}, code: 2, stderr: "nope: no such file or directory\n"},
		{args: []string{"-w", "bad"}, code: 2, stderr: "bad/Dockerfile:2:1: env must have two arguments\n"},
		{stdin: "from a\n", stdout: "FROM a\n"},
		{stdin: "from a\n", args: []string{"-"}, stdout: "FROM a\n"},
		{stdin: "from a\n", args: []string{"-l"}, code: 1, stdout: "<standard input>\n"},
		{stdin: "from a\n", args: []string{"-l", "--stdin-filepath", "x/Dockerfile"}, code: 1, stdout: "x/Dockerfile\n"},
		{stdin: "ENV PATH\n", code: 2, stderr: "<standard input>:1:1: env must have two arguments\n"},
		{stdin: "ENV PATH\n", args: []string{"--stdin-filepath=a/b"}, code: 2, stderr: "a/b:1:1: env must have two arguments\n"},
		{args: []string{"-w"}, code: 2, stderr: "dfmt: cannot use -w with standard input\nrun 'dfmt -h' for usage\n"},
		{args: []string{"-w", "clean", "-"}, code: 2, stderr: "dfmt: cannot use -w with standard input\nrun 'dfmt -h' for usage\n"},
		{args: []string{"--bogus"}, code: 2, stderr: "dfmt: unknown flag: --bogus\nrun 'dfmt -h' for usage\n"},
		{args: []string{"-i", "0"}, code: 2, stderr: "dfmt: invalid indent 0: must be from 1 to 16 (use --tabs for tabs)\nrun 'dfmt -h' for usage\n"},
		{args: []string{"-r", "all", "clean"}, stdout: "FROM a\n"},
		{args: []string{"-r", "nope", "clean"}, code: 2, stderr: "dfmt: unknown refactor \"nope\" (see --list-refactors)\nrun 'dfmt -h' for usage\n"},
		{args: []string{"-h"}, stderr: usage},
		{args: []string{"--help", "--bogus"}, code: 2, stderr: "dfmt: unknown flag: --bogus\nrun 'dfmt -h' for usage\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " ")+"<"+tt.stdin, func(t *testing.T) {
			setup(t, files)
			stdout, stderr, code := dfmt(tt.stdin, tt.args...)
			if code != tt.code || stdout != tt.stdout || stderr != tt.stderr {
				t.Errorf("got status %d, stdout %q, stderr %q\nwant status %d, stdout %q, stderr %q",
					code, stdout, stderr, tt.code, tt.stdout, tt.stderr)
			}
			if got := readString(t, "dirty/Dockerfile"); got != "from a\n" && !slices.Contains(tt.args, "-w") {
				t.Errorf("file written without -w: %q", got)
			}
			if got := readString(t, "bad/Dockerfile"); got != files["bad/Dockerfile"] {
				t.Errorf("file in error written: %q", got)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	setup(t, nil)
	stdout, stderr, code := dfmt("", "--version")
	if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "dfmt ") || strings.Count(stdout, "\n") != 1 {
		t.Errorf("--version: %d %q %q", code, stdout, stderr)
	}
	defer func(v string) { version = v }(version)
	version = "v1.2.3"
	if stdout, _, _ := dfmt("", "--version"); !strings.HasPrefix(stdout, "dfmt v1.2.3") {
		t.Errorf("--version with version set: %q", stdout)
	}
}

// TestOrder checks that output follows the arguments and the walk, however
// the workers finish, and that errors keep their place.
func TestOrder(t *testing.T) {
	files := map[string]string{}
	var args, wantList, wantErr []string
	var wantOut strings.Builder
	for i := range 300 {
		name := fmt.Sprintf("f%03d.Dockerfile", i)
		// Sizes vary so that jobs finish out of order.
		text := "from a\n" + strings.Repeat("RUN x\n", (i*7919)%500)
		switch {
		case i%37 == 5:
			text += "ENV PATH\n"
			wantErr = append(wantErr, fmt.Sprintf("%s:%d:1: env must have two arguments", name, strings.Count(text, "\n")))
		case i%41 == 3:
			name = fmt.Sprintf("missing%03d", i)
			wantErr = append(wantErr, name+": no such file or directory")
			args = append(args, name)
			continue
		default:
			wantList = append(wantList, name)
			wantOut.WriteString(strings.Replace(text, "from", "FROM", 1))
		}
		files[name] = text
		args = append(args, name)
	}
	slow := func(src []byte, opts format.Options) (*format.Result, error) {
		// The first files are the slowest.
		if bytes.Count(src, []byte("\n")) < 50 {
			time.Sleep(time.Millisecond)
		}
		return fakeFormat(src, opts)
	}
	setup(t, files)
	formatSource = slow

	stdout, stderr, code := dfmt("", args...)
	if code != 2 || stdout != wantOut.String() || stderr != strings.Join(wantErr, "\n")+"\n" {
		t.Errorf("default mode: status %d\nstderr:\n%s\nwant:\n%s\nstdout equal: %v", code, stderr, strings.Join(wantErr, "\n"), stdout == wantOut.String())
	}
	stdout, _, _ = dfmt("", append([]string{"-l"}, args...)...)
	if stdout != strings.Join(wantList, "\n")+"\n" {
		t.Errorf("-l out of order:\n%s", stdout)
	}
	// And for a walk, the same files in sorted order.
	if err := os.Mkdir("tree", 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range wantList {
		if err := os.Rename(name, filepath.Join("tree", name)); err != nil {
			t.Fatal(err)
		}
	}
	stdout, stderr, code = dfmt("", "-l", "tree")
	want := "tree/" + strings.Join(wantList, "\ntree/") + "\n"
	if code != 1 || stdout != want || stderr != "" {
		t.Errorf("-l tree: status %d, stderr %q, stdout in order: %v", code, stderr, stdout == want)
	}
}

func TestWrite(t *testing.T) {
	setup(t, map[string]string{
		"a/Dockerfile":       "from a\n",
		"a/clean.Dockerfile": "FROM a\n",
		"a/x.Dockerfile":     "FROM a  \r\nrun b\r\n",
		"a/suid.Dockerfile":  "from a\n",
		"a/ro.Dockerfile":    "from a\n",
	})
	modes := map[string]fs.FileMode{
		"a/Dockerfile":      0o600,
		"a/x.Dockerfile":    0o751,
		"a/suid.Dockerfile": 0o755 | fs.ModeSetuid | fs.ModeSetgid,
	}
	for name, mode := range modes {
		if err := os.Chmod(name, mode); err != nil {
			t.Fatal(err)
		}
	}
	cleanBefore, err := os.Stat("a/clean.Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	// Root may write a read-only file; everyone else is refused, as with
	// gofmt.
	if err := os.Chmod("a/ro.Dockerfile", 0o444); err != nil {
		t.Fatal(err)
	}

	stdout, stderr, code := dfmt("", "-w", "a")
	wantCode, wantErr := 0, ""
	if os.Geteuid() != 0 {
		wantCode, wantErr = 2, "a/ro.Dockerfile: not written: permission denied\n"
	}
	if code != wantCode || stdout != "" || stderr != wantErr {
		t.Fatalf("-w: status %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for name, want := range map[string]string{
		"a/Dockerfile":       "FROM a\n",
		"a/x.Dockerfile":     "FROM a\r\nRUN b\r\n",
		"a/suid.Dockerfile":  "FROM a\n",
		"a/clean.Dockerfile": "FROM a\n",
	} {
		if got := readString(t, name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	for name, mode := range modes {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode(); got != mode {
			t.Errorf("%s: mode %v, want %v", name, got, mode)
		}
	}
	if fi, err := os.Stat("a/ro.Dockerfile"); err != nil || fi.Mode() != 0o444 {
		t.Errorf("read-only file: %v %v", fi.Mode(), err)
	}
	// A file whose formatting does not change is not touched at all.
	cleanAfter, err := os.Stat("a/clean.Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(cleanBefore, cleanAfter) || !cleanBefore.ModTime().Equal(cleanAfter.ModTime()) {
		t.Error("unchanged file rewritten")
	}
	assertNoTemp(t, "a")
}

// TestOnce: a file reached twice (named twice, named and walked, through a
// link or a hard link) is formatted once, where it first comes. Formatting
// it twice with -w made two workers race, and one of them report
// "changed while being formatted"; counting the calls catches that every
// time, not only when the race is lost.
func TestOnce(t *testing.T) {
	for _, tt := range []struct {
		args  []string
		files int // how many distinct files the arguments reach
	}{
		{[]string{"Dockerfile", "Dockerfile"}, 1},
		{[]string{"Dockerfile", "./Dockerfile", "link", "hard"}, 1},
		{[]string{".", "Dockerfile"}, 2},
		{[]string{"Dockerfile", "."}, 2},
		{[]string{"link", ".", "sub", "."}, 2},
		{[]string{"sub", "sub/../sub/x.Dockerfile", "subdir-link"}, 1},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			setup(t, map[string]string{"Dockerfile": "from a\n", "sub/x.Dockerfile": "from x\n"})
			for _, l := range []struct{ old, new string }{{"Dockerfile", "link"}, {"sub", "subdir-link"}} {
				if err := os.Symlink(l.old, l.new); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Link("Dockerfile", "hard"); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			calls := map[string]int{}
			formatSource = func(src []byte, opts format.Options) (*format.Result, error) {
				mu.Lock()
				calls[string(src)]++
				mu.Unlock()
				// Long enough for a second worker to catch up.
				time.Sleep(10 * time.Millisecond)
				return fakeFormat(src, opts)
			}
			stdout, stderr, code := dfmt("", append([]string{"-w"}, tt.args...)...)
			if code != 0 || stdout != "" || stderr != "" {
				t.Errorf("status %d, stdout %q, stderr %q", code, stdout, stderr)
			}
			if len(calls) != tt.files {
				t.Errorf("%d files formatted, want %d: %v", len(calls), tt.files, calls)
			}
			for src, n := range calls {
				if n != 1 {
					t.Errorf("%q formatted %d times", src, n)
				}
			}
		})
	}
}

// assertNoTemp fails if -w left a temporary file in dir.
func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".dfmt-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// TestWriteFaults injects a failure at each step of -w: the file keeps its
// old bytes, no temporary file is left, the message names the file, and
// the next file is still written.
func TestWriteFaults(t *testing.T) {
	for _, f := range []struct {
		op    string
		errno syscall.Errno
		msg   string
	}{
		{"createtemp", syscall.EACCES, "permission denied"},
		{"createtemp", syscall.EROFS, "read-only file system"},
		{"write", syscall.ENOSPC, "no space left on device"},
		{"sync", syscall.EIO, "input/output error"},
		{"rename", syscall.EXDEV, "invalid cross-device link"},
	} {
		t.Run(f.op, func(t *testing.T) {
			setup(t, map[string]string{"a/Dockerfile": "from a\n", "b/b.Dockerfile": "from b\n"})
			// Only files named Dockerfile are faulty.
			if err := addFault(f.op, "Dockerfile", f.errno); err != nil {
				t.Fatal(err)
			}
			_, stderr, code := dfmt("", "-w", "a", "b")
			if want := "a/Dockerfile: not written: " + f.msg + "\n"; code != 2 || stderr != want {
				t.Errorf("status %d, stderr %q, want %q", code, stderr, want)
			}
			if got := readString(t, "a/Dockerfile"); got != "from a\n" {
				t.Errorf("a/Dockerfile: %q", got)
			}
			if got := readString(t, "b/b.Dockerfile"); got != "FROM b\n" {
				t.Errorf("b/b.Dockerfile not written: %q", got)
			}
			assertNoTemp(t, "a")
			assertNoTemp(t, "b")
		})
	}
}

// TestWriteRaces changes the file while it is being formatted: an edit is
// never overwritten and a deleted file is not brought back.
func TestWriteRaces(t *testing.T) {
	tests := []struct {
		name   string
		change func(path string) error
		msg    string
		after  string // "" for deleted
	}{
		{"edited", func(p string) error {
			return os.WriteFile(p, []byte("from edited\n"), 0o644)
		}, "changed while being formatted", "from edited\n"},
		{"same size edit", func(p string) error {
			time.Sleep(50 * time.Millisecond) // a later modification time, whatever the clock tick
			return os.WriteFile(p, []byte("from b\n"), 0o644)
		}, "changed while being formatted", "from b\n"},
		{"replaced", func(p string) error {
			if err := os.WriteFile(p+".new", []byte("from a\n"), 0o644); err != nil {
				return err
			}
			return os.Rename(p+".new", p)
		}, "changed while being formatted", "from a\n"},
		{"deleted", os.Remove, "no such file or directory", ""},
		{"replaced by a link", func(p string) error {
			if err := os.Rename(p, p+".moved"); err != nil {
				return err
			}
			return os.Symlink(filepath.Base(p)+".moved", p)
		}, "changed while being formatted", "from a\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := setup(t, map[string]string{"d/Dockerfile": "from a\n", "d/z.Dockerfile": "from z\n"})
			target := filepath.Join(dir, "d", "Dockerfile")
			formatSource = func(src []byte, opts format.Options) (*format.Result, error) {
				if string(src) == "from a\n" {
					if err := tt.change(target); err != nil {
						t.Error(err)
					}
				}
				return fakeFormat(src, opts)
			}
			_, stderr, code := dfmt("", "-w", "d")
			if want := "d/Dockerfile: not written: " + tt.msg + "\n"; code != 2 || stderr != want {
				t.Errorf("status %d, stderr %q, want %q", code, stderr, want)
			}
			got, err := os.ReadFile(target)
			if tt.after == "" {
				if !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("deleted file brought back: %q %v", got, err)
				}
			} else if string(got) != tt.after {
				t.Errorf("file now %q, want %q", got, tt.after)
			}
			if got := readString(t, "d/z.Dockerfile"); got != "FROM z\n" {
				t.Errorf("other file not written: %q", got)
			}
			assertNoTemp(t, "d")
		})
	}
}

// fakeInput is a real file whose Stat reports another size (as when the
// file changes between the stat and the read), or whose Read fails
// half-way.
type fakeInput struct {
	*os.File
	sizeDelta int64
	readErr   error
}

type sizedInfo struct {
	fs.FileInfo
	size int64
}

func (s sizedInfo) Size() int64 { return s.size }

func (f *fakeInput) Stat() (fs.FileInfo, error) {
	fi, err := f.File.Stat()
	if err != nil {
		return nil, err
	}
	return sizedInfo{fi, fi.Size() + f.sizeDelta}, nil
}

func (f *fakeInput) Read(p []byte) (int, error) {
	if f.readErr != nil {
		n, _ := f.File.Read(p[:min(len(p), 3)])
		if n < 3 {
			return n, nil
		}
		return n, &fs.PathError{Op: "read", Path: f.Name(), Err: f.readErr}
	}
	return f.File.Read(p)
}

// TestReadFaults: a file that grows, shrinks or fails while it is read, or
// cannot be opened, is an error for that file only, and is not written.
func TestReadFaults(t *testing.T) {
	tests := []struct {
		name  string
		input func(f *os.File) inputFile
		msg   string
	}{
		{"grew", func(f *os.File) inputFile { return &fakeInput{File: f, sizeDelta: -2} },
			"a/Dockerfile: changed size while being read (from 5 to at least 6 bytes)"},
		{"shrank", func(f *os.File) inputFile { return &fakeInput{File: f, sizeDelta: 3} },
			"a/Dockerfile: changed size while being read (from 10 to 7 bytes)"},
		{"read error", func(f *os.File) inputFile { return &fakeInput{File: f, readErr: syscall.EIO} },
			"a/Dockerfile: input/output error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup(t, map[string]string{"a/Dockerfile": "from a\n", "b/Dockerfile": "from b\n"})
			openFile = func(name string) (inputFile, error) {
				f, err := os.Open(name)
				if err != nil || name != filepath.Join("a", "Dockerfile") {
					return f, err
				}
				return tt.input(f), nil
			}
			_, stderr, code := dfmt("", "-w", "a", "b")
			if code != 2 || stderr != tt.msg+"\n" {
				t.Errorf("status %d, stderr %q, want %q", code, stderr, tt.msg)
			}
			if got := readString(t, "a/Dockerfile"); got != "from a\n" {
				t.Errorf("file in error written: %q", got)
			}
			if got := readString(t, "b/Dockerfile"); got != "FROM b\n" {
				t.Errorf("other file not written: %q", got)
			}
		})
	}

	t.Run("unreadable", func(t *testing.T) {
		setup(t, map[string]string{"a/Dockerfile": "from a\n", "a/sub/Dockerfile": "from s\n", "c.Dockerfile": "from c\n"})
		addFault("open", "Dockerfile", syscall.EACCES)
		addFault("readdir", "sub", syscall.EACCES)
		stdout, stderr, code := dfmt("", "-l", "a", "c.Dockerfile")
		want := "a/Dockerfile: permission denied\na/sub: permission denied\n"
		if code != 2 || stderr != want || stdout != "c.Dockerfile\n" {
			t.Errorf("status %d, stdout %q, stderr %q, want %q", code, stdout, stderr, want)
		}
	})
}

// TestOddFiles: binary data, invalid UTF-8, a FIFO, devices, a directory
// named like a Dockerfile.
func TestOddFiles(t *testing.T) {
	setup(t, map[string]string{
		"bin.Dockerfile":             "from a\nRUN \x00\x01\x02\n",
		"latin1.Dockerfile":          "from a\nLABEL x=\xe9t\xe9\n",
		"tree/Dockerfile/Dockerfile": "from nested\n",
		"tree/a.Dockerfile":          "from a\n",
	})
	stdout, stderr, code := dfmt("", "-l", "bin.Dockerfile", "latin1.Dockerfile", "tree")
	wantOut := "latin1.Dockerfile\ntree/Dockerfile/Dockerfile\ntree/a.Dockerfile\n"
	wantErr := "bin.Dockerfile:2:5: binary file: contains a nul byte\n"
	if code != 2 || stdout != wantOut || stderr != wantErr {
		t.Errorf("status %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	// A FIFO named on the command line is read (as with dfmt <(cmd)); one
	// met by a walk, or given to -w, is refused without being opened.
	if err := syscall.Mkfifo("pipe", 0o644); err != nil {
		t.Fatal(err)
	}
	go func() {
		f, err := os.OpenFile("pipe", os.O_WRONLY, 0)
		if err == nil {
			f.WriteString("from piped\n")
			f.Close()
		}
	}()
	stdout, stderr, code = dfmt("", "pipe")
	if code != 0 || stdout != "FROM piped\n" || stderr != "" {
		t.Errorf("FIFO: status %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, stderr, code = dfmt("", "-w", "pipe")
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("-w on a FIFO blocked")
	}
	if code != 2 || stderr != "pipe: not a regular file\n" {
		t.Errorf("-w FIFO: status %d, stderr %q", code, stderr)
	}
	if err := syscall.Mkfifo("tree/Containerfile", 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code = dfmt("", "-l", "tree")
	if code != 2 || stderr != "tree/Containerfile: not a regular file\n" || stdout != "tree/Dockerfile/Dockerfile\ntree/a.Dockerfile\n" {
		t.Errorf("walked FIFO: status %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	// Pipes named on the command line: several jobs of unknown size,
	// each taking the whole memory budget, still run one after another.
	// (Naming /dev/null three times would make one job: one file.)
	for _, name := range []string{"p1", "p2", "p3"} {
		if err := syscall.Mkfifo(name, 0o644); err != nil {
			t.Fatal(err)
		}
		go func() {
			f, err := os.OpenFile(name, os.O_WRONLY, 0)
			if err == nil {
				f.WriteString("from " + name + "\n")
				f.Close()
			}
		}()
	}
	stdout, stderr, code = dfmt("", "p1", "/dev/null", "p2", "latin1.Dockerfile", "/dev/null", "p3")
	if code != 0 || stderr != "" || stdout != "FROM p1\nFROM p2\nFROM a\nLABEL x=\xe9t\xe9\nFROM p3\n" {
		t.Errorf("pipes: status %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// errWriter fails every write, as a closed pipe does.
type errWriter struct{ n int }

func (w *errWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, syscall.EPIPE
}

func TestStdoutError(t *testing.T) {
	setup(t, map[string]string{"a": "from a\n", "b": "from b\n"})
	var stderr bytes.Buffer
	w := &errWriter{}
	code := run([]string{"a", "b"}, strings.NewReader(""), w, &stderr)
	if code != 2 || stderr.String() != "dfmt: writing standard output: broken pipe\n" || w.n != 1 {
		t.Errorf("status %d, stderr %q, %d writes", code, stderr.String(), w.n)
	}
}

// TestIndentOptions checks what reaches format.Source: the flags, else
// .editorconfig.
func TestIndentOptions(t *testing.T) {
	setup(t, map[string]string{
		".editorconfig":       "root = true\n[*]\nindent_size = 2\n[tabs/*]\nindent_style = tab\n",
		"Dockerfile":          "SHOWOPTS\n",
		"tabs/Dockerfile":     "SHOWOPTS\n",
		"other/.editorconfig": "[Dockerfile]\nindent_size = 8\n",
		"other/Dockerfile":    "SHOWOPTS\n",
	})
	tests := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"Dockerfile", "tabs/Dockerfile", "other/Dockerfile"},
			"# indent=2 tabs=false\n# indent=2 tabs=true\n# indent=8 tabs=false\n"},
		{"", []string{"-i", "3", "Dockerfile", "tabs/Dockerfile"}, "# indent=3 tabs=false\n# indent=3 tabs=false\n"},
		{"", []string{"--tabs", "Dockerfile"}, "# indent=4 tabs=true\n"},
		{"", []string{"--tabs", "other/Dockerfile"}, "# indent=4 tabs=true\n"},
		{"", []string{"--tabs=false", "tabs/Dockerfile"}, "# indent=4 tabs=false\n"},
		{"SHOWOPTS\n", nil, "# indent=0 tabs=false\n"},
		{"SHOWOPTS\n", []string{"--stdin-filepath", "tabs/new"}, "# indent=2 tabs=true\n"},
		{"SHOWOPTS\n", []string{"--stdin-filepath", "other/Dockerfile", "-i", "5"}, "# indent=5 tabs=false\n"},
	}
	for _, tt := range tests {
		stdout, stderr, code := dfmt(tt.stdin, tt.args...)
		if code != 0 || stderr != "" || stdout != tt.want {
			t.Errorf("%v: status %d, stderr %q, stdout %q, want %q", tt.args, code, stderr, stdout, tt.want)
		}
	}
}

// TestLongLines runs the real formatter on long lines: BuildKit reads a
// Dockerfile with a 64 KiB line buffer, so a 1 MB line is an error (for
// that file only), and a line just under the limit is formatted.
func TestLongLines(t *testing.T) {
	dir := setup(t, nil)
	formatSource = format.Format
	long := "FROM alpine\nRUN echo " + strings.Repeat("a", 60000) + "\n"
	huge := "FROM alpine\nRUN echo " + strings.Repeat("a", 1<<20) + "\n"
	writeFiles(t, dir, map[string]string{"long.Dockerfile": long, "huge.Dockerfile": huge})

	stdout, stderr, code := dfmt("", "huge.Dockerfile", "long.Dockerfile")
	if code != 2 || stdout != long || !strings.HasPrefix(stderr, "huge.Dockerfile:2:") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("status %d, stdout equal %v, stderr %q", code, stdout == long, stderr)
	}
	if _, _, code := dfmt("", "-w", "huge.Dockerfile"); code != 2 || readString(t, "huge.Dockerfile") != huge {
		t.Errorf("-w on the 1 MB line: status %d or file changed", code)
	}
}

// TestHugeFile runs the real formatter on a 100 MB file. It takes the
// formatter several seconds, so -short skips it.
func TestHugeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("100 MB file in -short mode")
	}
	dir := setup(t, nil)
	formatSource = format.Format
	var big bytes.Buffer
	big.WriteString("FROM alpine\n")
	for big.Len() < 100<<20 {
		big.WriteString("RUN echo hello world \\\n    && echo again\n")
	}
	writeFiles(t, dir, map[string]string{"big.Dockerfile": big.String(), "small.Dockerfile": "from a\n"})

	start := time.Now()
	stdout, stderr, code := dfmt("", "-l", "big.Dockerfile", "small.Dockerfile")
	t.Logf("-l on a 100 MB file: %v", time.Since(start))
	if code != 1 || stdout != "small.Dockerfile\n" || stderr != "" {
		t.Errorf("status %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestManyFiles walks a tree of 20,000 Dockerfiles with fewer file
// descriptors than files: workers open, read and close one file each at a
// time. The files come from $DFMT_CORPUS/valid when set.
func TestManyFiles(t *testing.T) {
	const (
		n     = 20000 // names in the tree
		files = 1000  // files they name
	)
	// Before setup changes the directory: a relative DFMT_CORPUS is
	// found from the repository.
	corpus, haveCorpus := formattest.Corpus()
	dir := setup(t, nil)
	var calls atomic.Int64
	formatSource = func(src []byte, opts format.Options) (*format.Result, error) {
		calls.Add(1)
		return format.Format(src, opts)
	}
	var samples [][]byte
	if haveCorpus {
		filepath.WalkDir(filepath.Join(corpus, "valid"), func(p string, d fs.DirEntry, err error) error {
			// Small files only: the test is about the walk and the
			// descriptors, not the formatter's speed.
			if err == nil && d.Type().IsRegular() && len(samples) < 200 {
				if b, err := os.ReadFile(p); err == nil && len(b) <= 1024 {
					samples = append(samples, b)
				}
			}
			return nil
		})
	}
	if len(samples) == 0 {
		samples = [][]byte{[]byte("FROM alpine\nRUN apk add --no-cache curl\n")}
	}
	// The names are hard links to fewer files: writing 20,000 files costs
	// seconds on some file systems, linking them a fraction of that. The
	// walk meets every name, and the workers each file once, which is
	// still many more files than descriptors.
	var originals []string
	for i := range files {
		p := filepath.Join(dir, fmt.Sprintf("sample%d", i))
		if err := os.WriteFile(p, samples[i%len(samples)], 0o644); err != nil {
			t.Fatal(err)
		}
		originals = append(originals, p)
	}
	for i := range n {
		sub := filepath.Join(dir, "tree", fmt.Sprintf("d%02d", i%100), fmt.Sprintf("e%d", i%7))
		if i < 700 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Link(originals[i%files], filepath.Join(sub, fmt.Sprintf("%d.Dockerfile", i))); err != nil {
			t.Fatal(err)
		}
	}

	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	low := lim
	low.Cur = 64
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Fatal(err)
	}
	defer syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)

	start := time.Now()
	stdout, stderr, code := dfmt("", "-l", "tree")
	t.Logf("-l on %d names of %d files: %v", n, files, time.Since(start))
	if code == 2 || strings.Contains(stderr, "too many open files") {
		t.Fatalf("status %d, stderr %.500s", code, stderr)
	}
	if code == 1 && !haveCorpus {
		t.Errorf("status 1, stdout %.200s", stdout)
	}
	if stderr != "" {
		t.Errorf("stderr %.500s", stderr)
	}
	if got := calls.Load(); got != files {
		t.Errorf("%d files formatted, want %d", got, files)
	}
}
