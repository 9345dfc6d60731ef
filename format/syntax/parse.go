package syntax

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// maxLine is the longest line, with its line end, that BuildKit's
// bufio.Scanner reads (bufio.MaxScanTokenSize); a longer one is an error.
const maxLine = 64 * 1024

// Parse builds the lossless tree of src. It never fails: any bytes make a
// tree whose Verbatim method returns them unchanged. A fault BuildKit would
// report is recorded in File.Err.
func Parse(src []byte) *File {
	return parse(src, false, nil)
}

// ParseLowering parses src, the printed form of ref, as far as the safety
// check compares it: the lowering of each instruction (File.Lowered), the
// directives and the lines, but no nodes. An instruction whose joined line
// is the same as that of ref's instruction of the same rank takes its
// lowering from ref.
func ParseLowering(src []byte, ref *File) *File {
	return parse(src, true, ref)
}

// parse is Parse; with lowerOnly it keeps only what the safety check
// compares (File.lowered, the directives and the lines), not the nodes.
// An instruction whose joined line is the same as that of ref's instruction
// of the same rank takes its lowering from ref.
func parse(src []byte, lowerOnly bool, ref *File) *File {
	f := &File{Escape: '\\'}
	if bytes.HasPrefix(src, []byte(BOM)) {
		f.BOM = true
		src = src[len(BOM):]
	}
	f.Lines = splitLines(src)
	// One copy of the text: the lowering's strings are cut from it.
	p := fileParser{f: f, lowerOnly: lowerOnly, ref: ref, src: string(src)}
	if ref != nil {
		f.Lowered = make([]*Lowered, 0, len(ref.Lowered))
	} else {
		f.Lowered = make([]*Lowered, 0, len(f.Lines)/4+1)
	}
	// The scratch buffers come from a pool: most files would grow them
	// anew.
	sc := scratchPool.Get().(*parseScratch)
	p.joined = sc.joined[:0]
	if lowerOnly {
		p.parts = sc.parts[:0]
	} else {
		f.Nodes = make([]*Node, 0, len(f.Lines)/2+1)
		p.parts = make([]InstrLine, 0, len(f.Lines))
	}
	p.run()
	sc.joined = p.joined[:0]
	if lowerOnly {
		sc.parts = p.parts[:0]
	}
	scratchPool.Put(sc)
	return f
}

// parseScratch holds a parse's scratch buffers: the joined text of the
// instruction being read, and in a lowerOnly parse, its parts.
type parseScratch struct {
	joined []byte
	parts  []InstrLine
}

var scratchPool = sync.Pool{New: func() any { return new(parseScratch) }}

type fileParser struct {
	f *File

	// Nodes and parts are cut from slabs: nodes from chunks that never
	// move, parts from a slice whose old arrays stay with their nodes.
	nodes []Node
	parts []InstrLine

	lowerOnly bool
	scratch   Node
	ref       *File // the file this one was printed from, if any

	src     string // the text after any byte order mark
	off     int    // src offset of line offLine
	offLine int
	joined  []byte // scratch for joining continuation lines
	instrs  []instrNode

	dirDone bool
	dirSeen map[string]bool

	comments     []string // the description run so far, as BuildKit keeps it
	commentLines []*Node
}

func (p *fileParser) fail(line int, format string, args ...any) {
	if p.f.Err == nil {
		msg := fmt.Sprintf(format, args...)
		// BuildKit names the line; the column is where the line's text
		// starts: the instruction's keyword, the directive's '#'.
		col := 1
		if line < len(p.f.Lines) {
			text := p.f.Lines[line].Text
			col += len(text) - len(TrimLeftSpace(text))
		}
		p.f.Err = &Error{Line: line + 1, Col: col, Msg: lowerFirst(msg)}
	}
}

// lowerFirst lower-cases the first letter of a message unless it starts an
// upper-case word such as a keyword.
func lowerFirst(s string) string {
	if len(s) > 1 && s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z') {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}

func TrimLeftSpace(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] < utf8.RuneSelf && isSpace(rune(b[i])) {
		i++
	}
	if i < len(b) && b[i] >= utf8.RuneSelf {
		return bytes.TrimLeftFunc(b[i:], unicode.IsSpace)
	}
	return b[i:]
}

func isCommentLine(b []byte) bool {
	b = TrimLeftSpace(b)
	return len(b) > 0 && b[0] == '#'
}

// continuation mirrors trimContinuationCharacter: a line continues when its
// last byte before trailing blanks is the escape character and that is not
// itself escaped. seg is the line without the character and the blanks.
func continuation(text []byte, esc byte) (cont bool, seg int) {
	t := len(text)
	for t > 0 && (text[t-1] == ' ' || text[t-1] == '\t') {
		t--
	}
	if t == 0 || text[t-1] != esc {
		return false, len(text)
	}
	if t == 1 || text[t-2] != esc {
		return true, t - 1
	}
	return false, len(text)
}

var directiveRE = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`)

// directiveText reads "name=value" from the text after a comment's '#', as
// DirectiveParser.ParseLine does, with the name in lower case. ok is false
// where the text is no name=value at all.
func directiveText(rest []byte) (name, value string, ok bool) {
	m := directiveRE.FindSubmatch(TrimLeftSpace(rest))
	if m == nil {
		return "", "", false
	}
	return strings.ToLower(string(m[1])), string(m[2]), true
}

// knownDirective reports whether BuildKit takes name as a parser directive.
func knownDirective(name string) bool {
	return name == "syntax" || name == "escape" || name == "check"
}

// directive mirrors DirectiveParser.ParseLine on a line already stripped
// of leading white space.
func (p *fileParser) directive(line []byte, at int) bool {
	if p.dirDone {
		return false
	}
	rest, ok := bytes.CutPrefix(line, []byte("#"))
	if !ok {
		p.dirDone = true
		return false
	}
	k, v, ok := directiveText(rest)
	if !ok || !knownDirective(k) {
		p.dirDone = true
		return false
	}
	if p.dirSeen[k] {
		p.fail(at, "only one %s parser directive can be used", k)
		return false
	}
	if p.dirSeen == nil {
		p.dirSeen = map[string]bool{}
	}
	p.dirSeen[k] = true
	if k == "escape" {
		if v != "`" && v != `\` {
			p.fail(at, "invalid escape token '%s' does not match ` or \\", v)
			return false
		}
		p.f.Escape = v[0]
	}
	p.f.Directives = append(p.f.Directives, Directive{Name: k, Value: v})
	return true
}

// CheckDirective returns the value of the check directive (# check=...)
// that a comment carries, given the comment's text after its '#', or "".
// A run of comments right above an instruction holding one sets the build
// checks for that instruction.
func CheckDirective(comment string) string {
	w := strings.TrimLeftFunc(comment, unicode.IsSpace)
	if len(w) < 5 || !strings.EqualFold(w[:5], "check") {
		return ""
	}
	if k, v, ok := directiveText([]byte(w)); ok && k == "check" {
		return v
	}
	return ""
}

// checkComment returns the value of the check directive that a comment line
// would carry, at column 0, for the instruction below it (BuildKit's
// linter.WithMergedConfigFromComments), or "".
func checkComment(text []byte) string {
	t := TrimLeftSpace(text)
	if len(t) == 0 || t[0] != '#' {
		return ""
	}
	// Most comments are prose: look for the word before the regexp.
	w := TrimLeftSpace(t[1:])
	if len(w) < 5 || !bytes.EqualFold(w[:5], []byte("check")) {
		return ""
	}
	if k, v, ok := directiveText(bytes.TrimSpace(t[1:])); ok && k == "check" {
		return v
	}
	return ""
}

// DirectiveValue returns the name and value of the directive a comment line
// carries, or "".
func DirectiveValue(text []byte) string {
	rest, ok := bytes.CutPrefix(TrimLeftSpace(text), []byte("#"))
	if !ok {
		return ""
	}
	k, v, ok := directiveText(rest)
	if !ok {
		return ""
	}
	return k + "=" + v
}

// FrontDirectives returns the directives as BuildKit's frontend reads them
// before parsing (parser.ParseDirective, directives.go): after an optional
// "#!" line, the leading lines that start with '#' exactly.
func (f *File) FrontDirectives() []string {
	var out []string
	lines := f.Lines
	if len(lines) > 0 && bytes.HasPrefix(lines[0].Text, []byte("#!")) {
		lines = lines[1:]
	}
	for _, l := range lines {
		rest, ok := bytes.CutPrefix(l.Text, []byte("#"))
		if !ok {
			break
		}
		k, v, ok := directiveText(rest)
		if !ok || !knownDirective(k) {
			break
		}
		out = append(out, k+"="+v)
	}
	return out
}

// WouldBeDirective reports whether a comment line would be read as a parser
// directive, or would let the next line be read as one, if it stood first in
// the file.
func WouldBeDirective(text []byte) bool {
	if bytes.HasPrefix(text, []byte("#!")) {
		return true // a shebang line, after which the frontend reads directives
	}
	rest, ok := bytes.CutPrefix(TrimLeftSpace(text), []byte("#"))
	if !ok {
		return false
	}
	k, _, ok := directiveText(rest)
	return ok && knownDirective(k)
}

func (p *fileParser) run() {
	f := p.f
	lines := f.Lines
	// BuildKit's scanner stops at the first line it cannot hold.
	limit := len(lines)
	for i, l := range lines {
		n := len(l.Text) + len(l.EOL)
		if i == 0 && f.BOM {
			n += len(BOM)
		}
		if n >= maxLine && !(n == maxLine && len(l.EOL) > 0 && l.EOL[len(l.EOL)-1] == '\n') {
			limit = i
			break
		}
	}
	for i := 0; i < limit; {
		text := lines[i].Text
		trimmed := TrimLeftSpace(text)
		isDir := p.directive(trimmed, i)
		if len(trimmed) > 0 && trimmed[0] == '#' {
			n := p.node(Node{Kind: CommentNode, Start: i, End: i + 1})
			if isDir {
				n.Kind = DirectiveNode
			} else if c := strings.TrimSpace(p.lineText(i)[1:]); c == "" {
				p.comments, p.commentLines = nil, p.commentLines[:0]
			} else {
				p.comments = append(p.comments, c)
				p.commentLines = append(p.commentLines, n)
			}
			p.add(n)
			i++
			continue
		}
		cont, seg := continuation(trimmed, f.Escape)
		if !cont && seg == 0 {
			p.add(p.node(Node{Kind: BlankNode, Start: i, End: i + 1}))
			i++
			continue
		}
		i = p.instruction(i, limit, len(text)-len(trimmed), cont, seg)
	}
	if limit < len(lines) {
		p.add(p.node(Node{Kind: UnreadNode, Start: limit, End: len(lines)}))
		p.fail(limit, "dockerfile line greater than max allowed size of %d", maxLine-1)
	}
}

// lineText returns line i's text, without its end, as a string cut from
// p.src. The scanner mostly moves forward, so finding the offset is cheap.
func (p *fileParser) lineText(i int) string {
	if i < p.offLine {
		p.off, p.offLine = 0, 0
	}
	for ; p.offLine < i; p.offLine++ {
		l := p.f.Lines[p.offLine]
		p.off += len(l.Text) + len(l.EOL)
	}
	return p.src[p.off : p.off+len(p.f.Lines[i].Text)]
}

// instrNode returns a new instruction node, cut from a chunk.
func (p *fileParser) instrNode() *Lowered {
	if len(p.instrs) == cap(p.instrs) {
		p.instrs = make([]instrNode, 0, min(max(len(p.f.Lines)/8, 4), 64))
	}
	p.instrs = append(p.instrs, instrNode{})
	x := &p.instrs[len(p.instrs)-1]
	x.n.Instruction = &x.in
	return &x.n
}

func (p *fileParser) node(n Node) *Node {
	if p.lowerOnly {
		p.scratch = n
		return &p.scratch
	}
	// Nodes come in chunks: pointers into a chunk stay valid, and only
	// what is used is cleared.
	if len(p.nodes) == cap(p.nodes) {
		p.nodes = make([]Node, 0, min(max(len(p.f.Lines)/4, 8), 256))
	}
	p.nodes = append(p.nodes, n)
	return &p.nodes[len(p.nodes)-1]
}

func (p *fileParser) add(n *Node) {
	if !p.lowerOnly {
		n.index = len(p.f.Nodes)
		p.f.Nodes = append(p.f.Nodes, n)
	}
}

// instruction reads the instruction starting at line i and returns the
// index of the line after it.
func (p *fileParser) instruction(i, limit, lead int, cont bool, seg int) int {
	f := p.f
	n := p.node(Node{Kind: InstructionNode, Start: i})
	if p.lowerOnly {
		p.parts = p.parts[:0]
	}
	p0 := len(p.parts)
	p.parts = append(p.parts, InstrLine{Kind: TextLine, Line: i, TextStart: lead, TextEnd: lead + seg, Cont: cont})
	first := p.lineText(i)[lead : lead+seg]
	var joined []byte
	i++
	if cont {
		joined = append(p.joined[:0], first...)
	}
	for cont && i < limit {
		text := f.Lines[i].Text
		switch {
		case isCommentLine(text):
			p.parts = append(p.parts, InstrLine{Kind: CommentLine, Line: i})
		case len(TrimLeftSpace(text)) == 0:
			p.parts = append(p.parts, InstrLine{Kind: BlankLine, Line: i})
		default:
			var s int
			cont, s = continuation(text, f.Escape)
			p.parts = append(p.parts, InstrLine{Kind: TextLine, Line: i, TextEnd: s, Cont: cont})
			joined = append(joined, text[:s]...)
		}
		i++
	}
	p.joined = joined
	n.InstrLines = p.parts[p0:len(p.parts):len(p.parts)]
	n.BodyStart = i
	// Lowering is a function of the joined line and the escape: an
	// instruction the printer left as it was is lowered as it was.
	var same *Lowered
	if k := len(f.Lowered); p.ref != nil && k < len(p.ref.Lowered) && p.ref.Escape == f.Escape {
		r := p.ref.Lowered[k]
		if joined == nil && first == r.Original || joined != nil && string(joined) == r.Original {
			same = r
		}
	}
	var line string
	switch {
	case same != nil:
		line = same.Original
	case joined == nil:
		line = first
	default:
		line = string(joined)
	}
	n.joinedText = line
	if same != nil && p.lowerOnly && slices.Equal(p.comments, same.PrevComment) &&
		!(canContainHeredoc(same) && strings.Contains(line, "<<")) {
		// For the safety check, the input's lowering stands for this
		// one: all it compares is the same, and it reads no lines.
		f.Lowered = append(f.Lowered, same)
		p.comments, p.commentLines = nil, p.commentLines[:0]
		return i
	}
	var ln *Lowered
	var err error
	if same != nil {
		ln = p.instrNode()
		*ln.Instruction = *same.Instruction
		ln.Value, ln.Next, ln.Children = same.Value, same.Next, same.Children
		ln.Heredocs = nil
	} else {
		ln, err = lowerLine(line, 0, len(line), f.Escape, p.instrNode)
	}
	if err != nil {
		p.fail(n.Start, "%s", err.Error())
	} else {
		ln.StartLine = n.Start + 1
		ln.PrevComment = p.comments
		if canContainHeredoc(ln) && strings.Contains(line, "<<") {
			var docs []Heredoc
			if same != nil {
				docs = same.Heredocs
			} else {
				docs, err = heredocsFromLine(line)
			}
			if err == nil {
				i, err = p.heredocs(ln, docs, i, limit)
			}
			if err != nil {
				p.fail(n.Start, "%s", err.Error())
			}
		}
		ln.EndLine = i
		n.Lowered = ln
		f.Lowered = append(f.Lowered, ln)
		kw := ln.Keyword()
		for _, c := range p.commentLines {
			if kw == "from" || kw == "arg" || checkComment(f.Lines[c.Start].Text) != "" {
				c.Description = true
			}
		}
	}
	p.comments, p.commentLines = nil, p.commentLines[:0]
	n.End = i
	p.add(n)
	return i
}

// canContainHeredoc mirrors Node.canContainHeredoc.
func canContainHeredoc(n *Lowered) bool {
	if strings.EqualFold(n.Value, "onbuild") && n.Next != nil && len(n.Next.Children) > 0 {
		n = n.Next.Children[0]
	}
	switch n.Keyword() {
	case "add", "copy", "run":
		return !n.JSON
	}
	return false
}

// heredocs reads the bodies of the heredocs docs, found on the
// instruction's line, as parser.Parse does, starting at line i.
func (p *fileParser) heredocs(n *Lowered, docs []Heredoc, i, limit int) (int, error) {
	for _, h := range docs {
		var content strings.Builder
		terminated := false
		for i < limit {
			l := p.f.Lines[i]
			i++
			t := l.Text
			if h.Chomp {
				t = bytes.TrimLeft(t, "\t")
			}
			if string(t) == h.Name {
				terminated = true
				break
			}
			content.Write(l.Text)
			content.Write(l.EOL)
		}
		if !terminated {
			return i, errUnterminatedHeredoc
		}
		h.Content = content.String()
		n.Heredocs = append(n.Heredocs, h)
	}
	return i, nil
}

var errUnterminatedHeredoc = fmt.Errorf("unterminated heredoc")

type emptyEnv struct{}

func (emptyEnv) Get(string) (string, bool) { return "", false }
func (emptyEnv) Keys() []string            { return nil }

var reHeredoc = regexp.MustCompile(`^(\d*)<<(-?)\s*([^<]*)$`)

// heredocsFromLine mirrors parser.heredocsFromLine, with BuildKit's own
// shell lexer.
func heredocsFromLine(line string) ([]Heredoc, error) {
	lex := shell.NewLex('\\')
	lex.RawQuotes = true
	lex.RawEscapes = true
	lex.SkipUnsetEnv = true
	// Invalid UTF-8 comes out of the lexer's text/scanner as U+FFFD, and
	// each such byte makes it print an error to standard error: give it
	// the replacement characters directly.
	words, _ := lex.ProcessWords(runeCopy(line), emptyEnv{})
	var docs []Heredoc
	for _, w := range words {
		if !strings.Contains(w, "<<") {
			continue
		}
		h, err := parseHeredoc(w)
		if err != nil {
			return nil, err
		}
		if h != nil {
			docs = append(docs, *h)
		}
	}
	return docs, nil
}

// parseHeredoc mirrors parser.ParseHeredoc.
func parseHeredoc(src string) (*Heredoc, error) {
	m := reHeredoc.FindStringSubmatch(src)
	if m == nil || m[3] == "" {
		return nil, nil
	}
	fd, _ := strconv.ParseUint(m[1], 10, 0)
	lex := shell.NewLex('\\')
	lex.SkipUnsetEnv = true
	words, err := lex.ProcessWords(m[3], emptyEnv{})
	if err != nil {
		return nil, err
	}
	if len(words) != 1 {
		return nil, nil
	}
	lex.RawQuotes = true
	raw, err := lex.ProcessWords(m[3], emptyEnv{})
	if err != nil {
		return nil, err
	}
	if len(raw) != len(words) {
		return nil, fmt.Errorf("internal lexing of heredoc produced inconsistent results: %s", m[3])
	}
	q := strings.Count(words[0], `'`) + strings.Count(words[0], `"`)
	rq := strings.Count(raw[0], `'`) + strings.Count(raw[0], `"`)
	return &Heredoc{Name: words[0], Expand: q == rq, Chomp: m[2] == "-", FileDescriptor: uint(fd)}, nil
}
