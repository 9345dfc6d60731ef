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
	tree   *syntax.File
	escape byte
	eol    string
	insts  []*inst
	stages *syntax.Stages // the one model of stages and shells
	opts   Options

	// byKeyword indexes each stage's instructions by keyword (an ONBUILD
	// trigger as "onbuild " and its keyword), built on first use by
	// stageNodes, so that a question about a stage costs no walk of it.
	byKeyword map[*syntax.Stage]map[string][]*syntax.Node
	children  map[*syntax.Stage][]*syntax.Stage // the stages built directly on each
	shellEnvs map[*syntax.Stage]shellEnvAt      // by firstShellEnv

	name  string // the refactor running
	sites []site
	skips []Skip
}

// inst is an instruction as the refactors read it: its node, what BuildKit
// sees of it, its stage and the shell in effect where it stands.
type inst struct {
	index   int // its index in file.tree.Nodes
	node    *syntax.Node
	lowered *syntax.Lowered
	keyword string // the keyword in lower case, as BuildKit dispatches on it
	text    string // the joined text, as BuildKit reads it (Node.Joined)
	// cmd is where the keyword, the flags and the arguments lie in text,
	// as the lowering split it.
	cmd *syntax.Command

	stage *syntax.Stage // nil before the first FROM
	shell syntax.Shell  // the shell in effect where the instruction stands
	// kept says why the formatter prints the instruction as written
	// ("dfmt:ignore", "dfmt:off"), and so why no refactor touches it.
	kept string
}

// site is one rewrite: lines [start, end) of the file become lines
// (none: the lines go, with their line ends).
type site struct {
	title      string // what it does, for an editor (Site.Title)
	start, end int
	lines      []string // without line ends
	unsafe     string   // why the site is unsafe (Site.Unsafe), or ""
}

var errCommentInside = errors.New("a comment line inside the instruction is in the way")

// load parses src for a refactor run with opts. A file BuildKit rejects
// is its *format.Error.
func load(src []byte, opts Options) (*file, error) {
	tree := syntax.Parse(src)
	if tree.Err != nil {
		return nil, tree.Err
	}
	f := &file{tree: tree, escape: tree.Escape, eol: "\n", opts: opts}
	if len(tree.Lines) > 0 && bytes.HasSuffix(tree.Lines[0].EOL, []byte("\r\n")) {
		f.eol = "\r\n"
	}
	f.stages = syntax.NewStages(tree)
	off := false
	for i, n := range tree.Nodes {
		if n.Kind == syntax.CommentNode {
			switch format.EscapeHatch(tree.Lines[n.Start].Text) {
			case "dfmt:off":
				off = true
			case "dfmt:on":
				off = false
			}
		}
		if n.Kind != syntax.InstructionNode || n.Lowered == nil {
			continue
		}
		in := &inst{
			index: i, node: n, lowered: n.Lowered, keyword: n.Lowered.Keyword(),
			text: n.Joined(), cmd: &n.Lowered.Cmd,
			stage: f.stages.StageOf(n), shell: f.stages.ShellAt(n),
		}
		switch {
		case off:
			in.kept = "dfmt:off"
		case i > 0 && tree.Nodes[i-1].Kind == syntax.CommentNode && tree.Nodes[i-1].End == n.Start &&
			format.EscapeHatch(tree.Lines[n.Start-1].Text) == "dfmt:ignore":
			in.kept = "dfmt:ignore"
		}
		f.insts = append(f.insts, in)
	}
	return f, nil
}

// stageNodes are the instructions of stage st with keyword kw ("onbuild
// cmd" for ONBUILD CMD triggers), in order.
func (f *file) stageNodes(st *syntax.Stage, kw string) []*syntax.Node {
	if f.byKeyword == nil {
		f.byKeyword = map[*syntax.Stage]map[string][]*syntax.Node{}
		f.children = map[*syntax.Stage][]*syntax.Stage{}
		for _, s := range f.stages.List {
			m := map[string][]*syntax.Node{}
			for _, x := range s.Nodes {
				k := x.Lowered.Keyword()
				if c := onbuildOf(x); c != nil {
					k = "onbuild " + c.Keyword()
				}
				m[k] = append(m[k], x)
			}
			f.byKeyword[s] = m
			if s.Parent != nil {
				f.children[s.Parent] = append(f.children[s.Parent], s)
			}
		}
	}
	return f.byKeyword[st][kw]
}

// descendants are the stages built on st, directly or through others, in
// the file's order of them.
func (f *file) descendants(st *syntax.Stage) []*syntax.Stage {
	f.stageNodes(st, "")
	var out []*syntax.Stage
	var walk func(*syntax.Stage)
	walk = func(s *syntax.Stage) {
		for _, c := range f.children[s] {
			out = append(out, c)
			walk(c)
		}
	}
	walk(st)
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// commentText is a comment line's text without its '#' and the blanks
// around it.
func commentText(text []byte) string {
	t := bytes.TrimSpace(text)
	t = bytes.TrimPrefix(t, []byte("#"))
	return string(bytes.TrimSpace(t))
}

// line is the instruction's 1-based first line.
func (in *inst) line() int { return in.node.Start + 1 }

// pos is where byte j of in's joined text stands in the file.
func (f *file) pos(in *inst, j int) syntax.Pos { return f.tree.JoinedPos(in.node, j) }

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

// unsafe reports whether an unsafe site, one that stays the same build
// only if what the file cannot show is as why takes it to be, is to be
// applied: with Options.Unsafe it is; else it is reported as a skip
// (Skip.Unsafe) at the word at joined text at, and is not.
func (f *file) unsafe(in *inst, at syntax.Span, why string) bool {
	if f.opts.Unsafe {
		return true
	}
	f.skipAt(in, at, "%s", why)
	f.skips[len(f.skips)-1].Unsafe = true
	return false
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

// edit replaces joined text [start, end) with text.
type edit struct {
	start, end int
	text       string
}

// rewrite applies edits to the instruction's lines before its heredoc
// bodies and returns the new lines. An edit within one line keeps the
// lines as they are; one across a line break joins the lines it spans,
// unless a comment line stands between them.
func (f *file) rewrite(in *inst, edits []edit) ([]string, error) {
	first := in.node.Start
	lines := make([]string, in.node.BodyStart-first)
	for i := range lines {
		lines[i] = string(f.tree.Lines[first+i].Text)
	}
	comment := map[int]bool{} // the comment lines, by index into lines
	for _, pt := range in.node.InstrLines {
		if pt.Kind == syntax.CommentLine {
			comment[pt.Line-first] = true
		}
	}
	edits = slices.Clone(edits)
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	for i := 1; i < len(edits); i++ {
		if edits[i].start < edits[i-1].end {
			return nil, errors.New("internal error: overlapping edits")
		}
	}
	for i := len(edits) - 1; i >= 0; i-- {
		ed := edits[i]
		// An insertion where one line's text ends and the next begins goes
		// to the start of the next.
		start := f.pos(in, ed.start)
		end := start
		if ed.start != ed.end {
			end = f.endPos(in, ed.end)
		}
		// The lines (indices into lines) and columns (0-based) of the
		// edit's start and end.
		startLine, startCol := start.Line-1-first, start.Col-1
		endLine, endCol := end.Line-1-first, end.Col-1
		if startLine == endLine {
			lines[startLine] = lines[startLine][:startCol] + ed.text + lines[startLine][endCol:]
			continue
		}
		for l := startLine + 1; l < endLine; l++ {
			if comment[l] {
				return nil, errCommentInside
			}
		}
		lines[startLine] = lines[startLine][:startCol] + ed.text + lines[endLine][endCol:]
		lines = slices.Delete(lines, startLine+1, endLine+1)
		// Comment lines after the edit keep their places relative to the
		// end.
		moved := map[int]bool{}
		for l := range comment {
			if l > endLine {
				moved[l-(endLine-startLine)] = true
			} else {
				moved[l] = true
			}
		}
		comment = moved
	}
	return lines, nil
}

// replace records that lines [start, end) become lines, a rewrite an
// editor offers as title.
func (f *file) replace(title string, start, end int, lines []string) {
	f.replaceUnsafe("", title, start, end, lines)
}

// replaceUnsafe is replace for a site that is unsafe for the reason why
// ("" for a safe one).
func (f *file) replaceUnsafe(why, title string, start, end int, lines []string) {
	f.sites = append(f.sites, site{title: title, start: start, end: end, lines: lines, unsafe: why})
}

// output prints the file with its sites rewritten. from maps each output
// line to the input line it came from.
func (f *file) output() (out []byte, from []int) {
	sites := slices.Clone(f.sites)
	sort.Slice(sites, func(i, j int) bool { return sites[i].start < sites[j].start })
	size := f.tree.LineOffset(len(f.tree.Lines)) // the whole file
	out = make([]byte, 0, size+size/8)
	from = make([]int, 0, len(f.tree.Lines))
	if f.tree.BOM {
		out = append(out, syntax.BOM...)
	}
	line := 0
	copyTo := func(end int) {
		for ; line < end; line++ {
			l := f.tree.Lines[line]
			out = append(out, l.Text...)
			out = append(out, l.EOL...)
			from = append(from, line)
		}
	}
	for _, s := range sites {
		copyTo(s.start)
		for i, text := range s.lines {
			out = append(out, text...)
			if i == len(s.lines)-1 {
				out = append(out, f.tree.Lines[s.end-1].EOL...)
			} else {
				out = append(out, f.eol...)
			}
			from = append(from, s.start+min(i, s.end-s.start-1))
		}
		line = s.end
	}
	copyTo(len(f.tree.Lines))
	return out, from
}

// check parses an instruction's new lines on their own (after the file's
// escape directive, before the heredoc bodies of in when in is not nil)
// and returns what BuildKit sees of them.
func (f *file) check(lines []string, in *inst) (*syntax.Lowered, error) {
	var b strings.Builder
	if f.escape == '`' {
		b.WriteString("# escape=`\n")
	}
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	if in != nil {
		for i := in.node.BodyStart; i < in.node.End; i++ {
			l := f.tree.Lines[i]
			b.Write(l.Text)
			if len(l.EOL) == 0 {
				b.WriteByte('\n')
			}
			b.Write(l.EOL)
		}
	}
	tree := syntax.Parse([]byte(b.String()))
	if tree.Err != nil {
		return nil, tree.Err
	}
	var got *syntax.Lowered
	for _, n := range tree.Nodes {
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

// verify parses an instruction's new lines (with in's heredoc bodies
// after them) and has ok judge what BuildKit sees of them. Every rewrite
// goes through it, so a slip in building the text becomes a skip, not a
// changed build.
func (f *file) verify(lines []string, in *inst, ok func(*syntax.Lowered) bool) error {
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
func (in *inst) onbuild() *syntax.Lowered {
	if in.keyword == "onbuild" && in.lowered.Next != nil && len(in.lowered.Next.Children) == 1 {
		return in.lowered.Next.Children[0]
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
