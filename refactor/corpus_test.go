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
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
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
	"github.com/moby/go-archive/compression"
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
	files := formattest.CorpusFiles(t, "valid")
	if len(files) == 0 {
		t.Fatal("no files in the corpus")
	}
	type fileResult struct {
		rel  string
		runs []corpusRun // one per refactor, then one for all of them
	}
	results := make([]fileResult, len(files))
	parallel(len(files), func(i int) {
		results[i] = fileResult{rel: files[i].Rel, runs: corpusFile(files[i].Src, filepath.Dir(files[i].Path))}
	})

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
	fmt.Fprintf(&b, "over %d files of the corpus's valid/:\n", len(files))
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

// parallel calls fn(i) for each i below n, on as many goroutines as
// GOMAXPROCS.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// corpusFile runs each refactor, then all of them, on one file, in the
// folder dir. Each refactor also runs with --unsafe (the folder taken for
// the build context), which must keep the build too, as far as the file
// shows; the figures are those of the safe run.
func corpusFile(src []byte, dir string) []corpusRun {
	runs := make([]corpusRun, len(All)+1)
	fmtIdem := formatIdempotent(src)
	for k, r := range All {
		run := &runs[k]
		fail := func(format string, a ...any) { run.fails = append(run.fails, fmt.Sprintf(format, a...)) }
		f, err := load(src, Options{})
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
			if err := checkBuild(r.Name, src, out, Options{}); err != nil {
				fail("%v", err)
			}
		}
		unsafe := Options{Unsafe: true, Dir: dir}
		if uout, _, err := unsafe.Apply(src, []string{r.Name}); err != nil {
			fail("--unsafe: Apply: %v", err)
		} else if !bytes.Equal(uout, out) {
			if err := checkBuild(r.Name, src, uout, unsafe); err != nil {
				fail("--unsafe: %v", err)
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
func checkBuild(name string, src, out []byte, o Options) error {
	if name == "drop-overridden" {
		return checkDrop(src, out)
	}
	return formattest.SameBuild(src, out, formattest.ExactText(), formattest.Allow(allowed(name, o)))
}

// checkDrop checks drop-overridden's change, which only removes lines:
// out is src less some of its lines (matched from the end, as the
// instructions dropped are the earlier of two alike), and each run of
// lines removed is one whole instruction, a CMD, ENTRYPOINT or
// HEALTHCHECK that BuildKit's instructions package takes, with one of its
// kind after it in its stage, and no comment line. (SameBuild would pair
// two identical CMDs the other way round.)
func checkDrop(src, out []byte) error {
	if bytes.Equal(src, out) {
		return nil
	}
	a, b := strings.SplitAfter(string(src), "\n"), strings.SplitAfter(string(out), "\n")
	removed := make([]bool, len(a))
	j := len(b) - 1
	for i := len(a) - 1; i >= 0; i-- {
		if j >= 0 && a[i] == b[j] {
			j--
			continue
		}
		removed[i] = true
	}
	if j >= 0 {
		return fmt.Errorf("out is not src less some lines: out line %d", j+1)
	}
	res, err := formattest.BuildKitParse(src)
	if err != nil {
		return err
	}
	nodes := res.AST.Children
	covered := make([]bool, len(a))
	for k, n := range nodes {
		first, last := n.StartLine-1, n.EndLine-1
		if !removed[first] {
			continue
		}
		kw := strings.ToLower(n.Value)
		if kw != "cmd" && kw != "entrypoint" && kw != "healthcheck" {
			return fmt.Errorf("line %d: a %s was dropped", n.StartLine, kw)
		}
		if _, err := instructions.ParseInstruction(n); err != nil {
			return fmt.Errorf("line %d: the %s dropped is one BuildKit rejects: %v", n.StartLine, kw, err)
		}
		later := false
		for _, x := range nodes[k+1:] {
			v := strings.ToLower(x.Value)
			if v == "from" {
				break
			}
			if v == kw {
				later = true
				break
			}
		}
		if !later {
			return fmt.Errorf("line %d: the %s dropped is the last of its stage", n.StartLine, kw)
		}
		for l := first; l <= last; l++ {
			if !removed[l] || strings.HasPrefix(strings.TrimSpace(a[l]), "#") {
				return fmt.Errorf("line %d: not the whole %s was dropped, or a comment with it", l+1, kw)
			}
			covered[l] = true
		}
	}
	for l, r := range removed {
		if r && !covered[l] {
			return fmt.Errorf("line %d was removed, and is no instruction dropped", l+1)
		}
	}
	return nil
}

// checkEachBuild runs each refactor of names on its own on src and checks
// its output with checkBuild. (Several refactors may change one
// instruction, which no one refactor's allowance covers.) The refactors
// run with o.
func checkEachBuild(src []byte, names []string, o Options) error {
	rs, err := Lookup(names)
	if err != nil {
		return err
	}
	for _, r := range rs {
		out, _, err := o.Apply(src, []string{r.Name})
		if err != nil {
			return fmt.Errorf("%s: Apply: %v", r.Name, err)
		}
		if err := checkBuild(r.Name, src, out, o); err != nil {
			return fmt.Errorf("%s: %v", r.Name, err)
		}
	}
	return nil
}

// allowed is what refactor name, run with o, may change, as BuildKit's
// instructions package reads the instructions: see allowedStage,
// allowedChange and allowedMerge.
func allowed(name string, o Options) formattest.AllowFunc {
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
		if err := allowedChange(name, x.Command, y.Command, x.Escape, o); err != nil {
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

// allowedChange checks a command that a refactor, run with o, changed.
func allowedChange(name string, ca, cb instructions.Command, esc rune, o Options) error {
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
			if strings.Contains(p, "$") || strings.Contains(p, "://") || strings.Contains(p, "@") ||
				strings.Contains(p, ".git") {
				return fmt.Errorf("source %s is one ADD may treat differently", p)
			}
			if a.Unpack != nil || path.Clean("/"+p) == "/" {
				continue
			}
			dir := o.Context
			if dir == "" && o.Unsafe {
				dir = o.Dir
			}
			if dir == "" {
				return fmt.Errorf("source %s may be an archive, and no context was given", p)
			}
			if err := noArchive(filepath.Join(dir, filepath.FromSlash(path.Clean("/"+p)))); err != nil {
				return fmt.Errorf("source %s: %v", p, err)
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
	case "expose-proto":
		a, okA := ca.(*instructions.ExposeCommand)
		b, okB := cb.(*instructions.ExposeCommand)
		if !okA || !okB || len(a.Ports) != len(b.Ports) {
			return fmt.Errorf("not EXPOSE → EXPOSE of as many ports")
		}
		for i := range a.Ports {
			pa, qa, _ := strings.Cut(a.Ports[i], "/")
			pb, qb, _ := strings.Cut(b.Ports[i], "/")
			if pa != pb || strings.ToLower(qa) != qb {
				return fmt.Errorf("port %s became %s", a.Ports[i], b.Ports[i])
			}
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

// noArchive checks that what BuildKit's ADD would find at the path p (a
// glob, every match) is no archive it unpacks: it is there, and a folder,
// or a file that BuildKit's own test (go-archive's DecompressStream, then a
// tar header) does not take for one.
func noArchive(p string) error {
	matches, err := filepath.Glob(p)
	if err != nil || len(matches) == 0 {
		return fmt.Errorf("nothing at %s (%v)", p, err)
	}
	for _, m := range matches {
		fi, err := os.Lstat(m)
		if err != nil || fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s is missing or a link (%v)", m, err)
		}
		if !fi.Mode().IsRegular() {
			continue
		}
		file, err := os.Open(m)
		if err != nil {
			return err
		}
		rdr, err := compression.DecompressStream(file)
		if err == nil {
			_, err = tar.NewReader(rdr).Next()
			rdr.Close()
			if err == nil {
				err = fmt.Errorf("%s is a tar archive", m)
			} else {
				err = nil
			}
		} else {
			err = nil
		}
		file.Close()
		if err != nil {
			return err
		}
	}
	return nil
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
	{regexp.MustCompile(`the base image \S+ may`), "the base image X may"},
	{regexp.MustCompile(`the base \S+ may be`), "the base X may be"},
	{regexp.MustCompile(`^[a-z-]+: `), "M: "},
}
