package refactor

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/syntax"
)

// file is one Dockerfile while a refactor runs over it: the tree, its
// instructions and stages, and what the refactor decided so far.
type file struct {
	f      *syntax.File
	esc    byte
	eol    string
	insts  []*inst
	stages *syntax.Stages // the one model of stages and shells

	name  string // the refactor running
	sites []site
	skips []Skip
}

// inst is an instruction with its joined text and where that text lies in
// the file's lines.
type inst struct {
	k    int // index in File.Nodes
	n    *syntax.Node
	low  *syntax.Lowered
	kw   string // the keyword in lower case, as BuildKit dispatches on it
	text string // the joined text, as BuildKit reads it (Node.Joined)
	// cmd is where the keyword, the flags and the arguments lie in text,
	// as the lowering split it.
	cmd *syntax.Command

	stage *syntax.Stage // nil before the first FROM
	shell syntax.Shell  // the shell in effect where the instruction stands
	// kept says why the formatter prints the instruction as written
	// ("dfmt:ignore", "dfmt:off"), and so why no refactor touches it.
	kept string
}

// site is one rewrite: lines [start, end) of the file become lines.
type site struct {
	title      string // what it does, for an editor (Site.Title)
	start, end int
	lines      []string // without line ends
}

var errCommentInside = errors.New("a comment line inside the instruction is in the way")

// load parses src for a refactor. A file BuildKit rejects is its
// *format.Error.
func load(src []byte) (*file, error) {
	pf := syntax.Parse(src)
	if pf.Err != nil {
		return nil, pf.Err
	}
	f := &file{f: pf, esc: pf.Escape, eol: "\n"}
	if len(pf.Lines) > 0 && bytes.HasSuffix(pf.Lines[0].EOL, []byte("\r\n")) {
		f.eol = "\r\n"
	}
	f.stages = syntax.NewStages(pf)
	off := false
	for k, n := range pf.Nodes {
		if n.Kind == syntax.CommentNode {
			switch format.EscapeHatch(pf.Lines[n.Start].Text) {
			case "dfmt:off":
				off = true
			case "dfmt:on":
				off = false
			}
		}
		if n.Kind != syntax.InstructionNode || n.Lowered == nil {
			continue
		}
		in := f.newInst(n)
		in.k = k
		switch {
		case off:
			in.kept = "dfmt:off"
		case k > 0 && pf.Nodes[k-1].Kind == syntax.CommentNode && pf.Nodes[k-1].End == n.Start &&
			format.EscapeHatch(pf.Lines[n.Start-1].Text) == "dfmt:ignore":
			in.kept = "dfmt:ignore"
		}
		in.stage = f.stages.StageOf(n)
		in.shell = f.stages.ShellAt(n)
		f.insts = append(f.insts, in)
	}
	return f, nil
}

func commentWord(text []byte) string {
	t := bytes.TrimSpace(text)
	t = bytes.TrimPrefix(t, []byte("#"))
	return string(bytes.TrimSpace(t))
}

func (f *file) newInst(n *syntax.Node) *inst {
	return &inst{n: n, low: n.Lowered, kw: n.Lowered.Keyword(), text: n.Joined(), cmd: &n.Lowered.Cmd}
}

// line is the instruction's 1-based first line.
func (in *inst) line() int { return in.n.Start + 1 }

// pos is where byte j of in's joined text stands in the file.
func (f *file) pos(in *inst, j int) syntax.Pos { return f.f.JoinedPos(in.n, j) }

// endPos is where joined offset j stands as the end of a range: right
// after byte j-1, on that byte's line, where pos would give the start of
// the next line when j-1 ends one.
func (f *file) endPos(in *inst, j int) syntax.Pos {
	if j == 0 {
		return f.pos(in, 0)
	}
	p := f.pos(in, j-1)
	p.Offset++
	p.Col++
	return p
}

// lineOf is the index of the line where byte j of in's joined text
// stands.
func (f *file) lineOf(in *inst, j int) int { return f.pos(in, j).Line - 1 }

// args is the instruction's argument text.
func (in *inst) args() string { return in.text[in.cmd.Args.S:in.cmd.Args.E] }

// skip records that the running refactor does not apply at in. The skip
// stands at the instruction's keyword.
func (f *file) skip(in *inst, format string, a ...any) {
	f.skipAt(in, in.cmd.Keyword, format, a...)
}

// skipAt records that the running refactor does not apply at in, for a
// reason that concerns the word at joined text [at.S, at.E) (a source, a
// flag, a word of the command): the skip stands there.
func (f *file) skipAt(in *inst, at syntax.Span, format string, a ...any) {
	start, end := f.pos(in, at.S), f.endPos(in, at.E)
	f.skips = append(f.skips, Skip{
		Line: start.Line, Col: start.Col, EndLine: end.Line, EndCol: end.Col,
		Name: f.name, Reason: fmt.Sprintf(format, a...),
	})
}

// common reports, as a skip, the reasons that keep every refactor away
// from an instruction, and whether there was one.
func (f *file) common(in *inst) bool {
	switch {
	case in.kept != "":
		f.skip(in, "marked %s: kept as written", in.kept)
	default:
		return false
	}
	return true
}

// edit replaces joined text [s, e) with text.
type edit struct {
	s, e int
	text string
}

// rewrite applies edits to the instruction's lines before its heredoc
// bodies and returns the new lines. An edit within one line keeps the
// lines as they are; one across a line break joins the lines it spans,
// unless a comment line stands between them.
func (f *file) rewrite(in *inst, eds []edit) ([]string, error) {
	first := in.n.Start
	lines := make([]string, in.n.BodyStart-first)
	for i := range lines {
		lines[i] = string(f.f.Lines[first+i].Text)
	}
	comment := map[int]bool{}
	for _, pt := range in.n.InstrLines {
		if pt.Kind == syntax.CommentLine {
			comment[pt.Line-first] = true
		}
	}
	eds = slices.Clone(eds)
	sort.SliceStable(eds, func(i, j int) bool { return eds[i].s < eds[j].s })
	for i := 1; i < len(eds); i++ {
		if eds[i].s < eds[i-1].e {
			return nil, errors.New("internal error: overlapping edits")
		}
	}
	for i := len(eds) - 1; i >= 0; i-- {
		ed := eds[i]
		// An insertion where one line's text ends and the next begins goes
		// to the start of the next.
		start := f.pos(in, ed.s)
		end := start
		if ed.s != ed.e {
			end = f.endPos(in, ed.e)
		}
		ls, cs := start.Line-1-first, start.Col-1
		le, ce := end.Line-1-first, end.Col-1
		if ls == le {
			lines[ls] = lines[ls][:cs] + ed.text + lines[ls][ce:]
			continue
		}
		for l := ls + 1; l < le; l++ {
			if comment[l] {
				return nil, errCommentInside
			}
		}
		lines[ls] = lines[ls][:cs] + ed.text + lines[le][ce:]
		lines = slices.Delete(lines, ls+1, le+1)
		// Comment lines after le keep their places relative to the end.
		nc := map[int]bool{}
		for l := range comment {
			if l > le {
				nc[l-(le-ls)] = true
			} else {
				nc[l] = true
			}
		}
		comment = nc
	}
	return lines, nil
}

// replace records that lines [start, end) become lines, a rewrite an
// editor offers as title.
func (f *file) replace(title string, start, end int, lines []string) {
	f.sites = append(f.sites, site{title: title, start: start, end: end, lines: lines})
}

// output prints the file with its sites rewritten. m maps each output
// line to the input line it came from.
func (f *file) output() (out []byte, m []int) {
	sites := slices.Clone(f.sites)
	sort.Slice(sites, func(i, j int) bool { return sites[i].start < sites[j].start })
	if f.f.BOM {
		out = append(out, 0xEF, 0xBB, 0xBF)
	}
	line := 0
	copyTo := func(end int) {
		for ; line < end; line++ {
			l := f.f.Lines[line]
			out = append(out, l.Text...)
			out = append(out, l.EOL...)
			m = append(m, line)
		}
	}
	for _, s := range sites {
		copyTo(s.start)
		for i, text := range s.lines {
			out = append(out, text...)
			if i == len(s.lines)-1 {
				out = append(out, f.f.Lines[s.end-1].EOL...)
			} else {
				out = append(out, f.eol...)
			}
			m = append(m, s.start+min(i, s.end-s.start-1))
		}
		line = s.end
	}
	copyTo(len(f.f.Lines))
	return out, m
}

// check parses an instruction's new lines on their own (after the file's
// escape directive, before the heredoc bodies of in when in is not nil)
// and returns what BuildKit sees of them.
func (f *file) check(lines []string, in *inst) (*syntax.Lowered, error) {
	var b strings.Builder
	if f.esc == '`' {
		b.WriteString("# escape=`\n")
	}
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	if in != nil {
		for i := in.n.BodyStart; i < in.n.End; i++ {
			l := f.f.Lines[i]
			b.Write(l.Text)
			if len(l.EOL) == 0 {
				b.WriteByte('\n')
			}
			b.Write(l.EOL)
		}
	}
	pf := syntax.Parse([]byte(b.String()))
	if pf.Err != nil {
		return nil, pf.Err
	}
	var got *syntax.Lowered
	for _, n := range pf.Nodes {
		if n.Kind == syntax.InstructionNode {
			if got != nil {
				return nil, errors.New("the rewrite is more than one instruction")
			}
			got = n.Lowered
		}
	}
	if got == nil {
		return nil, errors.New("the rewrite is no instruction")
	}
	return got, nil
}

type lnode = syntax.Lowered

// verify parses an instruction's new lines (with in's heredoc bodies
// after them) and has ok judge what BuildKit sees of them. Every rewrite
// goes through it, so a slip in building the text becomes a skip, not a
// changed build.
func (f *file) verify(lines []string, in *inst, ok func(*lnode) bool) error {
	n, err := f.check(lines, in)
	if err != nil {
		return fmt.Errorf("internal error: the rewrite does not parse: %v", err)
	}
	if !ok(n) {
		return errors.New("internal error: the rewrite does not read back as intended")
	}
	return nil
}

// onbuild is the instruction under an ONBUILD, or nil.
func (in *inst) onbuild() *lnode {
	if in.kw == "onbuild" && in.low.Next != nil && len(in.low.Next.Children) == 1 {
		return in.low.Next.Children[0]
	}
	return nil
}

// drop is the edit that removes the word at joined [s, e) with the white
// space on one side of it: before it (back to prev) when that is on the
// word's line, else after it (up to next), else, across a line break,
// before it.
func (f *file) drop(in *inst, s, e, prev, next int) edit {
	if f.endPos(in, prev).Line == f.pos(in, s).Line {
		return edit{prev, e, ""}
	}
	if f.endPos(in, e).Line == f.pos(in, next).Line {
		return edit{s, next, ""}
	}
	return edit{prev, e, ""}
}
