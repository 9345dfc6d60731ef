package refactor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	sh "mvdan.cc/sh/v3/syntax"

	"github.com/dfmt/dfmt/format/syntax"
)

// ExecForm writes a shell-form CMD or ENTRYPOINT that runs one simple
// command of literal words as the exec-form array of those words:
//
//	CMD node server.js                          →  CMD ["node", "server.js"]
//	ENTRYPOINT exec nginx -g "daemon off;"      →  ENTRYPOINT ["nginx", "-g", "daemon off;"]
//	CMD echo $HOME                              (stays: the shell expands $HOME)
//
// The shell form runs "/bin/sh -c text"; the array runs the program
// directly. That is the same program with the same arguments only when the
// text is one command of words the shell takes literally: no $, glob, ~,
// brace, redirection, operator, assignment, comment or builtin. A leading
// exec is dropped, as the array form does what it asks. It applies only
// with no SHELL instruction in effect and not in a Windows stage, whose
// shell form runs under cmd.exe (syntax.Stages says which shell is where).
var ExecForm = &Refactor{
	Name:    "exec-form",
	Summary: `shell-form CMD/ENTRYPOINT → ["prog", "arg", …]`,
	Safe: "one simple command of literal words (no $, globs, ~, redirections, operators, assignments, builtins), " +
		"no SHELL in effect, not a Windows stage; a leading exec is dropped",
	Changes: "the program runs as PID 1 without a shell around it (it gets the signals); an exec-form " +
		"ENTRYPOINT receives CMD and docker run arguments, so it is refused when the stage has a CMD, " +
		"and a CMD is refused when the stage has an ENTRYPOINT (one from the base image still receives it)",
	run: execForm,
}

// builtins are the commands a shell runs itself; as argv[0] of an exec
// form they would run a different program, or none.
var builtins = map[string]bool{
	".": true, ":": true, "[": true, "alias": true, "bg": true, "break": true,
	"cd": true, "command": true, "continue": true, "echo": true, "eval": true,
	"exec": true, "exit": true, "export": true, "false": true, "fc": true,
	"fg": true, "getopts": true, "hash": true, "jobs": true, "kill": true,
	"local": true, "printf": true, "pwd": true, "read": true, "readonly": true,
	"return": true, "set": true, "shift": true, "test": true, "times": true,
	"trap": true, "true": true, "type": true, "ulimit": true, "umask": true,
	"unalias": true, "unset": true, "wait": true, "source": true,
	"declare": true, "typeset": true, "let": true, "shopt": true,
	"pushd": true, "popd": true, "dirs": true, "builtin": true,
	"enable": true, "help": true, "history": true, "logout": true,
	"mapfile": true, "readarray": true, "suspend": true, "disown": true,
}

func execForm(f *file) {
	for _, in := range f.insts {
		if c := in.onbuild(); c != nil && !c.JSON {
			if k := c.Keyword(); k == "cmd" || k == "entrypoint" {
				f.skip(in, "under ONBUILD: the trigger is kept in the image as written")
			}
			continue
		}
		if in.keyword != "cmd" && in.keyword != "entrypoint" || in.lowered.JSON || in.lowered.Next == nil || f.common(in) {
			continue
		}
		argv, at, why := f.execArgs(in)
		if why != "" {
			f.skipAt(in, at, "%s", why)
			continue
		}
		var b bytes.Buffer
		b.WriteByte('[')
		for i, a := range argv {
			if i > 0 {
				b.WriteString(", ")
			}
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(a)       // a string always encodes
			b.Truncate(b.Len() - 1) // Encode's newline
		}
		b.WriteByte(']')
		lines, err := f.rewrite(in, []edit{{in.cmd.Args.S, in.cmd.Args.E, b.String()}})
		if err == nil {
			err = f.verify(lines, in, func(n *syntax.Lowered) bool {
				return n.Keyword() == in.keyword && n.JSON && len(n.Flags) == 0 &&
					slices.Equal(n.Args(), argv)
			})
		}
		if err != nil {
			f.skip(in, "%v", err)
			continue
		}
		f.replace("Write "+strings.ToUpper(in.keyword)+" in exec form", in.node.Start, in.node.BodyStart, lines)
	}
}

// execArgs returns the argv that runs what in's shell form runs, or why
// there is none and the joined text [at.S, at.E) that the reason concerns:
// a word, an operator, a flag, or the keyword.
func (f *file) execArgs(in *inst) (argv []string, at syntax.Span, why string) {
	at = in.cmd.Keyword
	shell := in.shell
	switch {
	case shell.Args == nil && shell.Windows != "":
		return nil, at, "the shell form runs under " + shell.String()
	case shell.Args != nil:
		return nil, at, fmt.Sprintf("%s is in effect", shell)
	case shell.Unsure:
		return nil, at, "the stage's base may be a stage with a SHELL instruction"
	case len(in.lowered.Flags) > 0:
		return nil, in.cmd.Flags[0], "the instruction has flags"
	}
	// The shell-form text is the arguments: a node's offset in it is one
	// from in.cmd.Args.S in the joined text.
	text := in.lowered.Next.Value
	base := in.cmd.Args.S
	span := func(n sh.Node) syntax.Span { return shellSpan(base, n) }
	char := func(p sh.Pos) syntax.Span { // the one byte at p
		return syntax.Span{S: base + int(p.Offset()), E: base + int(p.Offset()) + 1}
	}
	if !utf8.ValidString(text) {
		return nil, at, "the command is not valid UTF-8"
	}
	prog, err := parseShell(text)
	if err != nil {
		return nil, at, "the command does not parse as shell" + f.shellError(in, base, err)
	}
	if hasComment(prog) {
		return nil, at, "the command holds a # comment"
	}
	if len(prog.Stmts) != 1 {
		return nil, span(prog.Stmts[1]), "the text runs more than one command"
	}
	stmt := prog.Stmts[0]
	switch {
	case stmt.Background:
		return nil, char(stmt.Semicolon), "the command runs in the background (&)"
	case stmt.Negated:
		return nil, char(stmt.Position), "the command is negated (!)"
	case len(stmt.Redirs) > 0:
		return nil, span(stmt.Redirs[0]), "the command has a redirection"
	case stmt.Semicolon.IsValid():
		return nil, char(stmt.Semicolon), "the command ends with ;"
	}
	var call *sh.CallExpr
	switch c := stmt.Cmd.(type) {
	case *sh.CallExpr:
		call = c
	case *sh.BinaryCmd:
		op := syntax.Span{S: base + int(c.OpPos.Offset())}
		op.E = op.S + len(c.Op.String())
		return nil, op, fmt.Sprintf("the text joins commands with %s, which needs a shell", c.Op)
	default:
		return nil, span(stmt), "the text is not a simple command"
	}
	if len(call.Assigns) > 0 {
		return nil, span(call.Assigns[0]), "the command sets a variable, which needs a shell"
	}
	words := call.Args
	for _, w := range words {
		s, ok := literal(w)
		if !ok {
			return nil, span(w), fmt.Sprintf("%s is not a literal word: %s", wordText(text, w), notLiteral(w))
		}
		argv = append(argv, s)
	}
	if argv[0] == "exec" {
		if len(argv) > 1 && strings.HasPrefix(argv[1], "-") {
			return nil, span(words[1]), "exec has options"
		}
		argv, words = argv[1:], words[1:]
		if len(argv) == 0 {
			return nil, span(call), "exec runs nothing"
		}
	}
	if builtins[argv[0]] {
		return nil, span(words[0]), fmt.Sprintf("%s is a shell builtin", argv[0])
	}
	if in.stage == nil {
		return nil, at, "the instruction comes before the first FROM"
	}
	other := "entrypoint"
	if in.keyword == "entrypoint" {
		other = "cmd"
	}
	// The stage and the stages it builds on, nearest first.
	for st := in.stage; st != nil; st = st.Parent {
		for _, x := range st.Nodes {
			if x.Lowered.Keyword() != other {
				continue
			}
			if other == "cmd" {
				return nil, at, fmt.Sprintf("the CMD at line %d would become the entrypoint's arguments", x.Start+1)
			}
			return nil, at, fmt.Sprintf("the ENTRYPOINT at line %d receives CMD as its arguments", x.Start+1)
		}
	}
	return argv, at, ""
}

// wordText is a word as written in text.
func wordText(text string, w *sh.Word) string {
	s, e := int(w.Pos().Offset()), int(w.End().Offset())
	if s < 0 || e > len(text) || s > e {
		return "a word"
	}
	return text[s:e]
}

// notLiteral says what the shell would do to a word that literal refuses.
func notLiteral(w *sh.Word) string {
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *sh.ParamExp:
			return "the shell expands the variable"
		case *sh.CmdSubst:
			return "the shell runs the command substitution"
		case *sh.ArithmExp:
			return "the shell evaluates the arithmetic"
		case *sh.ProcSubst:
			return "the shell runs the process substitution"
		case *sh.DblQuoted:
			for _, q := range p.Parts {
				if _, ok := q.(*sh.Lit); !ok {
					return "the shell expands it inside the quotes"
				}
			}
			if p.Dollar {
				return "the shell translates $\"…\""
			}
		case *sh.SglQuoted:
			if p.Dollar {
				return "the shell decodes $'…'"
			}
		}
	}
	return "the shell may expand a glob, ~ or braces in it"
}
