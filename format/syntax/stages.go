package syntax

import (
	"fmt"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// This file is the one model of a Dockerfile's build stages and of the
// shell that runs each shell-form body, shared by the formatter, the
// refactors and editors. It follows BuildKit (dockerfile2llb) as far as the
// file shows: a stage's base is an earlier stage when its image name, after
// the global ARGs' defaults, is that stage's name; a stage starts with the
// SHELL its base stage ends with; SHELL lasts to the end of its stage; and
// the default shell is cmd.exe on a Windows base, /bin/sh elsewhere. What
// the file cannot show (a base image that sets its own SHELL, a
// --build-arg overriding a default) is assumed away.

// ShellKind tells which kind of shell a Shell is.
type ShellKind uint8

// The kinds of shells.
const (
	// POSIX is /bin/sh -c, or a SHELL naming sh, bash, dash, ash, ksh or
	// mksh.
	POSIX ShellKind = iota
	// Cmd is cmd.exe: a Windows base's default, or a SHELL naming cmd.
	Cmd
	// PowerShell is a SHELL naming powershell or pwsh.
	PowerShell
	// OtherShell is any other SHELL program, or a SHELL not in exec form.
	OtherShell
)

// posixShells are the SHELL programs whose command line is POSIX shell.
var posixShells = map[string]bool{"sh": true, "bash": true, "dash": true, "ash": true, "ksh": true, "mksh": true}

// Shell is the shell in effect at a place of the file.
type Shell struct {
	// Args are the words of the SHELL instruction in effect (exec form),
	// or nil for the stage's default shell. A SHELL in shell form, which
	// BuildKit rejects when it builds, has its text as the one word.
	Args []string
	// From is that SHELL instruction, or nil.
	From *Node
	// Windows says why the stage's base is a Windows one, whose default
	// shell is cmd.exe ("a Windows base image (…)"); "" on Linux.
	Windows string
	// Unsure is set where the file does not show the shell: the stage's
	// base holds a variable without a default, and may be an earlier stage
	// with a SHELL of its own.
	Unsure bool
}

// Kind is the kind of s.
func (s Shell) Kind() ShellKind {
	if s.Args == nil {
		if s.Windows != "" {
			return Cmd
		}
		return POSIX
	}
	if s.From != nil && s.From.Lowered != nil && !s.From.Lowered.JSON {
		return OtherShell
	}
	if len(s.Args) == 0 {
		return OtherShell
	}
	prog := strings.ToLower(s.Args[0])
	if i := strings.LastIndexAny(prog, `/\`); i >= 0 {
		prog = prog[i+1:]
	}
	prog = strings.TrimSuffix(prog, ".exe")
	switch {
	case posixShells[prog]:
		return POSIX
	case prog == "cmd":
		return Cmd
	case prog == "powershell" || prog == "pwsh":
		return PowerShell
	}
	return OtherShell
}

// String names s for messages: `SHELL ["pwsh", "-c"]`, "/bin/sh -c", or
// "cmd.exe (a Windows base image (…))".
func (s Shell) String() string {
	if s.Args == nil {
		if s.Windows != "" {
			return "cmd.exe (" + s.Windows + ")"
		}
		return "/bin/sh -c"
	}
	q := make([]string, len(s.Args))
	for i, a := range s.Args {
		q[i] = fmt.Sprintf("%q", a)
	}
	return "SHELL [" + strings.Join(q, ", ") + "]"
}

// Stage is a FROM and the instructions after it, up to the next FROM.
type Stage struct {
	Index int
	From  *Node
	// Name is the stage's name after AS, in lower case as BuildKit keeps
	// it; "" when it has none.
	Name string
	// Base is the image or stage named by FROM, as written, and Image the
	// same with the global ARGs' defaults substituted.
	Base, Image string
	// Parent is the earlier stage that Image names, or nil for an image.
	Parent *Stage
	// Platform is the value of FROM's --platform flag with the global
	// ARGs' defaults substituted, or "".
	Platform string
	// Windows says why the stage's base is a Windows one ("" when it is
	// not): a Windows image name, a windows/... platform, the backtick
	// escape, or a Windows parent stage.
	Windows string
	// Unsure is set when Image holds a variable that has no default: the
	// base may then be an earlier stage, or any image.
	Unsure bool
	// Nodes are the stage's instructions after FROM, in order.
	Nodes []*Node

	start Shell // the shell in effect after FROM
}

// Stages is the file's stages, and for every instruction its stage and the
// shell in effect where it stands.
type Stages struct {
	List []*Stage
	// Args are the global ARGs (before the first FROM) that have a
	// default, with their values as BuildKit expands them.
	Args map[string]string

	at []place // by Node.index
	// shells is whether a stage so far has a SHELL instruction.
	shells bool
	// byName is the last stage so far of each name.
	byName map[string]*Stage
}

type place struct {
	stage *Stage // nil before the first FROM
	shell Shell
}

// NewStages finds the stages of f and the shell in effect at each of its
// instructions.
func NewStages(f *File) *Stages {
	s := &Stages{at: make([]place, len(f.Nodes))}
	lex := &lazyLex{esc: rune(f.Escape)}
	env := &argEnv{}
	var cur *Stage
	var sh Shell
	for _, n := range f.Nodes {
		if n.Kind != InstructionNode || n.Lowered == nil {
			continue
		}
		ln := n.Lowered
		switch ln.Keyword() {
		case "arg":
			if cur == nil {
				env.add(lex, ln.Args())
			}
		case "from":
			cur = s.newStage(f, n, lex, env)
			sh = cur.start
		case "shell":
			sh = sh.set(n)
			s.shells = s.shells || cur != nil
		}
		s.at[n.index] = place{cur, sh}
		if cur != nil && n != cur.From {
			cur.Nodes = append(cur.Nodes, n)
		}
	}
	if len(env.vals) > 0 {
		s.Args = env.vals
	}
	return s
}

// newStage reads the FROM instruction n.
func (s *Stages) newStage(f *File, n *Node, lex *lazyLex, env *argEnv) *Stage {
	ln := n.Lowered
	st := &Stage{Index: len(s.List), From: n}
	words := ln.Args()
	if len(words) > 0 {
		st.Base = words[0]
		var err error
		st.Image, st.Unsure, err = lex.expand(st.Base, env)
		st.Unsure = st.Unsure || err != nil
	}
	if len(words) == 3 && strings.EqualFold(words[1], "as") {
		st.Name = strings.ToLower(words[2])
	}
	for _, fl := range ln.Flags {
		if v, ok := strings.CutPrefix(fl, "--platform="); ok {
			st.Platform, _, _ = lex.expand(v, env)
		}
	}
	// BuildKit matches the base, as expanded, against the stage names in
	// lower case (dispatchStates.addState): the last stage of that name.
	if st.Image != "" {
		st.Parent = s.byName[st.Image]
	}
	switch {
	case f.Escape == '`':
		st.Windows = "a Windows file (escape directive `)"
	case strings.HasPrefix(strings.ToLower(st.Platform), "windows"):
		st.Windows = "a Windows platform (" + st.Platform + ")"
	case st.Parent != nil:
		st.Windows = st.Parent.Windows
	case WindowsImage(st.Image):
		st.Windows = "a Windows base image (" + st.Image + ")"
	}
	st.start = Shell{Windows: st.Windows}
	if st.Parent != nil {
		st.start = st.Parent.EndShell()
		st.start.Windows = st.Windows
	} else if st.Unsure && s.shells {
		st.start.Unsure = true
	}
	s.List = append(s.List, st)
	if st.Name != "" {
		if s.byName == nil {
			s.byName = map[string]*Stage{}
		}
		s.byName[st.Name] = st
	}
	return st
}

// WindowsImage reports whether an image name, as FROM gives it after ARG
// defaults, is a Windows one, whose default shell is cmd.exe: one under
// mcr.microsoft.com/windows/ or mcr.microsoft.com/dotnet/framework/, or
// whose name or tag holds windows, servercore, nanoserver or ltsc20.
func WindowsImage(ref string) bool {
	r := strings.ToLower(ref)
	if strings.HasPrefix(r, "mcr.microsoft.com/windows/") || strings.HasPrefix(r, "mcr.microsoft.com/dotnet/framework/") {
		return true
	}
	last := path.Base(r)
	for _, w := range []string{"windows", "servercore", "nanoserver", "ltsc20"} {
		if strings.Contains(last, w) {
			return true
		}
	}
	return false
}

// StageOf returns the stage of the instruction n, or nil before the first
// FROM.
func (s *Stages) StageOf(n *Node) *Stage { return s.at[n.index].stage }

// ShellAt returns the shell in effect where the instruction n stands: the
// one that runs a RUN, or that a shell-form CMD or ENTRYPOINT is stored
// with.
func (s *Stages) ShellAt(n *Node) Shell { return s.at[n.index].shell }

// EndShell returns the shell in effect at the end of the stage: the one a
// stage built FROM it starts with.
func (st *Stage) EndShell() Shell {
	return st.start.last(st.Nodes)
}

// last is the shell after nodes, starting from sh.
func (sh Shell) last(nodes []*Node) Shell {
	for i := len(nodes) - 1; i >= 0; i-- {
		if ln := nodes[i].Lowered; ln != nil && ln.Keyword() == "shell" {
			return sh.set(nodes[i])
		}
	}
	return sh
}

// set is the shell after the SHELL instruction n, where sh was in effect.
func (sh Shell) set(n *Node) Shell {
	ln := n.Lowered
	out := Shell{Args: ln.Args(), From: n, Windows: sh.Windows, Unsure: sh.Unsure}
	if !ln.JSON && ln.Next != nil {
		out.Args = []string{ln.Next.Value}
	}
	if out.Args == nil {
		out.Args = []string{} // SHELL [] or a SHELL without arguments
	}
	return out
}

// Children returns the stages of the file built FROM st, directly or
// through other stages.
func (s *Stages) Children(st *Stage) []*Stage {
	var out []*Stage
	for _, c := range s.List {
		for p := c.Parent; p != nil; p = p.Parent {
			if p == st {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// BodyShells returns the shells that may run the shell-form body of the
// instruction n:
//
//   - RUN, CMD and ENTRYPOINT: the shell where n stands;
//   - HEALTHCHECK CMD: BuildKit stores the text as CMD-SHELL and the
//     engine runs it with the image's final shell, so the shell at the end
//     of n's stage and of every stage built FROM it;
//   - ONBUILD: the trigger runs in the builds FROM the image, with the
//     shell that image ends with, so the shell at the end of n's stage (the
//     one every stage built FROM it starts with).
//
// Other instructions have no shell-form body: nil.
func (s *Stages) BodyShells(n *Node) []Shell {
	if n.Lowered == nil {
		return nil
	}
	p := s.at[n.index]
	switch n.Lowered.Keyword() {
	case "run", "cmd", "entrypoint":
		return []Shell{p.shell}
	case "healthcheck":
		if p.stage == nil {
			return []Shell{p.shell}
		}
		out := []Shell{p.stage.EndShell()}
		for _, c := range s.Children(p.stage) {
			out = append(out, c.EndShell())
		}
		return out
	case "onbuild":
		if p.stage == nil {
			return []Shell{p.shell}
		}
		return []Shell{p.stage.EndShell()}
	}
	return nil
}

// argEnv is the global ARGs' defaults, for BuildKit's shell lexer.
type argEnv struct {
	keys []string
	vals map[string]string
}

func (e *argEnv) Get(k string) (string, bool) {
	v, ok := e.vals[k]
	return v, ok
}

func (e *argEnv) Keys() []string { return e.keys }

// add takes the words of a global ARG: each NAME=default is expanded with
// the ARGs before it, as dockerfile2llb does; a NAME without a default
// leaves any earlier value.
func (e *argEnv) add(lex *lazyLex, words []string) {
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			continue
		}
		v, _, err := lex.expand(v, e)
		if err != nil {
			continue
		}
		if e.vals == nil {
			e.vals = map[string]string{}
		}
		if _, seen := e.vals[k]; !seen {
			e.keys = append(e.keys, k)
		}
		e.vals[k] = v
	}
}

// lazyLex expands words as BuildKit's shell lexer does, making the lexer
// only for a word that needs it: most words hold no variable, quote or
// escape, and stand for themselves.
type lazyLex struct {
	esc rune
	lex *shell.Lex
}

// expand returns word with the ARG defaults env substituted and quotes
// removed, and whether it names a variable that has no value; err is the
// lexer's, for a word it rejects.
func (l *lazyLex) expand(word string, env *argEnv) (string, bool, error) {
	if !strings.ContainsAny(word, "$'\"\\`") {
		return word, false, nil
	}
	if v, unmatched, ok := simpleExpand(word, env); ok {
		return v, unmatched, nil
	}
	if l.lex == nil {
		l.lex = shell.NewLex(l.esc)
	}
	r, err := l.lex.ProcessWordWithMatches(word, env)
	return r.Result, len(r.Unmatched) > 0, err
}

// simpleExpand expands word where its only specials are $NAME and ${NAME}
// references, which BuildKit's lexer replaces by their values (or by
// nothing); ok is false for anything else (quotes, escapes, ${NAME:-x}
// and the like), which the lexer then reads. The lexer is slow, and most
// FROM lines only name a version: alpine:${ALPINE_VERSION}.
func simpleExpand(word string, env *argEnv) (v string, unmatched, ok bool) {
	if strings.ContainsAny(word, "'\"\\`") {
		return "", false, false
	}
	var b strings.Builder
	for i := 0; i < len(word); {
		c := word[i]
		if c != '$' {
			b.WriteByte(c)
			i++
			continue
		}
		j, braced := i+1, false
		if j < len(word) && word[j] == '{' {
			j, braced = j+1, true
		}
		k := j
		for k < len(word) && (word[k] == '_' || 'a' <= word[k] && word[k] <= 'z' || 'A' <= word[k] && word[k] <= 'Z' || k > j && '0' <= word[k] && word[k] <= '9') {
			k++
		}
		if k == j {
			return "", false, false // $1, $$, ${#x}, a lone $: the lexer's
		}
		name := word[j:k]
		if braced {
			if k >= len(word) || word[k] != '}' {
				return "", false, false
			}
			k++
		}
		if val, found := env.Get(name); found {
			b.WriteString(val)
		} else {
			unmatched = true
		}
		i = k
	}
	return b.String(), unmatched, true
}
