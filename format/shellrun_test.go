package format_test

// TestShellRun tests the formatter's shell layout against the real shells,
// not against our reading of them: a differential harness runs every shell
// body whose text formatting changes, before and after, under dash, bash
// and busybox ash, and compares what the runs did. The sandbox and the
// stubs are in shellrun_sandbox_test.go, the bodies and the coverage
// figures in shellrun_body_test.go, the generator and FuzzShellRun in
// shellrun_gen_test.go.
//
//	DFMT_CORPUS=../shared/corpus go test ./format -run TestShellRun -v
//
// Without the shells or bubblewrap the test skips, naming the Debian
// packages to install (apt-get install -y dash bash busybox bubblewrap).

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dfmt/dfmt/format/formattest"
)

// knownDifferences are the differences that the formatter makes today, each
// with the smallest body that shows it (Body, the text after RUN) and a
// regular expression (Match) that puts the difference of any other body
// down to it: a difference is known when Match finds the body's text before
// formatting and the shell is among Shells. TestShellRun fails on any other
// difference, and on an entry whose Body no longer differs: when the
// formatter is fixed, remove the entry.
//
// It is empty: the formatter now keeps as written a body that dash, bash
// and busybox ash read differently (STYLE.md rule 15 (e)), so the three
// it held no longer differ:
//
//	make > 2>&1             it made "> 2 >&1": all three shells reject the first, run the second
//	echo hi 2>&1>/dev/null  it made "2>&1 > /dev/null": dash and busybox reject the first
//	echo $'\''   \'         it collapsed the blanks, quoted for dash, which has no $'...'
var knownDifferences = []struct {
	Body   string
	Match  string
	Shells []string
	Reason string
}{}

// Where the bodies of a case come from.
type srSource int

const (
	srSourceKnown srSource = iota
	srSourceCorpus
	srSourceGenerator
	srSourceGolden
	srSourceFuzz
	srNumSources
)

var srSourceNames = [srNumSources]string{"known", "corpus", "generator", "golden", "fuzz"}

// srSeeds is how many generated Dockerfiles the test runs.
const srSeeds = 400

// srGoldenDirs are where the golden archives may be, relative to this
// package: their inputs are run too.
var srGoldenDirs = []string{"testdata/golden", "../testdata/golden"}

// srCase is one distinct body (its text before and after formatting) with
// every place it stands; it runs with the environment and folder of the
// first.
type srCase struct {
	Source srSource
	Places []string
	Body   srBody
	Static srStatic
	Res    srResult
}

// srCaseSet gathers distinct cases.
type srCaseSet struct {
	byKey map[string]*srCase
	list  []*srCase
}

func (s *srCaseSet) add(src srSource, name string, bodies []srBody) {
	if s.byKey == nil {
		s.byKey = map[string]*srCase{}
	}
	for _, b := range bodies {
		key := b.Before + "\x00" + b.After
		place := name + ": " + b.Where
		if c := s.byKey[key]; c != nil {
			c.Places = append(c.Places, place)
			continue
		}
		c := &srCase{Source: src, Places: []string{place}, Body: b}
		s.byKey[key] = c
		s.list = append(s.list, c)
	}
}

// srCases are the distinct cases of bodies.
func srCases(src srSource, name string, bodies []srBody) []*srCase {
	var s srCaseSet
	s.add(src, name, bodies)
	return s.list
}

// srDiff is a body that a shell runs differently after formatting.
type srDiff struct {
	c     *srCase
	shell int
	b, a  srRecord
	flaky bool   // the body's runs differ from themselves: not the formatter's doing
	why   string // how, for a flaky one
}

// srKilled is the exit status of a run stopped at the time limit
// (timeout -s KILL).
const srKilled = "137"

// srReruns is how many more times a body that differs is run.
const srReruns = 3

// report says what differs, with the body before and after and both runs.
func (d srDiff) report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "under %s, %s", shellRunShells[d.shell], d.c.Places[0])
	if n := len(d.c.Places) - 1; n > 0 {
		fmt.Fprintf(&b, " (and %d more places)", n)
	}
	fmt.Fprintf(&b, "\n  before: %q\n  after:  %q\n", d.c.Body.Before, d.c.Body.After)
	b.WriteString(srRecordDiff("what differs", "before", "after", d.b, d.a))
	return b.String()
}

// srLineDiff shows where two texts part: the lines they share before
// (the last few), then the rest of each, both cut short.
func srLineDiff(what, before, after, xn, yn string) string {
	x, y := strings.SplitAfter(before, "\n"), strings.SplitAfter(after, "\n")
	i := 0
	for i < len(x) && i < len(y) && x[i] == y[i] {
		i++
	}
	from := max(0, i-4)
	const n = 12
	part := func(l []string) string {
		rest := l[i:]
		more := ""
		if len(rest) > n {
			more = fmt.Sprintf("… %d more lines\n", len(rest)-n)
			rest = rest[:n]
		}
		return srIndent(srShorten(strings.Join(rest, "")+more, 2000))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  %s: the same for %d lines", what, i)
	if i > from {
		fmt.Fprintf(&b, ", which ends:\n%s", srIndent(strings.Join(x[from:i], "")))
	} else {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "  then %s:\n%s  and %s:\n%s", xn, part(x), yn, part(y))
	return b.String()
}

// srRecordDiff shows how two runs differ.
func srRecordDiff(what, xn, yn string, x, y srRecord) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %s:\n", what)
	if x.RC != y.RC {
		fmt.Fprintf(&b, "  exit status: %s %s, %s %s\n", srOr(x.RC, "none"), xn, srOr(y.RC, "none"), yn)
	}
	if !bytes.Equal(x.Out, y.Out) {
		b.WriteString(srLineDiff("standard output", string(x.Out), string(y.Out), xn, yn))
	}
	if srCanonErr(x.Err) != srCanonErr(y.Err) {
		b.WriteString(srLineDiff("standard error (the trace)", string(x.Err), string(y.Err), xn, yn))
	}
	if x.Files != y.Files {
		b.WriteString(srLineDiff("files left", x.Files, y.Files, xn, yn))
	}
	if x.Cov != y.Cov {
		b.WriteString(srLineDiff("stubs run", x.Cov, y.Cov, xn, yn))
	}
	return b.String()
}

func srOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func srIndent(s string) string {
	if s == "" {
		return "    (nothing)\n"
	}
	s = strings.TrimSuffix(s, "\n")
	return "    | " + strings.ReplaceAll(s, "\n", "\n    | ") + "\n"
}

// srKnown returns the index of the entry of knownDifferences that d is
// put down to, or -1.
func srKnown(d srDiff) int {
	for i, k := range knownDifferences {
		if len(k.Shells) > 0 && !slices.Contains(k.Shells, shellRunShells[d.shell]) {
			continue
		}
		if regexp.MustCompile(k.Match).MatchString(d.c.Body.Before) {
			return i
		}
	}
	return -1
}

// srRun runs cases in the sandbox of h, keeps their records, and returns
// their differences. A body that differs is run again: if a run of it
// differs from its first, the difference is marked flaky. A difference
// between two runs that were both stopped at the time limit is marked
// flaky at once: each stopped at its own point. With a deadline (not
// zero), reruns that would end past it are not made, and the differences
// they would have settled are marked flaky too.
func srRun(tb testing.TB, h *srHarness, cases []*srCase, deadline time.Time) []srDiff {
	tb.Helper()
	// The stubs and the top-level folders are those of all cases, the same
	// for every run, reruns included: a glob of / sees the same folders.
	names := map[string]bool{}
	tops := map[string]bool{}
	for _, c := range cases {
		if c.Static.Cmds == nil && c.Static.Names == nil {
			c.Static = srAnalyze([]string{c.Body.Before, c.Body.After}, c.Body.Env, c.Body.Workdir)
		}
		for _, n := range c.Static.Names {
			names[n] = true
		}
		for _, t := range c.Static.Tops {
			tops[t] = true
		}
	}
	run := func(cs []*srCase, afterFirst bool) []srResult {
		jobs := make([]srJob, len(cs))
		for i, c := range cs {
			jobs[i] = srJob{Before: c.Body.Before, After: c.Body.After, Env: srRunEnv(c.Body.Env), Workdir: c.Body.Workdir, Prep: c.Static.Prep, Tops: c.Static.Tops, AfterFirst: afterFirst}
		}
		return h.run(tb, jobs, srKeys(names), srKeys(tops))
	}
	start := time.Now()
	res := run(cases, false)
	took := time.Since(start)
	var diffs []srDiff
	var again []*srCase
	for i, c := range cases {
		c.Res = res[i]
		differs := false
		for s := range shellRunShells {
			b, a := c.Res[s][0], c.Res[s][1]
			if b.same(a, c.Static.Async) {
				continue
			}
			d := srDiff{c: c, shell: s, b: b, a: a}
			if b.RC == srKilled && a.RC == srKilled {
				d.flaky, d.why = true, "both runs were stopped at the time limit, each where it had got to"
			} else {
				differs = true
			}
			diffs = append(diffs, d)
		}
		if differs {
			again = append(again, c)
		}
	}
	// A body that runs differently from itself (a race between the stages
	// of a pipeline, a background job) proves nothing: run the differing
	// ones srReruns times more, and call a difference flaky when a run
	// before formatting differs from the first one before, or a run after
	// from the first after. Every other rerun runs the text after
	// formatting first: a race whose winner leans on the order of the runs
	// in a sandbox would otherwise look steady, and different, before and
	// after.
	for k := range srReruns {
		if len(again) == 0 {
			break
		}
		if !deadline.IsZero() && time.Now().Add(took).After(deadline) {
			for i := range diffs {
				if d := &diffs[i]; !d.flaky {
					d.flaky, d.why = true, fmt.Sprintf("not run again: no time left (%d of %d reruns made)", k, srReruns)
				}
			}
			break
		}
		res2 := run(again, k%2 == 0)
		rerun := map[*srCase]srResult{}
		for i, c := range again {
			rerun[c] = res2[i]
		}
		for i := range diffs {
			d := &diffs[i]
			r := rerun[d.c][d.shell]
			if d.flaky {
				continue
			}
			if !r[0].same(d.b, d.c.Static.Async) {
				d.flaky, d.why = true, srRecordDiff("the body before formatting, run again", "first", "again", d.b, r[0])
			} else if !r[1].same(d.a, d.c.Static.Async) {
				d.flaky, d.why = true, srRecordDiff("the body after formatting, run again", "first", "again", d.a, r[1])
			}
		}
	}
	return diffs
}

func srKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// srCorpusBodies adds the bodies of every Dockerfile of the corpus that
// BuildKit accepts (valid/ and BuildKit's own test files) and returns how
// many files it read.
func srCorpusBodies(t *testing.T, root string, set *srCaseSet, skips map[string]int) int {
	files := 0
	for _, sub := range []string{"valid", "parser-testfiles"} {
		if _, err := os.Stat(filepath.Join(root, sub)); err != nil {
			continue
		}
		for _, f := range formattest.CorpusFiles(t, sub) {
			files++
			srAddFile(t, set, srSourceCorpus, f.Rel, f.Src, skips)
		}
	}
	return files
}

// srAddFile adds the bodies of the Dockerfile src.
func srAddFile(t *testing.T, set *srCaseSet, src srSource, name string, data []byte, skips map[string]int) {
	bodies, sk, err := srExtract(data)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	for k, v := range sk {
		skips[k] += v
	}
	set.add(src, name, bodies)
}

// srGoldenBodies adds the bodies of the inputs of the golden archives and
// returns how many archives it read.
func srGoldenBodies(t *testing.T, set *srCaseSet, skips map[string]int) int {
	n := 0
	seen := map[string]bool{}
	for _, dir := range srGoldenDirs {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.txtar"))
		for _, p := range paths {
			if seen[filepath.Base(p)] {
				continue
			}
			seen[filepath.Base(p)] = true
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range srArchiveFiles(data) {
				if f.name == "in" || f.name == "in.crlf" {
					n++
					srAddFile(t, set, srSourceGolden, filepath.Base(p), srDecodeGolden(f.name, f.data), skips)
				}
			}
		}
	}
	return n
}

type srArchiveFile struct {
	name string
	data []byte
}

// srArchiveFiles are the files of a txtar archive (a line "-- NAME --"
// starts one).
func srArchiveFiles(data []byte) []srArchiveFile {
	var files []srArchiveFile
	cur := -1
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line = data[:i+1]
		}
		data = data[len(line):]
		t := strings.TrimRight(string(line), "\r\n")
		if strings.HasPrefix(t, "-- ") && strings.HasSuffix(t, " --") && len(t) >= 6 {
			if name := strings.TrimSpace(t[3 : len(t)-3]); name != "" {
				files = append(files, srArchiveFile{name: name})
				cur = len(files) - 1
				continue
			}
		}
		if cur >= 0 {
			files[cur].data = append(files[cur].data, line...)
		}
	}
	return files
}

// srDecodeGolden turns the text of a golden archive's in file into the
// bytes it stands for, as TestGolden does: a name ending in .crlf has CRLF
// line ends, <CR> is a carriage return, <BOM> a leading byte order mark,
// and a last line <NOEOL> means no final line end.
func srDecodeGolden(name string, data []byte) []byte {
	data = bytes.Clone(data)
	if len(data) > 0 && data[len(data)-1] != '\n' {
		data = append(data, '\n')
	}
	const noEOL = "<NOEOL>\n"
	if string(data) == noEOL {
		data = data[:0]
	} else if bytes.HasSuffix(data, []byte("\n"+noEOL)) {
		data = data[:len(data)-len(noEOL)-1]
	}
	if strings.HasSuffix(name, ".crlf") {
		data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
	}
	data = bytes.ReplaceAll(data, []byte("<CR>"), []byte("\r"))
	if rest, ok := bytes.CutPrefix(data, []byte("<BOM>")); ok {
		data = append([]byte("\xef\xbb\xbf"), rest...)
	}
	return data
}

// srPercentiles returns the median and the lowest tenth (10th percentile)
// of xs.
func srPercentiles(xs []float64) (median, p10 float64) {
	s := slices.Clone(xs)
	slices.Sort(s)
	at := func(q float64) float64 {
		i := int(q * float64(len(s)-1))
		return s[i]
	}
	return at(0.5), at(0.1)
}

func TestShellRun(t *testing.T) {
	h := newShellRunHarness(t)
	start := time.Now()
	var set srCaseSet
	skips := map[string]int{}

	// The known differences first, so that a body that is both a known
	// one and elsewhere counts as known.
	for i, k := range knownDifferences {
		if !regexp.MustCompile(k.Match).MatchString(k.Body) {
			t.Errorf("knownDifferences[%d]: Match %q does not match its own Body %q", i, k.Match, k.Body)
		}
		srAddFile(t, &set, srSourceKnown, fmt.Sprintf("knownDifferences[%d]", i), []byte("FROM alpine\nRUN "+k.Body+"\n"), skips)
	}
	corpusFiles := 0
	if root, ok := formattest.Corpus(); ok {
		corpusFiles = srCorpusBodies(t, root, &set, skips)
	} else {
		t.Log("DFMT_CORPUS is not set: the corpus's bodies are not run (DFMT_CORPUS=../shared/corpus)")
	}
	seeds := srSeeds
	if srRaceEnabled {
		seeds = srSeedsRace
	}
	for seed := range uint64(seeds) {
		srAddFile(t, &set, srSourceGenerator, fmt.Sprintf("generated seed %d", seed), []byte(srGenerate(seed)), skips)
	}
	goldens := srGoldenBodies(t, &set, skips)
	prepared := time.Since(start)

	diffs := srRun(t, h, set.list, time.Time{})
	elapsed := time.Since(start)

	// The figures.
	count := [srNumSources]int{}
	for _, c := range set.list {
		count[c.Source]++
	}
	var rep strings.Builder
	fmt.Fprintf(&rep, "shell harness: %d distinct bodies whose text formatting changes, each run under %s before and after (%d runs) in %s (%s reading and formatting)\n",
		len(set.list), strings.Join(shellRunShells, ", "), len(set.list)*len(shellRunShells)*2, elapsed.Round(time.Millisecond), prepared.Round(time.Millisecond))
	fmt.Fprintf(&rep, "  corpus: %d bodies from %d files; generator: %d from %d seeds; goldens: %d from %d inputs; known differences: %d\n",
		count[srSourceCorpus], corpusFiles, count[srSourceGenerator], seeds, count[srSourceGolden], goldens, count[srSourceKnown])
	for _, k := range srKeys(map[string]bool(srBoolKeys(skips))) {
		fmt.Fprintf(&rep, "  left out: %d bodies: %s\n", skips[k], k)
	}
	for s, shn := range shellRunShells {
		var killed []string
		stubs := 0
		for _, c := range set.list {
			for v := range srVersions {
				if rc := c.Res[s][v].RC; rc == srKilled || rc == "" {
					killed = append(killed, c.Places[0])
				}
				stubs += strings.Count(c.Res[s][v].Cov, "\n")
			}
		}
		fmt.Fprintf(&rep, "  %s: %d stubs run; %d runs stopped at the time limit (%v) or killed", shn, stubs, len(killed), h.timeout)
		if len(killed) > 0 {
			fmt.Fprintf(&rep, ": %s", strings.Join(srShortList(killed, 4), "; "))
		}
		rep.WriteString("\n")
	}
	rep.WriteString("  share of each body's simple commands that ran (before formatting): median, lowest tenth (10th percentile), bodies\n")
	for src := range srNumSources {
		if count[src] == 0 || srSource(src) == srSourceKnown {
			continue
		}
		fmt.Fprintf(&rep, "    %-9s", srSourceNames[src])
		unparsed := 0
		for s, shn := range shellRunShells {
			var shares []float64
			for _, c := range set.list {
				if c.Source != srSource(src) {
					continue
				}
				if c.Static.Cmds == nil || len(c.Static.Cmds) == 0 {
					if s == 0 {
						unparsed++
					}
					continue
				}
				shares = append(shares, float64(srCoverage(c.Static.Cmds, c.Res[s][0]))/float64(len(c.Static.Cmds)))
			}
			if len(shares) == 0 {
				continue
			}
			med, p10 := srPercentiles(shares)
			fmt.Fprintf(&rep, "  %s %3.0f%% %3.0f%% (%d)", shn, 100*med, 100*p10, len(shares))
		}
		if unparsed > 0 {
			fmt.Fprintf(&rep, "; %d bodies not counted (no simple command, or not parsed)", unparsed)
		}
		rep.WriteString("\n")
	}

	// The differences, grouped by known entry.
	byKnown := map[int][]srDiff{}
	var unknown, flaky []srDiff
	for _, d := range diffs {
		switch k := srKnown(d); {
		case d.flaky:
			flaky = append(flaky, d)
		case k >= 0:
			byKnown[k] = append(byKnown[k], d)
		default:
			unknown = append(unknown, d)
		}
	}
	fmt.Fprintf(&rep, "  differences: %d (bodies × shells): %d known, %d new, %d flaky (a body that runs differently from itself)\n",
		len(diffs), len(diffs)-len(unknown)-len(flaky), len(unknown), len(flaky))
	for i, k := range knownDifferences {
		ds := byKnown[i]
		fmt.Fprintf(&rep, "  known %d (%s): %d differences: %s\n", i, k.Reason, len(ds), srDiffSummary(ds))
		ownDiffers := false
		for _, d := range ds {
			if d.c.Source == srSourceKnown && strings.HasPrefix(d.c.Places[0], fmt.Sprintf("knownDifferences[%d]:", i)) {
				ownDiffers = true
			}
		}
		if !ownDiffers {
			t.Errorf("knownDifferences[%d] (%q) no longer differs under any shell: remove it from the list", i, k.Body)
		}
	}
	t.Log(rep.String())
	for _, d := range flaky {
		t.Logf("flaky (the body's runs differ between two sandboxes, so the comparison proves nothing): %s%s", d.report(), d.why)
	}
	for _, d := range unknown {
		t.Errorf("formatting changes what the shell runs: %s", d.report())
	}
	if testing.Verbose() {
		for i := range knownDifferences {
			for _, d := range byKnown[i] {
				t.Logf("known %d: %s", i, d.report())
			}
		}
	}
}

// srShortList is the first n of xs, then how many more.
func srShortList(xs []string, n int) []string {
	if len(xs) <= n {
		return xs
	}
	return append(slices.Clone(xs[:n]), fmt.Sprintf("and %d more", len(xs)-n))
}

// TestShellRunCatches shows that the comparison catches what formatting
// could break, and passes what it may change: a body whose quoted blanks
// are collapsed differs under every shell, one whose blanks outside quotes
// are does not, nor one that prints every variable, bash's copy of the
// body's own text among them (srCanonOut).
func TestShellRunCatches(t *testing.T) {
	h := newShellRunHarness(t)
	broken := &srCase{Source: srSourceKnown, Places: []string{"broken"},
		Body: srBody{Before: `A="a  b" && echo "$A" >/tmp/x`, After: `A="a b" && echo "$A" >/tmp/x`, Workdir: "/"}}
	fine := &srCase{Source: srSourceKnown, Places: []string{"fine"},
		Body: srBody{Before: "A=1  &&\techo   \"$A\" |  cat", After: "A=1 && echo \"$A\" | cat", Workdir: "/"}}
	self := &srCase{Source: srSourceKnown, Places: []string{"self"},
		Body: srBody{Before: "A='a  b'  &&  set  #", After: "A='a  b' && set #", Workdir: "/"}}
	diffs := srRun(t, h, []*srCase{broken, fine, self}, time.Time{})
	got := map[string]int{}
	for _, d := range diffs {
		if d.flaky {
			t.Errorf("flaky: %s%s", d.report(), d.why)
		}
		got[d.c.Places[0]]++
	}
	if got["broken"] != len(shellRunShells) || got["fine"] != 0 || got["self"] != 0 {
		t.Errorf("differences by body: %v; want broken under every shell, fine and self under none", got)
	}
}

// TestShellRunSame shows what two runs may differ in and still do the
// same: bash's copy of the body's text, and, for a body that runs a job in
// the background, the order of the lines it prints, but no more.
func TestShellRunSame(t *testing.T) {
	a := srRecord{Out: []byte("@stub A0 [0]\n@stub Zo\n"), RC: "0"}
	b := srRecord{Out: []byte("@stub Zo\n@stub A0 [0]\n"), RC: "0"}
	if a.same(b, false) || !a.same(b, true) {
		t.Errorf("lines printed in another order: same %v, with a background job %v; want false, true", a.same(b, false), a.same(b, true))
	}
	c := srRecord{Out: []byte("@stub Zo\n@stub A0 [1]\n"), RC: "0"}
	if a.same(c, true) {
		t.Errorf("other lines are the same to a body with a background job")
	}
	x := srRecord{Out: []byte("BASH=/bin/sh\nBASH_EXECUTION_STRING='set  #'\nX=1\n"), RC: "0"}
	y := srRecord{Out: []byte("BASH=/bin/sh\nBASH_EXECUTION_STRING='set #'\nX=1\n"), RC: "0"}
	z := srRecord{Out: []byte("BASH=/bin/sh\nBASH_EXECUTION_STRING='set #'\nX=2\n"), RC: "0"}
	if !x.same(y, false) || x.same(z, false) {
		t.Errorf("BASH_EXECUTION_STRING: same %v, and with another line changed %v; want true, false", x.same(y, false), x.same(z, false))
	}
	for _, v := range []struct {
		body  string
		async bool
	}{{"a0=0& A0 0 $a0 000 0 0&Zo", true}, {"coproc x; y", true}, {"a && b >&2 &>/dev/null", false}} {
		if got := srAnalyze([]string{v.body, v.body}, nil, "/").Async; got != v.async {
			t.Errorf("srAnalyze(%q).Async = %v, want %v", v.body, got, v.async)
		}
	}
}

func srBoolKeys(m map[string]int) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

// srDiffSummary counts differences by source and shell.
func srDiffSummary(ds []srDiff) string {
	n := map[string]int{}
	for _, d := range ds {
		n[srSourceNames[d.c.Source]+"/"+shellRunShells[d.shell]]++
	}
	var parts []string
	for _, k := range srKeys(srBoolKeys(n)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, n[k]))
	}
	return strings.Join(parts, ", ")
}
