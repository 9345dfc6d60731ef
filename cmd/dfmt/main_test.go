package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary be the dfmt command of the scripts in
// testdata/script, as cmd/shfmt and gofumpt do.
func TestMain(m *testing.M) {
	// The unit tests that call run directly must not see the
	// GITHUB_ACTIONS=true of a CI runner; the scripts set their own
	// environment, which the command reads.
	getenv = func(key string) string {
		if key == "GITHUB_ACTIONS" {
			return ""
		}
		return os.Getenv(key)
	}
	testscript.Main(m, map[string]func(){
		"dfmt": func() {
			getenv = os.Getenv
			if err := installFaults(os.Getenv("DFMT_TEST_FAULT")); err != nil {
				fmt.Fprintln(os.Stderr, "DFMT_TEST_FAULT:", err)
				os.Exit(3)
			}
			os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// TestScript runs the command's scripts. Most need the real formatter:
// they use lower-case keywords for a file that differs and "ENV PATH" for
// one BuildKit rejects.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "root":
				return os.Geteuid() == 0, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"status":   cmdStatus,
			"islink":   cmdIsLink,
			"samefile": cmdSameFile,
			"hardlink": cmdHardLink,
			"mkfifo":   cmdMkfifo,
			"perm":     cmdPerm,
			"lsdir":    cmdLsDir,
			"chomp":    cmdChomp,
			"putfile":  cmdPutFile,
			"gitindex": cmdGitIndex,
		},
	})
}

// status N cmd args...: run cmd like exec and check that it exits with
// status N, since "! exec" only tells failure from success and dfmt's 1
// (differs) and 2 (error) must not be confused.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status N cmd [args...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s: exit status %d, want %d", args[1], got, want)
	}
}

// islink path: path is a symbolic link.
func cmdIsLink(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: islink path")
	}
	fi, err := os.Lstat(ts.MkAbs(args[0]))
	ts.Check(err)
	if got := fi.Mode()&fs.ModeSymlink != 0; got == neg {
		ts.Fatalf("islink %s: %v", args[0], got)
	}
}

// samefile a b: a and b are names of one file.
func cmdSameFile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: samefile a b")
	}
	a, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	b, err := os.Stat(ts.MkAbs(args[1]))
	ts.Check(err)
	if got := os.SameFile(a, b); got == neg {
		ts.Fatalf("samefile %s %s: %v", args[0], args[1], got)
	}
}

// hardlink old new: make new a hard link to old.
func cmdHardLink(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: hardlink old new")
	}
	ts.Check(os.Link(ts.MkAbs(args[0]), ts.MkAbs(args[1])))
}

// mkfifo path: make a named pipe.
func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkfifo path")
	}
	ts.Check(syscall.Mkfifo(ts.MkAbs(args[0]), 0o644))
}

// perm path mode: path's permission bits are mode (octal).
func cmdPerm(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: perm path mode")
	}
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	fi, err := os.Lstat(ts.MkAbs(args[0]))
	ts.Check(err)
	if got := fi.Mode().Perm(); got != fs.FileMode(want) {
		ts.Fatalf("perm %s: got %#o, want %#o", args[0], got, want)
	}
}

// chomp file: remove the final newline of file, which txtar always adds.
func cmdChomp(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: chomp file")
	}
	name := ts.MkAbs(args[0])
	data, err := os.ReadFile(name)
	ts.Check(err)
	ts.Check(os.WriteFile(name, []byte(strings.TrimSuffix(string(data), "\n")), 0o644))
}

// putfile file 'text': write file with text, the body of a Go string
// literal (escapes such as \n and \x00 allowed), for bytes that a txtar
// file cannot hold, such as NUL.
func cmdPutFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: putfile file 'text'")
	}
	text, err := strconv.Unquote(`"` + args[1] + `"`)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(text), 0o644))
}

// gitindex file path...: write file as a git index that tracks the paths
// (slash-separated, from the top of the work tree; a path ending in "@" is
// a submodule), as git add would, so that a script can test what a
// tracked file changes without the git program. The blob hashes are made
// up: only the names matter to dfmt.
func cmdGitIndex(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: gitindex file path...")
	}
	idx := &index.Index{Version: 2}
	for _, p := range args[1:] {
		e := idx.Add(strings.TrimSuffix(p, "@"))
		e.Mode = filemode.Regular
		if strings.HasSuffix(p, "@") {
			e.Mode = filemode.Submodule
		}
		e.Hash = plumbing.ComputeHash(plumbing.BlobObject, []byte(p))
	}
	var b bytes.Buffer
	ts.Check(index.NewEncoder(&b).Encode(idx))
	name := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Dir(name), 0o755))
	ts.Check(os.WriteFile(name, b.Bytes(), 0o644))
}

// lsdir dir: print the names in dir, one a line, to stdout of the script
// (checked with stdout/cmp like any command's).
func cmdLsDir(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: lsdir dir")
	}
	entries, err := os.ReadDir(ts.MkAbs(args[0]))
	ts.Check(err)
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(e.Name() + "\n")
	}
	ts.Stdout().Write([]byte(b.String()))
}

// installFaults sets the file system hooks from DFMT_TEST_FAULT, so that a
// script can make an operation fail, as a read-only directory or a full
// disk would, even when it runs as root. The value is a comma-separated
// list of op[@name]=ERRNO, where op is open, readdir, createtemp, write,
// sync or rename, name (optional) limits the fault to files or directories
// of that base name, and ERRNO is EACCES, ENOSPC, EIO, EROFS or EXDEV.
func installFaults(spec string) error {
	for item := range strings.SplitSeq(spec, ",") {
		if item == "" {
			continue
		}
		lhs, errName, ok := strings.Cut(item, "=")
		if !ok {
			return fmt.Errorf("%q: want op[@name]=ERRNO", item)
		}
		errno, ok := map[string]syscall.Errno{
			"EACCES": syscall.EACCES,
			"ENOSPC": syscall.ENOSPC,
			"EIO":    syscall.EIO,
			"EROFS":  syscall.EROFS,
			"EXDEV":  syscall.EXDEV,
		}[errName]
		if !ok {
			return fmt.Errorf("unknown errno %q", errName)
		}
		op, name, _ := strings.Cut(lhs, "@")
		if err := addFault(op, name, errno); err != nil {
			return err
		}
	}
	return nil
}

// addFault makes op fail with errno for files named name (any if empty).
// It is also used directly by the unit tests.
func addFault(op, name string, errno error) error {
	hit := func(p string) bool { return name == "" || filepath.Base(p) == name }
	switch op {
	case "open":
		prev := openFile
		openFile = func(p string) (inputFile, error) {
			if hit(p) {
				return nil, &fs.PathError{Op: "open", Path: p, Err: errno}
			}
			return prev(p)
		}
	case "readdir":
		prev := readDir
		readDir = func(p string) ([]fs.DirEntry, error) {
			if hit(p) {
				return nil, &fs.PathError{Op: "open", Path: p, Err: errno}
			}
			return prev(p)
		}
	case "createtemp":
		prev := createTemp
		createTemp = func(dir, pattern string) (tempFile, error) {
			if hit(strings.TrimSuffix(strings.TrimPrefix(pattern, "."), ".dfmt-*")) {
				return nil, &fs.PathError{Op: "open", Path: filepath.Join(dir, pattern), Err: errno}
			}
			return prev(dir, pattern)
		}
	case "write", "sync":
		prev := createTemp
		createTemp = func(dir, pattern string) (tempFile, error) {
			f, err := prev(dir, pattern)
			if err != nil || !hit(strings.TrimSuffix(strings.TrimPrefix(pattern, "."), ".dfmt-*")) {
				return f, err
			}
			return &faultyTemp{tempFile: f, op: op, err: errno}, nil
		}
	case "rename":
		prev := rename
		rename = func(from, to string) error {
			if hit(to) {
				return &os.LinkError{Op: "rename", Old: from, New: to, Err: errno}
			}
			return prev(from, to)
		}
	default:
		return fmt.Errorf("unknown op %q", op)
	}
	return nil
}

// faultyTemp is a temporary file whose Write (after writing half of what
// it is given, as a disk filling up would) or Sync fails.
type faultyTemp struct {
	tempFile
	op  string
	err error
}

func (f *faultyTemp) Write(p []byte) (int, error) {
	if f.op != "write" {
		return f.tempFile.Write(p)
	}
	n, _ := f.tempFile.Write(p[:len(p)/2])
	return n, &fs.PathError{Op: "write", Path: f.Name(), Err: f.err}
}

func (f *faultyTemp) Sync() error {
	if f.op == "sync" {
		return &fs.PathError{Op: "sync", Path: f.Name(), Err: f.err}
	}
	return f.tempFile.Sync()
}

func TestVersionLine(t *testing.T) {
	bk := []*debug.Module{{Path: "github.com/moby/buildkit", Version: "v0.34.2"}}
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}
	tests := []struct {
		linked string
		bi     *debug.BuildInfo
		want   string
	}{
		{"", nil, "dfmt (devel)"},
		{"v9.9.9", nil, "dfmt v9.9.9"},
		// go install github.com/dfmt/dfmt/cmd/dfmt@v1.2.3
		{"", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}, Deps: bk}, "dfmt v1.2.3 (buildkit v0.34.2)"},
		{"v2.0.0", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}, Deps: bk}, "dfmt v2.0.0 (buildkit v0.34.2)"},
		// go build in a clone, with and without VCS stamping
		{"", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Deps: bk, Settings: vcs}, "dfmt (devel 0123456789ab+dirty) (buildkit v0.34.2)"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs[:1]}, "dfmt (devel 0123456789ab)"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Deps: bk}, "dfmt (devel) (buildkit v0.34.2)"},
	}
	for _, tt := range tests {
		if got := versionLine(tt.linked, tt.bi); got != tt.want {
			t.Errorf("versionLine(%q, %+v) = %q, want %q", tt.linked, tt.bi, got, tt.want)
		}
	}
}
