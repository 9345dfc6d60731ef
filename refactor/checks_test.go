package refactor

// The build-check corpus test: BuildKit's own checks (formattest.Lint, as
// docker build --check runs them) are the measure of the refactors.
//
//	DFMT_CORPUS=../shared/corpus go test ./refactor -run TestChecksCorpus -v
//
// Over every file of $DFMT_CORPUS/valid but templates (files holding "{{"
// or "%%"), it counts the warnings of each rule before dfmt -r all
// (refactors, then formatting), after it, and after -r all --unsafe (with
// the file's folder taken for the build context), and holds them to this:
//
//   - no rule gains a warning in any file;
//   - a warning left of a rule that a refactor or the formatter fixes
//     (fixedBy) stands at an instruction where that refactor reported a
//     skip, whose reason is then the warning's, or one that dfmt:off or
//     dfmt:ignore keeps as written; a JSONArgsRecommended left is thus an
//     exec-form site skipped with a reason.
//
// The log (-v) has the table of warnings per rule and, for each rule, the
// warnings left by reason; DFMT_CHECKS_LIST=1 lists each one.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/formattest"
	"github.com/dfmt/dfmt/format/syntax"
)

// fixedBy names, for each rule with a safe fix, what fixes it: a refactor,
// or "format" for the formatter.
var fixedBy = map[string]string{
	"LegacyKeyValueFormat":           "key-value",
	"MaintainerDeprecated":           "maintainer",
	"FromAsCasing":                   "format",
	"ConsistentInstructionCasing":    "format",
	"NoEmptyContinuation":            "format",
	"RedundantTargetPlatform":        "platform",
	"StageNameCasing":                "stage-names",
	"MultipleInstructionsDisallowed": "drop-overridden",
	"ExposeProtoCasing":              "expose-proto",
	"JSONArgsRecommended":            "exec-form",
}

// checksRun is the checks of one file after one way of refactoring it.
type checksRun struct {
	counts map[string]int
	left   []leftWarning // the warnings of fixedBy's rules left
	fails  []string
}

// leftWarning is a warning that a fix did not take away, and why.
type leftWarning struct {
	rule, reason string
	line         int // in the input
}

func TestChecksCorpus(t *testing.T) {
	files := formattest.CorpusFiles(t, "valid")
	modes := []struct {
		name string
		opts func(path string) Options
	}{
		{"-r all", func(string) Options { return Options{} }},
		{"-r all --unsafe", func(p string) Options { return Options{Unsafe: true, Dir: filepath.Dir(p)} }},
	}
	type result struct {
		skipped bool
		before  map[string]int
		runs    []checksRun
	}
	results := make([]result, len(files))
	parallel(len(files), func(i int) {
		src := files[i].Src
		if bytes.Contains(src, []byte("{{")) || bytes.Contains(src, []byte("%%")) {
			results[i].skipped = true
			return
		}
		ws, err := formattest.Lint(src)
		if err != nil {
			results[i].skipped = true // the checks cannot convert it
			return
		}
		res := result{before: countRules(ws)}
		for _, m := range modes {
			res.runs = append(res.runs, checksFile(src, m.opts(files[i].Path), res.before))
		}
		results[i] = res
	})

	list := os.Getenv("DFMT_CHECKS_LIST") != ""
	rules := map[string]bool{}
	before := map[string]int{}
	after := make([]map[string]int, len(modes))
	reasons := make([]map[string]map[string]int, len(modes)) // rule -> reason -> count
	for k := range modes {
		after[k], reasons[k] = map[string]int{}, map[string]map[string]int{}
	}
	n, nfail := 0, 0
	var listing strings.Builder
	for i, res := range results {
		if res.skipped {
			continue
		}
		n++
		rel := files[i].Rel
		for r, c := range res.before {
			before[r] += c
			rules[r] = true
		}
		for k, run := range res.runs {
			for r, c := range run.counts {
				after[k][r] += c
				rules[r] = true
			}
			for _, f := range run.fails {
				if nfail++; nfail <= 60 {
					t.Errorf("%s: %s: %s", rel, modes[k].name, f)
				}
			}
			for _, w := range run.left {
				if reasons[k][w.rule] == nil {
					reasons[k][w.rule] = map[string]int{}
				}
				reasons[k][w.rule][reasonKind(w.reason)]++
				if list {
					fmt.Fprintf(&listing, "%s: %s:%d: %s: %s\n", modes[k].name, rel, w.line, w.rule, w.reason)
				}
			}
		}
	}
	if nfail > 60 {
		t.Errorf("… and %d more failures", nfail-60)
	}
	var names []string
	for r := range rules {
		names = append(names, r)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "BuildKit's build checks on %d corpus files (templates and files the checks cannot convert left out):\n", n)
	fmt.Fprintf(&b, "  %-32s %8s %8s %16s  %s\n", "rule", "before", "-r all", "-r all --unsafe", "fixed by")
	for _, r := range names {
		fmt.Fprintf(&b, "  %-32s %8d %8d %16d  %s\n", r, before[r], after[0][r], after[1][r], fixedBy[r])
	}
	for k, m := range modes {
		fmt.Fprintf(&b, "\nwarnings left after %s, by reason:\n", m.name)
		for _, r := range names {
			rs := reasons[k][r]
			if len(rs) == 0 {
				continue
			}
			fmt.Fprintf(&b, "  %s\n", r)
			var why []string
			for w := range rs {
				why = append(why, w)
			}
			sort.Slice(why, func(i, j int) bool {
				if rs[why[i]] != rs[why[j]] {
					return rs[why[i]] > rs[why[j]]
				}
				return why[i] < why[j]
			})
			for _, w := range why {
				fmt.Fprintf(&b, "    %6d  %s\n", rs[w], w)
			}
		}
	}
	t.Log("\n" + b.String() + listing.String())
}

// checksFile refactors src as dfmt -r all does with o, formats it, and
// checks the warnings left against the skips (see TestChecksCorpus).
func checksFile(src []byte, o Options, before map[string]int) checksRun {
	var run checksRun
	fail := func(format string, a ...any) { run.fails = append(run.fails, fmt.Sprintf(format, a...)) }
	out, skips, lineMap, err := o.apply(src, []string{"all"})
	if err != nil {
		fail("Apply: %v", err)
		return run
	}
	formatted, err := format.Source(out, format.Options{})
	if err != nil {
		fail("format.Source: %v", err)
		return run
	}
	ws, err := formattest.Lint(formatted)
	if err != nil {
		fail("the checks reject the result: %v", err)
		return run
	}
	run.counts = countRules(ws)
	for r, c := range run.counts {
		if c > before[r] {
			fail("%s: %d warnings, %d before", r, c, before[r])
		}
	}
	// An instruction of the formatted file is the one of out at the same
	// place in order (formatting keeps them), and out's lines come from the
	// input's by lineMap.
	in, err := load(src, o)
	if err != nil {
		fail("load: %v", err)
		return run
	}
	outTree, fmtTree := syntax.Parse(out), syntax.Parse(formatted)
	outStarts, fmtStarts := instrStarts(outTree), instrStarts(fmtTree)
	if len(outStarts) != len(fmtStarts) {
		fail("formatting made %d instructions of %d", len(fmtStarts), len(outStarts))
		return run
	}
	// The input's instructions, by the line each starts on; the skips and
	// the kept instructions, by the input instruction they are at.
	inInsts := map[int]*inst{}
	for _, x := range in.insts {
		inInsts[x.node.Start] = x
	}
	instAt := func(line int) *inst { // line 0-based
		for l := line; l >= 0; l-- {
			if x := inInsts[l]; x != nil {
				if line < x.node.End {
					return x
				}
				return nil
			}
		}
		return nil
	}
	skipAt := map[*inst][]Skip{}
	for _, s := range skips {
		if x := instAt(s.Line - 1); x != nil {
			skipAt[x] = append(skipAt[x], s)
		}
	}
	for _, w := range ws {
		by, ok := fixedBy[w.Rule]
		if !ok {
			continue
		}
		left := leftWarning{rule: w.Rule}
		var x *inst
		// The formatted instruction the warning's line is in: the last
		// to start on or before it.
		if k := sort.SearchInts(fmtStarts, w.Line) - 1; w.Line > 0 && k >= 0 {
			x = instAt(origLine(lineMap, outStarts[k]))
		}
		switch {
		case x == nil:
			left.reason = "at no instruction"
		case x.kept != "":
			left.reason = "marked " + x.kept + ": kept as written"
		default:
			for _, s := range skipAt[x] {
				if s.Name == by {
					left.reason = s.Reason
					break
				}
			}
		}
		if x != nil {
			left.line = x.line()
		}
		if left.reason == "" {
			fail("line %d: %s left (%s), with no skip of %s there", left.line, w.Rule, w.Detail, by)
			left.reason = "NO REASON"
		}
		run.left = append(run.left, left)
	}
	return run
}

// instrStarts are the 0-based lines where f's instructions start, in
// order.
func instrStarts(f *syntax.File) []int {
	var out []int
	for _, n := range f.Nodes {
		if n.Kind == syntax.InstructionNode {
			out = append(out, n.Start)
		}
	}
	return out
}

// countRules counts warnings by rule.
func countRules(ws []formattest.LintWarning) map[string]int {
	m := map[string]int{}
	for _, w := range ws {
		m[w.Rule]++
	}
	return m
}
