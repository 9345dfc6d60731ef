package format_test

// The bodies of the differential shell harness (see TestShellRun): which
// text of an instruction BuildKit hands to /bin/sh -c, before and after
// formatting, the environment and folder it runs in, what the run's file
// system should hold for the body to get far, and how much of it ran.

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	sh "mvdan.cc/sh/v3/syntax"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/syntax"
)

// srBody is one shell-form body of a Dockerfile whose text formatting
// changes.
type srBody struct {
	Where         string // the instruction: "RUN at line 12"
	Before, After string // the text /bin/sh -c runs
	Env           []string
	Workdir       string
}

// Reasons for leaving a changed body out, counted in the report.
const (
	srSkipShebang = "a RUN <<EOF whose script starts with #!: BuildKit runs it as a file, not with /bin/sh"
	srSkipShell   = "its shell is not POSIX (SHELL cmd, powershell, ... or a Windows base)"
)

// srExtract formats src and returns its shell bodies whose text changes,
// with the reasons and counts of those it leaves out. A file that does not
// format (BuildKit rejects it) has none. An error is a formatter fault the
// harness cannot work around: the output's instructions do not match the
// input's one to one.
func srExtract(src []byte) ([]srBody, map[string]int, error) {
	res, err := format.Format(src, format.Options{})
	if err != nil || string(res.Out) == string(src) {
		return nil, nil, nil
	}
	fin, fout := syntax.Parse(src), syntax.Parse(res.Out)
	if fout.Err != nil {
		return nil, nil, fmt.Errorf("the output does not parse: %v", fout.Err)
	}
	ins, outs := srInstructions(fin), srInstructions(fout)
	if len(ins) != len(outs) {
		return nil, nil, fmt.Errorf("the input has %d instructions, the output %d", len(ins), len(outs))
	}
	stages := syntax.NewStages(fin)
	var bodies []srBody
	skips := map[string]int{}
	for i, n := range ins {
		m := outs[i]
		if kb, ka := n.Lowered.Keyword(), m.Lowered.Keyword(); kb != ka {
			return nil, nil, fmt.Errorf("instruction %d is %s in the input, %s in the output", i+1, kb, ka)
		}
		before, ok, skip := srShellText(n.Lowered)
		if !ok {
			continue
		}
		after, _, skipA := srShellText(m.Lowered)
		if skip == "" {
			skip = skipA
		}
		if before == after {
			continue
		}
		if skip != "" {
			skips[skip]++
			continue
		}
		posix := true
		for _, s := range stages.BodyShells(n) {
			if s.Kind() != syntax.POSIX {
				posix = false
			}
		}
		if !posix {
			skips[srSkipShell]++
			continue
		}
		env, wd := srEnvAt(fin, stages, n)
		bodies = append(bodies, srBody{
			Where:  fmt.Sprintf("%s at line %d", strings.ToUpper(n.Lowered.Keyword()), n.Start+1),
			Before: before, After: after, Env: env, Workdir: wd,
		})
	}
	return bodies, skips, nil
}

// srInstructions are the instructions of f that BuildKit reads, in order.
func srInstructions(f *syntax.File) []*syntax.Node {
	var out []*syntax.Node
	for _, n := range f.Nodes {
		if n.Kind == syntax.InstructionNode && n.Lowered != nil {
			out = append(out, n)
		}
	}
	return out
}

// srShellText returns the text BuildKit runs with /bin/sh -c for the
// lowered instruction l, and ok when l has a shell-form body; skip says
// why a body cannot be run as such (text is then what it runs otherwise). It follows dockerfile2llb's
// dispatchRun: a RUN whose command is one here-document alone runs that
// document's text (chomped for <<-), unless it starts with #!, when it is
// run as a file; any other RUN with here-documents runs its command line
// with each document's text and terminator after it.
func srShellText(l *syntax.Lowered) (text string, ok bool, skip string) {
	var heredocs []syntax.Heredoc
	if l.Keyword() == "onbuild" {
		if l.Next == nil || len(l.Next.Children) == 0 {
			return "", false, ""
		}
		heredocs = l.Heredocs
		l = l.Next.Children[0]
	}
	if len(l.Heredocs) > 0 {
		heredocs = l.Heredocs
	}
	switch l.Keyword() {
	case "run", "cmd", "entrypoint":
		if l.JSON || l.Next == nil {
			return "", false, ""
		}
		text = l.Next.Value
	case "healthcheck":
		if l.JSON || l.Next == nil || !strings.EqualFold(l.Next.Value, "cmd") || l.Next.Next == nil {
			return "", false, ""
		}
		return l.Next.Next.Value, true, ""
	default:
		return "", false, ""
	}
	if len(heredocs) == 0 || l.Keyword() != "run" {
		return text, true, ""
	}
	if parser.MustParseHeredoc(text) != nil {
		data := heredocs[0].Content
		if heredocs[0].Chomp {
			data = parser.ChompHeredocContent(data)
		}
		if strings.HasPrefix(data, "#!") {
			return data, true, srSkipShebang
		}
		return data, true, ""
	}
	var b strings.Builder
	b.WriteString(text)
	for _, h := range heredocs {
		b.WriteByte('\n')
		b.WriteString(h.Content)
		b.WriteString(h.Name)
	}
	return b.String(), true, ""
}

// srEnvMap is an environment for BuildKit's word expansion.
type srEnvMap struct {
	keys []string
	vals map[string]string
}

func (e *srEnvMap) Get(k string) (string, bool) {
	v, ok := e.vals[k]
	return v, ok
}

func (e *srEnvMap) Keys() []string { return e.keys }

func (e *srEnvMap) set(k, v string) {
	if e.vals == nil {
		e.vals = map[string]string{}
	}
	if _, ok := e.vals[k]; !ok {
		e.keys = append(e.keys, k)
	}
	e.vals[k] = v
}

func (e *srEnvMap) clone() *srEnvMap {
	c := &srEnvMap{keys: slices.Clone(e.keys), vals: map[string]string{}}
	for k, v := range e.vals {
		c.vals[k] = v
	}
	return c
}

// both is e with o's values over it.
func (e *srEnvMap) both(o *srEnvMap) *srEnvMap {
	c := e.clone()
	for _, k := range o.keys {
		c.set(k, o.vals[k])
	}
	return c
}

// srEnvAt returns the environment (NAME=value) and working folder that the
// body of n runs with, as far as the file shows them: a RUN gets the ENV
// values and the ARG values in scope where it stands (ENV winning, as in
// BuildKit); a CMD, ENTRYPOINT, HEALTHCHECK or ONBUILD runs from the
// finished image, with the ENV values and WORKDIR of the end of its stage.
// A stage built FROM an earlier one starts with that one's ENV and
// WORKDIR; the base image's own are unknown, but for PATH.
func srEnvAt(f *syntax.File, stages *syntax.Stages, n *syntax.Node) ([]string, string) {
	st := stages.StageOf(n)
	if st == nil {
		return nil, "/"
	}
	lex := shell.NewLex(rune(f.Escape))
	upto := n
	if n.Lowered.Keyword() != "run" {
		upto = nil
	}
	env, args, wd := srStageState(lex, stages, st, upto)
	out := args.both(env)
	var list []string
	for _, k := range out.keys {
		if !env.has(k) && upto == nil {
			continue // no ARG reaches the image
		}
		list = append(list, k+"="+out.vals[k])
	}
	return list, wd
}

func (e *srEnvMap) has(k string) bool {
	_, ok := e.vals[k]
	return ok
}

// srStageState walks st up to the instruction upto (to its end when nil)
// and returns its ENV values, its ARG values and its WORKDIR there.
func srStageState(lex *shell.Lex, stages *syntax.Stages, st *syntax.Stage, upto *syntax.Node) (env, args *srEnvMap, wd string) {
	env, args, wd = &srEnvMap{}, &srEnvMap{}, "/"
	env.set("PATH", srDefaultPath)
	if st.Parent != nil {
		env, _, wd = srStageState(lex, stages, st.Parent, nil)
	}
	for _, n := range st.Nodes {
		if n == upto {
			break
		}
		l := n.Lowered
		if l == nil {
			continue
		}
		scope := args.both(env)
		switch l.Keyword() {
		case "env":
			a := l.Args()
			for i := 0; i+1 < len(a); i += 3 {
				v, _, err := lex.ProcessWord(a[i+1], scope)
				if err == nil {
					env.set(a[i], v)
				}
			}
		case "arg":
			for _, w := range l.Args() {
				k, v, hasDefault := strings.Cut(w, "=")
				if !hasDefault {
					if g, ok := stages.Args[k]; ok {
						args.set(k, g)
					}
					continue
				}
				if x, _, err := lex.ProcessWord(v, scope); err == nil {
					args.set(k, x)
				}
			}
		case "workdir":
			if a := l.Args(); len(a) > 0 {
				if v, _, err := lex.ProcessWord(a[0], scope); err == nil && v != "" {
					if !path.IsAbs(v) {
						v = path.Join(wd, v)
					}
					wd = path.Clean(v)
				}
			}
		}
	}
	return env, args, wd
}

// srStatic is what the harness reads of a body before running it.
type srStatic struct {
	// Cmds has one entry per simple command of the body: the base name of
	// its command word, "=NAME" for one that only assigns NAME, the
	// keyword of a declaration (export, local, ...), "[[" or "((", and ""
	// when the name is known only when it runs. Nil when the body does not
	// parse as bash or POSIX shell.
	Cmds []string
	// Names are the command names to stub: every word of the body that
	// could be one.
	Names []string
	Prep  srPrep
	// Tops are the top-level folders (and usr/X) that the body names.
	Tops []string
	// Async says that the body before or after runs a command in the
	// background (& or coproc): what it prints races with what follows.
	Async bool
}

// srNameToken finds the words of a text that could name a command.
var srNameToken = regexp.MustCompile(`[A-Za-z0-9_][A-Za-z0-9_.+@:,-]*`)

// srAbsPath finds absolute paths in a text, for the writable top folders.
var srAbsPath = regexp.MustCompile(`(?:^|[\s'"=:(\x60])/([A-Za-z0-9_.+-]+)(/[A-Za-z0-9_.+-]+)?`)

// srStubDirs are the folders that are the stub folder in a run.
var srStubDirs = map[string]bool{"/usr/bin": true, "/usr/sbin": true, "/bin": true, "/sbin": true, "/usr/local/bin": true, "/usr/local/sbin": true}

// srAnalyze reads the bodies texts (a job's before and after) that run
// with env (NAME=value) in the folder wd.
func srAnalyze(texts []string, env []string, wd string) srStatic {
	vars := map[string]string{}
	for _, e := range env {
		k, v, _ := strings.Cut(e, "=")
		vars[k] = v
	}
	names := map[string]bool{}
	tops := map[string]bool{}
	addTop := func(p string) {
		parts := strings.Split(strings.TrimPrefix(path.Clean(p), "/"), "/")
		if parts[0] == "usr" && len(parts) > 1 {
			tops["usr/"+parts[1]] = true
		} else if parts[0] != "" && parts[0] != ".." {
			tops[parts[0]] = true
		}
	}
	var st srStatic
	var absDirs, relDirs, relCmds []string
	dirs := map[string]bool{}
	stubs := map[string]bool{}
	for ti, text := range append(slices.Clone(texts), env...) {
		for _, m := range srNameToken.FindAllString(text, -1) {
			names[m] = true
		}
		for _, m := range srAbsPath.FindAllStringSubmatch(text, -1) {
			addTop("/" + m[1] + m[2])
		}
		if ti >= len(texts) {
			continue
		}
		f, err := srParse(text)
		if err != nil {
			continue
		}
		var cmds []string
		cmdPath := func(p string) {
			if p == "" {
				return
			}
			names[path.Base(p)] = true
			switch {
			case !strings.Contains(p, "/"):
			case path.IsAbs(p):
				if !srStubDirs[path.Dir(path.Clean(p))] {
					stubs[path.Clean(p)] = true
				}
			default:
				relCmds = append(relCmds, p)
			}
		}
		dirArg := func(d string) {
			switch {
			case d == "" || strings.HasPrefix(d, "-"):
			case path.IsAbs(d):
				absDirs = append(absDirs, path.Clean(d))
			default:
				relDirs = append(relDirs, d)
			}
		}
		sh.Walk(f, func(node sh.Node) bool {
			switch x := node.(type) {
			case *sh.Stmt:
				st.Async = st.Async || x.Background || x.Coprocess
			case *sh.CoprocClause:
				st.Async = true
			case *sh.CallExpr:
				if len(x.Args) == 0 {
					if len(x.Assigns) > 0 && x.Assigns[0].Name != nil {
						cmds = append(cmds, "="+x.Assigns[0].Name.Value)
					}
					return true
				}
				name, known := srWordValue(x.Args[0], vars)
				if !known {
					cmds = append(cmds, "")
					return true
				}
				cmds = append(cmds, path.Base(name))
				cmdPath(name)
				args := x.Args[1:]
				switch path.Base(name) {
				case "cd", "pushd", "mkdir":
					for _, a := range args {
						if v, ok := srWordValue(a, vars); ok {
							dirArg(v)
						}
					}
				case "exec", "command":
					for _, a := range args {
						v, ok := srWordValue(a, vars)
						if !ok || v == "-v" || v == "-V" {
							break
						}
						if !strings.HasPrefix(v, "-") {
							cmdPath(v)
							break
						}
					}
				}
			case *sh.DeclClause:
				cmds = append(cmds, x.Variant.Value)
			case *sh.TestClause:
				cmds = append(cmds, "[[")
			case *sh.ArithmCmd:
				cmds = append(cmds, "((")
			case *sh.LetClause:
				cmds = append(cmds, "let")
			case *sh.Redirect:
				if x.Word == nil {
					return true
				}
				switch x.Op {
				case sh.RdrOut, sh.AppOut, sh.RdrAll, sh.AppAll, sh.ClbOut, sh.RdrInOut:
					if v, ok := srWordValue(x.Word, vars); ok && path.IsAbs(v) {
						absDirs = append(absDirs, path.Dir(path.Clean(v)))
					}
				}
			}
			return true
		})
		if ti == 0 {
			st.Cmds = cmds
			if st.Cmds == nil {
				st.Cmds = []string{}
			}
		}
	}
	// Folders: the absolute ones, and the relative ones under the working
	// folder and under each absolute one (cd /src && cd build).
	bases := append([]string{wd}, absDirs...)
	for _, d := range absDirs {
		dirs[d] = true
	}
	for _, r := range relDirs {
		for _, b := range bases {
			dirs[path.Join(b, r)] = true
		}
	}
	for _, r := range relCmds {
		for d := range dirs {
			stubs[path.Join(d, r)] = true
		}
		stubs[path.Join(wd, r)] = true
	}
	st.Prep.Dirs = srSafeList(dirs, 300)
	st.Prep.Stubs = srSafeList(stubs, 300)
	for _, p := range append(slices.Clone(st.Prep.Dirs), st.Prep.Stubs...) {
		addTop(p)
	}
	addTop(wd)
	for n := range names {
		st.Names = append(st.Names, n)
	}
	sort.Strings(st.Names)
	for t := range tops {
		if srStubName.MatchString(strings.TrimPrefix(t, "usr/")) {
			st.Tops = append(st.Tops, t)
		}
	}
	sort.Strings(st.Tops)
	return st
}

// srSafeList is the sorted paths of set that the harness can make, at most n.
func srSafeList(set map[string]bool, n int) []string {
	var out []string
	for p := range set {
		if srSafePath.MatchString(p) && !strings.Contains(p, "/../") && !strings.HasSuffix(p, "/..") && p != "/" {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// srParse parses a body as bash, else as POSIX shell.
func srParse(text string) (*sh.File, error) {
	f, err := sh.NewParser(sh.Variant(sh.LangBash)).Parse(strings.NewReader(text), "")
	if err != nil {
		f, err = sh.NewParser(sh.Variant(sh.LangPOSIX)).Parse(strings.NewReader(text), "")
	}
	return f, err
}

// srWordValue is the value of a word made of literals, quotes and plain
// $NAME or ${NAME} expansions of vars; ok is false for anything else.
func srWordValue(w *sh.Word, vars map[string]string) (string, bool) {
	var b strings.Builder
	var part func(p sh.WordPart) bool
	part = func(p sh.WordPart) bool {
		switch x := p.(type) {
		case *sh.Lit:
			if strings.ContainsAny(x.Value, `*?[\`) {
				return false
			}
			b.WriteString(x.Value)
		case *sh.SglQuoted:
			if x.Dollar {
				return false
			}
			b.WriteString(x.Value)
		case *sh.DblQuoted:
			for _, q := range x.Parts {
				if !part(q) {
					return false
				}
			}
		case *sh.ParamExp:
			if x.Param == nil || x.Exp != nil || x.Repl != nil || x.Slice != nil || x.Index != nil || x.Length || x.Excl || x.Width || x.Names != 0 {
				return false
			}
			v, ok := vars[x.Param.Value]
			if !ok {
				return false
			}
			b.WriteString(v)
		default:
			return false
		}
		return true
	}
	for _, p := range w.Parts {
		if !part(p) {
			return "", false
		}
	}
	return b.String(), true
}

// srTraceLine is a line of the -x trace: one or more '+' and a space.
var srTraceLine = regexp.MustCompile(`^\++ (.*)$`)

// srAssign is an assignment word as a trace shows it.
var srAssign = regexp.MustCompile(`^'?([A-Za-z_][A-Za-z0-9_]*)=`)

// srCoverage returns how many of the simple commands cmds (srStatic.Cmds)
// ran in the run rec. A command ran when the trace or the stub log shows a
// command of its name not yet put down to another; one whose name is known
// only when it runs takes any such command left over. Commands in loops and
// functions count once however often they ran; a command the trace does
// not show (after set +x, or with its output thrown away) counts when its
// stub ran.
func srCoverage(cmds []string, rec srRecord) (ran int) {
	trace, stub := map[string]int{}, map[string]int{}
	for _, line := range strings.Split(string(rec.Err), "\n") {
		m := srTraceLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		for _, tok := range strings.Fields(m[1]) {
			if a := srAssign.FindStringSubmatch(tok); a != nil {
				trace["="+a[1]]++
				continue
			}
			trace[path.Base(strings.Trim(tok, `'"`))]++
			break
		}
	}
	for _, line := range strings.Split(rec.Cov, "\n") {
		if line != "" {
			stub[line]++
		}
	}
	avail := map[string]int{}
	for k, v := range trace {
		avail[k] = v
	}
	for k, v := range stub {
		avail[k] = max(avail[k], v)
	}
	unknown := 0
	for _, c := range cmds {
		if c == "" {
			unknown++
			continue
		}
		if avail[c] > 0 {
			avail[c]--
			ran++
		}
	}
	left := 0
	for _, v := range avail {
		left += v
	}
	return ran + min(unknown, left)
}

// TestShellRunBodies checks what the harness takes of a Dockerfile: the
// text /bin/sh -c runs, the environment and folder, the bodies it leaves
// out, and what a run's file system is given.
func TestShellRunBodies(t *testing.T) {
	t.Run("text", func(t *testing.T) {
		for _, c := range []struct {
			src, want, skip string
			ok              bool
		}{
			{"RUN  echo  hi", "echo  hi", "", true},
			{"RUN [\"echo\", \"hi\"]", "", "", false},
			{"RUN <<EOF\necho hi\nEOF", "echo hi\n", "", true},
			{"RUN <<-EOF\n\techo hi\n\tEOF", "echo hi\n", "", true},
			{"RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF", "#!/usr/bin/env python3\nprint(1)\n", srSkipShebang, true},
			{"RUN cat <<A <<-B\na\nA\n\tb\n\tB", "cat <<A <<-B\na\nA\n\tb\nB", "", true},
			{"ONBUILD RUN  echo hi", "echo hi", "", true},
			{"HEALTHCHECK --interval=5s CMD curl  -f x", "curl  -f x", "", true},
			{"HEALTHCHECK NONE", "", "", false},
			{"CMD [\"a\"]", "", "", false},
			{"ENTRYPOINT exec  app", "exec  app", "", true},
			{"COPY a b", "", "", false},
		} {
			f := syntax.Parse([]byte("FROM alpine\n" + c.src + "\n"))
			n := srInstructions(f)[1]
			got, ok, skip := srShellText(n.Lowered)
			if got != c.want || ok != c.ok || skip != c.skip {
				t.Errorf("%q: got %q, %v, %q; want %q, %v, %q", c.src, got, ok, skip, c.want, c.ok, c.skip)
			}
		}
	})
	t.Run("env", func(t *testing.T) {
		src := "ARG GLOBAL=g1\nFROM alpine AS base\nARG GLOBAL\nARG LOCAL=l-$GLOBAL\nENV A=1 B=\"two words\"\nWORKDIR /app\nWORKDIR sub\n" +
			"RUN   echo  $A\nCMD   echo  $B\nENV LATE=x\nFROM base\nENV C=$A-3\nRUN  echo  $C\n"
		bodies, skips, err := srExtract([]byte(src))
		if err != nil || len(skips) != 0 {
			t.Fatal(err, skips)
		}
		want := []srBody{
			{Where: "RUN at line 8", Before: "echo  $A", After: "echo $A", Workdir: "/app/sub",
				Env: []string{"GLOBAL=g1", "LOCAL=l-g1", "PATH=" + srDefaultPath, "A=1", "B=two words"}},
			{Where: "CMD at line 9", Before: "echo  $B", After: "echo $B", Workdir: "/app/sub",
				Env: []string{"PATH=" + srDefaultPath, "A=1", "B=two words", "LATE=x"}},
			{Where: "RUN at line 13", Before: "echo  $C", After: "echo $C", Workdir: "/app/sub",
				Env: []string{"PATH=" + srDefaultPath, "A=1", "B=two words", "LATE=x", "C=1-3"}},
		}
		if fmt.Sprint(bodies) != fmt.Sprint(want) {
			t.Errorf("got\n%v\nwant\n%v", bodies, want)
		}
	})
	t.Run("skips", func(t *testing.T) {
		src := "FROM alpine\nSHELL [\"pwsh\", \"-c\"]\nRUN  echo  hi\nRUN echo a \\\n        b\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN  dir  x\n" +
			"FROM alpine\nRUN  <<EOF\n#!/bin/sh\necho  hi\nEOF\nRUN  echo  kept\n"
		bodies, skips, err := srExtract([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		// The pwsh and cmd bodies are left out, counted when formatting
		// changes them; the script with #!, which it cannot change, counts
		// for nothing.
		if len(bodies) != 1 || bodies[0].Before != "echo  kept" || len(skips) > 1 || len(skips) == 1 && skips[srSkipShell] == 0 {
			t.Errorf("bodies %v, skips %v; want the last body alone, and none left out but as not POSIX", bodies, skips)
		}
	})
	t.Run("prep", func(t *testing.T) {
		st := srAnalyze([]string{"cd /src/app && ./configure && mkdir -p build && cd build && make > /var/log/x/y.log && /opt/bin/tool $CMD && /usr/bin/apt-get x && cd $DIR"},
			[]string{"DIR=/data/d", "CMD=z"}, "/w")
		for _, d := range []string{"/src/app", "/src/app/build", "/w/build", "/var/log/x", "/data/d"} {
			if !slices.Contains(st.Prep.Dirs, d) {
				t.Errorf("Prep.Dirs %v lacks %s", st.Prep.Dirs, d)
			}
		}
		for _, s := range []string{"/opt/bin/tool", "/w/configure", "/src/app/configure", "/src/app/build/configure"} {
			if !slices.Contains(st.Prep.Stubs, s) {
				t.Errorf("Prep.Stubs %v lacks %s", st.Prep.Stubs, s)
			}
		}
		if slices.Contains(st.Prep.Stubs, "/usr/bin/apt-get") {
			t.Errorf("Prep.Stubs %v holds /usr/bin/apt-get, which is in the stub folder", st.Prep.Stubs)
		}
		for _, n := range []string{"apt-get", "configure", "tool", "make", "z"} {
			if !slices.Contains(st.Names, n) {
				t.Errorf("Names lacks %s", n)
			}
		}
		if want := []string{"cd", "configure", "mkdir", "cd", "make", "tool", "apt-get", "cd"}; !slices.Equal(st.Cmds, want) {
			t.Errorf("Cmds %q, want %q", st.Cmds, want)
		}
		for _, top := range []string{"src", "var", "opt", "data", "w"} {
			if !slices.Contains(st.Tops, top) {
				t.Errorf("Tops %v lacks %s", st.Tops, top)
			}
		}
	})
	t.Run("coverage", func(t *testing.T) {
		cmds := []string{"cd", "=A", "apt-get", "", "echo", "rm"}
		rec := srRecord{
			Err: []byte("+ cd /x\n+ A=1\n+ apt-get install\n++ uname -m\n+ echo hi\n"),
			Cov: "apt-get\nuname\n",
		}
		if got := srCoverage(cmds, rec); got != 5 {
			t.Errorf("srCoverage = %d, want 5 (all but rm; the unknown one put down to uname)", got)
		}
	})
}
