package format

// An oracle for "the same build", written against BuildKit's own parser and
// independent of dfmt's code: the corpus test (corpus_test.go) uses it to
// check that formatting never changes what BuildKit sees. It mirrors the
// parser of github.com/moby/buildkit/frontend/dockerfile/parser (parser.go,
// line_parsers.go, directives.go); where it departs from exact equality it
// says why.

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"mvdan.cc/sh/v3/syntax"
)

// bkParse parses src with BuildKit's parser.
func bkParse(src []byte) (*parser.Result, error) {
	return parser.Parse(bytes.NewReader(src))
}

// bkDirective is one parser directive (# syntax=, # escape=, # check=).
type bkDirective struct {
	name, value string
}

// bkDirectives returns the parser directives of src as BuildKit's Parse sees
// them: each line with its line end and (BuildKit's processLine) leading white
// space trimmed, the BOM stripped from the first, fed to a DirectiveParser
// until it stops at the first line that is not a directive.
func bkDirectives(src []byte) ([]bkDirective, error) {
	src = bytes.TrimPrefix(src, []byte{0xEF, 0xBB, 0xBF})
	var dp parser.DirectiveParser
	var ds []bkDirective
	for len(src) > 0 {
		line, rest, _ := bytes.Cut(src, []byte("\n"))
		src = rest
		line = bytes.TrimLeft(bytes.TrimRight(line, "\r\n"), " \t\v\f\r")
		d, err := dp.ParseLine(line)
		if err != nil {
			return ds, err
		}
		if d == nil {
			break
		}
		ds = append(ds, bkDirective{d.Name, d.Value})
	}
	return ds, nil
}

// sameBuild parses in and out with BuildKit's parser and reports the first
// difference in what BuildKit would build from them, or nil. Line numbers in
// the message are 1-based: "in" refers to in, "out" to out.
func sameBuild(in, out []byte) error {
	a, err := bkParse(in)
	if err != nil {
		return fmt.Errorf("input rejected by BuildKit: %v", err)
	}
	b, err := bkParse(out)
	if err != nil {
		return fmt.Errorf("output rejected by BuildKit: %v", err)
	}
	return sameBuildParsed(in, out, a, b)
}

// sameBuildParsed is sameBuild on trees already parsed from in and out.
func sameBuildParsed(in, out []byte, a, b *parser.Result) error {
	if a.EscapeToken != b.EscapeToken {
		return fmt.Errorf("escape token differs: in %q, out %q", a.EscapeToken, b.EscapeToken)
	}
	da, errA := bkDirectives(in)
	db, errB := bkDirectives(out)
	if fmt.Sprint(errA) != fmt.Sprint(errB) {
		return fmt.Errorf("directive error differs: in %v, out %v", errA, errB)
	}
	if !slices.Equal(da, db) {
		return fmt.Errorf("parser directives differ: in %v, out %v", da, db)
	}
	c := &bkComparer{escape: a.EscapeToken}
	return c.file(a.AST, b.AST)
}

// bkComparer walks two BuildKit trees in step.
type bkComparer struct {
	escape rune
	// posix is whether the shell in effect in the current stage (of the
	// input) is a POSIX one, so that shell-form text may be compared as
	// parsed shell. stages remembers it per stage name, for FROM <stage>.
	posix  bool
	stage  string // name of the current stage, "" if unnamed
	stages map[string]bool
}

// nonPOSIXShells are SHELL programs whose command lines are not POSIX shell:
// there dfmt keeps words and spacing (STYLE.md rule 15(e)), and so the
// comparer only allows white space outside quotes to change.
var nonPOSIXShells = map[string]bool{"cmd": true, "powershell": true, "pwsh": true}

func (c *bkComparer) file(a, b *parser.Node) error {
	c.posix = true
	c.stages = map[string]bool{}
	n := min(len(a.Children), len(b.Children))
	for i := range n {
		x, y := a.Children[i], b.Children[i]
		if err := c.instruction(x, y, nil, nil); err != nil {
			return fmt.Errorf("instruction %d (in line %d, out line %d): %v", i+1, x.StartLine, y.StartLine, err)
		}
		c.track(x)
	}
	if len(a.Children) > n {
		x := a.Children[n]
		return fmt.Errorf("instruction count differs: in %d, out %d; first missing from out: in line %d: %s",
			len(a.Children), len(b.Children), x.StartLine, shorten(x.Original))
	}
	if len(b.Children) > n {
		y := b.Children[n]
		return fmt.Errorf("instruction count differs: in %d, out %d; first extra in out: out line %d: %s",
			len(a.Children), len(b.Children), y.StartLine, shorten(y.Original))
	}
	return nil
}

// track follows FROM and SHELL through the input to know the shell in
// effect. A stage built FROM an earlier stage inherits that stage's shell.
func (c *bkComparer) track(x *parser.Node) {
	switch strings.ToLower(x.Value) {
	case "from":
		args := chain(x.Next)
		c.posix = true
		if len(args) > 0 {
			if p, ok := c.stages[strings.ToLower(args[0])]; ok {
				c.posix = p
			}
		}
		c.stage = ""
		if len(args) == 3 && strings.EqualFold(args[1], "as") {
			c.stage = strings.ToLower(args[2])
			c.stages[c.stage] = c.posix
		}
	case "shell":
		if x.Attributes["json"] && x.Next != nil {
			prog := strings.ToLower(x.Next.Value)
			if i := strings.LastIndexAny(prog, `/\`); i >= 0 {
				prog = prog[i+1:]
			}
			prog = strings.TrimSuffix(prog, ".exe")
			c.posix = !nonPOSIXShells[prog]
		}
		if c.stage != "" {
			c.stages[c.stage] = c.posix
		}
	}
}

// knownKeywords are the instructions BuildKit's parser dispatches
// (parser.go's dispatch table); any other keyword's arguments are ignored.
var knownKeywords = map[string]bool{
	"add": true, "arg": true, "cmd": true, "copy": true, "entrypoint": true,
	"env": true, "expose": true, "from": true, "healthcheck": true,
	"label": true, "maintainer": true, "onbuild": true, "run": true,
	"shell": true, "stopsignal": true, "user": true, "volume": true,
	"workdir": true,
}

// instruction compares two instruction nodes. hda and hdb are the heredocs
// of the enclosing ONBUILD, which BuildKit attaches to the ONBUILD node.
func (c *bkComparer) instruction(x, y *parser.Node, hda, hdb []parser.Heredoc) error {
	kw := strings.ToLower(x.Value)
	if kw != strings.ToLower(y.Value) {
		return fmt.Errorf("keyword differs: in %q, out %q", x.Value, y.Value)
	}
	if !slices.Equal(x.Flags, y.Flags) {
		return fmt.Errorf("%s: flags differ: in %q, out %q", kw, x.Flags, y.Flags)
	}
	if err := sameAttributes(x.Attributes, y.Attributes); err != nil {
		return fmt.Errorf("%s: %v", kw, err)
	}
	if err := sameHeredocs(x.Heredocs, y.Heredocs); err != nil {
		return fmt.Errorf("%s: %v", kw, err)
	}
	if kw == "from" || kw == "arg" {
		// The description of a stage or an argument (--call=outline).
		if !slices.Equal(x.PrevComment, y.PrevComment) {
			return fmt.Errorf("%s: description comments differ: in %q, out %q", kw, x.PrevComment, y.PrevComment)
		}
	}
	if !knownKeywords[kw] {
		// BuildKit ignores the arguments of an unknown keyword (and fails
		// the build on it); dfmt keeps such an instruction as written, so
		// its joined line must be unchanged.
		if x.Original != y.Original {
			return fmt.Errorf("unknown instruction %s: text differs:\n\tin:  %q\n\tout: %q", x.Value, x.Original, y.Original)
		}
		return nil
	}
	if kw == "onbuild" {
		return c.onbuild(x, y)
	}

	xs, ys := chainNodes(x.Next), chainNodes(y.Next)
	json := x.Attributes["json"]
	hx, hy := x.Heredocs, y.Heredocs
	if hda != nil || hdb != nil {
		hx, hy = hda, hdb
	}
	shellAt := -1 // index in the Next chain of the shell-form text
	switch kw {
	case "run", "cmd", "entrypoint", "shell":
		if !json {
			shellAt = 0
		}
	case "healthcheck":
		if len(xs) > 0 && strings.EqualFold(xs[0].Value, "cmd") && !json {
			shellAt = 1
		}
	}
	if len(xs) != len(ys) {
		return fmt.Errorf("%s: argument count differs: in %d %q, out %d %q", kw, len(xs), chain(x.Next), len(ys), chain(y.Next))
	}
	for i := range xs {
		va, vb := xs[i].Value, ys[i].Value
		switch {
		case i == shellAt:
			var ha, hb []parser.Heredoc
			if kw == "run" {
				ha, hb = hx, hy
			}
			if err := c.sameShell(va, vb, ha, hb); err != nil {
				return fmt.Errorf("%s: shell text differs (%v):\n\tin:  %q\n\tout: %q", kw, err, va, vb)
			}
		case kw == "healthcheck" && i == 0,
			kw == "from" && i == 1 && len(xs) == 3 && strings.EqualFold(va, "as"):
			// HEALTHCHECK's CMD/NONE and FROM's AS are case-insensitive
			// (instructions/parse.go).
			if !strings.EqualFold(va, vb) {
				return fmt.Errorf("%s: word %d differs: in %q, out %q", kw, i+1, va, vb)
			}
		default:
			if va != vb {
				return fmt.Errorf("%s: argument %d differs:\n\tin:  %q\n\tout: %q", kw, i+1, va, vb)
			}
		}
		if len(xs[i].Children) != 0 || len(ys[i].Children) != 0 {
			return fmt.Errorf("%s: unexpected nested node", kw)
		}
	}
	return nil
}

// onbuild compares the triggers of two ONBUILD nodes: (onbuild (run …)).
func (c *bkComparer) onbuild(x, y *parser.Node) error {
	cx, cy := onbuildChild(x), onbuildChild(y)
	if (cx == nil) != (cy == nil) {
		return fmt.Errorf("onbuild: trigger present in one side only")
	}
	if cx == nil {
		return nil
	}
	if x.Next.Next != nil || y.Next.Next != nil {
		return fmt.Errorf("onbuild: unexpected arguments after the trigger")
	}
	// The trigger is built later by an image whose SHELL is unknown here:
	// assume POSIX unless this file uses the backtick escape.
	saved := c.posix
	c.posix = true
	defer func() { c.posix = saved }()
	hx, hy := x.Heredocs, y.Heredocs
	if hx == nil {
		hx = []parser.Heredoc{}
	}
	if hy == nil {
		hy = []parser.Heredoc{}
	}
	if err := c.instruction(cx, cy, hx, hy); err != nil {
		return fmt.Errorf("onbuild trigger: %v", err)
	}
	return nil
}

func onbuildChild(n *parser.Node) *parser.Node {
	if n.Next == nil || len(n.Next.Children) == 0 {
		return nil
	}
	return n.Next.Children[0]
}

func sameAttributes(a, b map[string]bool) error {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	for k := range keys {
		if a[k] != b[k] {
			if k == "json" {
				if a[k] {
					return fmt.Errorf("exec (JSON) form became shell form")
				}
				return fmt.Errorf("shell form became exec (JSON) form")
			}
			return fmt.Errorf("attribute %s differs: in %v, out %v", k, a[k], b[k])
		}
	}
	return nil
}

func sameHeredocs(a, b []parser.Heredoc) error {
	if len(a) != len(b) {
		return fmt.Errorf("heredoc count differs: in %d, out %d", len(a), len(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		switch {
		case x.Name != y.Name:
			return fmt.Errorf("heredoc %d: name differs: in %q, out %q", i+1, x.Name, y.Name)
		case x.FileDescriptor != y.FileDescriptor:
			return fmt.Errorf("heredoc %s: file descriptor differs: in %d, out %d", x.Name, x.FileDescriptor, y.FileDescriptor)
		case x.Expand != y.Expand:
			return fmt.Errorf("heredoc %s: expansion differs (quoted terminator): in %v, out %v", x.Name, x.Expand, y.Expand)
		case x.Chomp != y.Chomp:
			return fmt.Errorf("heredoc %s: <<- differs: in %v, out %v", x.Name, x.Chomp, y.Chomp)
		case x.Content != y.Content:
			return fmt.Errorf("heredoc %s: body differs: %s", x.Name, firstLineDiff(x.Content, y.Content))
		}
	}
	return nil
}

// firstLineDiff describes the first differing line of two texts, line ends
// included.
func firstLineDiff(a, b string) string {
	la, lb := strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n")
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return fmt.Sprintf("body line %d: in %q, out %q", i+1, x, y)
		}
	}
	return "identical"
}

// sameShell compares shell-form text. For a POSIX shell both sides are
// parsed with mvdan.cc/sh (bash) and their canonical prints compared, so
// that only white space the shell ignores may differ. heredocs (RUN only)
// are appended as bodies so that a command line with <<EOF parses; their
// exact bytes are compared separately. Where either side does not parse, or
// the shell is not POSIX (backtick escape, SHELL cmd/powershell), the texts
// are compared with runs of blanks outside quotes collapsed.
func (c *bkComparer) sameShell(a, b string, ha, hb []parser.Heredoc) error {
	if a == b {
		return nil
	}
	if c.posix && c.escape == '\\' {
		pa, errA := canonShell(a, ha)
		pb, errB := canonShell(b, hb)
		if errA == nil && errB == nil {
			if pa != pb {
				return fmt.Errorf("as shell: %s", firstLineDiff(pa, pb))
			}
			return nil
		}
	}
	if ca, cb := collapseBlanks(a, c.escape), collapseBlanks(b, c.escape); ca != cb {
		return fmt.Errorf("with blanks outside quotes collapsed: in %q, out %q", ca, cb)
	}
	return nil
}

// canonShell parses text (plus heredoc bodies) as bash and prints it in
// mvdan.cc/sh's canonical form, comments dropped.
func canonShell(text string, heredocs []parser.Heredoc) (string, error) {
	var src strings.Builder
	src.WriteString(text)
	if len(heredocs) > 0 {
		src.WriteString("\n")
		for _, h := range heredocs {
			src.WriteString(h.Content)
			src.WriteString(h.Name)
			src.WriteString("\n")
		}
	}
	p := syntax.NewParser(syntax.KeepComments(false), syntax.Variant(syntax.LangBash))
	f, err := p.Parse(strings.NewReader(src.String()), "")
	if err != nil {
		return "", err
	}
	var out strings.Builder
	if err := syntax.NewPrinter().Print(&out, f); err != nil {
		return "", err
	}
	return out.String(), nil
}

// collapseBlanks replaces each run of blanks outside quotes with one space
// and drops leading and trailing runs. Quotes are ' (no escapes inside) and
// " (esc escapes the next character); outside quotes esc escapes the next
// character too, so an escaped blank or quote is kept as written.
func collapseBlanks(s string, esc rune) string {
	var b strings.Builder
	const (
		none = iota
		single
		double
	)
	state := none
	pending := false
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch state {
		case none:
			if r == ' ' || r == '\t' || r == '\r' || r == '\v' || r == '\f' || r == '\n' {
				pending = true
				continue
			}
			if pending && b.Len() > 0 {
				b.WriteByte(' ')
			}
			pending = false
			b.WriteRune(r)
			switch {
			case r == esc:
				if i+1 < len(rs) {
					i++
					b.WriteRune(rs[i])
				}
			case r == '\'':
				state = single
			case r == '"':
				state = double
			}
		case single:
			b.WriteRune(r)
			if r == '\'' {
				state = none
			}
		case double:
			b.WriteRune(r)
			switch {
			case r == esc:
				if i+1 < len(rs) {
					i++
					b.WriteRune(rs[i])
				}
			case r == '"':
				state = none
			}
		}
	}
	return b.String()
}

func chainNodes(n *parser.Node) []*parser.Node {
	var ns []*parser.Node
	for ; n != nil; n = n.Next {
		ns = append(ns, n)
	}
	return ns
}

func chain(n *parser.Node) []string {
	var vs []string
	for ; n != nil; n = n.Next {
		vs = append(vs, n.Value)
	}
	return vs
}

func shorten(s string) string {
	if len(s) > 120 {
		return fmt.Sprintf("%q…", s[:120])
	}
	return fmt.Sprintf("%q", s)
}

// bkComment is a comment line, with where it stands relative to the
// instructions BuildKit sees.
type bkComment struct {
	text  string // trimmed of surrounding white space
	line  int    // 1-based
	instr int    // number of instructions that start before it
	in    bool   // inside instruction instr (a continuation comment)
}

func (c bkComment) where() string {
	if c.instr == 0 {
		return "before the first instruction"
	}
	if c.in {
		return fmt.Sprintf("inside instruction %d", c.instr)
	}
	return fmt.Sprintf("after instruction %d", c.instr)
}

// bkComments returns the comment lines of src: lines whose first non-blank
// character is '#', outside heredoc bodies. res is BuildKit's tree of src
// (nil for a file BuildKit rejects for having no instructions: then no line
// is a heredoc body). Heredoc bodies are the last lines of an instruction's
// StartLine..EndLine range: each heredoc takes the lines of its Content (which
// BuildKit keeps with their line ends) plus its terminator line.
func bkComments(src []byte, res *parser.Result) []bkComment {
	type span struct{ start, end, bodyFrom int }
	var spans []span
	if res != nil {
		for _, n := range res.AST.Children {
			s := span{n.StartLine, n.EndLine, n.EndLine + 1}
			for _, h := range n.Heredocs {
				s.bodyFrom -= strings.Count(h.Content, "\n") + 1
			}
			spans = append(spans, s)
		}
	}
	src = bytes.TrimPrefix(src, []byte{0xEF, 0xBB, 0xBF})
	var cs []bkComment
	k := 0 // spans[:k] start before the current line
	for i := 1; len(src) > 0; i++ {
		line, rest, _ := bytes.Cut(src, []byte("\n"))
		src = rest
		for k < len(spans) && spans[k].start <= i {
			k++
		}
		in := k > 0 && i <= spans[k-1].end
		if in && i >= spans[k-1].bodyFrom {
			continue // heredoc body or terminator
		}
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] == '#' {
			cs = append(cs, bkComment{text: string(t), line: i, instr: k, in: in})
		}
	}
	return cs
}

// sameComments reports the first comment of in that out lost, moved or
// added. The multiset of texts must match (nothing lost or added), and so
// must the sequence with each comment's place among the instructions
// (STYLE.md rule 18: a comment never moves to another instruction).
func sameComments(in, out []bkComment) error {
	count := map[string]int{}
	for _, c := range in {
		count[c.text]++
	}
	for _, c := range out {
		count[c.text]--
	}
	for _, c := range in {
		if count[c.text] > 0 {
			return fmt.Errorf("comment lost: in line %d: %q", c.line, c.text)
		}
	}
	for _, c := range out {
		if count[c.text] < 0 {
			return fmt.Errorf("comment added: out line %d: %q", c.line, c.text)
		}
	}
	for i := range in {
		x, y := in[i], out[i]
		if x.text != y.text {
			return fmt.Errorf("comments reordered: in line %d %q, out line %d %q", x.line, x.text, y.line, y.text)
		}
		if x.instr != y.instr || x.in != y.in {
			return fmt.Errorf("comment moved: %q from in line %d (%s) to out line %d (%s)", x.text, x.line, x.where(), y.line, y.where())
		}
	}
	return nil
}

// TestSameBuild checks the comparer itself on hand-written pairs, without
// the corpus.
func TestSameBuild(t *testing.T) {
	for _, tt := range []struct {
		name    string
		in, out string
		same    bool
		want    string // substring of the error
	}{
		{
			name: "identical",
			in:   "FROM alpine\nRUN echo hi\n",
			out:  "FROM alpine\nRUN echo hi\n",
			same: true,
		},
		{
			name: "keyword case and AS",
			in:   "from alpine as build\nrun echo hi\nhealthcheck cmd true\n",
			out:  "FROM alpine AS build\nRUN echo hi\nHEALTHCHECK CMD true\n",
			same: true,
		},
		{
			name: "quoted value across a continuation re-indented",
			in:   "FROM a\nENV A=\"a \\\n    b\"\n",
			out:  "FROM a\nENV A=\"a \\\n  b\"\n",
			want: "argument 2 differs",
		},
		{
			name: "unquoted words across a continuation re-indented",
			in:   "FROM a\nENV A=a \\\n        B=b\n",
			out:  "FROM a\nENV A=a \\\n    B=b\n",
			same: true,
		},
		{
			name: "dropped flag",
			in:   "FROM a\nCOPY --from=b --chmod=644 x /y\n",
			out:  "FROM a\nCOPY --from=b x /y\n",
			want: "flags differ",
		},
		{
			name: "reordered flags",
			in:   "FROM a\nRUN --mount=type=cache,target=/c --network=none make\n",
			out:  "FROM a\nRUN --network=none --mount=type=cache,target=/c make\n",
			want: "flags differ",
		},
		{
			name: "lost heredoc",
			in:   "FROM a\nRUN <<EOF\necho hi\nEOF\n",
			out:  "FROM a\nRUN \"<<EOF\"\necho hi\nEOF\n",
			want: "heredoc count differs",
		},
		{
			name: "heredoc body line end CRLF vs LF",
			in:   "FROM a\nCOPY <<EOF /x\nline\r\nEOF\n",
			out:  "FROM a\nCOPY <<EOF /x\nline\nEOF\n",
			want: "body differs",
		},
		{
			name: "heredoc quoting changes expansion",
			in:   "FROM a\nRUN <<'EOF'\necho $HOME\nEOF\n",
			out:  "FROM a\nRUN <<EOF\necho $HOME\nEOF\n",
			want: "expansion differs",
		},
		{
			name: "heredoc shell line spacing",
			in:   "FROM a\nRUN cat  <<EOF   >/x\nhi\nEOF\n",
			out:  "FROM a\nRUN cat <<EOF > /x\nhi\nEOF\n",
			same: true,
		},
		{
			// BuildKit sees a heredoc only where << starts a word.
			name: "spacing that makes a heredoc",
			in:   "FROM a\nRUN cat<<EOF\nRUN x\nEOF\n",
			out:  "FROM a\nRUN cat <<EOF\nRUN x\nEOF\n",
			want: "heredoc count differs",
		},
		{
			name: "changed description comment above FROM",
			in:   "# the build stage\nFROM a AS build\n",
			out:  "# the Build stage\nFROM a AS build\n",
			want: "description comments differ",
		},
		{
			name: "description comment split by a bare #",
			in:   "# one\n# two\nARG X\n",
			out:  "# one\n#\n# two\nARG X\n",
			want: "description comments differ",
		},
		{
			name: "blank line inside a description",
			in:   "# one\n\n# two\nFROM a\n",
			out:  "# one\n# two\nFROM a\n",
			same: true,
		},
		{
			name: "extra instruction",
			in:   "FROM a\nRUN x\n",
			out:  "FROM a\nRUN x\nRUN y\n",
			want: "first extra in out",
		},
		{
			name: "missing instruction",
			in:   "FROM a\nRUN x\nUSER me\n",
			out:  "FROM a\nRUN x\n",
			want: "first missing from out",
		},
		{
			name: "JSON form became shell form",
			in:   "FROM a\nCMD [\"a\", \"b\"]\n",
			out:  "FROM a\nCMD a b\n",
			want: "exec (JSON) form became shell form",
		},
		{
			name: "shell form became JSON form",
			in:   "FROM a\nENTRYPOINT ['a']\n",
			out:  "FROM a\nENTRYPOINT [\"a\"]\n",
			want: "shell form became exec",
		},
		{
			name: "JSON spacing",
			in:   "FROM a\nCMD [ \"a\" ,\"b\" ]\n",
			out:  "FROM a\nCMD [\"a\", \"b\"]\n",
			same: true,
		},
		{
			name: "shell-only white space in RUN",
			in:   "FROM a\nRUN apt-get update&&apt-get install -y \\\n  curl   >/dev/null|| true\n",
			out:  "FROM a\nRUN apt-get update && apt-get install -y \\\n    curl > /dev/null \\\n    || true\n",
			same: true,
		},
		{
			name: "quoted shell text re-indented",
			in:   "FROM a\nRUN echo \"a \\\n    b\"\n",
			out:  "FROM a\nRUN echo \"a \\\n        b\"\n",
			want: "shell text differs",
		},
		{
			name: "shell operator changed",
			in:   "FROM a\nRUN a && b || c\n",
			out:  "FROM a\nRUN a && { b || c; }\n",
			want: "shell text differs",
		},
		{
			name: "continuation comment swallows a command",
			in:   "FROM a\nRUN a \\\n# note\n  && b\n",
			out:  "FROM a\nRUN a # note \\\n  && b\n",
			want: "shell text differs",
		},
		{
			name: "legacy ENV value spacing",
			in:   "FROM a\nENV K v  w\n",
			out:  "FROM a\nENV K v w\n",
			want: "argument 2 differs",
		},
		{
			name: "escape directive dropped",
			in:   "# escape=`\nFROM a\nRUN dir c:\\\n",
			out:  "FROM a\nRUN dir c:\\\n",
			want: "escape token differs",
		},
		{
			name: "syntax directive changed",
			in:   "# syntax=docker/dockerfile:1\nFROM a\n",
			out:  "# syntax=docker/dockerfile:1.7\nFROM a\n",
			want: "parser directives differ",
		},
		{
			name: "windows shell spacing outside quotes",
			in:   "# escape=`\nFROM a\nRUN powershell  -Command `\n    Write-Host 'x  y'\n",
			out:  "# escape=`\nFROM a\nRUN powershell -Command `\n  Write-Host 'x  y'\n",
			same: true,
		},
		{
			name: "windows shell spacing inside quotes",
			in:   "# escape=`\nFROM a\nRUN Write-Host \"x `\n    y\"\n",
			out:  "# escape=`\nFROM a\nRUN Write-Host \"x `\n  y\"\n",
			want: "shell text differs",
		},
		{
			name: "cmd shell keeps operator spacing",
			in:   "FROM a\nSHELL [\"cmd\", \"/S\", \"/C\"]\nRUN a&&b\n",
			out:  "FROM a\nSHELL [\"cmd\", \"/S\", \"/C\"]\nRUN a && b\n",
			want: "shell text differs",
		},
		{
			name: "onbuild trigger shell spacing",
			in:   "FROM a\nonbuild run a&&b\n",
			out:  "FROM a\nONBUILD RUN a && b\n",
			same: true,
		},
		{
			name: "onbuild trigger flag dropped",
			in:   "FROM a\nONBUILD COPY --chown=1 x y\n",
			out:  "FROM a\nONBUILD COPY x y\n",
			want: "onbuild trigger: copy: flags differ",
		},
		{
			name: "unknown keyword changed",
			in:   "FROM a\nFOO  bar\n",
			out:  "FROM a\nFOO bar\n",
			want: "unknown instruction",
		},
		{
			name: "healthcheck shell form",
			in:   "FROM a\nHEALTHCHECK --interval=5s CMD curl -f http://x||exit 1\n",
			out:  "FROM a\nHEALTHCHECK --interval=5s CMD curl -f http://x || exit 1\n",
			same: true,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := sameBuild([]byte(tt.in), []byte(tt.out))
			switch {
			case tt.same && err != nil:
				t.Errorf("want same build, got: %v", err)
			case !tt.same && err == nil:
				t.Errorf("want a difference containing %q, got none", tt.want)
			case !tt.same && !strings.Contains(err.Error(), tt.want):
				t.Errorf("want a difference containing %q, got: %v", tt.want, err)
			}
		})
	}
}

// TestSameComments checks the comment property on hand-written pairs.
func TestSameComments(t *testing.T) {
	for _, tt := range []struct {
		name    string
		in, out string
		want    string // "" for no difference
	}{
		{
			name: "reindented and trailing space",
			in:   "  # a  \nFROM x\nRUN a \\\n  # b\n  && c\n",
			out:  "# a\nFROM x\nRUN a \\\n    # b\n    && c\n",
		},
		{
			name: "heredoc body lines are not comments",
			in:   "FROM x\nRUN <<EOF\n# not a comment\nEOF\n# real\n",
			out:  "FROM x\nRUN <<EOF\n# not a comment\nEOF\n# real\n",
		},
		{
			name: "heredoc body comment dropped is not a comment loss",
			in:   "FROM x\nRUN <<EOF\n# body\nEOF\n",
			out:  "FROM x\nRUN <<EOF\nEOF\n",
		},
		{
			name: "lost comment",
			in:   "FROM x\n# c\nRUN a\n",
			out:  "FROM x\nRUN a\n",
			want: "comment lost",
		},
		{
			name: "added comment",
			in:   "FROM x\nRUN a\n",
			out:  "FROM x\n# c\nRUN a\n",
			want: "comment added",
		},
		{
			name: "comment moved into an instruction",
			in:   "FROM x\nRUN a \\\n  && b\n# c\nRUN d\n",
			out:  "FROM x\nRUN a \\\n  # c\n  && b\nRUN d\n",
			want: "comment moved",
		},
		{
			name: "comment moved past an instruction",
			in:   "FROM x\n# c\nRUN a\nRUN b\n",
			out:  "FROM x\nRUN a\n# c\nRUN b\n",
			want: "comment moved",
		},
		{
			name: "comments swapped",
			in:   "# a\n# b\nFROM x\n",
			out:  "# b\n# a\nFROM x\n",
			want: "comments reordered",
		},
		{
			name: "two heredocs and a chomped one",
			in:   "FROM x\nCOPY <<A <<-B /d/\n# a\nA\n\t# b\n\tB\n# after\n",
			out:  "FROM x\nCOPY <<A <<-B /d/\n# a\nA\n\t# b\n\tB\n# after\n",
		},
		{
			name: "comments only file",
			in:   "# a\n\n# b\n",
			out:  "# a\n# b\n",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := bkParse([]byte(tt.in))
			b, _ := bkParse([]byte(tt.out))
			err := sameComments(bkComments([]byte(tt.in), a), bkComments([]byte(tt.out), b))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("want same comments, got: %v", err)
			case tt.want != "" && err == nil:
				t.Errorf("want %q, got none", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("want %q, got: %v", tt.want, err)
			}
		})
	}
}

// TestCollapseBlanks checks the fallback comparison's quoting rules.
func TestCollapseBlanks(t *testing.T) {
	for _, tt := range []struct {
		in   string
		esc  rune
		want string
	}{
		{"  a   b\t c  ", '\\', "a b c"},
		{`echo 'a   b'  "c   d"`, '\\', `echo 'a   b' "c   d"`},
		{`echo "a \"  b"   c`, '\\', `echo "a \"  b" c`},
		{`echo a\  b`, '\\', `echo a\  b`},
		{`echo 'a\'   b`, '\\', `echo 'a\' b`},
		{"Write-Host \"a `\"  b\"   c", '`', "Write-Host \"a `\"  b\" c"},
		{`dir C:\path\   x`, '`', `dir C:\path\ x`},
	} {
		if got := collapseBlanks(tt.in, tt.esc); got != tt.want {
			t.Errorf("collapseBlanks(%q, %q) = %q, want %q", tt.in, tt.esc, got, tt.want)
		}
	}
}
