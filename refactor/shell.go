package refactor

// Shell helpers for the rewrites that read shell-form text: merge-runs,
// exec-form and sort-packages. The text is parsed with mvdan.cc/sh/v3 in
// its bash dialect, a superset of what /bin/sh takes, so that whatever a
// rewrite relies on is read the way any POSIX shell reads it.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	sh "mvdan.cc/sh/v3/syntax"

	"github.com/dfmt/dfmt/format/syntax"
)

// parseShell parses shell-form text, keeping comments so that a rewrite
// can see a '#' that would swallow what follows it.
func parseShell(text string) (*sh.File, error) {
	return sh.NewParser(sh.KeepComments(true), sh.Variant(sh.LangBash)).
		Parse(strings.NewReader(text), "")
}

// shellSpan is where the node n of a shell text lies in the joined text,
// the text starting at joined offset base.
func shellSpan(base int, n sh.Node) syntax.Span {
	return syntax.Span{S: base + int(n.Pos().Offset()), E: base + int(n.End().Offset())}
}

// shellError says where in the file a shell parse error stands and what
// it is, for a message about text parsed from in's joined text at offset
// base: "at 12:5: reached EOF without closing quote". mvdan.cc/sh places
// the error in the text it was given; the file's own line and column are
// what a user can go to.
func (f *file) shellError(in *inst, base int, err error) string {
	var pos sh.Pos
	var pe sh.ParseError
	var le sh.LangError
	switch {
	case errors.As(err, &pe):
		pos = pe.Pos
	case errors.As(err, &le):
		pos = le.Pos
	default:
		return ": " + err.Error()
	}
	msg := strings.TrimPrefix(err.Error(), pos.String()+": ")
	p := f.pos(in, base+int(pos.Offset()))
	return fmt.Sprintf(" at %d:%d: %s", p.Line, p.Col, msg)
}

// shellProblem says why an instruction's shell form is not run by a POSIX
// shell as "sh -c text", as a phrase that follows "the RUN", or returns
// "". The shell is the one syntax.Stages finds where the instruction
// stands; a Windows stage counts as not POSIX whatever its SHELL, as its
// command line is not handed over as POSIX argv. With merging, a shell
// that runs two RUNs differently from one RUN of both is a problem too:
// errexit (-e, -o errexit), which does not act on the left of &&, so that
// "RUN false; true" fails where "{ false; true; } && …" does not; and a
// login or interactive shell (-l, --login, -i), which reads its profile
// files again for every RUN.
func shellProblem(in *inst, merging bool) string {
	shell := in.shell
	args := shell.Args
	switch {
	case args == nil && shell.Windows != "":
		return "runs under " + shell.String()
	case shell.Unsure:
		return "is in a stage whose base may be a stage with a SHELL instruction"
	case args == nil:
		return ""
	case shell.Kind() != syntax.POSIX || len(args) < 2 || args[len(args)-1] != "-c":
		return fmt.Sprintf("runs under %s, which is not a POSIX shell run with -c", shell)
	case shell.Windows != "":
		return fmt.Sprintf("runs under %s in a Windows stage (%s)", shell, shell.Windows)
	case !merging:
		return ""
	}
	opts := args[1 : len(args)-1]
	for i := 0; i < len(opts); i++ {
		o := opts[i]
		switch {
		case o == "-o" || o == "-O":
			if i+1 < len(opts) && opts[i+1] == "errexit" {
				return fmt.Sprintf("runs under %s, which sets errexit (-o errexit)", shell)
			}
			i++
		case o == "--login" || o == "--rcfile" || o == "--init-file":
			return fmt.Sprintf("runs under %s, a login or interactive shell, which reads its startup files for every RUN", shell)
		case strings.HasPrefix(o, "-") && !strings.HasPrefix(o, "--"):
			switch {
			case strings.Contains(o, "e"):
				return fmt.Sprintf("runs under %s, which sets errexit (-e)", shell)
			case strings.ContainsAny(o, "li"):
				return fmt.Sprintf("runs under %s, a login or interactive shell, which reads its startup files for every RUN", shell)
			}
		}
	}
	return ""
}

// shellEnv are the variables that change how a shell starts: bash reads
// the file $BASH_ENV names and sets the options $SHELLOPTS and $BASHOPTS
// list (errexit among them), and an interactive sh reads $ENV.
var shellEnv = map[string]bool{"BASH_ENV": true, "SHELLOPTS": true, "BASHOPTS": true, "ENV": true}

// shellEnvSet says which ENV or ARG sets a variable of shellEnv in the
// environment of the RUN in: one of its stage before it, or of a stage it
// is built on. It returns "" when none does; a base image's own ENV is
// what the file cannot show, and is taken to set none.
func (f *file) shellEnvSet(in *inst) string {
	for st := in.stage; st != nil; st = st.Parent {
		if x, k := f.firstShellEnv(st); x != nil && (st != in.stage || x.Start < in.node.Start) {
			return fmt.Sprintf("the %s at line %d sets %s, which the shell reads as it starts",
				strings.ToUpper(x.Lowered.Keyword()), x.Start+1, k)
		}
	}
	return ""
}

// firstShellEnv is the first ENV or ARG of stage st that sets a variable
// of shellEnv, and that variable, or nil.
func (f *file) firstShellEnv(st *syntax.Stage) (*syntax.Node, string) {
	if f.shellEnvs == nil {
		f.shellEnvs = map[*syntax.Stage]shellEnvAt{}
	}
	if at, ok := f.shellEnvs[st]; ok {
		return at.node, at.name
	}
	var at shellEnvAt
	for _, x := range st.Nodes {
		if kw := x.Lowered.Keyword(); kw != "env" && kw != "arg" {
			continue
		}
		for _, k := range setVars(x.Lowered) {
			if shellEnv[k] && at.node == nil {
				at = shellEnvAt{x, k}
			}
		}
		if at.node != nil {
			break
		}
	}
	f.shellEnvs[st] = at
	return at.node, at.name
}

// shellEnvAt is where a stage first sets a variable of shellEnv.
type shellEnvAt struct {
	node *syntax.Node
	name string
}

// setVars are the names an ENV or ARG instruction sets.
func setVars(ln *syntax.Lowered) []string {
	var out []string
	switch ln.Keyword() {
	case "arg":
		for _, a := range ln.Args() {
			k, _, _ := strings.Cut(a, "=")
			out = append(out, k)
		}
	case "env":
		for a := ln.Next; a != nil; {
			out = append(out, a.Value)
			if a.Next == nil || a.Next.Next == nil {
				break
			}
			a = a.Next.Next.Next
		}
	}
	return out
}

// mountProblem says why a RUN's mounts would be shared by RUNs merged
// into one where each had its own, or returns "": a tmpfs is new for each
// RUN, and so are the writes to a read-write bind mount, which are thrown
// away when the RUN ends. Cache, secret, ssh and read-only bind mounts
// show each RUN the same. (BuildKit's parseMount, in
// instructions/commands_runmount.go.)
func mountProblem(flags []string) string {
	for _, fl := range flags {
		val, ok := strings.CutPrefix(fl, "--mount=")
		if !ok {
			continue
		}
		if strings.ContainsAny(val, "$\"'") {
			return "its --mount flag holds $ or quotes"
		}
		typ, rw := "bind", false
		for _, field := range strings.Split(val, ",") {
			k, v, hasVal := strings.Cut(field, "=")
			b, err := strconv.ParseBool(v)
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "type":
				typ = strings.ToLower(v)
			case "rw", "readwrite":
				rw = !hasVal || err == nil && b
			case "ro", "readonly":
				rw = hasVal && err == nil && !b
			}
		}
		switch {
		case typ == "tmpfs":
			return "it mounts a tmpfs, which is new for each RUN and would be shared once merged"
		case typ == "bind" && rw:
			return "it mounts a read-write bind mount, whose writes each RUN loses and would be shared once merged"
		}
	}
	return ""
}

// stateful are the commands that change what the shell carries from one
// command to the next: directory, variables, options, traps, functions,
// positional parameters, or the shell itself.
var stateful = map[string]bool{
	"cd": true, "pushd": true, "popd": true, "export": true, "unset": true,
	"set": true, "shopt": true, "umask": true, "ulimit": true, "trap": true,
	"source": true, ".": true, "eval": true, "exec": true, "exit": true,
	"alias": true, "unalias": true, "readonly": true, "declare": true,
	"typeset": true, "local": true, "let": true, "read": true,
	"getopts": true, "mapfile": true, "readarray": true, "shift": true,
	"hash": true, "enable": true, "return": true, "disown": true,
	"setopt": true, "unsetopt": true, "emulate": true,
}

// specialBuiltins keep the assignments before them (POSIX 2.14).
var specialBuiltins = map[string]bool{
	"break": true, ":": true, ".": true, "continue": true, "eval": true,
	"exec": true, "exit": true, "export": true, "readonly": true,
	"return": true, "set": true, "shift": true, "times": true, "trap": true,
	"unset": true,
}

// stateChange says how the program changes state that a later command in
// the same shell would see, or returns "". Subshells and command
// substitutions change nothing outside themselves.
func stateChange(node sh.Node) string {
	var why string
	sh.Walk(node, func(n sh.Node) bool {
		if why != "" {
			return false
		}
		switch n := n.(type) {
		case *sh.Subshell, *sh.CmdSubst, *sh.ProcSubst:
			return false
		case *sh.Stmt:
			if n.Background || n.Coprocess || n.Disown {
				why = "runs a command in the background (&)"
			}
		case *sh.FuncDecl:
			why = "defines a function"
		case *sh.DeclClause:
			why = "runs " + n.Variant.Value
		case *sh.LetClause:
			why = "runs let"
		case *sh.CoprocClause:
			why = "starts a coprocess"
		case *sh.BinaryArithm:
			switch n.Op {
			case sh.Assgn, sh.AddAssgn, sh.SubAssgn, sh.MulAssgn,
				sh.QuoAssgn, sh.RemAssgn, sh.AndAssgn, sh.OrAssgn,
				sh.XorAssgn, sh.ShlAssgn, sh.ShrAssgn:
				why = "assigns a variable in arithmetic"
			}
		case *sh.UnaryArithm:
			if n.Op == sh.Inc || n.Op == sh.Dec {
				why = "assigns a variable in arithmetic"
			}
		case *sh.ParamExp:
			if n.Exp != nil && (n.Exp.Op == sh.AssignUnset || n.Exp.Op == sh.AssignUnsetOrNull) {
				why = "assigns a variable with ${…=…}"
			}
		case *sh.CallExpr:
			why = callState(n)
		}
		return why == ""
	})
	return why
}

func callState(c *sh.CallExpr) string {
	if len(c.Args) == 0 {
		if len(c.Assigns) > 0 && c.Assigns[0].Name != nil {
			return "assigns " + c.Assigns[0].Name.Value
		}
		return "assigns a variable"
	}
	args := c.Args
	for {
		name, ok := literal(args[0])
		switch {
		case ok:
		case len(args[0].Parts) == 1 && isLit(args[0].Parts[0], "["):
			name = "["
		case hasSlash(args[0]):
			// A path, whatever it expands to: an external program,
			// never a builtin or a function.
			return ""
		default:
			return "runs a command whose name is not a plain word"
		}
		if len(c.Assigns) > 0 && specialBuiltins[name] {
			return "assigns a variable before " + name
		}
		switch name {
		case "command", "builtin", "nohup", "time":
			// These run the next word; "command -v" and "-V" only look.
			rest := args[1:]
			for len(rest) > 0 {
				w, ok := literal(rest[0])
				if !ok || !strings.HasPrefix(w, "-") {
					break
				}
				if name == "command" && (w == "-v" || w == "-V") {
					return ""
				}
				rest = rest[1:]
			}
			if len(rest) == 0 || name == "nohup" {
				return ""
			}
			args = rest
			continue
		case "printf":
			for _, a := range args[1:] {
				if w, ok := literal(a); ok && strings.HasPrefix(w, "-v") {
					return "runs printf -v"
				}
			}
			return ""
		}
		if stateful[name] {
			return "runs " + name
		}
		return ""
	}
}

// literal is the text of a word that the shell takes as it is, after quote
// removal: no expansion, no glob, no tilde, no brace. ok is false for any
// other word.
func literal(w *sh.Word) (string, bool) {
	var sb strings.Builder
	for i, p := range w.Parts {
		switch p := p.(type) {
		case *sh.Lit:
			v := p.Value
			for j := 0; j < len(v); j++ {
				c := v[j]
				switch c {
				case '\\':
					if j+1 == len(v) {
						return "", false
					}
					j++
					sb.WriteByte(v[j])
					continue
				case '*', '?', '[', '{', '}', '$', '`':
					return "", false
				case '~':
					if i == 0 && j == 0 {
						return "", false
					}
				}
				sb.WriteByte(c)
			}
		case *sh.SglQuoted:
			if p.Dollar {
				return "", false
			}
			sb.WriteString(p.Value)
		case *sh.DblQuoted:
			if p.Dollar {
				return "", false
			}
			for _, q := range p.Parts {
				l, ok := q.(*sh.Lit)
				if !ok {
					return "", false
				}
				v := l.Value
				for j := 0; j < len(v); j++ {
					c := v[j]
					if c == '\\' && j+1 < len(v) && strings.IndexByte("$`\"\\\n", v[j+1]) >= 0 {
						j++
						c = v[j]
					} else if c == '$' || c == '`' {
						return "", false
					}
					sb.WriteByte(c)
				}
			}
		default:
			return "", false
		}
	}
	return sb.String(), true
}

// hasComment reports whether parsed shell text holds a '#' comment.
func hasComment(f *sh.File) bool {
	found := len(f.Last) > 0
	sh.Walk(f, func(n sh.Node) bool {
		if s, ok := n.(*sh.Stmt); ok && len(s.Comments) > 0 {
			found = true
		}
		return !found
	})
	return found
}

func isLit(p sh.WordPart, v string) bool {
	l, ok := p.(*sh.Lit)
	return ok && l.Value == v
}

// hasSlash reports whether a word holds a literal "/", so that whatever
// it expands to is a path.
func hasSlash(w *sh.Word) bool {
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *sh.Lit:
			if strings.Contains(p.Value, "/") {
				return true
			}
		case *sh.SglQuoted:
			if !p.Dollar && strings.Contains(p.Value, "/") {
				return true
			}
		case *sh.DblQuoted:
			for _, q := range p.Parts {
				if l, ok := q.(*sh.Lit); ok && strings.Contains(l.Value, "/") {
					return true
				}
			}
		}
	}
	return false
}
