// Command dfmt formats Dockerfiles in dfmt's canonical style.
//
// Usage:
//
//	dfmt [flags] [path ...]
//
// With no path, or with "-", dfmt formats standard input to standard output.
// A file is formatted whatever its name; a directory is walked recursively
// and the Dockerfiles in it (Dockerfile, Containerfile, *.Dockerfile,
// *.dockerfile, *.containerfile, Dockerfile.*, Containerfile.*) are
// formatted, except files whose content is not a Dockerfile's and what git
// ignores or --exclude matches. The README's Usage section says what the
// command does; run "dfmt -h" for the flags.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/spf13/pflag"

	"github.com/dfmt/dfmt/format"
)

func main() {
	tuneGC()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// tuneGC trades memory for speed where the user has not chosen: formatting
// allocates a few times each file's size and keeps little, so at its
// default pace the collector spends a third of a run over many small files
// on a heap of a few megabytes.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
		gcTuned = true
	}
}

var (
	gcTuned   bool
	gcBigOnce sync.Once
)

// bigFile is the size above which a file's own tree dominates the heap.
const bigFile = 8 << 20

// gcForBigFiles goes back to the collector's default pace once a big file
// comes: its live tree is tens of times its size, and five times that
// (what GOGC=400 allows) is more memory than the speed is worth.
func gcForBigFiles() {
	gcBigOnce.Do(func() {
		if gcTuned {
			debug.SetGCPercent(100)
		}
	})
}

// Exit statuses, as the README's Usage section states them.
const (
	exitOK      = 0 // done; with -l, -d or --check nothing differs
	exitDiffers = 1 // with -l, -d or --check some file differs
	exitError   = 2 // bad usage or a file in error
)

// stdinName names standard input in messages unless --stdin-filepath does.
const stdinName = "<standard input>"

// Bounds of -i and of indent_size in .editorconfig. A width of 0 already
// means "the default" to format.Options, so it cannot mean tabs as it does
// for shfmt; the upper bound only stops a typo from printing megabytes of
// spaces.
const (
	minIndent = 1
	maxIndent = 16
)

// getenv reads the command's environment. Unit tests that call run
// directly replace it, so that running them in GitHub Actions does not turn
// on annotations.
var getenv = os.Getenv

// version is the release, set at link time with
// -ldflags "-X main.version=v1.2.3"; when empty it comes from the build info.
var version = ""

// usage is the text of -h. It is written by hand rather than by pflag, which
// would print "[=true|false]" after every switch.
const usage = `usage: dfmt [flags] [path ...]

Formats Dockerfiles. With no path, or -, formats standard input to standard
output. A file named is formatted whatever its name. A directory is walked
for Dockerfile, Containerfile, *.Dockerfile, *.dockerfile, *.containerfile,
Dockerfile.* and Containerfile.* files, but not for files whose content is
not a Dockerfile's (-v names them), nor for what git ignores or --exclude
matches. Each file is formatted once, however often it is reached.

Modes (default: print the formatted text):
  -w, --write            rewrite each file in place if its formatting differs
  -l, --list             list the files whose formatting differs
  -d, --diff             print a unified diff of each file whose formatting differs
      --check            list the files whose formatting differs; exit 1 if any
  -r, --refactor NAMES   apply refactors (comma-separated, or all) first
      --unsafe           with -r, also apply the unsafe sites (see --list-refactors)
      --context DIR      with -r, the build context, where add-to-copy looks at ADD's sources
      --list-refactors   list the refactors and when each is safe

Options:
      --exclude PATTERN  skip walked files and directories that PATTERN matches
                         (.gitignore syntax, from the current directory; repeatable)
  -i, --indent N         indent by N spaces per level (default 4)
      --tabs             indent with tabs
      --stdin-filepath NAME
                         name standard input in messages and find its .editorconfig
  -v, --verbose          also say what was skipped and why
      --annotate         with -l, -d or --check, also print a GitHub ::error
                         command for each region that differs and each error
                         (to stdout; to stderr with -d); on if GITHUB_ACTIONS=true
      --lsp              serve the Language Server Protocol on standard input
                         and output (see the README's Editors section)
      --version          print the version
  -h, --help             print this help

Without -i or --tabs, indentation comes from .editorconfig (indent_style,
indent_size). Exit status: 0 done; 1 with -l, -d or --check when a file
differs; 2 on bad usage or a file that cannot be read, written or parsed.
`

// config is what the flags ask for, shared read-only by the workers.
type config struct {
	write, list, diff, check bool

	// annotate (--annotate, or GITHUB_ACTIONS=true) prints GitHub
	// workflow commands for what differs and for errors; set only with
	// -l, -d or --check. annotateStderr sends them to standard error,
	// as with -d, whose diff on standard output must stay a patch.
	annotate, annotateStderr bool

	// verbose (-v) also says what was skipped and why: refactor sites,
	// walked files that are not Dockerfiles.
	verbose bool

	// flagOpts is the indentation given by -i or --tabs; nil when neither
	// was given and .editorconfig decides.
	flagOpts *format.Options

	// stdinPath is --stdin-filepath: the name of standard input in
	// messages and the path whose .editorconfig applies to it.
	stdinPath string

	// excludes are the --exclude patterns: what else a walk skips.
	excludes []rule

	refactors []string
	// unsafe (--unsafe) applies the refactors' unsafe sites too; context
	// (--context) is the build context's folder, or "".
	unsafe  bool
	context string

	stdin io.Reader
	ec    *editorConfigs
}

// run is the whole command: it parses args, formats, prints to stdout and
// stderr, and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("dfmt", pflag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed below, once
	// The help text is the usage constant; the flags' own texts are
	// for pflag's error messages.
	var (
		write       = fs.BoolP("write", "w", false, "write the result to each file instead of standard output")
		list        = fs.BoolP("list", "l", false, "list files whose formatting differs from dfmt's")
		diff        = fs.BoolP("diff", "d", false, "print a unified diff for each file whose formatting differs")
		check       = fs.Bool("check", false, "list files whose formatting differs and exit 1 if any does (for CI)")
		indent      = fs.IntP("indent", "i", 4, "indent continuation lines by `N` spaces per level (overrides .editorconfig)")
		tabs        = fs.Bool("tabs", false, "indent with tabs (overrides .editorconfig)")
		stdinPath   = fs.String("stdin-filepath", "", "name standard input `NAME` in messages and find its .editorconfig")
		refactors   = fs.StringSliceP("refactor", "r", nil, "apply refactors `NAME[,NAME...]` (or all) before formatting")
		listRefacts = fs.Bool("list-refactors", false, "list the refactors, what each does and when it is safe")
		unsafe      = fs.Bool("unsafe", false, "with -r, also apply the sites that hang on what the file cannot show")
		buildCtx    = fs.String("context", "", "with -r, the build context `DIR`, where add-to-copy looks at ADD's sources")
		verbose     = fs.BoolP("verbose", "v", false, "also say what was skipped and why")
		annotate    = fs.Bool("annotate", false, "with -l, -d or --check, also print GitHub workflow commands")
		excludes    = fs.StringArray("exclude", nil, "skip walked files and directories matching `PATTERN` (.gitignore syntax, from the current directory)")
		showVersion = fs.Bool("version", false, "print the version and exit")
		lsp         = fs.Bool("lsp", false, "serve the Language Server Protocol on standard input and output")
		help        = fs.BoolP("help", "h", false, "print this help")
	)
	usageErr := func(err error) int {
		fmt.Fprintf(stderr, "dfmt: %v\nrun 'dfmt -h' for usage\n", err)
		return exitError
	}

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			// As gofmt -h: the usage on stderr and a zero status.
			fmt.Fprint(stderr, usage)
			return exitOK
		}
		return usageErr(err)
	}
	if *help {
		fmt.Fprint(stderr, usage)
		return exitOK
	}
	if *showVersion {
		fmt.Fprintln(stdout, versionString())
		return exitOK
	}
	if *lsp {
		if fs.NArg() > 0 || fs.NFlag() > 1 {
			return usageErr(fmt.Errorf("--lsp takes no paths or other flags: the editor sends the documents and their settings"))
		}
		return serveLSP(stdin, stdout, stderr)
	}

	cfg := &config{
		write:     *write,
		list:      *list,
		diff:      *diff,
		check:     *check,
		verbose:   *verbose,
		stdinPath: *stdinPath,
		stdin:     stdin,
		ec:        newEditorConfigs(),
	}
	if !fs.Changed("annotate") {
		// GitHub Actions sets GITHUB_ACTIONS=true in every step; an
		// explicit --annotate=false still turns annotations off.
		*annotate = getenv("GITHUB_ACTIONS") == "true"
	}
	if *annotate && (cfg.list || cfg.diff || cfg.check) {
		cfg.annotate = true
		cfg.annotateStderr = cfg.diff
	}
	if fs.Changed("refactor") || *listRefacts {
		// Refactors are parsed here so that wiring them in later is a
		// change to refactor.go only.
		if *listRefacts {
			if err := listRefactors(stdout); err != nil {
				return usageErr(err)
			}
			return exitOK
		}
		names, err := checkRefactors(*refactors)
		if err != nil {
			return usageErr(err)
		}
		cfg.refactors = names
	}
	if err := checkRefactorOptions(cfg, fs.Changed("refactor"), *unsafe, fs.Changed("context"), *buildCtx); err != nil {
		return usageErr(err)
	}
	for _, p := range *excludes {
		// As a .gitignore in the current directory would hold it.
		r, ok := parseRule(p, nil)
		if !ok {
			return usageErr(fmt.Errorf("invalid --exclude pattern %q: blank, or a comment (\\# matches a leading #)", p))
		}
		cfg.excludes = append(cfg.excludes, r)
	}
	if fs.Changed("indent") && fs.Changed("tabs") {
		return usageErr(fmt.Errorf("-i and --tabs cannot be used together"))
	}
	if fs.Changed("indent") || fs.Changed("tabs") {
		if fs.Changed("indent") && (*indent < minIndent || *indent > maxIndent) {
			return usageErr(fmt.Errorf("invalid indent %d: must be from %d to %d (use --tabs for tabs)", *indent, minIndent, maxIndent))
		}
		cfg.flagOpts = &format.Options{Indent: *indent, Tabs: *tabs}
	}

	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	nstdin := 0
	for _, p := range paths {
		if p == "-" {
			nstdin++
		}
	}
	if nstdin > 0 && cfg.write {
		return usageErr(fmt.Errorf("cannot use -w with standard input"))
	}
	if nstdin > 1 {
		return usageErr(fmt.Errorf("standard input (-) can be named only once"))
	}

	return cfg.runPaths(paths, stdout, stderr)
}

// versionString is the line --version prints.
func versionString() string {
	bi, _ := debug.ReadBuildInfo()
	return versionLine(version, bi)
}

// versionLine is the --version line for a binary linked with version (may
// be empty) and built as bi (may be nil): the release named at link time,
// else the module version that "go install ...@vX.Y.Z" records (or the
// pseudo-version a build in a clone gets), else the VCS revision, else
// "(devel)"; then the BuildKit whose parser dfmt matches.
func versionLine(version string, bi *debug.BuildInfo) string {
	v := version
	var buildkit string
	if bi != nil {
		if v == "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, d := range bi.Deps {
			if d.Path == "github.com/moby/buildkit" {
				buildkit = d.Version
			}
		}
		if v == "" {
			var rev, dirty string
			for _, s := range bi.Settings {
				switch {
				case s.Key == "vcs.revision" && len(s.Value) >= 12:
					rev = s.Value[:12]
				case s.Key == "vcs.modified" && s.Value == "true":
					dirty = "+dirty"
				}
			}
			if rev != "" {
				v = "(devel " + rev + dirty + ")"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	var b strings.Builder
	b.WriteString("dfmt ")
	b.WriteString(v)
	if buildkit != "" {
		b.WriteString(" (buildkit " + buildkit + ")")
	}
	return b.String()
}
