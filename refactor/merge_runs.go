package refactor

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	sh "mvdan.cc/sh/v3/syntax"

	"github.com/dfmt/dfmt/format/syntax"
)

// MergeRuns joins consecutive RUN instructions into one, so that they make
// one layer:
//
//	RUN apt-get update            →  RUN apt-get update \
//	# the tools                         # the tools
//	RUN apt-get install -y curl         && apt-get install -y curl
//
//	RUN a                         →  RUN a \
//	RUN b || c                          && { b || c; }
//
//	RUN x; y                      →  RUN { x; y; } \
//	RUN z                               && z
//
// "RUN a" then "RUN b" runs b only if a succeeds, in a fresh shell; "a &&
// { b; }" does the same in one shell, which is equal as long as a leaves
// nothing behind that b could see: so a may not change directory,
// variables, options, traps, functions or the shell (cd, export, set,
// source, exec, an assignment, a background job…). Where b is a plain &&
// chain the braces are left out; a list in a gets braces of its own, as
// "x; y && z" would run z after y whatever x did. The comments between
// the RUNs stay, inside the merged one.
//
// Both RUNs must be shell form without heredocs, with the same flags, in a
// POSIX shell (no SHELL naming another program, not a Windows stage), not
// under ONBUILD, with only comments between them, none of which is a
// "# check=" or "# hadolint" directive (nor one above the first RUN, which
// would then cover the merged one). A "#" comment in the text of a would
// swallow what comes after it, so that too keeps them apart.
//
// One shell for both must behave as one for each. So the shell may not be
// a login or interactive one (-l, --login, -i: its profile files are read
// for every RUN) nor set errexit (-e, -o errexit: it does not act on the
// left of &&, so "RUN false; true" fails alone and succeeds merged); no
// ENV or ARG of the stage, or of a stage it is built on, may set BASH_ENV,
// SHELLOPTS, BASHOPTS or ENV, which change how the shell starts; and no
// --mount may be a tmpfs or a read-write bind mount, which are new for
// each RUN and would be shared once merged.
//
// The shell is the one syntax.Stages finds where each RUN stands: /bin/sh
// -c, cmd.exe on a Windows base, or what a SHELL instruction of the stage
// or of the stages it builds on sets; a shell that a base image's config
// sets, and the environment it sets, which the Dockerfile does not show,
// are taken to be a POSIX one run without -e and no variable of those.
var MergeRuns = &Refactor{
	Name:    "merge-runs",
	Summary: "consecutive RUNs → one RUN, as a && { b; } (or plainer where provably equal)",
	Safe: "shell form, no heredoc, same flags, POSIX shell without errexit and not a login or interactive one, " +
		"no BASH_ENV, SHELLOPTS, BASHOPTS or ENV set by ENV or ARG, no tmpfs or read-write bind mount, " +
		"not ONBUILD, only comments between (no # check= or # hadolint), the first changes no shell state",
	Changes: "one layer instead of several, and one cache key: a change to either command reruns both",
	run:     mergeRuns,
}

// lintComment matches the comments that configure linters for the
// instruction below them.
var lintComment = regexp.MustCompile(`(?i)^(check\s*=|hadolint\b|dfmt:)`)

// runInfo is what merging needs to know of one RUN.
type runInfo struct {
	in      *inst
	why     string // why it cannot be merged at all, or ""
	comment bool   // the text holds a # comment
	state   string // how it changes shell state, or ""
	first   bool   // it may stand left of && as it is
	next    bool   // it may stand right of && without braces
	closed  bool   // it ends with ; or &, so braces close with " }"
	semi    int    // offset of a last ";" that may go where it stands plain, or -1
	lastArg bool   // it reads $_
}

// runInfoOf reads the RUN in for merging.
func runInfoOf(f *file, in *inst) *runInfo {
	r := &runInfo{in: in, semi: -1}
	switch {
	case in.kept != "":
		r.why = "is marked " + in.kept
	case in.lowered.JSON:
		r.why = "is in exec form"
	case len(in.lowered.Heredocs) > 0:
		r.why = "has a heredoc"
	case in.lowered.Next == nil:
		r.why = "runs nothing"
	}
	if r.why != "" {
		return r
	}
	if why := shellProblem(in, true); why != "" {
		r.why = why
		return r
	}
	if why := f.shellEnvSet(in); why != "" {
		r.why = "runs where " + why
		return r
	}
	if why := mountProblem(in.lowered.Flags); why != "" {
		r.why = "cannot share its mounts: " + why
		return r
	}
	text := in.args()
	prog, err := parseShell(text)
	if err != nil {
		r.why = "does not parse as shell" + f.shellError(in, in.cmd.Args.S, err)
		return r
	}
	if len(prog.Stmts) == 0 {
		r.why = "runs nothing"
		return r
	}
	r.comment = hasComment(prog)
	r.state = stateChange(prog)
	last := prog.Stmts[len(prog.Stmts)-1]
	single := len(prog.Stmts) == 1 && !last.Semicolon.IsValid() && !last.Background
	r.first = single
	r.next = single && andOnly(last)
	if last.Semicolon.IsValid() {
		semi := int(last.Semicolon.Offset())
		end := semi + 1
		if last.Coprocess || last.Disown {
			end++
		}
		r.closed = end <= len(text) && strings.TrimSpace(text[end:]) == ""
		// "x;" alone is "x".
		if r.closed && len(prog.Stmts) == 1 && !last.Background && !last.Coprocess && !last.Disown && text[semi] == ';' {
			r.semi = semi
			r.first = true
			r.next = andOnly(last)
		}
	}
	sh.Walk(prog, func(n sh.Node) bool {
		if p, ok := n.(*sh.ParamExp); ok && p.Param != nil && p.Param.Value == "_" {
			r.lastArg = true
		}
		return !r.lastArg
	})
	return r
}

// andOnly reports whether a statement is a chain of && whose links hold no
// ||, so that "a && s" means "a && { s; }".
func andOnly(s *sh.Stmt) bool {
	b, ok := s.Cmd.(*sh.BinaryCmd)
	if !ok {
		return true
	}
	switch b.Op {
	case sh.AndStmt:
		return andOnly(b.X) && andOnly(b.Y)
	case sh.OrStmt:
		return false
	}
	return true
}

func mergeRuns(f *file) {
	infos := map[*inst]*runInfo{}
	info := func(in *inst) *runInfo {
		if infos[in] == nil {
			infos[in] = runInfoOf(f, in)
		}
		return infos[in]
	}
	// The group of RUNs being merged; each is read (runInfoOf, which parses
	// its shell) only once it has a RUN to be merged with.
	var group []*inst
	flush := func() {
		if len(group) > 1 {
			infos := make([]*runInfo, len(group))
			for i, in := range group {
				infos[i] = info(in)
			}
			f.merge(infos)
		}
		group = nil
	}
	for i, in := range f.insts {
		var prev *inst
		if i > 0 {
			prev = f.insts[i-1]
		}
		if trigger := in.onbuild(); trigger != nil && trigger.Keyword() == "run" {
			if prevTrigger := prev.onbuildOrNil(); prevTrigger != nil && prevTrigger.Keyword() == "run" && f.onlyComments(prev, in) {
				f.skip(in, "under ONBUILD: the triggers are kept in the image as written")
			}
		}
		if in.keyword != "run" {
			flush()
			continue
		}
		if prev == nil || prev.keyword != "run" || !f.onlyComments(prev, in) {
			flush()
			group = []*inst{in}
			continue
		}
		if why := f.joinable(info(prev), info(in), group[0]); why != "" {
			f.skip(in, "not merged with the RUN at line %d: %s", prev.line(), why)
			flush()
			group = []*inst{in}
			continue
		}
		group = append(group, in)
	}
	flush()
}

// onbuildOrNil is in.onbuild(), or nil when in is nil.
func (in *inst) onbuildOrNil() *syntax.Lowered {
	if in == nil {
		return nil
	}
	return in.onbuild()
}

// onlyComments reports whether only comment and blank lines stand between
// two instructions.
func (f *file) onlyComments(a, b *inst) bool {
	for _, n := range f.tree.Nodes[a.index+1 : b.index] {
		if n.Kind != syntax.CommentNode && n.Kind != syntax.BlankNode {
			return false
		}
	}
	return true
}

// joinable says why RUN b cannot join the group that starts with first
// and ends with a, or returns "".
func (f *file) joinable(a, b *runInfo, first *inst) string {
	at := fmt.Sprintf("the RUN at line %d", a.in.line())
	switch {
	case b.why != "":
		return "this RUN " + b.why
	case a.why != "":
		return at + " " + a.why
	case !slices.Equal(a.in.lowered.Flags, b.in.lowered.Flags):
		return fmt.Sprintf("their flags differ (%s and %s)", flagList(a.in), flagList(b.in))
	}
	for _, n := range f.tree.Nodes[a.in.index+1 : b.in.index] {
		if n.Kind == syntax.CommentNode {
			if w := commentText(f.tree.Lines[n.Start].Text); lintComment.MatchString(w) {
				return fmt.Sprintf("the comment %q at line %d applies to one instruction", "# "+w, n.Start+1)
			}
		}
	}
	if first != nil {
		if i := first.index; i > 0 {
			if n := f.tree.Nodes[i-1]; n.Kind == syntax.CommentNode && n.End == first.node.Start {
				if w := commentText(f.tree.Lines[n.Start].Text); lintComment.MatchString(w) {
					return fmt.Sprintf("the comment %q at line %d would then cover both", "# "+w, n.Start+1)
				}
			}
		}
	}
	switch {
	case a.state != "":
		return fmt.Sprintf("%s changes shell state: it %s", at, a.state)
	case a.comment:
		return at + " holds a # comment, which would swallow what follows it"
	case !b.next && b.comment:
		return "this RUN holds a # comment, which would swallow the closing brace"
	case b.lastArg:
		return "this RUN reads $_, which would see the command before it"
	}
	return ""
}

// flagList is a RUN's flags for a message.
func flagList(in *inst) string {
	if len(in.lowered.Flags) == 0 {
		return "none"
	}
	return strings.Join(in.lowered.Flags, " ")
}

// merge writes a group of RUNs as one.
func (f *file) merge(group []*runInfo) {
	first := group[0].in
	var lines []string
	var parts []string
	for i, r := range group {
		in := r.in
		var edits []edit
		text := in.args()
		if r.semi >= 0 && (i == 0 || r.next) {
			edits = append(edits, edit{in.cmd.Args.S + r.semi, in.cmd.Args.S + r.semi + 1, ""})
			text = text[:r.semi] + text[r.semi+1:]
		}
		if i == 0 {
			if !r.first {
				edits = append(edits, edit{in.cmd.Args.S, in.cmd.Args.S, "{ "}, edit{in.cmd.Args.E, in.cmd.Args.E, closeBrace(r)})
				text = "{ " + text + closeBrace(r)
			}
		} else {
			open := "&& "
			if !r.next {
				open = "&& { "
				edits = append(edits, edit{in.cmd.Args.E, in.cmd.Args.E, closeBrace(r)})
				text = "{ " + text + closeBrace(r)
			}
			// The keyword and flags give way to the operator; what
			// stands between them and the text (white space, a line
			// break, comment lines) stays.
			head := in.cmd.Keyword.E
			if n := len(in.cmd.Flags); n > 0 {
				head = in.cmd.Flags[n-1].E
			}
			if strings.TrimSpace(in.text[head:in.cmd.Args.S]) != "" {
				head = in.cmd.Args.S // a "--" that ends the flags goes too
			}
			if head < in.cmd.Args.S {
				open = strings.TrimSuffix(open, " ")
			}
			edits = append(edits, edit{0, head, open})
			// The lines between the RUNs: comments stay, blank lines go.
			for _, n := range f.tree.Nodes[group[i-1].in.index+1 : in.index] {
				if n.Kind == syntax.CommentNode {
					lines = append(lines, string(f.tree.Lines[n.Start].Text))
				}
			}
		}
		parts = append(parts, text)
		rewritten, err := f.rewrite(in, edits)
		if err != nil {
			f.skip(group[1].in, "not merged with the RUN at line %d: %v", first.line(), err)
			return
		}
		if i < len(group)-1 {
			rewritten[len(rewritten)-1] += " " + string(f.escape)
		}
		lines = append(lines, rewritten...)
	}
	want := strings.Join(parts, " && ")
	err := f.verify(lines, nil, func(n *syntax.Lowered) bool {
		return n.Keyword() == "run" && !n.JSON && len(n.Heredocs) == 0 &&
			slices.Equal(n.Flags, first.lowered.Flags) && n.Next != nil && n.Next.Next == nil &&
			sameProgram(n.Next.Value, want)
	})
	if err != nil {
		f.skip(group[1].in, "not merged with the RUN at line %d: %v", first.line(), err)
		return
	}
	title := "Merge with the next RUN"
	if len(group) > 2 {
		title = fmt.Sprintf("Merge with the next %d RUNs", len(group)-1)
	}
	f.replace(title, first.node.Start, group[len(group)-1].in.node.End, lines)
}

// closeBrace is what closes the braces around a RUN's text.
func closeBrace(r *runInfo) string {
	if r.closed {
		return " }"
	}
	return "; }"
}

// sameProgram reports whether two shell texts parse to the same program.
func sameProgram(a, b string) bool {
	pa, errA := printShell(a)
	pb, errB := printShell(b)
	return errA == nil && errB == nil && pa == pb
}

func printShell(s string) (string, error) {
	prog, err := sh.NewParser(sh.Variant(sh.LangBash)).Parse(strings.NewReader(s), "")
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	err = sh.NewPrinter(sh.Minify(true)).Print(&sb, prog)
	return sb.String(), err
}
