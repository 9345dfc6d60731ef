package refactor

// The corpus property test: every refactor, run on every real Dockerfile
// that BuildKit accepts, must keep what BuildKit builds. The corpus lives
// outside the repository; point DFMT_CORPUS at it:
//
//	DFMT_CORPUS=../shared/corpus go test ./refactor -run TestCorpus -v
//
// For each file of $DFMT_CORPUS/valid and each refactor on its own:
//
//   - Apply succeeds, and its output is accepted by BuildKit's parser and
//     by format.Source, formats to a fixed point, and is a fixed point of
//     the refactor;
//   - formattest.SameBuild, with ExactText, finds input and output the
//     same (directives, instructions, BuildKit's commands of them from
//     frontend/dockerfile/instructions, comment lines in place) except
//     where the refactor may change them (allowed), and there they are
//     checked to mean the same: ADD and COPY of the same sources,
//     destination and flags, with no source ADD would treat differently;
//     ENV/LABEL values that expand to the same under BuildKit's own lexer;
//     stage references equal once lowered; a dropped platform that was
//     $TARGETPLATFORM; MAINTAINER text equal to the expanded authors label;
//     an exec-form argv equal to the shell's own fields of the shell-form
//     text (mvdan.cc/sh's expand package); package words permuted among
//     themselves; an instruction BuildKit rejects before and after;
//   - merge-runs: each merged RUN has the flags of the RUNs it replaces and
//     its shell program is theirs joined by && (associativity and braces
//     around one statement being the only liberties), every one but the last
//     changing no shell state; the comments between them may go inside it.
//
// The test logs, per refactor, how many sites it changed and how many it
// refused, by reason: the figures of the closing note.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"mvdan.cc/sh/v3/expand"
	sh "mvdan.cc/sh/v3/syntax"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/formattest"
	"github.com/dfmt/dfmt/format/syntax"
)

// corpusRun is the outcome of one refactor on one file.
type corpusRun struct {
	sites int
	skips []Skip
	fails []string
}

func TestCorpus(t *testing.T) {
	root := formattest.CorpusDir(t)
	var files []string
	err := filepath.WalkDir(filepath.Join(root, "valid"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no files under %s", filepath.Join(root, "valid"))
	}

	type fileResult struct {
		rel  string
		runs []corpusRun // one per refactor, then one for all of them
	}
	results := make([]fileResult, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rel, _ := filepath.Rel(root, files[i])
				src, err := os.ReadFile(files[i])
				if err != nil {
					results[i] = fileResult{rel: rel, runs: []corpusRun{{fails: []string{err.Error()}}}}
					continue
				}
				results[i] = fileResult{rel: rel, runs: corpusFile(src)}
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()

	type stat struct {
		sites, files, refused int
		reasons               map[string]int
	}
	stats := make([]stat, len(All))
	nfail := 0
	for _, res := range results {
		for k, run := range res.runs {
			for _, f := range run.fails {
				nfail++
				if nfail <= 60 {
					name := "all"
					if k < len(All) {
						name = All[k].Name
					}
					t.Errorf("%s: %s: %s", res.rel, name, f)
				}
			}
			if k >= len(All) {
				continue
			}
			s := &stats[k]
			s.sites += run.sites
			if run.sites > 0 {
				s.files++
			}
			for _, sk := range run.skips {
				s.refused++
				if s.reasons == nil {
					s.reasons = map[string]int{}
				}
				s.reasons[reasonKind(sk.Reason)]++
			}
		}
	}
	if nfail > 60 {
		t.Errorf("… and %d more failures", nfail-60)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "over %d files of %s:\n", len(files), filepath.Join(root, "valid"))
	for k, r := range All {
		s := stats[k]
		fmt.Fprintf(&b, "%-14s changed %d sites in %d files; refused %d\n", r.Name, s.sites, s.files, s.refused)
		var rs []string
		for reason := range s.reasons {
			rs = append(rs, reason)
		}
		sort.Slice(rs, func(i, j int) bool {
			if s.reasons[rs[i]] != s.reasons[rs[j]] {
				return s.reasons[rs[i]] > s.reasons[rs[j]]
			}
			return rs[i] < rs[j]
		})
		for _, reason := range rs {
			fmt.Fprintf(&b, "    %6d  %s\n", s.reasons[reason], reason)
		}
	}
	t.Log("\n" + b.String())
}

// corpusFile runs each refactor, then all of them, on one file.
func corpusFile(src []byte) []corpusRun {
	runs := make([]corpusRun, len(All)+1)
	fmtIdem := formatIdempotent(src)
	for k, r := range All {
		run := &runs[k]
		fail := func(format string, a ...any) { run.fails = append(run.fails, fmt.Sprintf(format, a...)) }
		f, err := load(src)
		if err != nil {
			fail("dfmt rejects the input: %v", err)
			continue
		}
		f.name = r.Name
		r.run(f)
		run.sites, run.skips = len(f.sites), f.skips
		out, skips, err := Apply(src, []string{r.Name})
		if err != nil {
			fail("Apply: %v", err)
			continue
		}
		if len(skips) != len(f.skips) {
			fail("Apply reports %d skips, the refactor %d", len(skips), len(f.skips))
		}
		if run.sites == 0 && !bytes.Equal(out, src) {
			fail("no site, yet the output differs")
		}
		checkOutput(fail, src, out, []string{r.Name}, fmtIdem)
		if run.sites > 0 {
			if err := checkBuild(r.Name, src, out); err != nil {
				fail("%v", err)
			}
		}
	}
	run := &runs[len(All)]
	fail := func(format string, a ...any) { run.fails = append(run.fails, fmt.Sprintf(format, a...)) }
	out, _, err := Apply(src, []string{"all"})
	if err != nil {
		fail("Apply: %v", err)
	} else {
		checkOutput(fail, src, out, []string{"all"}, fmtIdem)
	}
	return runs
}

// checkOutput checks that the output parses, formats, formats to a fixed
// point (when the input does), and is a fixed point of the refactors.
func checkOutput(fail func(string, ...any), src, out []byte, names []string, fmtIdem bool) {
	if _, err := formattest.BuildKitParse(out); err != nil {
		fail("BuildKit rejects the output: %v", err)
		return
	}
	if pf := syntax.Parse(out); pf.Err != nil {
		fail("dfmt rejects the output: %v", pf.Err)
		return
	}
	once, err := format.Source(out, format.Options{})
	if err != nil {
		fail("format.Source on the output: %v", err)
		return
	}
	if fmtIdem {
		if twice, err := format.Source(once, format.Options{}); err != nil || !bytes.Equal(once, twice) {
			fail("formatting the output is not idempotent")
		}
	}
	if again, _, err := Apply(out, names); err != nil || !bytes.Equal(again, out) {
		fail("the refactor is not idempotent (err %v)", err)
	}
}

func formatIdempotent(src []byte) bool {
	once, err := format.Source(src, format.Options{})
	if err != nil {
		return false
	}
	twice, err := format.Source(once, format.Options{})
	return err == nil && bytes.Equal(once, twice)
}

// checkBuild checks, with formattest.SameBuild, that out, what refactor
// name made of src, builds what src builds: unformatted, out must hold the
// same text but where the refactor's allowed changes account for the
// difference, each checked to mean the same.
func checkBuild(name string, src, out []byte) error {
	return formattest.SameBuild(src, out, formattest.ExactText(), formattest.Allow(allowed(name)))
}

// checkEachBuild runs each refactor of names on its own on src and checks
// its output with checkBuild. (Several refactors may change one
// instruction, which no one refactor's allowance covers.)
func checkEachBuild(src []byte, names []string) error {
	rs, err := Lookup(names)
	if err != nil {
		return err
	}
	for _, r := range rs {
		out, _, err := Apply(src, []string{r.Name})
		if err != nil {
			return fmt.Errorf("%s: Apply: %v", r.Name, err)
		}
		if err := checkBuild(r.Name, src, out); err != nil {
			return fmt.Errorf("%s: %v", r.Name, err)
		}
	}
	return nil
}

// allowed is what refactor name may change, as BuildKit's instructions
// package reads the instructions: see allowedStage, allowedChange and
// allowedMerge.
func allowed(name string) formattest.AllowFunc {
	return func(in, out []formattest.Instruction) (int, int, error) {
		x, y := in[0], out[0]
		switch {
		case name == "merge-runs":
			return allowedMerge(in, out)
		case x.Stage != nil && y.Stage != nil:
			if err := allowedStage(name, x.Stage, y.Stage); err != nil {
				return 0, 0, err
			}
			return 1, 1, nil
		case x.Command == nil && x.Stage == nil && y.Command == nil && y.Stage == nil:
			// BuildKit's instructions package rejects the instruction
			// before and after ("COPY --from=Build" without paths, "FROM
			// a AS ${NAME}"), and with it the file: the build fails the
			// same.
			return 1, 1, nil
		case x.Command == nil || y.Command == nil:
			return 0, 0, fmt.Errorf("%s: BuildKit's instructions package reads no command of it", name)
		}
		if err := allowedChange(name, x.Command, y.Command, x.Escape); err != nil {
			return 0, 0, fmt.Errorf("%s: %q became %q: %v", name, fmt.Sprint(x.Command), fmt.Sprint(y.Command), err)
		}
		return 1, 1, nil
	}
}

// allowedStage checks a FROM that a refactor changed: platform may drop a
// platform that was $TARGETPLATFORM, stage-names change what BuildKit
// lower-cases anyway; the stage must be the same otherwise.
func allowedStage(name string, a, b *instructions.Stage) error {
	ha, hb := formattest.StageHead(*a), formattest.StageHead(*b)
	switch name {
	case "platform":
		if (ha.Platform == "$TARGETPLATFORM" || ha.Platform == "${TARGETPLATFORM}") && hb.Platform == "" {
			ha.Platform = ""
		}
	case "stage-names":
	default:
		return fmt.Errorf("%s may change no FROM", name)
	}
	if !jsonEqual(ha, hb) {
		return fmt.Errorf("%s: the FROM differs: %s vs %s", name, a.SourceCode, b.SourceCode)
	}
	return nil
}

func jsonEqual(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// allowedChange checks a command that a refactor changed.
func allowedChange(name string, ca, cb instructions.Command, esc rune) error {
	switch name {
	case "add-to-copy":
		a, okA := ca.(*instructions.AddCommand)
		b, okB := cb.(*instructions.CopyCommand)
		switch {
		case !okA || !okB:
			return fmt.Errorf("not ADD → COPY")
		case a.Checksum != "" || a.KeepGitDir != nil || a.Unpack != nil && *a.Unpack:
			return fmt.Errorf("ADD had flags COPY lacks")
		case b.From != "" || b.Parents:
			return fmt.Errorf("COPY gained flags")
		case !reflect.DeepEqual(a.SourcesAndDest, b.SourcesAndDest) || a.Chown != b.Chown || a.Chmod != b.Chmod ||
			a.Link != b.Link || !slices.Equal(a.ExcludePatterns, b.ExcludePatterns):
			return fmt.Errorf("sources, destination or flags differ")
		}
		for _, p := range a.SourcePaths {
			dir := p == "." || p == ".." || strings.HasSuffix(p, "/") || strings.HasSuffix(p, "/.")
			if strings.Contains(p, "$") || strings.Contains(p, "://") || strings.Contains(p, "@") ||
				strings.Contains(p, ".git") || !dir && a.Unpack == nil {
				return fmt.Errorf("source %s is one ADD may treat differently", p)
			}
		}
		return nil
	case "key-value":
		var pa, pb instructions.KeyValuePairs
		switch a := ca.(type) {
		case *instructions.EnvCommand:
			b, ok := cb.(*instructions.EnvCommand)
			if !ok {
				return fmt.Errorf("not ENV → ENV")
			}
			pa, pb = a.Env, b.Env
		case *instructions.LabelCommand:
			b, ok := cb.(*instructions.LabelCommand)
			if !ok {
				return fmt.Errorf("not LABEL → LABEL")
			}
			pa, pb = a.Labels, b.Labels
		default:
			return fmt.Errorf("changed a %T", ca)
		}
		if len(pa) != len(pb) {
			return fmt.Errorf("%d pairs became %d", len(pa), len(pb))
		}
		for i := range pa {
			if pa[i].Key != pb[i].Key || !expandsSame(pa[i].Value, pb[i].Value, esc) {
				return fmt.Errorf("pair %s=%s became %s=%s", pa[i].Key, pa[i].Value, pb[i].Key, pb[i].Value)
			}
		}
		return nil
	case "maintainer":
		a, okA := ca.(*instructions.MaintainerCommand)
		b, okB := cb.(*instructions.LabelCommand)
		if !okA || !okB || len(b.Labels) != 1 || b.Labels[0].Key != authorsLabel {
			return fmt.Errorf("not MAINTAINER → LABEL %s", authorsLabel)
		}
		got, unmatched, err := shell.NewLex(esc).ProcessWord(b.Labels[0].Value, shell.EnvsFromSlice(nil))
		if err != nil || len(unmatched) > 0 || got != a.Maintainer {
			return fmt.Errorf("the label expands to %q, not %q", got, a.Maintainer)
		}
		return nil
	case "stage-names":
		la, lb := lowerRefs(ca), lowerRefs(cb)
		if !jsonEqual(la, lb) {
			return fmt.Errorf("differs beyond the case of stage references")
		}
		return nil
	case "exec-form":
		var a, b instructions.ShellDependantCmdLine
		switch x := ca.(type) {
		case *instructions.CmdCommand:
			y, ok := cb.(*instructions.CmdCommand)
			if !ok {
				return fmt.Errorf("not CMD → CMD")
			}
			a, b = x.ShellDependantCmdLine, y.ShellDependantCmdLine
		case *instructions.EntrypointCommand:
			y, ok := cb.(*instructions.EntrypointCommand)
			if !ok {
				return fmt.Errorf("not ENTRYPOINT → ENTRYPOINT")
			}
			a, b = x.ShellDependantCmdLine, y.ShellDependantCmdLine
		default:
			return fmt.Errorf("changed a %T", ca)
		}
		if !a.PrependShell || b.PrependShell || len(a.CmdLine) != 1 {
			return fmt.Errorf("not shell form → exec form")
		}
		want, err := shellFields(a.CmdLine[0])
		if err != nil {
			return err
		}
		if !slices.Equal(want, b.CmdLine) {
			return fmt.Errorf("argv %q, the shell runs %q", b.CmdLine, want)
		}
		return nil
	case "sort-packages":
		a, okA := ca.(*instructions.RunCommand)
		b, okB := cb.(*instructions.RunCommand)
		if !okA || !okB || len(a.CmdLine) != 1 || len(b.CmdLine) != 1 {
			return fmt.Errorf("not a shell-form RUN")
		}
		x, y := *a, *b
		x.CmdLine, y.CmdLine = nil, nil
		if !jsonEqual(formattest.CommandValue(&x), formattest.CommandValue(&y)) {
			return fmt.Errorf("more than the command text differs")
		}
		return samePackages(a.CmdLine[0], b.CmdLine[0])
	}
	return fmt.Errorf("%s may change no command", name)
}

// expandsSame reports whether BuildKit's lexer expands two values the
// same, with the variables they use unset, set to a value with spaces and
// quotes, and set empty.
func expandsSame(a, b string, esc rune) bool {
	lex := shell.NewLex(esc)
	vars := map[string]bool{}
	for _, w := range []string{a, b} {
		if r, err := lex.ProcessWordWithMatches(w, shell.EnvsFromSlice(nil)); err == nil {
			for k := range r.Unmatched {
				vars[k] = true
			}
		}
	}
	var full, empty []string
	for k := range vars {
		full = append(full, k+`=x  y "z" 'w' \n`)
		empty = append(empty, k+"=")
	}
	for _, env := range [][]string{nil, full, empty} {
		ra, _, errA := lex.ProcessWord(a, shell.EnvsFromSlice(env))
		rb, _, errB := lex.ProcessWord(b, shell.EnvsFromSlice(env))
		if ra != rb || (errA == nil) != (errB == nil) {
			return false
		}
	}
	return true
}

// lowerRefs is a command's value with its stage references lower-cased.
func lowerRefs(c instructions.Command) any {
	v := formattest.CommandValue(c)
	switch x := c.(type) {
	case *instructions.CopyCommand:
		y := *x
		y.From = strings.ToLower(y.From)
		v["cmd"] = &y
	case *instructions.RunCommand:
		var ms []instructions.Mount
		for _, m := range instructions.GetMounts(x) {
			mc := *m
			mc.From = strings.ToLower(mc.From)
			ms = append(ms, mc)
		}
		v["mounts"] = ms
	}
	return v
}

// shellFields is what the shell passes to exec for a one-command text,
// per mvdan.cc/sh's expander, with a leading exec dropped. Globbing and
// a non-literal word are errors.
func shellFields(text string) ([]string, error) {
	sf, err := sh.NewParser(sh.Variant(sh.LangPOSIX)).Parse(strings.NewReader(text), "")
	if err != nil {
		return nil, err
	}
	if len(sf.Stmts) != 1 {
		return nil, fmt.Errorf("not one command")
	}
	call, ok := sf.Stmts[0].Cmd.(*sh.CallExpr)
	if !ok || len(call.Assigns) > 0 || len(sf.Stmts[0].Redirs) > 0 {
		return nil, fmt.Errorf("not a simple command")
	}
	globbed := false
	cfg := &expand.Config{ReadDir2: func(string) ([]fs.DirEntry, error) { globbed = true; return nil, nil }}
	fields, err := expand.Fields(cfg, call.Args...)
	if err != nil {
		return nil, err
	}
	if globbed {
		return nil, fmt.Errorf("the shell would glob")
	}
	if len(fields) != len(call.Args) {
		return nil, fmt.Errorf("%d words expand to %d fields", len(call.Args), len(fields))
	}
	if strings.ContainsAny(text, "$`") {
		return nil, fmt.Errorf("the text expands something")
	}
	if fields[0] == "exec" {
		fields = fields[1:]
	}
	return fields, nil
}

// samePackages checks that two shell texts differ only in the order of
// the plain package words of each command.
func samePackages(a, b string) error {
	pa, wa, err := maskPackages(a)
	if err != nil {
		return err
	}
	pb, wb, err := maskPackages(b)
	if err != nil {
		return err
	}
	if pa != pb {
		return fmt.Errorf("the programs differ beyond package words")
	}
	for i := range wa {
		x, y := slices.Clone(wa[i]), slices.Clone(wb[i])
		slices.Sort(x)
		slices.Sort(y)
		if !slices.Equal(x, y) {
			return fmt.Errorf("packages %q became %q", wa[i], wb[i])
		}
	}
	return nil
}

// maskPackages prints a program with the plain package words of package
// manager commands replaced by "P", and returns those words per command.
func maskPackages(text string) (string, [][]string, error) {
	sf, err := sh.NewParser(sh.Variant(sh.LangBash)).Parse(strings.NewReader(text), "")
	if err != nil {
		return "", nil, err
	}
	var words [][]string
	sh.Walk(sf, func(n sh.Node) bool {
		c, ok := n.(*sh.CallExpr)
		if !ok || len(c.Args) < 2 {
			return true
		}
		if cmd, ok := literal(c.Args[0]); !ok || pkgManagers[filepath.Base(cmd)] == nil {
			return true
		}
		var ws []string
		for _, w := range c.Args[1:] {
			if len(w.Parts) == 1 {
				if l, ok := w.Parts[0].(*sh.Lit); ok && plainPackage.MatchString(l.Value) && !strings.HasPrefix(l.Value, "-") {
					ws = append(ws, l.Value)
					l.Value = "P"
				}
			}
		}
		words = append(words, ws)
		return true
	})
	var sb strings.Builder
	err = sh.NewPrinter(sh.Minify(true)).Print(&sb, sf)
	return sb.String(), words, err
}

// allowedMerge checks merge-runs' change: a run of consecutive RUNs of in
// that became the one RUN out[0] runs them joined by &&.
func allowedMerge(in, out []formattest.Instruction) (int, int, error) {
	rb, ok := out[0].Command.(*instructions.RunCommand)
	if !ok {
		return 0, 0, fmt.Errorf("merge-runs: the command changed and is no RUN")
	}
	var rs []instructions.Command
	why := fmt.Errorf("no run of RUNs")
	for k, x := range in {
		r, ok := x.Command.(*instructions.RunCommand)
		if !ok {
			break // no longer run of RUNs can match
		}
		rs = append(rs, r)
		if k == 0 {
			continue
		}
		err := mergeOf(rs, rb)
		if err == nil {
			return k + 1, 1, nil
		}
		if k == 1 {
			why = err
		}
	}
	return 0, 0, fmt.Errorf("merge-runs: %q is not a merge of the RUNs it replaces: %v", rb.CmdLine, why)
}

// mergeOf checks that RUN m runs the RUNs rs one after the other, each
// only if the ones before succeeded, in one shell that none of them but
// the last changes.
func mergeOf(rs []instructions.Command, m *instructions.RunCommand) error {
	if !m.PrependShell || len(m.CmdLine) != 1 {
		return fmt.Errorf("not shell form")
	}
	var units []string
	for k, c := range rs {
		r, ok := c.(*instructions.RunCommand)
		if !ok || !r.PrependShell || len(r.CmdLine) != 1 || len(r.Files) > 0 {
			return fmt.Errorf("command %d is no shell-form RUN", k)
		}
		x, y := *r, *m
		x.CmdLine, y.CmdLine = nil, nil
		if !jsonEqual(formattest.CommandValue(&x), formattest.CommandValue(&y)) {
			return fmt.Errorf("the flags differ")
		}
		sf, err := sh.NewParser(sh.Variant(sh.LangBash)).Parse(strings.NewReader(r.CmdLine[0]), "")
		if err != nil {
			return err
		}
		if k < len(rs)-1 {
			if why := stateChange(sf); why != "" {
				return fmt.Errorf("RUN %q %s", r.CmdLine[0], why)
			}
		}
		units = append(units, andUnits(sf.Stmts)...)
	}
	sf, err := sh.NewParser(sh.Variant(sh.LangBash)).Parse(strings.NewReader(m.CmdLine[0]), "")
	if err != nil {
		return err
	}
	got := andUnits(sf.Stmts)
	if !slices.Equal(got, units) {
		return fmt.Errorf("runs %q, want %q", got, units)
	}
	return nil
}

// andUnits flattens a program into the operands of a chain of &&: "a &&
// b" and "{ a && b; }" are both [a b]; a one-statement brace group is its
// statement; a list of several statements is one unit.
func andUnits(stmts []*sh.Stmt) []string {
	if len(stmts) != 1 {
		var parts []string
		for _, s := range stmts {
			parts = append(parts, printStmt(s))
		}
		return []string{"{ " + strings.Join(parts, "; ") + "; }"}
	}
	s := stmts[0]
	if s.Negated || s.Background || len(s.Redirs) > 0 {
		return []string{printStmt(s)}
	}
	switch c := s.Cmd.(type) {
	case *sh.BinaryCmd:
		if c.Op == sh.AndStmt {
			return append(andUnits([]*sh.Stmt{c.X}), andUnits([]*sh.Stmt{c.Y})...)
		}
	case *sh.Block:
		return andUnits(c.Stmts)
	}
	return []string{printStmt(s)}
}

func printStmt(s *sh.Stmt) string {
	c := *s
	if !c.Background && !c.Coprocess && !c.Disown {
		c.Semicolon = sh.Pos{}
	}
	var sb strings.Builder
	if err := sh.NewPrinter(sh.Minify(true)).Print(&sb, &c); err != nil {
		return "<" + err.Error() + ">"
	}
	return strings.TrimSuffix(strings.TrimSpace(sb.String()), ";")
}

// reasonKind is a skip reason without the names, words and lines that
// vary from site to site, for counting.
func reasonKind(r string) string {
	for _, x := range reasonPatterns {
		r = x.re.ReplaceAllString(r, x.with)
	}
	return r
}

var reasonPatterns = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`line \d+`), "line N"},
	{regexp.MustCompile(`it assigns \S+`), "it assigns a variable"},
	{regexp.MustCompile(`^not merged with the RUN at line N: `), ""},
	{regexp.MustCompile(`does not parse as shell.*`), "does not parse as shell"},
	{regexp.MustCompile(`^source \S+ `), "source X "},
	{regexp.MustCompile(`^\S+ is not a literal word`), "X is not a literal word"},
	{regexp.MustCompile(`^\S+ is a shell builtin`), "X is a shell builtin"},
	{regexp.MustCompile(`SHELL \[.*?\]`), "SHELL [...]"},
	{regexp.MustCompile(`unknown option \S+`), "unknown option X"},
	{regexp.MustCompile(`the package word \S+`), "the package word X"},
	{regexp.MustCompile(`the comment ".*?"`), "the comment X"},
	{regexp.MustCompile(`their flags differ \(.*\)`), "their flags differ"},
	{regexp.MustCompile(`Windows base image \([^()]*\)`), "Windows base image"},
	{regexp.MustCompile(`Windows platform \(.*\)`), "Windows platform"},
	{regexp.MustCompile(`stages \S+ \(line N\) and \S+ \(line N\) both lower to \S+`), "stages X and x both lower to x"},
	{regexp.MustCompile(`FROM \S+ does not name stage \S+`), "FROM X does not name stage x"},
	{regexp.MustCompile(`--platform=\S+ is not`), "--platform=X is not"},
	{regexp.MustCompile(`the base \S+ may name`), "the base X may name"},
	{regexp.MustCompile(`the base is stage \S+,`), "the base is stage X,"},
	{regexp.MustCompile(`the key \S+ holds`), "the key X holds"},
	{regexp.MustCompile(`the flag \S+ is quoted`), "the flag X is quoted"},
	{regexp.MustCompile(`the stage reference \S+`), "the stage reference X"},
	{regexp.MustCompile(`RUN \S+ is`), "RUN X is"},
	{regexp.MustCompile(`^[a-z-]+: `), "M: "},
}
