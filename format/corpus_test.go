package format

// The corpus property test: every real Dockerfile that BuildKit accepts must
// round-trip through Parse, format without error or safety-check fallback,
// still parse with BuildKit, build the same and keep its comments (as
// formattest.SameBuild judges) and be a fixed point; every file BuildKit
// rejects must be rejected with a positioned *Error. The corpus lives outside the repository (it is never copied in):
// point DFMT_CORPUS at it, e.g.
//
//	DFMT_CORPUS=../shared/corpus go test ./format -run TestCorpus -v
//
// Layout: valid/<project>/<file>, invalid/<project>/<file>,
// parser-testfiles/{testfiles/<name>/Dockerfile, testfiles-negative/<name>/Dockerfile,
// testfile-line/Dockerfile} (BuildKit's own parser test files).

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dfmt/dfmt/format/syntax"

	"github.com/dfmt/dfmt/format/formattest"
)

// Properties checked per file; the numbers are those of the summary.
const (
	propInput      = iota // 0: the corpus file is what its folder says (BuildKit accepts valid/)
	propRoundTrip         // 1: Parse(src).Verbatim() == src
	propFormat            // 2: Format succeeds with no fallbacks
	propOutParses         // 3: BuildKit parses the output
	propSameBuild         // 4: the same build, comment lines kept in place (formattest.SameBuild)
	propIdempotent        // 5: Format(out) == out
	propRejected          // 6: a file BuildKit rejects gets an *Error with a position and no output
	numProps
)

var propNames = [numProps]string{
	"corpus sanity (BuildKit accepts valid/, rejects invalid/)",
	"round trip Parse(src).Verbatim() == src",
	"Format succeeds without fallbacks",
	"output parses with BuildKit",
	"same build, comments kept (formattest.SameBuild)",
	"idempotent",
	"invalid file rejected with *format.Error",
}

// corpusKind says what a corpus file is expected to do.
type corpusKind int

const (
	kindValid   corpusKind = iota // BuildKit accepts it: all properties
	kindInvalid                   // BuildKit rejects it: Format must too
	kindNoInstr                   // empty or comments only: rejected by BuildKit, formatted by dfmt
)

type corpusFile struct {
	rel  string // path relative to the corpus root
	kind corpusKind
}

type corpusFailure struct {
	prop int
	msg  string
}

type corpusResult struct {
	file     corpusFile
	changed  bool // the formatter's output differs from the input
	failures []corpusFailure
}

func (r *corpusResult) fail(prop int, format string, args ...any) {
	r.failures = append(r.failures, corpusFailure{prop, fmt.Sprintf(format, args...)})
}

// corpusDir returns the corpus root from DFMT_CORPUS, or skips the test.
func corpusDir(t *testing.T) string {
	t.Helper()
	return formattest.CorpusDir(t)
}

// corpusFiles lists the corpus in a stable order.
func corpusFiles(t *testing.T, root string) []corpusFile {
	t.Helper()
	var files []corpusFile
	walk := func(sub string, kind corpusKind) {
		dir := filepath.Join(root, sub)
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			t.Errorf("corpus: %s missing", dir)
			return
		}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				rel, _ := filepath.Rel(root, p)
				files = append(files, corpusFile{rel: filepath.ToSlash(rel), kind: kind})
			}
			return nil
		})
		if err != nil {
			t.Fatalf("corpus: %v", err)
		}
	}
	glob := func(pattern string, kind corpusKind) {
		ms, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 {
			t.Errorf("corpus: nothing matches %s", pattern)
		}
		for _, p := range ms {
			rel, _ := filepath.Rel(root, p)
			files = append(files, corpusFile{rel: filepath.ToSlash(rel), kind: kind})
		}
	}
	walk("valid", kindValid)
	glob("parser-testfiles/testfiles/*/Dockerfile", kindValid)
	glob("parser-testfiles/testfile-line/Dockerfile", kindValid)
	walk("invalid", kindInvalid)
	glob("parser-testfiles/testfiles-negative/*/Dockerfile", kindInvalid)
	return files
}

// noInstructions reports whether src is empty or holds only blank and
// comment lines: BuildKit rejects it ("file with no instructions"), dfmt
// formats it by design.
func noInstructions(src []byte) bool {
	src = bytes.TrimPrefix(src, []byte{0xEF, 0xBB, 0xBF})
	for line := range bytes.Lines(src) {
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] != '#' {
			return false
		}
	}
	return true
}

// formatGuarded runs Format, turning a panic or a hang into an error so that
// one bad file does not stop the corpus run.
func formatGuarded(src []byte) (*Result, error, string) {
	type ret struct {
		res *Result
		err error
		bad string
	}
	ch := make(chan ret, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				ch <- ret{bad: fmt.Sprintf("panic: %v", p)}
			}
		}()
		res, err := Format(src, Options{})
		ch <- ret{res: res, err: err}
	}()
	select {
	case r := <-ch:
		return r.res, r.err, r.bad
	case <-time.After(20 * time.Second):
		return nil, nil, "Format did not return within 20s"
	}
}

// checkCorpusFile checks every property of one corpus file.
func checkCorpusFile(root string, f corpusFile) *corpusResult {
	r := &corpusResult{file: f}
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.rel)))
	if err != nil {
		r.fail(propInput, "read: %v", err)
		return r
	}
	if f.kind == kindInvalid && noInstructions(src) {
		r.file.kind = kindNoInstr
		f.kind = kindNoInstr
	}

	// 1. Lossless tree.
	if got := syntax.Parse(src).Verbatim(); !bytes.Equal(got, src) {
		r.fail(propRoundTrip, "Verbatim differs from the input: %s", formattest.FirstLineDiff(src, got))
	}

	_, inErr := formattest.BuildKitParse(src)
	switch f.kind {
	case kindValid:
		if inErr != nil {
			r.fail(propInput, "BuildKit rejects this valid/ file: %v", inErr)
			return r
		}
	case kindInvalid:
		if inErr == nil {
			r.fail(propInput, "BuildKit accepts this invalid/ file")
		}
		res, err, bad := formatGuarded(src)
		var fe *Error
		switch {
		case bad != "":
			r.fail(propRejected, "%s", bad)
		case err == nil:
			r.fail(propRejected, "Format accepted a file BuildKit rejects (%v)", inErr)
		case !errors.As(err, &fe):
			r.fail(propRejected, "error is %T, not *format.Error: %v", err, err)
		case fe.Line < 1 || fe.Col < 1:
			r.fail(propRejected, "error without a position (line %d, col %d): %v", fe.Line, fe.Col, err)
		case res != nil && res.Out != nil:
			r.fail(propRejected, "error %v came with output (%d bytes)", err, len(res.Out))
		}
		return r
	}

	// 2. Formats, with no safety-check fallback.
	res, err, bad := formatGuarded(src)
	switch {
	case bad != "":
		r.fail(propFormat, "%s", bad)
		return r
	case err != nil:
		r.fail(propFormat, "Format: %v", err)
		return r
	case res == nil:
		r.fail(propFormat, "Format returned no result and no error")
		return r
	case len(res.Fallbacks) > 0:
		r.fail(propFormat, "safety-check fallbacks at lines %v", res.Fallbacks)
	}
	out := res.Out
	r.changed = !bytes.Equal(out, src)

	// 3 and 4. BuildKit parses the output, to the same build, with every
	// comment line in its place. A file without instructions must give an
	// output without instructions, which BuildKit rejects too.
	if _, outErr := formattest.BuildKitParse(out); outErr != nil && f.kind != kindNoInstr {
		r.fail(propOutParses, "BuildKit rejects the output: %v", outErr)
	} else if err := formattest.SameBuild(src, out); err != nil {
		r.fail(propSameBuild, "%v", err)
	}

	// 5. Idempotent.
	res2, err, bad := formatGuarded(out)
	switch {
	case bad != "":
		r.fail(propIdempotent, "formatting the output: %s", bad)
	case err != nil:
		r.fail(propIdempotent, "formatting the output: %v", err)
	case res2 == nil:
		r.fail(propIdempotent, "formatting the output returned no result")
	case !bytes.Equal(res2.Out, out):
		r.fail(propIdempotent, "second format changes the output: %s", formattest.FirstLineDiff(out, res2.Out))
	}
	return r
}

// TestCorpus is the corpus property test; see the comment at the top of the
// file.
func TestCorpus(t *testing.T) {
	root := corpusDir(t)
	files := corpusFiles(t, root)
	start := time.Now()

	results := make([]*corpusResult, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				results[i] = checkCorpusFile(root, files[i])
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()

	var (
		byKind   = map[corpusKind]int{}
		changed  int
		byProp   [numProps]int
		failing  []*corpusResult
		maxPrint = 30
	)
	for _, r := range results {
		byKind[r.file.kind]++
		if r.changed {
			changed++
		}
		seen := [numProps]bool{}
		for _, f := range r.failures {
			if !seen[f.prop] {
				seen[f.prop] = true
				byProp[f.prop]++
			}
		}
		if len(r.failures) > 0 {
			failing = append(failing, r)
		}
	}
	for i, r := range failing {
		if i == maxPrint {
			t.Errorf("… and %d more failing files (see the summary)", len(failing)-maxPrint)
			break
		}
		var b strings.Builder
		for _, f := range r.failures {
			fmt.Fprintf(&b, "\n  property %d (%s): %s", f.prop, propNames[f.prop], f.msg)
		}
		t.Errorf("%s:%s", r.file.rel, b.String())
	}

	var sum strings.Builder
	fmt.Fprintf(&sum, "corpus %s: %d files checked (%d valid, %d invalid, %d without instructions) in %v\n",
		root, len(files), byKind[kindValid], byKind[kindInvalid], byKind[kindNoInstr], time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(&sum, "changed by formatting: %d files (the properties bite only there)\n", changed)
	fmt.Fprintf(&sum, "passed %d, failed %d\n", len(files)-len(failing), len(failing))
	fmt.Fprintf(&sum, "files failing, by property:\n")
	for p := range numProps {
		fmt.Fprintf(&sum, "  %d %-58s %d\n", p, propNames[p], byProp[p])
	}
	if len(failing) > 0 {
		n := min(len(failing), 20)
		fmt.Fprintf(&sum, "first %d failing files (first message):\n", n)
		for _, r := range failing[:n] {
			f := r.failures[0]
			msg, _, _ := strings.Cut(f.msg, "\n")
			if len(msg) > 240 {
				msg = msg[:240] + "…"
			}
			fmt.Fprintf(&sum, "  %s: [%d] %s\n", r.file.rel, f.prop, msg)
		}
	}
	t.Log("\n" + sum.String())
	if testing.Verbose() || os.Getenv("DFMT_CORPUS_REPORT") == "1" {
		fmt.Print(sum.String())
	}
}

// TestCorpusHelpers checks the pieces of the corpus test that need no corpus.
func TestCorpusHelpers(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want bool
	}{
		{"", true},
		{"\n\n", true},
		{"\xEF\xBB\xBF# a\n  # b\r\n\n", true},
		{"# a\nFROM x\n", false},
		{"  \\\n", false},
	} {
		if got := noInstructions([]byte(tt.src)); got != tt.want {
			t.Errorf("noInstructions(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}
