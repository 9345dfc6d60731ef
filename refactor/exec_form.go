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
//
// What runs is also what the other of the two makes of it. A CMD is the
// arguments of the ENTRYPOINT in effect, which the exec form changes from
// /bin/sh, -c and the text to the words: so a CMD takes it only where no
// ENTRYPOINT receives it (the stages it is built on reach FROM scratch,
// or ENTRYPOINT [] is in effect) or where the ENTRYPOINT in effect is a
// shell form that reads no positional parameter ($0-$9, $@, $*, $#,
// shift…), as Docker runs sh -c "text" with the CMD after it. Where the
// stages reach a base image, whose ENTRYPOINT the file cannot show, the
// site is unsafe. An ENTRYPOINT in shell form ignores the CMD, which the
// exec form appends: so it takes it only where no CMD is in effect in its
// stage or in a stage built on it (an ENTRYPOINT clears the CMD its stage
// inherits). docker run's arguments then reach the program too.
var ExecForm = &Refactor{
	Name:    "exec-form",
	Summary: `shell-form CMD/ENTRYPOINT → ["prog", "arg", …]`,
	Safe: "one simple command of literal words (no $, globs, ~, redirections, operators, assignments, builtins), " +
		"no SHELL in effect, not a Windows stage, a leading exec dropped; a CMD that no ENTRYPOINT receives " +
		"(the stages reach FROM scratch, or ENTRYPOINT [] is in effect) or whose ENTRYPOINT is a shell form " +
		"reading no positional parameter; an ENTRYPOINT with no CMD in effect in its stage or a stage built on it",
	Changes: "the program runs as PID 1 without a shell around it (it gets the signals); for an ENTRYPOINT, " +
		"docker run arguments (and the CMD of an image built on it) then reach the program, where the shell form " +
		"ignored them",
	Unsafe: "a CMD on a base image, which may have an ENTRYPOINT that would receive the words " +
		"instead of /bin/sh -c and the text: it is taken to have none",
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
		argv, at, why, unsafe := f.execArgs(in)
		if why != "" {
			f.skipAt(in, at, "%s", why)
			continue
		}
		if unsafe != "" && !f.unsafe(in, at, unsafe) {
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
		f.replaceUnsafe(unsafe, "Write "+strings.ToUpper(in.keyword)+" in exec form", in.node.Start, in.node.BodyStart, lines)
	}
}

// execArgs returns the argv that runs what in's shell form runs, or why
// there is none and the joined text [at.S, at.E) that the reason concerns:
// a word, an operator, a flag, or the keyword. unsafe says why a rewrite
// to argv keeps the build only if the base image is as it is taken to be.
func (f *file) execArgs(in *inst) (argv []string, at syntax.Span, why, unsafe string) {
	at = in.cmd.Keyword
	shell := in.shell
	switch {
	case shell.Args == nil && shell.Windows != "":
		return nil, at, "the shell form runs under " + shell.String(), ""
	case shell.Args != nil:
		return nil, at, fmt.Sprintf("%s is in effect", shell), ""
	case shell.Unsure:
		return nil, at, "the stage's base may be a stage with a SHELL instruction", ""
	case len(in.lowered.Flags) > 0:
		return nil, in.cmd.Flags[0], "the instruction has flags", ""
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
		return nil, at, "the command is not valid UTF-8", ""
	}
	prog, err := parseShell(text)
	if err != nil {
		return nil, at, "the command does not parse as shell" + f.shellError(in, base, err), ""
	}
	if hasComment(prog) {
		return nil, at, "the command holds a # comment", ""
	}
	if len(prog.Stmts) != 1 {
		return nil, span(prog.Stmts[1]), "the text runs more than one command", ""
	}
	stmt := prog.Stmts[0]
	switch {
	case stmt.Background:
		return nil, char(stmt.Semicolon), "the command runs in the background (&)", ""
	case stmt.Negated:
		return nil, char(stmt.Position), "the command is negated (!)", ""
	case len(stmt.Redirs) > 0:
		return nil, span(stmt.Redirs[0]), "the command has a redirection", ""
	case stmt.Semicolon.IsValid():
		return nil, char(stmt.Semicolon), "the command ends with ;", ""
	}
	var call *sh.CallExpr
	switch c := stmt.Cmd.(type) {
	case *sh.CallExpr:
		call = c
	case *sh.BinaryCmd:
		op := syntax.Span{S: base + int(c.OpPos.Offset())}
		op.E = op.S + len(c.Op.String())
		return nil, op, fmt.Sprintf("the text joins commands with %s, which needs a shell", c.Op), ""
	default:
		return nil, span(stmt), "the text is not a simple command", ""
	}
	if len(call.Assigns) > 0 {
		return nil, span(call.Assigns[0]), "the command sets a variable, which needs a shell", ""
	}
	words := call.Args
	for _, w := range words {
		s, ok := literal(w)
		if !ok {
			return nil, span(w), fmt.Sprintf("%s is not a literal word: %s", wordText(text, w), notLiteral(w)), ""
		}
		argv = append(argv, s)
	}
	if argv[0] == "exec" {
		if len(argv) > 1 && strings.HasPrefix(argv[1], "-") {
			return nil, span(words[1]), "exec has options", ""
		}
		argv, words = argv[1:], words[1:]
		if len(argv) == 0 {
			return nil, span(call), "exec runs nothing", ""
		}
	}
	if builtins[argv[0]] {
		return nil, span(words[0]), fmt.Sprintf("%s is a shell builtin", argv[0]), ""
	}
	if in.stage == nil {
		return nil, at, "the instruction comes before the first FROM", ""
	}
	if in.keyword == "entrypoint" {
		return argv, at, f.cmdInEffect(in), ""
	}
	why, unsafe = f.entrypointInEffect(in)
	return argv, at, why, unsafe
}

// entrypointInEffect says why a CMD cannot take the exec form, or why it
// is unsafe to: an ENTRYPOINT receives the CMD as its arguments, which
// the exec form would change from /bin/sh, -c and the text to the words.
// The ENTRYPOINT in effect is the stage's last, else that of the nearest
// stage it is built on that has one (an ONBUILD ENTRYPOINT of a stage
// runs in the stages built on it); a chain of stages that ends at FROM
// scratch, or an ENTRYPOINT [] in effect, receives nothing. A shell-form
// ENTRYPOINT under /bin/sh receives the CMD as $0, $1…, which only the
// positional parameters read: if its text reads none, the CMD's form does
// not matter to it. (Its error messages name $0 all the same.) The base
// image's own ENTRYPOINT is what the file cannot show: unsafe.
func (f *file) entrypointInEffect(in *inst) (why, unsafe string) {
	for st := in.stage; st != nil; st = st.Parent {
		if eps := f.stageNodes(st, "entrypoint"); len(eps) > 0 {
			return f.receivesCmd(eps[len(eps)-1]), ""
		}
		if st.Parent != nil {
			if obs := f.stageNodes(st.Parent, "onbuild entrypoint"); len(obs) > 0 {
				return fmt.Sprintf("the ONBUILD ENTRYPOINT at line %d, which runs in %s, receives CMD as its arguments",
					obs[0].Start+1, stageLabel(st)), ""
			}
			continue
		}
		switch {
		case st.Unsure:
			return "", fmt.Sprintf("the base %s may be an image or a stage with an ENTRYPOINT, "+
				"which would receive the words instead of /bin/sh -c and the text", st.Base)
		case st.Image == "scratch":
			return "", ""
		}
		return "", fmt.Sprintf("the base image %s may have an ENTRYPOINT, "+
			"which would receive the words instead of /bin/sh -c and the text", st.Image)
	}
	return "", ""
}

// receivesCmd says why the ENTRYPOINT ep would run differently with a CMD
// in exec form, or returns "".
func (f *file) receivesCmd(ep *syntax.Node) string {
	ln := ep.Lowered
	line := ep.Start + 1
	if ln.JSON {
		if len(ln.Args()) == 0 {
			return ""
		}
		return fmt.Sprintf("the ENTRYPOINT at line %d receives CMD as its arguments, "+
			"which would be the words instead of /bin/sh -c and the text", line)
	}
	if shell := f.stages.ShellAt(ep); shell.Args != nil || shell.Windows != "" || shell.Unsure {
		return fmt.Sprintf("the ENTRYPOINT at line %d runs under %s, which receives CMD as its arguments", line, shell)
	}
	if ln.Next == nil {
		return ""
	}
	prog, err := parseShell(ln.Next.Value)
	if err != nil {
		return fmt.Sprintf("the ENTRYPOINT at line %d does not parse as shell, and may read CMD as its arguments", line)
	}
	if p := positional(prog); p != "" {
		return fmt.Sprintf("the ENTRYPOINT at line %d reads its arguments (%s), which are CMD", line, p)
	}
	return ""
}

// positional names the first thing in prog that reads the positional
// parameters, "$@" or "shift" say, or returns "". Sourcing a file or
// eval reads what the file cannot show, and counts too.
func positional(prog *sh.File) string {
	var what string
	sh.Walk(prog, func(n sh.Node) bool {
		if what != "" {
			return false
		}
		switch n := n.(type) {
		case *sh.ParamExp:
			if p := n.Param; p != nil && (p.Value == "@" || p.Value == "*" || p.Value == "#" ||
				len(p.Value) > 0 && p.Value[0] >= '0' && p.Value[0] <= '9') {
				what = "$" + p.Value
			}
		case *sh.CallExpr:
			if len(n.Args) > 0 {
				name, ok := literal(n.Args[0])
				switch {
				case !ok:
					what = "a command whose name is not a plain word"
				case name == "shift" || name == "getopts" || name == "set" || name == "eval" ||
					name == "." || name == "source" || name == "command" || name == "builtin":
					what = name
				}
			}
		}
		return what == ""
	})
	return what
}

// cmdInEffect says why an ENTRYPOINT cannot take the exec form: a CMD
// that it would receive as its arguments, where the shell form ignores
// them. An ENTRYPOINT clears the CMD its stage inherits, unless the stage
// sets one (BuildKit's dispatchEntrypoint), so the CMDs that reach it are
// its own stage's and those of the stages built on it, as far as no
// ENTRYPOINT of theirs stands between (with the ONBUILD CMDs that run
// there).
func (f *file) cmdInEffect(in *inst) string {
	if cmds := f.stageNodes(in.stage, "cmd"); len(cmds) > 0 {
		return fmt.Sprintf("the CMD at line %d would become the entrypoint's arguments", cmds[len(cmds)-1].Start+1)
	}
	for _, c := range f.descendants(in.stage) {
		reaches := true
		for st := c; st != in.stage && reaches; st = st.Parent {
			reaches = len(f.stageNodes(st, "entrypoint")) == 0
		}
		if !reaches {
			continue
		}
		if cmds := f.stageNodes(c, "cmd"); len(cmds) > 0 {
			return fmt.Sprintf("the CMD at line %d, in %s built on this one, would become the entrypoint's arguments",
				cmds[len(cmds)-1].Start+1, stageLabel(c))
		}
		if obs := f.stageNodes(c.Parent, "onbuild cmd"); len(obs) > 0 {
			return fmt.Sprintf("the ONBUILD CMD at line %d, which runs in %s, would become the entrypoint's arguments",
				obs[0].Start+1, stageLabel(c))
		}
	}
	return ""
}

// stageLabel names a stage in a message: "stage NAME", or "the stage at
// line N" of its FROM.
func stageLabel(st *syntax.Stage) string {
	if st.Name != "" {
		return "stage " + st.Name
	}
	return fmt.Sprintf("the stage at line %d", st.From.Start+1)
}

// onbuildOf is the instruction under the ONBUILD node x, or nil.
func onbuildOf(x *syntax.Node) *syntax.Lowered {
	ln := x.Lowered
	if ln != nil && ln.Keyword() == "onbuild" && ln.Next != nil && len(ln.Next.Children) == 1 {
		return ln.Next.Children[0]
	}
	return nil
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
