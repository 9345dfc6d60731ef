package format

import (
	"bytes"
	"slices"
	"strings"
	"sync"

	"github.com/dfmt/dfmt/format/syntax"
)

// gap is how the printer fills the space before a piece of an instruction
// when no line break falls in it.
type gap int

const (
	gapSpace gap = iota // exactly one space: BuildKit splits words there
	gapNone             // nothing (inside a JSON array)
	gapKeep             // as written (shell text keeps its spacing)
)

// piece is a run of the joined instruction text that is printed as written,
// except for text, which replaces it when set (an upper-cased keyword).
type piece struct {
	s, e int
	gap  gap // what stands before the piece
	text string
	sh   *shellPlan // a shell body laid out by STYLE.md rule 15 (shell.go)
}

// brk is a line break of the source instruction: the joined text continues
// at pos, after the comment lines in between.
type brk struct {
	pos      int
	comments []int // line indices
}

// joined is an instruction's text as BuildKit joins it, with the places of
// its line breaks.
type joined struct {
	text   string
	breaks []brk
	first  syntax.InstrLine
}

// join returns n's joined text and breaks; the breaks are appended to
// buf[:0].
func join(n *syntax.Node, buf []brk) joined {
	j := joined{breaks: buf[:0]}
	var pending []int
	pos := 0
	for k, pt := range n.InstrLines {
		switch pt.Kind {
		case syntax.TextLine:
			if k > 0 {
				j.breaks = append(j.breaks, brk{pos: pos, comments: pending})
				pending = nil
			}
			pos += pt.TextEnd - pt.TextStart
		case syntax.CommentLine:
			pending = append(pending, pt.Line)
		}
	}
	// A continuation that ran into the end of the file.
	for k := len(n.InstrLines) - 1; k >= 0; k-- {
		if n.InstrLines[k].Kind == syntax.TextLine {
			if n.InstrLines[k].Cont {
				j.breaks = append(j.breaks, brk{pos: pos, comments: pending})
			}
			break
		}
	}
	j.text = n.Joined()
	j.first = n.InstrLines[0]
	return j
}

// printer prints a File in the canonical style.
type printer struct {
	f      *syntax.File
	out    []byte
	eol    []byte
	indent string // one level
	// width is the spaces that make one level of the author's
	// indentation, where an argument line keeps it (STYLE.md rule
	// 15(c)): the indent width, or four with tabs.
	width int
	esc   byte
	// keep marks instructions (by node index) to print as written: those
	// the safety check found changed (set for each print).
	keep  map[int]bool
	hatch hatches // what the file's escape hatches keep as written
	sh    shellState

	// Scratch reused from one instruction to the next.
	ps   []piece
	brks []brk
}

// newPrinter returns a printer of f with the file's escape hatches and the
// shells of its instructions (shellContexts). Its scratch buffers come
// from a pool: release returns them.
func newPrinter(f *syntax.File, opts Options, h hatches, shells shellContext) *printer {
	p := &printer{f: f, eol: []byte("\n"), esc: f.Escape, hatch: h}
	p.sh.ctx = shells
	sc := printScratch.Get().(*printerScratch)
	p.ps, p.brks = sc.ps[:0], sc.brks[:0]
	if len(f.Lines) > 0 && bytes.HasSuffix(f.Lines[0].EOL, []byte("\r\n")) {
		p.eol = []byte("\r\n")
	}
	switch {
	case opts.Tabs:
		p.indent, p.width = "\t", 4
	case opts.Indent > 0:
		p.indent, p.width = strings.Repeat(" ", opts.Indent), opts.Indent
	default:
		p.indent, p.width = "    ", 4
	}
	return p
}

// release returns the printer's scratch buffers to the pool.
func (p *printer) release() {
	// Pieces and breaks point into this file's plans and comment lists:
	// clear them, not to keep those alive.
	clear(p.ps[:cap(p.ps)])
	clear(p.brks[:cap(p.brks)])
	printScratch.Put(&printerScratch{ps: p.ps[:0], brks: p.brks[:0]})
	p.ps, p.brks = nil, nil
}

// printerScratch holds a printer's piece and break buffers from one file
// to the next.
type printerScratch struct {
	ps   []piece
	brks []brk
}

var printScratch = sync.Pool{New: func() any { return new(printerScratch) }}

// printSafely prints the file, keeping as written the instructions keep
// marks, and returns the output with the parses of the shell bodies it
// laid out, keyed by their lowering, which the safety check may reuse. It
// reports false if the printer panicked: a printer bug then costs the file
// its formatting, never the user's run. The fuzz tests see it as a
// fallback.
func (p *printer) printSafely(keep map[int]bool) (out []byte, parses map[*syntax.Lowered]parsedShell, ok bool) {
	defer func() {
		if recover() != nil {
			out, parses, ok = nil, nil, false
		}
	}()
	p.keep = keep
	// The output is about as long as the input: one allocation mostly.
	n := 64
	for _, l := range p.f.Lines {
		n += len(l.Text) + len(l.EOL)
	}
	p.out = make([]byte, 0, n+n/8)
	return p.print(), p.sh.parsed, true
}

// trimTrailing removes trailing white space from a comment line. A comment
// never continues, whatever it ends with, so any white space may go; a
// carriage return left at the end would join the line end and make it CRLF.
func (p *printer) trimTrailing(b []byte) []byte {
	return bytes.TrimRight(b, " \t\r\v\f")
}

func (p *printer) line(b []byte) {
	p.out = append(p.out, b...)
	p.out = append(p.out, p.eol...)
}

// raw prints lines [s, e) as written but for their line ends, which become
// the file's: outside heredoc bodies a line end is never content.
func (p *printer) raw(s, e int) {
	for i := s; i < e; i++ {
		p.line(p.f.Lines[i].Text)
	}
}

// body prints heredoc body lines [s, e) exactly as written, line ends
// included, adding a line end to a last line that lacks one.
func (p *printer) body(s, e int) {
	for i := s; i < e; i++ {
		l := p.f.Lines[i]
		p.out = append(p.out, l.Text...)
		p.out = append(p.out, l.EOL...)
		if len(l.EOL) == 0 || l.EOL[len(l.EOL)-1] != '\n' {
			p.out = append(p.out, p.eol...)
		}
	}
}

// node prints a node as written (line ends aside).
func (p *printer) verbatim(n *syntax.Node) {
	if n.Kind == syntax.InstructionNode {
		p.raw(n.Start, n.BodyStart)
		p.body(n.BodyStart, n.End)
		return
	}
	p.raw(n.Start, n.End)
}

// protectsStart reports whether the blank lines before n, the first node
// printed, must stay: without them a comment would become a directive (or a
// shebang before directives), or a byte order mark that opens the line would
// be stripped as the file's.
func protectsStart(n *syntax.Node, printed, line []byte) bool {
	if bytes.HasPrefix(line, []byte(syntax.BOM)) {
		return true
	}
	return n.Kind == syntax.CommentNode && syntax.WouldBeDirective(printed)
}

// comment returns the text a comment line is printed as.
func (p *printer) comment(n *syntax.Node, first bool) []byte {
	text := p.f.Lines[n.Start].Text
	// BuildKit reads a comment's text after its first byte, so an
	// indented comment reads "# …": a description or a check keeps
	// its indentation, and so does an indented bare "#", which at
	// column 0 would end the run of comments above an instruction.
	// An indented "#!" first in the file stays indented too: at
	// column 0 it is a shebang, after which BuildKit's frontend reads
	// directives.
	if !n.Description && string(bytes.TrimSpace(text)) != "#" &&
		!(first && bytes.HasPrefix(syntax.TrimLeftSpace(text), []byte("#!"))) {
		text = syntax.TrimLeftSpace(text)
	}
	// Trailing blanks go, unless they are a directive's value
	// ("# check= "): after a shebang the frontend reads directives
	// from plain comments.
	if t := p.trimTrailing(text); len(t) == len(text) || syntax.DirectiveValue(t) == syntax.DirectiveValue(text) {
		text = t
	}
	return text
}

// breakGap prints the line breaks j.breaks[from:to], which fall together
// between two parts of an instruction: the end of the line before them (one
// space and the continuation character), the comment lines and the lines
// of the continuation character alone that stand between them, and then the
// indentation of the line of code at offset next of j.text (none where next
// is negative: the instruction ends in a continuation). ind is that
// indentation; a line of the continuation character alone takes it too.
// Where the instruction keeps its lines' indentation as written (kept,
// rule 13), each line takes its own instead.
func (p *printer) breakGap(j joined, from, to, next int, ind string, kept bool) {
	p.out = append(p.out, ' ', p.esc)
	p.out = append(p.out, p.eol...)
	for i := from; i < to; i++ {
		// The line that starts at this break ends at the next one, or
		// at next.
		lead := ind
		if b := j.breaks[i].pos; kept && (i+1 < to || next >= 0) {
			switch {
			case i+1 < to:
				lead = j.text[b:j.breaks[i+1].pos]
			case b <= next:
				lead = j.text[b:next]
			default:
				// An operator moved to the start of this line (rule 11):
				// it takes the line's blanks.
				lead = leadingBlanks(j.text[b:])
			}
		}
		for _, c := range j.breaks[i].comments {
			p.commentLine(c, lead)
		}
		if i+1 < to {
			// The line held only the continuation character. Authors set
			// off parts of a long RUN with them, and BuildKit reads them
			// as blanks, not as empty lines.
			p.out = append(p.out, lead...)
			p.line([]byte{p.esc})
		} else if next >= 0 {
			p.out = append(p.out, lead...)
		}
	}
}

// contentBreak reports whether a line break of j falls inside one of the
// parts ps, or inside a token of a shell body laid out: inside a word or
// quotes (or text a shell body keeps as written), where the next line's
// leading white space is content. The instruction then keeps the
// indentation of all its continuation lines as written (STYLE.md rule 13).
func contentBreak(j joined, ps []piece) bool {
	k := 0
	for _, b := range j.breaks {
		for k < len(ps) && ps[k].e <= b.pos {
			k++
		}
		if k == len(ps) {
			return false
		}
		pc := ps[k]
		if b.pos <= pc.s {
			continue
		}
		if pc.sh == nil {
			return true
		}
		toks := pc.sh.toks
		i, _ := slices.BinarySearchFunc(toks, b.pos, func(t shTok, pos int) int { return t.e - pos })
		for i < len(toks) && toks[i].e <= b.pos {
			i++
		}
		if i < len(toks) && toks[i].s < b.pos {
			return true
		}
	}
	return false
}

// commentLine prints a comment line inside an instruction, without its
// trailing white space (STYLE.md rule 14): one that starts in column 0
// stays there, as the Docker Official Images mark theirs; any other takes
// lead, the indentation of the line after it, the code it describes.
func (p *printer) commentLine(c int, lead string) {
	text := p.f.Lines[c].Text
	if len(text) > 0 && text[0] == '#' {
		p.line(p.trimTrailing(text))
		return
	}
	// A comment line must stay one: only blanks may stand before its '#'.
	k := 0
	for k < len(lead) && (lead[k] == ' ' || lead[k] == '\t') {
		k++
	}
	p.out = append(p.out, lead[:k]...)
	p.line(p.trimTrailing(syntax.TrimLeftSpace(text)))
}

// leadingBlanks returns the blanks that start s.
func leadingBlanks(s string) string {
	k := 0
	for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
		k++
	}
	return s[:k]
}

func (p *printer) print() []byte {
	f := p.f
	if f.BOM {
		p.out = append(p.out, syntax.BOM...)
	}
	started, blank := false, false
	offEnd := 0 // the nodes before it are in a dfmt:off region
	for k, n := range f.Nodes {
		if k < offEnd {
			p.verbatim(n)
			continue
		}
		if n.Kind == syntax.BlankNode {
			blank = true
			continue
		}
		first := !started
		var text []byte
		if n.Kind == syntax.CommentNode {
			text = p.comment(n, first)
		}
		if blank && (started || protectsStart(n, text, f.Lines[n.Start].Text)) {
			p.out = append(p.out, p.eol...)
		}
		blank, started = false, true
		switch n.Kind {
		case syntax.CommentNode:
			p.line(text)
			if e, ok := p.hatch.off[k]; ok {
				offEnd = e
			}
		case syntax.DirectiveNode:
			// A directive's value may end in blanks it needs.
			text := f.Lines[n.Start].Text
			if t := p.trimTrailing(text); syntax.DirectiveValue(t) == syntax.DirectiveValue(text) {
				text = t
			}
			p.line(text)
		case syntax.InstructionNode:
			if p.hatch.ignore[k] || p.keep[k] || !p.instruction(n) {
				p.verbatim(n)
			}
		default:
			p.verbatim(n)
		}
	}
	return p.out
}

// instruction prints n in the canonical style and reports whether it could;
// when it returns false it has printed nothing.
func (p *printer) instruction(n *syntax.Node) bool {
	if n.Lowered == nil {
		return false
	}
	p.sh.cur = n
	j := join(n, p.brks)
	p.brks = j.breaks[:0]
	if j.first.TextEnd == j.first.TextStart {
		return false // a lone continuation character opens it
	}
	pieces, ok := p.pieces(p.ps[:0], j.text, n.Lowered)
	if !ok {
		return false
	}
	p.ps = pieces[:0]
	// A last line ending in the escape character would continue: BuildKit
	// saw white space after it (a vertical tab, say) that printing drops.
	if last := pieces[len(pieces)-1]; j.text[last.e-1] == p.esc && (len(j.breaks) == 0 || j.breaks[len(j.breaks)-1].pos < last.e) {
		return false
	}
	// No break may fall before the keyword.
	for _, b := range j.breaks {
		if b.pos <= pieces[0].s {
			return false
		}
	}
	p.emit(j, pieces)
	p.body(n.BodyStart, n.End)
	return true
}

// upperKeyword returns the keyword kw in upper case, and in lower case as
// BuildKit dispatches on it; ok is false for one BuildKit does not know.
func upperKeyword(kw string) (upper, lower string, ok bool) {
	lower = syntax.LowerKeyword(kw)
	upper, ok = upperKeywords[lower]
	return upper, lower, ok
}

// upperKeywords maps the known keywords to upper case. (A known keyword is
// ASCII, so kw in upper case is its keyword's.)
var upperKeywords = func() map[string]string {
	m := make(map[string]string, len(syntax.Keywords))
	for _, k := range syntax.Keywords {
		m[k] = strings.ToUpper(k)
	}
	return m
}()

// pieces splits the instruction line text[s:e] into what the printer
// prints, mirroring how BuildKit splits it. ok is false for a keyword
// BuildKit does not know.
// The pieces are appended to ps.
func (p *printer) pieces(ps []piece, text string, ln *syntax.Lowered) ([]piece, bool) {
	c := ln.Cmd
	kw, lk, known := upperKeyword(text[c.Keyword.S:c.Keyword.E])
	if !known {
		return nil, false
	}
	ps = append(ps, piece{s: c.Keyword.S, e: c.Keyword.E, text: kw})
	for _, fl := range c.Flags {
		ps = append(ps, piece{s: fl.S, e: fl.E})
	}
	a, b := c.Args.S, c.Args.E
	// The "--" that ends the flags is no flag, but it is text.
	if len(c.Flags) > 0 || c.Keyword.E < a {
		last := ps[len(ps)-1].e
		for _, w := range syntax.Fields(text, last, a, 0) {
			if text[w.S:w.E] == "--" {
				ps = append(ps, piece{s: w.S, e: w.E})
			}
		}
	}
	if a == b {
		return ps, true
	}
	words := func(sp []syntax.Span) {
		for _, w := range sp {
			ps = append(ps, piece{s: w.S, e: w.E})
		}
	}
	// fields appends the words of wsFields(text, a, b, 0) and returns
	// how many.
	fields := func(a, b int) int {
		return syntax.EachField(text, a, b, 0, func(s, e int) { ps = append(ps, piece{s: s, e: e}) })
	}
	switch lk {
	case "add", "copy", "volume":
		if ln.JSON {
			ps = appendJSON(ps, text, ln.JSONTokens)
		} else if execLike(text[a:b]) {
			ps = append(ps, piece{s: a, e: b}) // STYLE.md rule 9: not JSON, left as written
		} else {
			fields(a, b)
		}
	case "expose":
		fields(a, b)
	case "from":
		if fields(a, b) == 3 {
			if as := ps[len(ps)-2]; strings.EqualFold(text[as.s:as.e], "as") {
				ps[len(ps)-2].text = "AS"
			}
		}
	case "arg":
		// The lowering split the words already.
		words(ln.Spans)
	case "env", "label":
		if ln.Legacy && len(ln.Spans) == 2 && text[ln.Spans[0].E-1] == p.esc {
			// The key's last character escapes the first blank after it:
			// no blank there can be moved without changing the words.
			return nil, false
		}
		words(ln.Spans)
	case "maintainer", "stopsignal", "user", "workdir":
		ps = append(ps, piece{s: a, e: b})
	case "cmd", "entrypoint", "run", "shell":
		ps = p.appendMaybeJSON(ps, text, a, b, ln, lk != "shell")
	case "healthcheck":
		typ, cmd := ln.HealthType, ln.HealthCmd
		if typ.E == typ.S {
			// The text starts with a byte BuildKit's type split takes
			// for white space but its trimming does not (0xA0): no type
			// word to print.
			return nil, false
		}
		pc := piece{s: typ.S, e: typ.E}
		if t := text[typ.S:typ.E]; strings.EqualFold(t, "cmd") || strings.EqualFold(t, "none") {
			pc.text = strings.ToUpper(t)
		}
		ps = append(ps, pc)
		if cmd < b {
			ps = p.appendMaybeJSON(ps, text, cmd, b, ln, strings.EqualFold(text[typ.S:typ.E], "cmd"))
		}
	case "onbuild":
		var ok bool
		if ps, ok = p.pieces(ps, text, ln.Next.Children[0]); !ok {
			return nil, false
		}
	}
	return ps, true
}

func appendJSON(ps []piece, text string, toks []syntax.Span) []piece {
	for i, t := range toks {
		g := gapNone
		if i > 0 && text[toks[i-1].S] == ',' {
			g = gapSpace
		}
		if i == 0 {
			g = gapSpace
		}
		ps = append(ps, piece{s: t.S, e: t.E, gap: g})
	}
	return ps
}

// appendMaybeJSON appends an exec-form array, or shell-form text: laid out
// as shell where shell is set and the body allows (shellPlan), else as
// words that keep their spacing.
// execLike reports whether text that is not valid JSON looks like an
// exec-form array all the same: "[" then a quote or "]", and "]" last; not
// a shell test such as "[ -f x ]" or "[[ … ]]".
func execLike(text string) bool {
	if len(text) < 2 || text[0] != '[' || text[len(text)-1] != ']' {
		return false
	}
	t := strings.TrimLeft(text[1:], " \t\v\f\r")
	return t != "" && (t[0] == '"' || t[0] == '\'' || t[0] == ']')
}

func (p *printer) appendMaybeJSON(ps []piece, text string, a, b int, ln *syntax.Lowered, shell bool) []piece {
	if ln.JSON {
		return appendJSON(ps, text, ln.JSONTokens)
	}
	if execLike(text[a:b]) {
		// STYLE.md rule 9: text that looks like an exec form but is not
		// valid JSON is left as written. Moving white space could make it
		// valid.
		return append(ps, piece{s: a, e: b, gap: gapSpace})
	}
	if shell {
		if plan := p.shellPlan(text, a, b); plan != nil {
			return append(ps, piece{s: a, e: b, gap: gapSpace, sh: plan})
		}
		// A body not laid out as shell keeps its text and its
		// continuation lines' indentation as written (STYLE.md rule
		// 15(e)): white space is content to cmd.exe, PowerShell reads
		// more than can be checked here, and shell that does not parse,
		// or that shells read differently, cannot be shown to stay the
		// same when its blanks move.
		return append(ps, piece{s: a, e: b, gap: gapSpace})
	}
	for i, w := range shellWords(text, a, b, p.esc) {
		g := gapKeep
		if i == 0 {
			g = gapSpace
		}
		ps = append(ps, piece{s: w.S, e: w.E, gap: g})
	}
	return ps
}

// posixShell reports whether the instruction being printed runs its shell
// text with a POSIX shell (see shellContexts).
func (p *printer) posixShell() bool {
	_, not := p.sh.ctx.kept[p.sh.cur]
	return !not
}

// shellWords splits shell text at the blanks that only separate words
// (see separatingBlanks). It only finds where line breaks may be re-indented; it
// does not parse shell. Where separatingBlanks cannot tell, the whole text is one
// word, and its line breaks stay as written.
func shellWords(text string, a, b int, esc byte) []syntax.Span {
	var out []syntax.Span
	start := a
	ok := separatingBlanks(text[a:b], esc, func(i, j int) {
		if i > 0 {
			out = append(out, syntax.Span{S: start, E: a + i})
		}
		start = a + j
	})
	if !ok {
		return []syntax.Span{{S: a, E: b}}
	}
	if start < b {
		out = append(out, syntax.Span{S: start, E: b})
	}
	return out
}

// emit prints the pieces of an instruction. Line breaks that fall between
// pieces are re-indented; those inside a piece are content and printed as
// written, with the next line's leading white space.
func (p *printer) emit(j joined, ps []piece) {
	cont := p.indent
	kept := contentBreak(j, ps)
	bi := 0 // next break
	prevEnd := 0
	for k, pc := range ps {
		if k > 0 {
			from := bi
			for bi < len(j.breaks) && j.breaks[bi].pos <= pc.s {
				bi++
			}
			switch {
			case bi > from:
				p.breakGap(j, from, bi, pc.s, cont, kept)
				if !kept && pc.s < len(j.text) && j.text[pc.s] == '#' {
					// The line would now start with '#', a comment
					// line, where bytes BuildKit splits words at but
					// no comment reading skips (0xA0, say) stood before
					// it: keep those.
					k := j.breaks[bi-1].pos
					for k < pc.s && (j.text[k] == ' ' || j.text[k] == '\t') {
						k++
					}
					p.out = append(p.out, j.text[k:pc.s]...)
				}
			case pc.gap == gapSpace && strings.Trim(j.text[prevEnd:pc.s], " \t") != "":
				// White space other than blanks (a form feed, say) splits
				// words for BuildKit's parser but not for its heredoc
				// lexer: keep it.
				p.out = append(p.out, j.text[prevEnd:pc.s]...)
			case pc.gap == gapSpace:
				p.out = append(p.out, ' ')
			case pc.gap == gapKeep:
				p.out = append(p.out, j.text[prevEnd:pc.s]...)
			}
		}
		if pc.sh != nil {
			bi = p.emitShell(j, pc, bi, kept)
			prevEnd = pc.e
			continue
		}
		if pc.text != "" && (bi >= len(j.breaks) || j.breaks[bi].pos >= pc.e) {
			p.out = append(p.out, pc.text...)
		} else {
			bi = p.contentBreaks(j, pc.s, pc.e, bi)
		}
		prevEnd = pc.e
	}
	if bi < len(j.breaks) {
		p.breakGap(j, bi, len(j.breaks), -1, cont, kept)
		return
	}
	p.out = append(p.out, p.eol...)
}

// contentBreaks prints j.text[s:e], a part of the instruction that holds
// the line breaks from j.breaks[bi] on that fall inside it, and returns the
// index of the first break after it. A break inside a word or quotes is
// content: the text around it, and the next line's leading white space,
// are printed as written; a comment line there takes that white space
// (rule 14).
func (p *printer) contentBreaks(j joined, s, e, bi int) int {
	cur := s
	for bi < len(j.breaks) && j.breaks[bi].pos < e {
		b := j.breaks[bi]
		bi++
		if b.pos <= s {
			continue // a break before the part, printed with the gap
		}
		p.out = append(p.out, j.text[cur:b.pos]...)
		p.out = append(p.out, p.esc)
		p.out = append(p.out, p.eol...)
		lead := leadingBlanks(j.text[b.pos:e])
		for _, c := range b.comments {
			p.commentLine(c, lead)
		}
		cur = b.pos
	}
	p.out = append(p.out, j.text[cur:e]...)
	return bi
}
