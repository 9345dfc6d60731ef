package format_test

// The sandbox of the differential shell harness (see TestShellRun): it runs
// shell bodies under dash, bash and busybox ash with every command that is
// not a builtin of the shell replaced by a stub, and records what each run
// did. The bodies come from real Dockerfiles and CI runs as root, so every
// run is shut in twice:
//
//   - One bwrap (bubblewrap) per batch of bodies, with every namespace of its
//     own (no network), no capabilities and a uid that is not root. Its root
//     is a fresh tmpfs holding only what the runs need: the shared libraries
//     of the shells (read-only), the harness's tools under /.sr, and stub
//     directories over /usr/bin, /usr/sbin, /bin and /sbin. Nothing of the
//     machine's file system is there to write to, or to run.
//   - Inside, a driver script starts each run in its own user, mount and
//     pid namespaces (busybox unshare -U -r -m -p -f): the run mounts a
//     fresh tmpfs on /.w, to which the usual top-level folders (/etc, /tmp,
//     /root, /usr/local, ...) are symbolic links, so that a body's writes
//     succeed, start from nothing and vanish with the run; and the body's
//     shell gets the same pid ($$) in every run. What a run writes outside
//     /.w (in /, /dev or /dev/shm) is recorded and removed after it (see
//     srDriverHead).
//
// The stub is one shell script, linked under every name a body could run:
// it prints its path and arguments on stdout, copies what it is given on a
// pipe or a file as its standard input (a here-document), logs its name
// for the coverage figures, and exits 0. The shells themselves, and the
// tools of the driver (busybox), are only under /.sr, which no PATH names.
//
// A run's record is its standard output, its standard error (the shell
// runs with -x, so the trace of every command is there), its exit status,
// the list and checksums of the files it left, and the names of the stubs
// it ran. Two runs did the same when their records are equal, but for the
// order of what the standard error holds (see srCanonErr).

import (
	"bytes"
	"context"
	"crypto/md5"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// shellRunShells are the shells the harness runs each body with: /bin/sh is
// dash on Debian and Ubuntu, bash (in POSIX mode, as it is when run as sh)
// on Fedora and RHEL, and busybox ash on Alpine.
var shellRunShells = []string{"dash", "bash", "busybox"}

// shellRunPackages are the Debian packages that bring the harness's tools
// (and coreutils, which every Debian has, its timeout).
const shellRunPackages = "dash bash busybox bubblewrap"

// shellRunTimeout is the time limit of one run of one body.
const shellRunTimeout = 5 * time.Second

// shellRunOutLimit caps what one run's output may reach (bytes), against a
// body that loops printing.
const shellRunOutLimit = 256 << 10

// srDefaultPath is the PATH of a Linux build step when the image sets none.
const srDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// srStdTops are the top-level folders (and those under /usr) made writable
// in every run, besides those its body names (which the harness finds in
// its text and its environment).
var srStdTops = []string{"etc", "home", "opt", "root", "tmp", "var", "usr/local", "usr/share", "usr/src"}

// srNoTops are top-level names that are not made writable: the sandbox's
// own, the libraries and the stub folders.
var srNoTops = map[string]bool{
	"bin": true, "sbin": true, "lib": true, "lib32": true, "lib64": true, "libx32": true,
	"dev": true, "proc": true, "sys": true, "usr": true, ".sr": true, ".w": true,
	"usr/bin": true, "usr/sbin": true, "usr/lib": true, "usr/lib32": true,
	"usr/lib64": true, "usr/libx32": true, "usr/libexec": true,
}

// srStub is the stub every command name runs. $0 is the path the shell
// ran it by. It reads its standard input only from a pipe or a file, never
// from a device (/dev/urandom would make the output differ between runs),
// and reads it all before it prints: so in a pipeline, every stage has
// started before the last one prints. It prints in one write, which the
// output of a stub running at the same time cannot split.
const srStub = `#!/.sr/dash/sh
printf '%s\n' "${0##*/}" >>/.w/.sr/cov 2>/dev/null
in=
if [ -p /dev/stdin ] || [ -f /dev/stdin ]; then
	n=0
	while [ $n -lt 2000 ] && { IFS= read -r l || [ -n "$l" ]; }; do
		in="$in@stdin $l
"
		n=$((n + 1))
	done
fi
out="@stub $0"
for a do out="$out [$a]"; done
printf '%s\n%s' "$out" "$in"
exit 0
`

// srHarness is the sandbox, ready to run bodies.
type srHarness struct {
	dir     string            // host folder of the runs
	tools   map[string]string // "dash", "bash", "busybox", "bwrap": their paths
	libArgs []string          // bwrap arguments that bring the shells' libraries
	timeout time.Duration     // the time limit of one run
	seq     int               // runs made, for folder names
	mu      sync.Mutex
}

// srMissing returns what of the harness's tools the machine lacks, and the
// paths of those it has.
func srMissing() (missing []string, tools map[string]string) {
	tools = map[string]string{}
	for _, name := range []string{"dash", "bash", "busybox", "bwrap", "timeout"} {
		p, err := exec.LookPath(name)
		if err != nil {
			for _, dir := range []string{"/usr/bin", "/bin", "/usr/sbin", "/sbin"} {
				if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && !fi.IsDir() {
					p = filepath.Join(dir, name)
					break
				}
			}
		}
		if p == "" {
			missing = append(missing, name)
			continue
		}
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		tools[name] = p
	}
	return missing, tools
}

var (
	srProbeOnce sync.Once
	srProbeErr  string
)

// newShellRunHarness makes a sandbox in a temporary folder of tb, or skips
// tb, naming the Debian packages to install, when a tool is missing or
// bubblewrap cannot make its namespaces here. With DFMT_SHELLRUN=require
// (as CI sets it, having installed them) it fails instead of skipping.
func newShellRunHarness(tb testing.TB) *srHarness {
	tb.Helper()
	skip := tb.Skipf
	if os.Getenv("DFMT_SHELLRUN") == "require" {
		skip = tb.Fatalf
	}
	if runtime.GOOS != "linux" {
		skip("the shell harness needs Linux (bubblewrap)")
	}
	missing, tools := srMissing()
	if len(missing) > 0 {
		skip("the shell harness needs %s: not found; install the Debian packages %s (apt-get install -y %s)",
			strings.Join(missing, ", "), shellRunPackages, shellRunPackages)
	}
	h := &srHarness{dir: tb.TempDir(), tools: tools, timeout: shellRunTimeout}
	args, err := srLibArgs([]string{tools["dash"], tools["bash"], tools["busybox"], tools["timeout"]})
	if err != nil {
		tb.Fatalf("finding the shells' libraries: %v", err)
	}
	h.libArgs = args
	srProbeOnce.Do(func() {
		cmd := exec.Command(tools["bwrap"], append(h.baseArgs(), "/.sr/bb/busybox", "true")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			srProbeErr = fmt.Sprintf("%v: %s", err, bytes.TrimSpace(out))
		}
	})
	if srProbeErr != "" {
		skip("bubblewrap cannot make its sandbox here (%s); the shell harness needs user namespaces", srProbeErr)
	}
	return h
}

// srLibArgs returns the bwrap arguments that bind, read-only, the folders
// of the shared libraries that ldd lists for bins, and recreate the
// top-level symbolic links (/lib -> usr/lib) that lead to them.
func srLibArgs(bins []string) ([]string, error) {
	var paths []string
	for _, b := range bins {
		out, err := exec.Command("ldd", b).Output()
		if err != nil {
			// A static binary: ldd fails and there is nothing to bind.
			if bytes.Contains(out, []byte("not a dynamic")) {
				continue
			}
			return nil, fmt.Errorf("ldd %s: %v", b, err)
		}
		for _, line := range strings.Split(string(out), "\n") {
			for _, f := range strings.Fields(line) {
				if strings.HasPrefix(f, "/") {
					paths = append(paths, f)
				}
			}
		}
	}
	var links, dirs []string
	seen := map[string]bool{}
	for _, p := range paths {
		// The top-level symbolic links on the way (/lib64 -> usr/lib64).
		parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
		if len(parts) > 1 {
			top := "/" + parts[0]
			if fi, err := os.Lstat(top); err == nil && fi.Mode()&os.ModeSymlink != 0 && !seen["l"+top] {
				seen["l"+top] = true
				target, err := os.Readlink(top)
				if err != nil {
					return nil, err
				}
				links = append(links, "--symlink", target, top)
			}
		}
		for _, q := range []string{filepath.Dir(p), filepath.Dir(srRealpath(p))} {
			d := srRealpath(q)
			if !seen["d"+d] {
				seen["d"+d] = true
				dirs = append(dirs, d)
			}
		}
	}
	slices.Sort(dirs)
	var args []string
	for _, d := range dirs {
		args = append(args, "--ro-bind", d, d)
	}
	return append(args, links...), nil
}

func srRealpath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// baseArgs are the bwrap arguments of every sandbox, before the binds of
// one run's folders.
func (h *srHarness) baseArgs() []string {
	args := []string{
		"--unshare-all", "--unshare-user", "--uid", "1000", "--gid", "1000",
		"--cap-drop", "ALL", "--die-with-parent", "--new-session", "--clearenv",
		"--dev", "/dev", "--proc", "/proc",
		"--dir", "/.w", "--dir", "/.sr",
		"--ro-bind", h.tools["dash"], "/.sr/dash/sh",
		"--ro-bind", h.tools["bash"], "/.sr/bash/sh",
		"--ro-bind", h.tools["busybox"], "/.sr/busybox/sh",
		"--ro-bind", h.tools["busybox"], "/.sr/bb/busybox",
		"--ro-bind", h.tools["timeout"], "/.sr/timeout",
	}
	return append(args, h.libArgs...)
}

// srJob is one body to run under every shell, before and after formatting.
type srJob struct {
	Before, After string
	Env           []string // NAME=value, in order
	Workdir       string
	Prep          srPrep // folders and stubs the run starts with
	// Tops are the top-level folders (and usr/X) the body names, made
	// writable with the standard ones (srStdTops).
	Tops []string
	// AfterFirst runs the text after formatting before the text before,
	// under each shell (see srRun).
	AfterFirst bool
}

// srPrep is what a run's file system holds before the body starts, so
// that the body gets far: the folders it enters or writes into, and stubs
// at the paths it runs commands by.
type srPrep struct {
	Dirs  []string // absolute folders to make
	Stubs []string // absolute paths to link to the stub
}

// srRecord is what one run of a body did.
type srRecord struct {
	Out   []byte // standard output
	Err   []byte // standard error, with the -x trace
	RC    string // exit status, or "" when the shell was killed unrecorded
	Files string // the files left in the writable tree, with checksums
	Cov   string // the names of the stubs run, one a line
}

// same reports whether two runs did the same: the same exit status, files
// and stubs, the same standard output, and the same standard error up to
// the order of its bytes (see srCanonErr), both but for the body's own
// text as bash shows it (see srCanonOut). With async (the body runs a
// command in the background), the lines of standard output are compared
// as a set too: a background job's and the next command's race.
func (r srRecord) same(o srRecord, async bool) bool {
	if r.RC != o.RC || r.Files != o.Files || r.Cov != o.Cov {
		return false
	}
	if !bytes.Equal(r.Out, o.Out) {
		a, b := srCanonOut(r.Out), srCanonOut(o.Out)
		if async {
			a, b = []byte(srSortLines(string(a))), []byte(srSortLines(string(b)))
		}
		if !bytes.Equal(a, b) {
			return false
		}
	}
	return bytes.Equal(r.Err, o.Err) || srCanonErr(r.Err) == srCanonErr(o.Err)
}

// srCanonOut is a run's output without the value of BASH_EXECUTION_STRING,
// bash's copy of the text after -c, which set and declare -p print on a
// line of its own ($'...' quoting keeps it to one): that text is what
// formatting changes, not what it runs, as with the source line bash
// quotes after a syntax error (srCanonErr).
func srCanonOut(out []byte) []byte {
	return srExecString.ReplaceAll(out, []byte("${1}BASH_EXECUTION_STRING=…"))
}

// srExecString matches the line that shows BASH_EXECUTION_STRING's value.
var srExecString = regexp.MustCompile(`(?m)^(declare -- )?BASH_EXECUTION_STRING=.*$`)

// srCanonErr is the bytes of a run's standard error, sorted. The stages of
// a pipeline start at once and print their -x trace lines in any order,
// and mixed, since the shells write a trace line in pieces (a word at a
// time): only what is written, not its order, can be compared. Their
// standard output is in order (only the last stage's reaches the run's,
// once a stub has read all its input), and is compared as it is, but
// where a job runs in the background (see same).
// It also drops the source line that bash quotes after a syntax error
// (sh: -c: line 1: `...'), which shows the white space that formatting
// changes; the error itself, on the line before, stays.
func srCanonErr(err []byte) string {
	err = srBashQuote.ReplaceAll(srCanonOut(err), []byte("$1`…'"))
	c := bytes.Clone(err)
	slices.Sort(c)
	return string(c)
}

// srVersions are the two texts of a job: b before formatting, a after.
var srVersions = []string{"b", "a"}

// srResult is a job's records, by shell (index in shellRunShells) and
// version (index in srVersions).
type srResult [3][2]srRecord

// srQuote quotes s for a POSIX shell.
func srQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// srSafePath matches the paths the harness makes in a run: no white space,
// quotes, globs or expansions.
var srSafePath = regexp.MustCompile(`^/[A-Za-z0-9_./+@:,=-]*$`)

// srBashQuote matches the line in which bash quotes the source of a syntax
// error.
var srBashQuote = regexp.MustCompile("(?m)^(/\\.sr/bash/sh: -c: line [0-9]+: )`.*'$")

// srVarName matches the names of shell variables.
var srVarName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// srStubName matches the command names that get a stub.
var srStubName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.+@:,-]*$`)

// run runs every job under every shell, before and after, and returns the
// records in the order of jobs. names are the command names to stub (every
// job's), tops the top-level folders (and usr/X) to make writable.
func (h *srHarness) run(tb testing.TB, jobs []srJob, names, tops []string) []srResult {
	tb.Helper()
	h.mu.Lock()
	h.seq++
	root := filepath.Join(h.dir, fmt.Sprintf("run%d", h.seq))
	h.mu.Unlock()
	stubs := filepath.Join(root, "stubs")
	if err := os.MkdirAll(stubs, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "stub"), []byte(srStub), 0o755); err != nil {
		tb.Fatal(err)
	}
	for _, n := range names {
		if !srStubName.MatchString(n) || len(n) > 100 {
			continue
		}
		if err := os.Symlink("/.sr/stub", filepath.Join(stubs, n)); err != nil && !os.IsExist(err) {
			tb.Fatal(err)
		}
	}
	allTops := srTops(tops)
	var binds []string
	binds = append(binds,
		"--ro-bind", filepath.Join(root, "stub"), "/.sr/stub",
		"--ro-bind", stubs, "/.sr/stubs",
		"--ro-bind", stubs, "/usr/bin",
		"--ro-bind", stubs, "/usr/sbin",
		"--symlink", "usr/bin", "/bin",
		"--symlink", "usr/sbin", "/sbin",
	)
	for _, t := range allTops {
		binds = append(binds, "--symlink", "/.w/"+t, "/"+t)
	}

	// Batches of jobs, each one bwrap, on as many workers as cores; small
	// runs (the reruns of a few bodies) are spread over them too.
	workers := max(1, runtime.NumCPU())
	batchSize := min(25, max(1, (len(jobs)+workers-1)/workers))
	results := make([]srResult, len(jobs))
	type batch struct{ lo, hi int }
	var batches []batch
	for lo := 0; lo < len(jobs); lo += batchSize {
		batches = append(batches, batch{lo, min(lo+batchSize, len(jobs))})
	}
	work := make(chan batch)
	var wg sync.WaitGroup
	var errMu sync.Mutex
	var errs []string
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				dir := filepath.Join(root, fmt.Sprintf("b%d", b.lo))
				if err := h.runBatch(dir, binds, jobs[b.lo:b.hi], results[b.lo:b.hi]); err != nil {
					errMu.Lock()
					errs = append(errs, err.Error())
					errMu.Unlock()
				}
			}
		}()
	}
	for _, b := range batches {
		work <- b
	}
	close(work)
	wg.Wait()
	for _, e := range errs {
		tb.Error(e)
	}
	return results
}

// srTops is the sorted set of writable folders: the standard ones and
// tops, less those the sandbox keeps for itself.
func srTops(tops []string) []string {
	set := map[string]bool{}
	for _, t := range append(slices.Clone(srStdTops), tops...) {
		if !srNoTops[t] && t != "" && !strings.HasPrefix(t, ".") {
			set[t] = true
		}
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// runBatch writes the scripts of jobs and the file trees of their runs
// into dir, runs them in one sandbox, and reads the records into res.
func (h *srHarness) runBatch(dir string, binds []string, jobs []srJob, res []srResult) error {
	in, out, trees := filepath.Join(dir, "in"), filepath.Join(dir, "out"), filepath.Join(dir, "w")
	for _, d := range []string{in, out, trees} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	var driver strings.Builder
	driver.WriteString(srDriverHead)
	for i, j := range jobs {
		script := srRunScript(j, h.timeout)
		if err := os.WriteFile(filepath.Join(in, fmt.Sprintf("c%d.sh", i)), []byte(script), 0o644); err != nil {
			return err
		}
		jobTops := srTops(j.Tops)
		for _, sh := range shellRunShells {
			versions := srVersions
			if j.AfterFirst {
				versions = []string{srVersions[1], srVersions[0]}
			}
			for _, v := range versions {
				if err := srTree(filepath.Join(trees, fmt.Sprintf("%d.%s.%s", i, sh, v)), j, jobTops); err != nil {
					return err
				}
				fmt.Fprintf(&driver, "$B unshare -U -r -m -p -f /.sr/bb/busybox sh /.sr/in/c%d.sh %s %s %d\n", i, sh, v, i)
				fmt.Fprintf(&driver, "sweep /.sr/out/%d.%s.%s.left\n", i, sh, v)
			}
		}
	}
	driver.WriteString("exit 0\n")
	if err := os.WriteFile(filepath.Join(in, "driver.sh"), []byte(driver.String()), 0o644); err != nil {
		return err
	}
	args := append(h.baseArgs(), binds...)
	args = append(args, "--ro-bind", in, "/.sr/in", "--bind", out, "/.sr/out", "--bind", trees, "/.sr/w", "--chdir", "/",
		"/.sr/bb/busybox", "sh", "/.sr/in/driver.sh")
	// Every run has its own time limit; this one only guards against a
	// sandbox that hangs outside them.
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(len(jobs)*6)*(h.timeout+5*time.Second))
	defer cancel()
	srCloseOnExec()
	cmd := exec.CommandContext(ctx, h.tools["bwrap"], args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	var errs []string
	if err := cmd.Run(); err != nil {
		errs = append(errs, fmt.Sprintf("%v", err))
	}
	for i := range jobs {
		for s, sh := range shellRunShells {
			for v, ver := range srVersions {
				run := fmt.Sprintf("%d.%s.%s", i, sh, ver)
				base := filepath.Join(out, run)
				var r srRecord
				var err error
				if r.Out, err = os.ReadFile(base + ".out"); err != nil {
					errs = append(errs, fmt.Sprintf("run %s left no output: %v", run, err))
				}
				r.Err, _ = os.ReadFile(base + ".err")
				rc, _ := os.ReadFile(base + ".rc")
				r.RC = strings.TrimSpace(string(rc))
				tree := filepath.Join(trees, run)
				cov, _ := os.ReadFile(filepath.Join(tree, ".sr", "cov"))
				r.Cov = srSortLines(string(cov))
				r.Files = srListTree(tree)
				if left, _ := os.ReadFile(base + ".left"); len(left) > 0 {
					r.Files += "outside the tree:\n" + srSortLines(string(left))
				}
				res[i][s][v] = r
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("shell harness: sandbox of %d bodies: %s: %s", len(jobs), srShorten(strings.Join(errs, "; "), 1000), srShorten(stderr.String(), 2000))
	}
	return os.RemoveAll(dir)
}

// srDriverHead begins the driver script of a sandbox. The folders that the
// runs of a sandbox share and a body can write to, /, /dev and /dev/shm of
// its tmpfs, are swept after each run (sweep FILE): what a run added there
// is recorded in FILE, a checksum for a file, and removed, so that the
// next run starts from what the sandbox started with. (A body's builtins
// only make files, by redirection; every command that could do more is a
// stub.) Without it, "*>00" at / saw the file 00 that the run before
// formatting had left, after formatting.
const srDriverHead = `B=/.sr/bb/busybox
keep() {
	$B mkdir "$2" || exit 1
	for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
		{ [ -e "$e" ] || [ -L "$e" ]; } && : >"$2/${e##*/}"
	done
}
sweepin() {
	for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
		{ [ -e "$e" ] || [ -L "$e" ]; } || continue
		[ -e "$2/${e##*/}" ] && continue
		if [ -f "$e" ] && ! [ -L "$e" ]; then
			$B md5sum "$e"
		else
			echo "$e (not a regular file)"
		fi >>"$3"
		$B rm -rf "$e"
	done
}
sweep() {
	sweepin /dev/shm /.sr/out/.kept-shm "$1"
	sweepin /dev /.sr/out/.kept-dev "$1"
	sweepin "" /.sr/out/.kept-root "$1"
}
keep /dev/shm /.sr/out/.kept-shm
keep /dev /.sr/out/.kept-dev
keep "" /.sr/out/.kept-root
`

// srCloseOnExec marks every file descriptor of the process above standard
// error close-on-exec, so that no sandbox inherits one. Go opens its own
// so, but not those the process inherited: a fuzzing worker talks to the
// coordinator through descriptors 3 and 4, and a body that wrote to them
// ("echo x >&4") broke the fuzzing run, where it must only fail itself.
func srCloseOnExec() {
	ents, _ := os.ReadDir("/proc/self/fd")
	for _, e := range ents {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			syscall.CloseOnExec(fd)
		}
	}
}

// srListTree lists what a run left in its tree: every path but .sr, its
// kind, and a regular file's checksum or a link's target, sorted.
func srListTree(root string) string {
	var lines []string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if rel == ".sr" {
			return filepath.SkipDir
		}
		switch t := d.Type(); {
		case t.IsDir():
			lines = append(lines, rel+"/\n")
		case t&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			lines = append(lines, rel+" -> "+target+"\n")
		case t.IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				lines = append(lines, rel+" unreadable\n")
				break
			}
			lines = append(lines, fmt.Sprintf("%s %x (%d bytes)\n", rel, md5.Sum(data), len(data)))
		default:
			lines = append(lines, rel+" "+t.String()+"\n")
		}
		return nil
	})
	slices.Sort(lines)
	return strings.Join(lines, "")
}

// srSortLines sorts the lines of s: the order in which stubs running at
// once log their names means nothing.
func srSortLines(s string) string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		if !strings.HasSuffix(l, "\n") {
			lines[i] = l + "\n"
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "")
}

// srTree makes in dir the tree a run of j starts with (mounted on /.w):
// the writable top-level folders tops, the stub folders under usr/local,
// the job's working folder, folders and stubs (those under a writable
// top-level folder).
func srTree(dir string, j srJob, tops []string) error {
	writable := map[string]bool{}
	for _, t := range append([]string{".sr"}, tops...) {
		writable[t] = true
		if err := os.MkdirAll(filepath.Join(dir, t), 0o755); err != nil {
			return err
		}
	}
	for _, l := range []string{"usr/local/bin", "usr/local/sbin"} {
		if err := os.Symlink("/.sr/stubs", filepath.Join(dir, l)); err != nil {
			return err
		}
	}
	// under returns where p (absolute) lies in dir, or "" when p is not
	// under a writable folder.
	under := func(p string) string {
		parts := strings.Split(strings.TrimPrefix(filepath.Clean(p), "/"), "/")
		top := parts[0]
		if top == "usr" && len(parts) > 1 {
			top = "usr/" + parts[1]
		}
		if !writable[top] {
			return ""
		}
		return filepath.Join(dir, p)
	}
	// A folder or stub whose path crosses a link (usr/local/bin) or a stub
	// cannot be made: MkdirAll fails and it is left out.
	wd := j.Workdir
	if wd == "" {
		wd = "/"
	}
	for _, d := range append([]string{wd}, j.Prep.Dirs...) {
		if t := under(d); t != "" {
			_ = os.MkdirAll(t, 0o755)
		}
	}
	for _, p := range j.Prep.Stubs {
		t := under(p)
		if t == "" {
			continue
		}
		if os.MkdirAll(filepath.Dir(t), 0o755) == nil {
			_ = os.Symlink("/.sr/stub", t)
		}
	}
	return nil
}

// srRunScript is the script of one job, run as the first process of a run's
// namespaces with the arguments SHELL VERSION INDEX: it mounts the run's
// file tree on /.w, runs the body of VERSION under SHELL with a time limit,
// and writes its output and exit status to /.sr/out/INDEX.SHELL.VERSION.*.
func srRunScript(j srJob, timeout time.Duration) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("B=/.sr/bb/busybox\no=/.sr/out/$3.$1.$2\n")
	w("$B mount --bind /.sr/w/$3.$1.$2 /.w || exit 1\n")
	wd := j.Workdir
	if wd == "" {
		wd = "/"
	}
	w("cd %s 2>/dev/null || cd /\n", srQuote(wd))
	bash := func(s string) string {
		// bash takes no seed for $RANDOM from the environment: give it one
		// on a line of its own, which changes nothing else of the body.
		if strings.Contains(s, "RANDOM") {
			return "RANDOM=42\n" + s
		}
		return s
	}
	w("case $1.$2 in\n")
	w("bash.b) s=%s ;;\n", srQuote(bash(j.Before)))
	w("bash.a) s=%s ;;\n", srQuote(bash(j.After)))
	w("*.b) s=%s ;;\n", srQuote(j.Before))
	w("*.a) s=%s ;;\n", srQuote(j.After))
	w("esac\n")
	// The body writes its output into two pipes, each read to its file by
	// a cat: a job the body leaves running in the background holds them
	// open, so waiting for the cats waits for it too. Without that, it
	// would be killed as this script, its namespace's first process,
	// ends, and whether it had printed by then would be a race. The cats
	// are stopped once the body's time limit, counted from its start, has
	// passed (and a little more, for a body stopped there to leave all it
	// printed). The processes are made in the same order in every run, so
	// that the body's shell has the same pid ($$).
	// The output files, and the files the body writes, are capped by the
	// file size limit (ulimit -f, in blocks of 512 bytes), which stops a
	// body that loops printing: the cat is stopped, and the body with it,
	// by a broken pipe. The time
	// limit is coreutils' timeout: busybox's leaves a watcher process
	// behind for up to a second, holding the output open.
	// The body's environment is the job's alone: the subshell unexports
	// what the driver's shell has and exports the job's (those whose names
	// the shell takes; the shells would drop the others).
	cs := int(timeout / (10 * time.Millisecond)) // hundredths of a second
	w("$B mkfifo /.w/.sr/fo /.w/.sr/fe || exit 1\n")
	w("( ulimit -f %d; exec $B cat ) </.w/.sr/fo >$o.out & r1=$!\n", shellRunOutLimit/512)
	w("( ulimit -f %d; exec $B cat ) </.w/.sr/fe >$o.err & r2=$!\n", shellRunOutLimit/512)
	w("read t0 _ </proc/uptime\n")
	w("( ulimit -f %d; unset PATH PWD OLDPWD SHLVL\n", shellRunOutLimit/512)
	for _, e := range j.Env {
		if k, _, _ := strings.Cut(e, "="); srVarName.MatchString(k) {
			w("export %s\n", srQuote(e))
		}
	}
	w("exec /.sr/timeout -s KILL %d.%02d /.sr/$1/sh -xc \"$s\" ) </dev/null >/.w/.sr/fo 2>/.w/.sr/fe\n", cs/100, cs%100)
	w("echo $? >$o.rc\n")
	w("read t1 _ </proc/uptime\n")
	w("d=$((%d + 20 - ${t1%%.*}${t1#*.} + ${t0%%.*}${t0#*.}))\n", cs)
	w("[ $d -gt 0 ] || d=1\n")
	w("( $B sleep $((d / 100)).$((d %% 100 / 10))$((d %% 10)); kill $r1 $r2 ) 2>/dev/null & k=$!\n")
	w("wait $r1 $r2\n")
	w("kill $k 2>/dev/null\n")
	return b.String()
}

// srShorten cuts s to about n bytes for a message.
func srShorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "… (" + strconv.Itoa(len(s)-n) + " more bytes)"
}

// srRunEnv is the environment of a body: the stage's ENV and ARG values
// (env, NAME=value), with HOME, PATH and RANDOM set unless env sets them.
func srRunEnv(env []string) []string {
	out := []string{"HOME=/root", "PATH=" + srDefaultPath, "RANDOM=42"}
	for _, e := range env {
		k, _, _ := strings.Cut(e, "=")
		out = slices.DeleteFunc(out, func(o string) bool { return strings.HasPrefix(o, k+"=") })
		out = append(out, e)
	}
	return out
}

// TestShellRunSandbox shows that the harness's sandbox does what
// TestShellRun relies on: commands, named or by path, run the stub and
// touch nothing; builtins still run; a body's writes succeed and vanish;
// $$ and $RANDOM are the same in every run; the stage's environment is
// set; a body that never ends is stopped; a job it leaves in the
// background runs to its end; and the process's own descriptors stay out
// of reach.
func TestShellRunSandbox(t *testing.T) {
	h := newShellRunHarness(t)
	h.timeout = time.Second
	canary := filepath.Join(t.TempDir(), "canary")
	if err := os.WriteFile(canary, []byte("still here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	probe := "/usr/bin/apt-get install x && rm -rf / && /bin/rm -rf " + canary +
		" && echo pwned >" + canary + "; echo rc=$?; echo written >/etc/x && cat /etc/x && echo pid=$$ r=$RANDOM && echo \"$GREETING\"" +
		" && cd /src/app && ./configure --prefix=/usr && /opt/tool/bin/run -v && pwd"
	jobs := []srJob{
		{
			Before: probe, After: probe,
			Env:     srRunEnv([]string{"GREETING=hello from ENV"}),
			Workdir: "/",
			Prep:    srPrep{Dirs: []string{"/src/app"}, Stubs: []string{"/src/app/configure", "/opt/tool/bin/run"}},
			Tops:    []string{"src"},
		},
		{Before: "set +x; while :; do :; done", After: "set +x; while :; do :; done", Env: srRunEnv(nil)},
		{Before: "cat /etc/x; ls /etc", After: "cat /etc/x; ls /etc", Env: srRunEnv(nil)},
	}
	// A descriptor the process holds without close-on-exec, as a fuzzing
	// worker holds its pipes to the coordinator, stays out of the bodies.
	leak, err := syscall.Dup(2)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(leak)
	leakBody := fmt.Sprintf("echo leaked >&%d", leak)
	jobs = append(jobs, srJob{Before: leakBody, After: leakBody, Env: srRunEnv(nil)})
	// Files a run writes beside the tree, at / (the default working
	// folder), in /dev and /dev/shm, are recorded, and the next run of the
	// same sandbox does not see them.
	shared := "for f in /left /dev/left /dev/shm/left; do read x <$f && echo \"saw $f\"; echo one >$f; done"
	jobs = append(jobs, srJob{Before: shared, After: shared, Env: srRunEnv(nil)})
	// A job left in the background as the body ends runs to its end.
	jobs = append(jobs, srJob{Before: "ls /etc &", After: "ls /etc &", Env: srRunEnv(nil)})
	names := []string{"apt-get", "rm", "cat", "ls", "configure", "run"}
	res := h.run(t, jobs, names, []string{"src"})

	if b, err := os.ReadFile(canary); err != nil || string(b) != "still here\n" {
		t.Errorf("the host file %s was touched: %q, %v", canary, b, err)
	}
	for s, sh := range shellRunShells {
		r := res[0][s][0]
		out := string(r.Out) + string(r.Err)
		for _, want := range []string{
			"@stub /usr/bin/apt-get [install] [x]",
			"@stub /usr/local/sbin/rm [-rf] [/]",
			"@stub /bin/rm [-rf] [" + canary + "]",
			"written", "@stub /usr/local/sbin/cat [/etc/x]",
			"pid=", "hello from ENV",
			"@stub ./configure [--prefix=/usr]",
			"@stub /opt/tool/bin/run [-v]",
			"/src/app\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: the probe's output lacks %q:\n%s", sh, want, out)
			}
		}
		// A redirection to a host path beside /tmp fails or lands in the
		// run's own tree: the canary above is the proof; here, the run
		// left /etc/x in its tree.
		if !strings.Contains(r.Files, "etc/x ") {
			t.Errorf("%s: the run's file list lacks etc/x:\n%s", sh, r.Files)
		}
		if !r.same(res[0][s][1], false) {
			t.Errorf("%s: two runs of the same body differ:\n%s\n----\n%s", sh, r.Out, res[0][s][1].Out)
		}
		if r.RC != "0" {
			t.Errorf("%s: the probe exited %q, want 0", sh, r.RC)
		}
		if got := res[1][s][0].RC; got != srKilled {
			t.Errorf("%s: a body that loops exited %q, want 137 (killed at the time limit of %v)", sh, got, h.timeout)
		}
		// dash reads only one digit as a descriptor: a larger one is a
		// syntax error to it, whatever is open.
		if r := res[3][s][0]; r.RC == "0" && (leak < 10 || sh != "dash") {
			t.Errorf("%s: a body wrote to descriptor %d of the test process: %s%s", sh, leak, r.Out, r.Err)
		}
		for v := range srVersions {
			r := res[4][s][v]
			if strings.Contains(string(r.Out), "saw") {
				t.Errorf("%s: a run saw what an earlier one left beside its tree:\n%s", sh, r.Out)
			}
			for _, f := range []string{"  /left\n", "  /dev/left\n", "  /dev/shm/left\n"} {
				if !strings.Contains(r.Files, f) {
					t.Errorf("%s: the run's file list lacks %q:\n%s", sh, f, r.Files)
				}
			}
		}
		for v := range srVersions {
			if r := res[5][s][v]; !strings.Contains(string(r.Out), "@stub /usr/local/sbin/ls [/etc]") {
				t.Errorf("%s: a job left in the background did not run to its end:\n%s%s", sh, r.Out, r.Err)
			}
		}
		// The next run starts from a fresh tree: /etc/x is gone.
		if out := string(res[2][s][0].Out) + string(res[2][s][0].Err); !strings.Contains(out, "@stub /usr/local/sbin/cat [/etc/x]") || strings.Contains(res[2][s][0].Files, "etc/x ") {
			t.Errorf("%s: a run saw what an earlier one wrote:\n%s\n%s", sh, out, res[2][s][0].Files)
		}
	}
	// $$ and $RANDOM are the same under a shell in two sandboxes.
	again := h.run(t, jobs[:1], names, []string{"src"})
	for s, sh := range shellRunShells {
		if a, b := res[0][s][0].Out, again[0][s][0].Out; !bytes.Equal(a, b) || !bytes.Equal(res[0][s][0].Err, again[0][s][0].Err) {
			t.Errorf("%s: the probe's output differs between two sandboxes:\n%s\n----\n%s", sh, a, b)
		}
	}
	for s, sh := range shellRunShells {
		t.Logf("the probe under %s:\n%s----- standard error:\n%s", sh, res[0][s][0].Out, res[0][s][0].Err)
	}
}
