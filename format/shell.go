package format

// This file lays out shell-form bodies (rule 15 of STYLE.md). A body is
// parsed once with mvdan.cc/sh/v3/syntax, and the parse is only used to cut
// the body into tokens: words, assignments, redirections, operators and
// reserved words, each with the shell nesting it sits at. The printer then
// prints every token's bytes as written and decides only what stands
// between two tokens: one space, nothing, or a line break where the author
// had one. So the output runs the same program by construction (only blanks
// between the shell's own tokens change, and no token moves), and what is
// content (quotes, $(...), backquotes, arithmetic, comments) keeps its
// bytes, line breaks inside it included.
//
// mvdan's own printer is not used: it prints some escaped newlines as real
// ones ("a; b" on two lines, "then" and "do" lines), which a Dockerfile
// cannot hold, and it rewrites text inside $(...) and double quotes.

import (
	"slices"
	"strings"
	"sync"

	sh "mvdan.cc/sh/v3/syntax"

	"github.com/dfmt/dfmt/format/syntax"
)

// layoutOutcome says what became of a shell-form body: laid out, or kept
// as written and why.
type layoutOutcome uint8

const (
	shellLaidOut     layoutOutcome = iota // parsed and laid out by STYLE.md rule 15
	shellEscape                           // "# escape=`": a Windows file, not POSIX shell
	shellNotPOSIX                         // a SHELL instruction names a shell that is not POSIX
	shellWindows                          // the stage's base image is a Windows one
	shellOnbuild                          // ONBUILD in a stage whose shell ends up not POSIX
	shellHeredoc                          // a here-document the layout does not know
	shellParse                            // mvdan.cc/sh does not parse it (as bash)
	shellDialect                          // dash, bash and busybox ash read it differently
	shellOptions                          // begins with - or +: sh -c reads it as options
	shellUnsupported                      // a construct the layout does not handle (mksh, zsh forms)
	shellUncovered                        // the tokens do not account for every byte (a walker gap)
	shellPanic                            // the parser or the walker panicked
	numLayoutOutcomes
)

var layoutOutcomeNames = [numLayoutOutcomes]string{
	"laid out",
	"not POSIX: backtick escape",
	"not POSIX: SHELL names another shell",
	"not POSIX: Windows base image",
	"not POSIX: ONBUILD in a stage whose shell is not POSIX",
	"a here-document the layout does not know",
	"does not parse as shell",
	"dash, bash and busybox ash read it differently",
	"begins with - or +, which sh -c reads as options",
	"unsupported shell construct",
	"tokens do not cover the text",
	"panic in the shell layout",
}

func (r layoutOutcome) String() string { return layoutOutcomeNames[r] }

// Token kinds, for the line breaks of STYLE.md rule 15(b).
const (
	tokPlain = iota
	tokLead  // &&, ||, |, |&: begins the next line at a break
	tokTrail // ;, &, ;;, ;&, ;;&: stays where the author put it
)

// Token roles: how deep a line that a token starts is indented (STYLE.md
// rule 15(c)). A line's level counts its indent levels (0 on the
// instruction's line); the natural level of a token is that of the lines
// inside the construct it stands in: 1 outside any, and one more than the
// construct's own level inside one (see emitShell).
const (
	roleStmt  = iota // a statement's first token: its natural level
	roleArg          // a command's word after its first: one level deeper than the anchor's line, or as deep as the author put it
	roleLead         // &&, ||, |: one level deeper than the statement's first line
	roleClose        // ;, then, do, done, fi, }, ...: the level of the anchor's line
)

// shTok is one token of a shell body: bytes [s, e) of the joined
// instruction text, printed as written.
type shTok struct {
	s, e int
	// scope is the offset of the token that opens the innermost construct
	// the token stands in (if, while, until, for, case, a case item, { or
	// (), and -1 outside any. anchor is the offset of the token its role
	// measures from: the command's first token for an argument, the
	// statement's or the construct's first token for a closing token; -1
	// for none. (Offsets, not indices: finish sorts the tokens.)
	scope, anchor int
	kind, role    uint8
	// glueBefore and glueAfter ask for no space on that side, as shfmt
	// prints "a;", "(a)", "a)" in case patterns, "f()" and ">&2".
	glueBefore, glueAfter bool
	// blankBefore and blankAfter ask for a space on that side whatever
	// the neighbour asks: a heredoc operator's word keeps the blanks
	// around it as written ("<<EOF ;" is not "<<EOF;" to BuildKit).
	blankBefore, blankAfter bool
	// keep asks for the blanks before the token as written: inside a
	// $( ), whose spacing the layout keeps.
	keep bool
}

// shellPlan is the token list of a body that can be laid out.
type shellPlan struct {
	toks  []shTok
	tools *layoutTools // to return to the pool once printed
}

// layoutTools are what laying out a body takes. A parser is dear to make
// and the buffers grow to fit, so they are pooled, as the check's are.
type layoutTools struct {
	parser *sh.Parser
	reader strings.Reader
	walker shWalker
	gaps   []shGap
	levels []int
	inner  []int
	plan   shellPlan
}

var layoutPool = sync.Pool{New: func() any {
	return &layoutTools{parser: sh.NewParser(sh.KeepComments(true), sh.Variant(sh.LangBash))}
}}

// shellState is the printer's state for shell bodies.
type shellState struct {
	cur *syntax.Node // the instruction being printed
	ctx shellContext // see shellContexts
	// record, when set (by tests), learns what became of each shell body.
	record func(n *syntax.Node, r layoutOutcome)
	// parsed keeps each body's parse, keyed by its instruction's
	// lowering, for the safety check to compare the output's with.
	parsed map[*syntax.Lowered]parsedShell
}

// parsedShell is a shell text and its parse.
type parsedShell struct {
	src string
	f   *sh.File
}

// shellContext is what the printer and the safety check know of the
// shells that run each instruction's shell-form body.
type shellContext struct {
	// kept says why an instruction's shell is not POSIX (absent: it is).
	kept map[*syntax.Node]layoutOutcome
	// bash marks the instructions whose bodies only bash runs (a SHELL
	// naming bash): there the shell reads what bash reads, where /bin/sh
	// may be dash, bash or busybox ash.
	bash map[*syntax.Node]bool
}

// shellContexts finds, for every instruction of f, whether the shells that
// may run its shell-form body are all POSIX, with the one model of stages
// and shells (syntax.Stages); where they are not, it says why. Under the
// backtick escape no body is laid out: the layout knows the backslash
// escape only.
func shellContexts(f *syntax.File) shellContext {
	var c shellContext
	keep := func(n *syntax.Node, r layoutOutcome) {
		if c.kept == nil {
			c.kept = map[*syntax.Node]layoutOutcome{}
		}
		c.kept[n] = r
	}
	var stages *syntax.Stages
	if f.Escape == '\\' {
		stages = syntax.NewStages(f)
	}
	for _, n := range f.Nodes {
		if n.Kind != syntax.InstructionNode || n.Lowered == nil {
			continue
		}
		if stages == nil {
			keep(n, shellEscape)
			continue
		}
		one := [1]syntax.Shell{stages.ShellAt(n)}
		shells := one[:]
		if kw := n.Lowered.Keyword(); kw == "healthcheck" || kw == "onbuild" {
			shells = stages.BodyShells(n)
		}
		bash := true
		for _, sh := range shells {
			bash = bash && sh.Kind() == syntax.POSIX && len(sh.Args) > 0 && isBash(sh.Args[0])
			if sh.Kind() == syntax.POSIX {
				continue
			}
			switch {
			case n.Lowered.Keyword() == "onbuild":
				keep(n, shellOnbuild)
			case sh.Args == nil:
				keep(n, shellWindows)
			default:
				keep(n, shellNotPOSIX)
			}
			break
		}
		if bash {
			if c.bash == nil {
				c.bash = map[*syntax.Node]bool{}
			}
			c.bash[n] = true
		}
	}
	return c
}

// dialectDiffers reports whether body holds, outside quotes, what dash,
// bash and busybox ash read differently, so that /bin/sh, which is any of
// them, cannot be laid out by a reading of one:
//
//   - $'...' and $"...": bash's and ash's quoting, a '$' and a quoted
//     string to dash;
//   - digits glued to a redirection's target and followed by another
//     redirection: in 2>&1>/dev/null bash and ash read 1 as the target of
//     >&, dash as the number of the next redirection's file descriptor;
//     and make > 2>&1 is an error to all three, which a blank after the 2
//     would make valid.
//
// It errs on the side of finding them: text in double quotes and
// substitutions is scanned too, except for $'.
func dialectDiffers(body string) bool {
	quote := byte(0)
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			}
		case c == '\\':
			i++
		case quote == '"':
			if c == '"' {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '$' && i+1 < len(body) && (body[i+1] == '\'' || body[i+1] == '"'):
			return true
		case c == '<' || c == '>':
			j := i + 1
			for j < len(body) && (body[j] == '&' || body[j] == '>' || body[j] == '|') {
				j++
			}
			for j < len(body) && (body[j] == ' ' || body[j] == '\t') {
				j++
			}
			d := j
			for j < len(body) && '0' <= body[j] && body[j] <= '9' {
				j++
			}
			if j > d && j < len(body) && (body[j] == '<' || body[j] == '>') {
				return true
			}
		}
	}
	return false
}

// readAsOptions reports whether a shell-form body begins, past its blanks,
// with - or +. BuildKit runs it as sh -c's last argument, and dash, bash and
// busybox ash all read such an argument as more options (dash -c '+&x'
// fails with "Illegal option -&"), never as a script; the error they print
// quotes it, so no byte of it may change.
func readAsOptions(body string) bool {
	body = strings.TrimLeft(body, " \t")
	return body != "" && (body[0] == '-' || body[0] == '+')
}

// isBash reports whether a SHELL program is bash.
func isBash(prog string) bool {
	if i := strings.LastIndexAny(prog, `/\`); i >= 0 {
		prog = prog[i+1:]
	}
	return prog == "bash"
}

// shellPlan parses the shell-form body text[a:b] of the instruction being
// printed and returns its tokens, or nil with the reason it is kept as
// written.
func (p *printer) shellPlan(text string, a, b int) (plan *shellPlan) {
	s := &p.sh
	n := s.cur
	r := shellLaidOut
	defer func() {
		if recover() != nil {
			plan, r = nil, shellPanic
		}
		if s.record != nil && n != nil {
			s.record(n, r)
		}
	}()
	if n == nil {
		r = shellUnsupported
		return nil
	}
	if why, ok := s.ctx.kept[n]; ok {
		r = why
		return nil
	}
	if n.Lowered == nil {
		r = shellUnsupported
		return nil
	}
	body := text[a:b]
	if strings.IndexByte(body, 0) >= 0 {
		// sh -c stops reading at a NUL byte, where the shell parser reads
		// on: what it sees is not what runs.
		r = shellParse
		return nil
	}
	if readAsOptions(body) {
		r = shellOptions
		return nil
	}
	if !s.ctx.bash[n] && dialectDiffers(body) {
		r = shellDialect
		return nil
	}
	t := layoutPool.Get().(*layoutTools)
	w := &t.walker
	w.reset(body)
	// Most bodies are a line of simple commands, read without the parser.
	if len(n.Lowered.Heredocs) > 0 || !w.flat() {
		if r = p.parseShell(t, body, n); r != shellLaidOut {
			layoutPool.Put(t)
			return nil
		}
	}
	for i := range w.toks {
		w.toks[i].s += a
		w.toks[i].e += a
		if w.toks[i].scope >= 0 {
			w.toks[i].scope += a
		}
		if w.toks[i].anchor >= 0 {
			w.toks[i].anchor += a
		}
	}
	t.plan = shellPlan{toks: w.toks, tools: t}
	return &t.plan
}

// flat reads the walker's text with flatTokens.
func (w *shWalker) flat() bool {
	toks, ok := flatTokens(w.src, w.toks[:0])
	w.toks = toks[:0]
	if ok {
		w.toks = toks
	}
	return ok
}

// parseShell lays out body, the shell text of n, through the parser and
// the walker, and keeps the parse for the safety check.
func (p *printer) parseShell(t *layoutTools, body string, n *syntax.Node) layoutOutcome {
	s := &p.sh
	// A RUN's heredoc bodies follow its text as they follow a shell
	// command; the tokens all lie in the text.
	src := withHeredocs(body, n.Lowered.Heredocs)
	t.reader.Reset(src)
	f, err := t.parser.Parse(&t.reader, "")
	if err != nil || hasExtGlob(body, f) {
		return shellParse
	}
	if s.parsed == nil {
		s.parsed = map[*syntax.Lowered]parsedShell{}
	}
	s.parsed[n.Lowered] = parsedShell{src, f}
	w := &t.walker
	w.stmts(f.Stmts, -1)
	if w.bad == shellLaidOut {
		w.finish(f)
	}
	if w.bad == shellLaidOut && strings.Contains(body, "<<") {
		w.keepHeredocWords()
	}
	return w.bad
}

// keepHeredocWords keeps, around each token that holds "<<", the blanks of
// the word BuildKit reads it in as written: BuildKit finds heredocs in the
// blank-separated words of the text, and "<<EOF&<0" is one word to it,
// which holds no heredoc, where "<<EOF& <0" holds one. The tokens that
// touch it, and touch those, are glued; the blanks at the ends stay.
func (w *shWalker) keepHeredocWords() {
	toks, src := w.toks, w.src
	for k := range toks {
		if t := src[toks[k].s:toks[k].e]; !strings.Contains(t, "<<") || strings.Contains(t, "<<<") {
			continue // ("<<<" is a here-string's operator, no heredoc)
		}
		i := k
		for i > 0 && toks[i-1].e == toks[i].s {
			toks[i-1].glueAfter, toks[i].glueBefore = true, true
			i--
		}
		j := k
		for j+1 < len(toks) && toks[j].e == toks[j+1].s {
			toks[j].glueAfter, toks[j+1].glueBefore = true, true
			j++
		}
		if s := toks[i].s; s > 0 && isBlankByte(src[s-1]) {
			toks[i].blankBefore = true
		}
		if e := toks[j].e; e < len(src) && isBlankByte(src[e]) {
			toks[j].blankAfter = true
		}
	}
}

// hasExtGlob reports whether the body holds a bash extended glob such as
// !(x). RUN's /bin/sh has none: it reads "!(" and what follows as other
// syntax, quotes included, so mvdan's tokens are not the shell's there.
func hasExtGlob(body string, f *sh.File) bool {
	if shellMarks(body)&markGlob == 0 {
		return false
	}
	found := false
	sh.Walk(f, func(n sh.Node) bool {
		if _, ok := n.(*sh.ExtGlob); ok {
			found = true
		}
		return !found
	})
	return found
}

func isBlankByte(c byte) bool { return c == ' ' || c == '\t' }

// withHeredocs returns a RUN's shell text followed by its heredoc bodies,
// each closed by its name, as a shell reads a command with here-documents.
func withHeredocs(text string, docs []syntax.Heredoc) string {
	if len(docs) == 0 {
		return text
	}
	var sb strings.Builder
	sb.WriteString(text)
	sb.WriteByte('\n')
	for _, h := range docs {
		sb.WriteString(h.Content)
		sb.WriteString(h.Name)
		sb.WriteByte('\n')
	}
	return sb.String()
}

// shWalker cuts a parsed body into tokens.
type shWalker struct {
	src  string
	toks []shTok
	bad  layoutOutcome
}

func (w *shWalker) reset(src string) {
	w.src, w.toks, w.bad = src, w.toks[:0], shellLaidOut
}

func (w *shWalker) fail(r layoutOutcome) {
	if w.bad == shellLaidOut {
		w.bad = r
	}
}

// add appends the token [s, e) in scope sc and returns its index.
func (w *shWalker) add(s, e, sc int, kind uint8) int {
	if s < 0 || e <= s || e > len(w.src) {
		w.fail(shellUncovered)
		s, e = 0, 0
	}
	w.toks = append(w.toks, shTok{s: s, e: e, scope: sc, anchor: -1, kind: kind})
	return len(w.toks) - 1
}

// word appends the token of a fixed text at pos, checking that it is there.
func (w *shWalker) word(pos sh.Pos, text string, sc int, kind uint8) int {
	s := int(pos.Offset())
	if !pos.IsValid() || !strings.HasPrefix(w.src[min(s, len(w.src)):], text) {
		w.fail(shellUncovered)
	}
	return w.add(s, s+len(text), sc, kind)
}

// node appends a node's whole text as one token.
func (w *shWalker) node(n sh.Node, sc int) int {
	return w.add(int(n.Pos().Offset()), int(n.End().Offset()), sc, tokPlain)
}

// wordToks appends the tokens of a word or an assignment and returns the
// index of its first. A word is one token, but where it holds command
// substitutions: the statements of a $( ) are laid out in a construct of
// their own (STYLE.md rule 15(c)), opened by the piece of the word that
// ends in "$(" and closed by the one that starts with its ")". The
// blanks inside a $( ) stay as written (tokens marked keep); only its line
// breaks are laid out. Quotes, backquotes, arithmetic and the like keep
// their bytes, line breaks included, and so does a $( ) inside them.
func (w *shWalker) wordToks(n sh.Node, sc int) int {
	first := len(w.toks)
	at, end := int(n.Pos().Offset()), int(n.End().Offset())
	piece := -1 // the piece that opened the last $( )
	sh.Walk(n, func(m sh.Node) bool {
		switch m := m.(type) {
		case *sh.CmdSubst:
			if m.Backquotes || m.TempFile || m.ReplyVar {
				return false
			}
			l, r := int(m.Left.Offset()), int(m.Right.Offset())
			if !strings.HasPrefix(w.src[min(l, len(w.src)):], "$(") || r >= len(w.src) || w.src[r] != ')' || l < at {
				w.fail(shellUncovered)
				return false
			}
			k := w.add(at, l+2, sc, tokPlain)
			if piece >= 0 {
				w.toks[k].keep = true
				w.set(k, roleClose, w.toks[piece].s)
			}
			piece = k
			from := len(w.toks)
			w.stmts(m.Stmts, w.toks[k].s)
			for i := from; i < len(w.toks); i++ {
				w.toks[i].keep = true
			}
			at = r
			return false
		case *sh.DblQuoted, *sh.ArithmExp, *sh.ProcSubst, *sh.ExtGlob:
			// A $( ) in double quotes is quoted text: a line break in it is
			// a break in quotes, content (rule 13).
			return false
		}
		return true
	})
	k := w.add(at, end, sc, tokPlain)
	if piece >= 0 {
		w.toks[k].keep = true
		w.set(k, roleClose, w.toks[piece].s)
	}
	return first
}

// punct finds the byte c after blanks from offset i and appends it as a
// token; the parse left it without a position (case patterns' "(", "|"
// and ")", the ";" before a for loop's "do", a function's "()").
func (w *shWalker) punct(i int, c byte, sc int, kind uint8) int {
	for i < len(w.src) && (w.src[i] == ' ' || w.src[i] == '\t') {
		i++
	}
	if i >= len(w.src) || w.src[i] != c {
		w.fail(shellUncovered)
		return w.add(0, 0, sc, kind)
	}
	return w.add(i, i+1, sc, kind)
}

// peek reports whether the byte c follows offset i after blanks.
func (w *shWalker) peek(i int, c byte) bool {
	for i < len(w.src) && (w.src[i] == ' ' || w.src[i] == '\t') {
		i++
	}
	return i < len(w.src) && w.src[i] == c
}

func (w *shWalker) end() int {
	if len(w.toks) == 0 {
		return 0
	}
	return w.toks[len(w.toks)-1].e
}

// start returns the offset of the first token in the text of those from
// index k on, or -1 for none: where the statement they make began.
func (w *shWalker) start(k int) int {
	return firstStart(w.toks[k:])
}

// firstStart returns the least start offset of toks, or -1 for none.
func firstStart(toks []shTok) int {
	s := -1
	for _, t := range toks {
		if s < 0 || t.s < s {
			s = t.s
		}
	}
	return s
}

// set gives token k a role measured from anchor.
func (w *shWalker) set(k int, role uint8, anchor int) {
	w.toks[k].role, w.toks[k].anchor = role, anchor
}

// closeCond makes the ';' or '&' that ends the last statement of a
// condition (before then or do) close the construct opened at offset o in
// scope sc: "; then" and "; do" lines take the construct's level.
func (w *shWalker) closeCond(from, o, sc int) {
	if k := len(w.toks) - 1; k >= from && w.toks[k].kind == tokTrail {
		w.toks[k].scope = sc
		w.set(k, roleClose, o)
	}
}

func (w *shWalker) stmts(list []*sh.Stmt, sc int) {
	for _, s := range list {
		w.stmt(s, sc)
	}
}

func (w *shWalker) stmt(s *sh.Stmt, sc int) {
	from := len(w.toks)
	if s.Negated {
		w.word(s.Position, "!", sc, tokPlain)
	}
	head := len(w.toks)
	if s.Cmd != nil {
		w.command(s.Cmd, sc)
	}
	for _, r := range s.Redirs {
		k := len(w.toks)
		w.redirect(r, sc)
		w.args(k, head)
	}
	if s.Semicolon.IsValid() {
		o := w.start(from)
		var k int
		switch {
		case s.Background:
			k = w.word(s.Semicolon, "&", sc, tokTrail)
		case s.Coprocess:
			k = w.word(s.Semicolon, "|&", sc, tokTrail)
		case s.Disown:
			w.fail(shellUnsupported)
			return
		default:
			k = w.word(s.Semicolon, ";", sc, tokTrail)
			w.toks[k].glueBefore = true
		}
		w.set(k, roleClose, o)
	}
}

func (w *shWalker) redirect(r *sh.Redirect, sc int) {
	if (r.Op == sh.Hdoc || r.Op == sh.DashHdoc) && r.Word != nil {
		// The operator and its word are one token, kept as written:
		// BuildKit finds heredocs in the words of the text, and "<< EOF"
		// is not "<<EOF" to it.
		s := int(r.OpPos.Offset())
		if r.N != nil {
			s = int(r.N.Pos().Offset())
		}
		e := int(r.Word.End().Offset())
		k := w.add(s, e, sc, tokPlain)
		// Nor may a blank come or go on either side: "A<<EOF" holds no
		// heredoc for BuildKit, "A <<EOF" does.
		w.toks[k].glueBefore = s > 0 && s <= len(w.src) && !isBlankByte(w.src[s-1])
		w.toks[k].glueAfter = e < len(w.src) && !isBlankByte(w.src[e])
		w.toks[k].blankBefore = s > 0 && s <= len(w.src) && !w.toks[k].glueBefore
		w.toks[k].blankAfter = e < len(w.src) && !w.toks[k].glueAfter
		return
	}
	if r.Hdoc != nil || r.Word == nil {
		w.fail(shellHeredoc)
		return
	}
	op := r.Op.String()
	s := int(r.OpPos.Offset())
	if r.N != nil {
		s = int(r.N.Pos().Offset())
	}
	e := int(r.OpPos.Offset()) + len(op)
	if !strings.HasSuffix(w.src[min(s, len(w.src)):min(e, len(w.src))], op) {
		w.fail(shellUncovered)
	}
	w.add(s, e, sc, tokPlain)
	k := w.wordToks(r.Word, sc)
	if r.Op == sh.DplIn || r.Op == sh.DplOut {
		w.toks[k].glueBefore = true
	}
}

func (w *shWalker) command(cmd sh.Command, sc int) {
	switch c := cmd.(type) {
	case *sh.CallExpr:
		head := len(w.toks)
		for _, a := range c.Assigns {
			w.wordToks(a, sc)
		}
		for _, x := range c.Args {
			w.wordToks(x, sc)
		}
		w.args(head+1, head)
	case *sh.BinaryCmd:
		from := len(w.toks)
		w.stmt(c.X, sc)
		o := w.start(from)
		k := w.word(c.OpPos, c.Op.String(), sc, tokLead)
		w.set(k, roleLead, o)
		w.stmt(c.Y, sc)
	case *sh.Block:
		o := w.toks[w.word(c.Lbrace, "{", sc, tokPlain)].s
		w.stmts(c.Stmts, o)
		w.set(w.word(c.Rbrace, "}", sc, tokPlain), roleClose, o)
	case *sh.Subshell:
		k := w.word(c.Lparen, "(", sc, tokPlain)
		w.toks[k].glueAfter = true
		o := w.toks[k].s
		w.stmts(c.Stmts, o)
		k = w.word(c.Rparen, ")", sc, tokPlain)
		w.toks[k].glueBefore = true
		w.set(k, roleClose, o)
	case *sh.IfClause:
		o := w.toks[w.word(c.Position, "if", sc, tokPlain)].s
		from := len(w.toks)
		w.stmts(c.Cond, o)
		w.closeCond(from, o, sc)
		w.set(w.word(c.ThenPos, "then", sc, tokPlain), roleClose, o)
		w.stmts(c.Then, o)
		for el := c.Else; el != nil; el = el.Else {
			if el.ThenPos.IsValid() {
				w.set(w.word(el.Position, "elif", sc, tokPlain), roleClose, o)
				from := len(w.toks)
				w.stmts(el.Cond, o)
				w.closeCond(from, o, sc)
				w.set(w.word(el.ThenPos, "then", sc, tokPlain), roleClose, o)
			} else {
				w.set(w.word(el.Position, "else", sc, tokPlain), roleClose, o)
			}
			w.stmts(el.Then, o)
		}
		w.set(w.word(c.FiPos, "fi", sc, tokPlain), roleClose, o)
	case *sh.WhileClause:
		kw := "while"
		if c.Until {
			kw = "until"
		}
		o := w.toks[w.word(c.WhilePos, kw, sc, tokPlain)].s
		from := len(w.toks)
		w.stmts(c.Cond, o)
		w.closeCond(from, o, sc)
		w.set(w.word(c.DoPos, "do", sc, tokPlain), roleClose, o)
		w.stmts(c.Do, o)
		w.set(w.word(c.DonePos, "done", sc, tokPlain), roleClose, o)
	case *sh.ForClause:
		if c.Braces {
			w.fail(shellUnsupported)
			return
		}
		kw := "for"
		if c.Select {
			kw = "select"
		}
		head := w.word(c.ForPos, kw, sc, tokPlain)
		o := w.toks[head].s
		// Its list of words is the loop's arguments.
		switch l := c.Loop.(type) {
		case *sh.WordIter:
			w.node(l.Name, sc)
			if l.InPos.IsValid() {
				w.word(l.InPos, "in", sc, tokPlain)
			}
			for _, x := range l.Items {
				w.wordToks(x, sc)
			}
		case *sh.CStyleLoop:
			w.add(int(l.Lparen.Offset()), int(l.End().Offset()), sc, tokPlain)
		default:
			w.fail(shellUnsupported)
			return
		}
		w.args(head+1, head)
		if w.peek(w.end(), ';') {
			k := w.punct(w.end(), ';', sc, tokTrail)
			w.toks[k].glueBefore = true
			w.set(k, roleClose, o)
		}
		w.set(w.word(c.DoPos, "do", sc, tokPlain), roleClose, o)
		w.stmts(c.Do, o)
		w.set(w.word(c.DonePos, "done", sc, tokPlain), roleClose, o)
	case *sh.CaseClause:
		if c.Braces {
			w.fail(shellUnsupported)
			return
		}
		head := w.word(c.Case, "case", sc, tokPlain)
		o := w.toks[head].s
		w.wordToks(c.Word, sc)
		w.word(c.In, "in", sc, tokPlain)
		w.args(head+1, head)
		for _, ci := range c.Items {
			item := len(w.toks)
			if w.peek(w.end(), '(') {
				k := w.punct(w.end(), '(', o, tokPlain)
				w.toks[k].glueAfter = true
			}
			for i, pat := range ci.Patterns {
				if i > 0 {
					w.punct(w.end(), '|', o, tokPlain)
				}
				w.wordToks(pat, o)
			}
			k := w.punct(w.end(), ')', o, tokPlain)
			w.toks[k].glueBefore = true
			io := w.toks[item].s
			w.stmts(ci.Stmts, io)
			if ci.OpPos.IsValid() {
				w.word(ci.OpPos, ci.Op.String(), io, tokTrail)
			}
		}
		w.set(w.word(c.Esac, "esac", sc, tokPlain), roleClose, o)
	case *sh.FuncDecl:
		if c.RsrvWord {
			w.word(c.Position, "function", sc, tokPlain)
		}
		if c.Name == nil || len(c.Names) > 0 {
			w.fail(shellUnsupported)
			return
		}
		w.node(c.Name, sc)
		if c.Parens {
			k := w.punct(w.end(), '(', sc, tokPlain)
			w.toks[k].glueBefore = true
			w.toks[k].glueAfter = true
			w.punct(w.end(), ')', sc, tokPlain)
		}
		w.stmt(c.Body, sc)
	case *sh.ArithmCmd, *sh.TestClause:
		// Their inside keeps its spacing.
		w.node(c, sc)
	case *sh.DeclClause:
		head := w.node(c.Variant, sc)
		for _, a := range c.Args {
			w.wordToks(a, sc)
		}
		w.args(head+1, head)
	case *sh.LetClause:
		head := w.word(c.Let, "let", sc, tokPlain)
		for _, x := range c.Exprs {
			w.node(x, sc)
		}
		w.args(head+1, head)
	case *sh.TimeClause:
		w.word(c.Time, "time", sc, tokPlain)
		if c.PosixFormat {
			i := w.end()
			for i < len(w.src) && (w.src[i] == ' ' || w.src[i] == '\t') {
				i++
			}
			if !strings.HasPrefix(w.src[i:], "-p") {
				w.fail(shellUncovered)
			}
			w.add(i, i+2, sc, tokPlain)
		}
		if c.Stmt != nil {
			w.stmt(c.Stmt, sc)
		}
	case *sh.CoprocClause:
		w.word(c.Coproc, "coproc", sc, tokPlain)
		if c.Name != nil {
			w.node(c.Name, sc)
		}
		w.stmt(c.Stmt, sc)
	default:
		w.fail(shellUnsupported)
	}
}

// finish sorts the tokens (redirections may stand anywhere among a
// command's words), takes a trailing comment as one last token, and checks
// that the tokens account for every byte of the body but blanks.
func (w *shWalker) finish(f *sh.File) {
	slices.SortFunc(w.toks, func(x, y shTok) int { return x.s - y.s })
	at := 0
	for _, t := range w.toks {
		if t.s < at || !blanks(w.src[at:t.s]) {
			w.fail(shellUncovered)
			return
		}
		at = t.e
	}
	if blanks(w.src[at:]) {
		return
	}
	// What is left must be a comment: it runs to the end of the body,
	// which holds no line end.
	i := at
	for w.src[i] == ' ' || w.src[i] == '\t' {
		i++
	}
	found := false
	sh.Walk(f, func(n sh.Node) bool {
		if c, ok := n.(*sh.Comment); ok && int(c.Hash.Offset()) == i {
			found = true
		}
		return !found
	})
	if !found {
		w.fail(shellUncovered)
		return
	}
	sc := -1
	if len(w.toks) > 0 {
		sc = w.toks[len(w.toks)-1].scope
	}
	w.add(i, len(w.src), sc, tokPlain)
}

func blanks(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' {
			return false
		}
	}
	return true
}

// shGap is what stands before a token: the line breaks j.breaks[from:to]
// (none where to == from), and whether a break falls inside the token.
type shGap struct {
	from, to int
	inner    bool
	moved    bool // its break moved to the gap before (rule 11)
}

// emitShell prints a shell body laid out by its plan, starting with the
// break at index bi of j.breaks; it returns the index of the first break
// after the body. Breaks between tokens are re-indented (one level, plus
// the nesting of the token that starts the line), unless the instruction
// keeps its lines' indentation as written (kept, rule 13); breaks inside a
// token are content and printed as written.
func (p *printer) emitShell(j joined, pc piece, bi int, kept bool) int {
	toks := pc.sh.toks
	n := len(toks)
	tools := pc.sh.tools
	defer layoutPool.Put(tools)
	gaps := tools.gaps[:0]
	for range n {
		gaps = append(gaps, shGap{})
	}
	tools.gaps = gaps
	// Breaks between tokens.
	k := 0
	for i := bi; i < len(j.breaks) && j.breaks[i].pos < pc.e; i++ {
		b := j.breaks[i]
		for k < n && toks[k].e <= b.pos {
			k++
		}
		switch {
		case k >= n:
		case b.pos > toks[k].s:
			gaps[k].inner = true
		case k > 0:
			if gaps[k].to == gaps[k].from {
				gaps[k].from = i
			}
			gaps[k].to = i + 1
		}
	}
	// &&, ||, | at a break begin the next line (rule 11); nothing else
	// moves. A token alone on its line, or with a break inside it, stays.
	for k := 1; k < n-1; k++ {
		brk, next := gaps[k].to > gaps[k].from, gaps[k+1].to > gaps[k+1].from
		if toks[k].kind == tokLead && next && !brk && !gaps[k].inner {
			gaps[k].from, gaps[k].to = gaps[k+1].from, gaps[k+1].to
			gaps[k+1].from, gaps[k+1].to, gaps[k+1].moved = 0, 0, true
		}
	}
	// level is the indent levels of each token's line: 0 on the
	// instruction's first line; inner, those of the lines inside a
	// construct that the token opens.
	level, inner := tools.levels[:0], tools.inner[:0]
	line := 0 // levels of the current line
	if bi > 0 {
		line = 1 // a break before the body: it starts on a continuation line
	}
	// at returns the index of the earlier token that starts at offset o,
	// or -1 (tokens are sorted).
	at := func(k, o int) int {
		if i, ok := slices.BinarySearchFunc(toks[:k], o, func(x shTok, s int) int { return x.s - s }); o >= 0 && ok {
			return i
		}
		return -1
	}
	for k, t := range toks {
		// The natural level: that of the lines inside the construct the
		// token stands in.
		nat := 1
		if i := at(k, t.scope); i >= 0 {
			nat = inner[i]
		}
		if k > 0 {
			prev := toks[k-1]
			switch {
			case gaps[k].to > gaps[k].from:
				n := nat
				if a := at(k, t.anchor); a >= 0 {
					switch t.role {
					case roleArg, roleLead:
						n = max(n, level[a]+1)
					case roleClose:
						n = max(n, level[a])
					}
				}
				if t.role == roleArg {
					// An argument line the author put deeper keeps its
					// depth, in whole levels.
					if b := j.breaks[gaps[k].to-1].pos; b <= t.s {
						n = max(n, p.levels(j.text[b:t.s]))
					}
				}
				p.breakGap(j, gaps[k].from, gaps[k].to, t.s, strings.Repeat(p.indent, n), kept)
				line = n
			case t.keep && !gaps[k].moved:
				p.out = append(p.out, j.text[prev.e:t.s]...)
			case t.keep:
				p.out = append(p.out, ' ')
			case prev.blankAfter || t.blankBefore:
				p.out = append(p.out, ' ')
			case prev.glueAfter && j.text[prev.e-1] == '(' && j.text[t.s] == '(':
				// "( (" must not become "((", an arithmetic command.
				p.out = append(p.out, ' ')
			case !prev.glueAfter && !t.glueBefore:
				p.out = append(p.out, ' ')
			}
		}
		level = append(level, line)
		inner = append(inner, max(nat, line)+1)
		bi = p.contentBreaks(j, t.s, t.e, bi)
	}
	tools.levels, tools.inner = level, inner
	for bi < len(j.breaks) && j.breaks[bi].pos < pc.e {
		bi++ // none: the last token ends the body
	}
	return bi
}

// levels counts the whole indent levels of the blanks ws, the leading
// white space of a line as the author wrote it: a tab is one level, and
// p.width spaces are one.
func (p *printer) levels(ws string) int {
	tabs := strings.Count(ws, "\t")
	return tabs + (len(ws)-tabs)/p.width
}

// args marks the tokens from k on as going on with the command whose first
// token is head. A command's continued arguments are indented as shfmt
// does and as the docker-library images are written (STYLE.md rule 15(c)):
// at least one level deeper than the line the command began on
// ("apt-get install \" on a line of its own, then the packages one level
// deeper; on the RUN line, the packages at rule 12's one level), or as
// deep as their author put them.
func (w *shWalker) args(k, head int) {
	if head >= len(w.toks) {
		return
	}
	sc := w.toks[head].scope
	for ; k < len(w.toks); k++ {
		// Not the tokens inside a $( ) nor those that close one.
		if t := w.toks[k]; t.scope == sc && t.role == roleStmt {
			w.set(k, roleArg, w.toks[head].s)
		}
	}
}
