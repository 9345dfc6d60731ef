package formattest

// The "same build" oracle, written against BuildKit's own parser
// (github.com/moby/buildkit/frontend/dockerfile/parser and, for what a
// build makes of each instruction, .../instructions) and mvdan.cc/sh, and
// independent of dfmt's code. It mirrors BuildKit's parser.go,
// line_parsers.go and directives.go; where it departs from exact equality
// it says why.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"mvdan.cc/sh/v3/syntax"
)

// SameBuild reports the first difference between what BuildKit builds
// from in and what it builds from out, or nil when there is none: out is
// in formatted, or (with Allow) rewritten.
//
// Both files must be accepted by BuildKit's parser (an error says which is
// not), except that when in has no instruction at all (empty or comments
// only, which BuildKit rejects and dfmt formats) out must have none
// either. Then, the same:
//
//   - parser directives (# syntax=, # escape=, # check=), both as the
//     parser reads them and as the Dockerfile frontend reads them from the
//     raw file, and the escape character;
//   - instructions in the same order: keywords (in any case), flags,
//     attributes (exec or shell form), heredocs (name, descriptor,
//     quoting, <<- and body, byte for byte), the comments a build reads
//     (the description above FROM and ARG, exactly; "# check=" comments
//     above any instruction), ONBUILD triggers, and every argument
//     exactly, but for the words BuildKit reads in any case (FROM's AS,
//     HEALTHCHECK's CMD and NONE) and shell-form text (RUN, CMD,
//     ENTRYPOINT, SHELL, HEALTHCHECK CMD);
//   - the text of an instruction BuildKit does not know, exactly;
//   - BuildKit's instructions package accepts both files or neither, and
//     makes the same stage or command of each pair of instructions, or
//     rejects both (every exported field, and a RUN's mounts, network and
//     security), but for shell-form text and ONBUILD's raw trigger text,
//     held to the rules of shell text above;
//   - every comment line (outside heredoc bodies), in order, with its
//     place among the instructions: before, inside or after the same one.
//
// Shell-form text may differ only in white space the shell ignores: in a
// POSIX shell (no SHELL naming cmd or PowerShell, inherited through FROM a
// stage; the backslash escape) both texts must parse to the same program
// with mvdan.cc/sh, comments aside; in any shell, the texts must be equal
// with runs of blanks outside quotes made one, and dropped at the ends and
// next to an operator character (& | ; < > ( )), and an unquoted comment
// dropped; where a text does not parse, or the shell is not POSIX, runs of
// blanks outside quotes (with the file's escape character) must be the
// only difference. With ExactText, shell-form text must be equal.
//
// Errors name instructions by their 1-based number in in and by their
// lines: "in" refers to in, "out" to out.
func SameBuild(in, out []byte, opts ...Option) error {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	a, errA := BuildKitParse(in)
	b, errB := BuildKitParse(out)
	switch {
	case NoInstructions(errA):
		if !NoInstructions(errB) {
			return fmt.Errorf("the input has no instruction; the output %s", describe(b, errB))
		}
		if err := sameDirectives(in, out); err != nil {
			return err
		}
		return sameComments(bkComments(in, nil), bkComments(out, nil), nil)
	case errA != nil:
		return fmt.Errorf("input rejected by BuildKit: %v", errA)
	case errB != nil:
		return fmt.Errorf("output rejected by BuildKit: %v", errB)
	}
	if a.EscapeToken != b.EscapeToken {
		return fmt.Errorf("escape token differs: in %q, out %q", a.EscapeToken, b.EscapeToken)
	}
	if err := sameDirectives(in, out); err != nil {
		return err
	}
	fa, fb := buildkitFile(a), buildkitFile(b)
	c := &comparer{escape: a.EscapeToken, exact: o.exact, stages: map[string]bool{}, posix: true}
	spans, err := c.walk(fa.insts, fb.insts, o.allow)
	if err != nil {
		return err
	}
	if (fa.err == nil) != (fb.err == nil) {
		return fmt.Errorf("BuildKit's instructions package: input error %v, output error %v", fa.err, fb.err)
	}
	return sameComments(bkComments(in, a), bkComments(out, b), spans)
}

// An Option adjusts what SameBuild allows.
type Option func(*options)

type options struct {
	allow []AllowFunc
	exact bool
}

// ExactText makes SameBuild require shell-form text to be byte for byte
// the same (as the instructions package reads it), not merely to run the
// same: for an out that is in rewritten but not reformatted.
func ExactText() Option {
	return func(o *options) { o.exact = true }
}

// Allow makes SameBuild accept a change that f recognises. Where the
// instructions in[0] and out[0] differ, SameBuild calls each AllowFunc in
// turn with the instructions from there to the end of each file; the first
// to return no error has accounted for the first nIn instructions of in
// and the first nOut of out (at least one of each), and the comparison goes
// on after them. Comment lines inside or between the instructions of such a
// span may stand anywhere inside the span; only those before or after it
// must keep their place.
func Allow(f AllowFunc) Option {
	return func(o *options) { o.allow = append(o.allow, f) }
}

// An AllowFunc says how many instructions of in and of out a change it
// allows accounts for, or why the instructions at the start of in and out
// are no change it allows.
type AllowFunc func(in, out []Instruction) (nIn, nOut int, err error)

// An Instruction is one instruction of a file as BuildKit reads it.
type Instruction struct {
	// Node is the instruction in the tree of BuildKit's parser.
	Node *parser.Node
	// Command is what BuildKit's instructions package makes of an
	// instruction other than FROM, and Stage the stage a FROM begins; both
	// are nil where that package rejects the instruction.
	Command instructions.Command
	Stage   *instructions.Stage
	// Escape is the file's escape character.
	Escape rune
}

// BuildKitParse parses src with BuildKit's parser, the one a build uses,
// turning a panic into an error.
func BuildKitParse(src []byte) (res *parser.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("buildkit parser panicked: %v", r)
		}
	}()
	return parser.Parse(bytes.NewReader(src))
}

// NoInstructions reports whether err is BuildKit's parser rejecting a file
// for having no instruction (an empty or comments-only file), which dfmt
// formats.
func NoInstructions(err error) bool {
	return err != nil && strings.Contains(err.Error(), "file with no instructions")
}

func describe(res *parser.Result, err error) string {
	if err != nil {
		return "is rejected: " + err.Error()
	}
	var b strings.Builder
	b.WriteString("has instructions:")
	for _, n := range res.AST.Children {
		b.WriteString("\n\t")
		b.WriteString(n.Dump())
	}
	return b.String()
}

// sameDirectives compares the parser directives as the parser reads them
// (bkDirectives) and as the Dockerfile frontend reads them from the raw
// file (builder/build.go and dockerfile2llb/convert.go): unlike the
// parser, the frontend does not skip leading white space, so an indented
// "  # syntax=" is a directive to the parser but not to the frontend.
func sameDirectives(in, out []byte) error {
	da, errA := bkDirectives(in)
	db, errB := bkDirectives(out)
	if fmt.Sprint(errA) != fmt.Sprint(errB) {
		return fmt.Errorf("directive error differs: in %v, out %v", errA, errB)
	}
	if !slices.Equal(da, db) {
		return fmt.Errorf("parser directives differ: in %v, out %v", da, db)
	}
	if fa, fb := frontendDirectives(in), frontendDirectives(out); !slices.Equal(fa, fb) {
		return fmt.Errorf("directives as the frontend reads them differ: in %+v, out %+v", fa, fb)
	}
	return nil
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

// frontendDirective is what the frontend's DetectSyntax and ParseDirective
// return for one directive.
type frontendDirective struct {
	name, cmdline string
	ok            bool
}

func frontendDirectives(src []byte) []frontendDirective {
	s, c, _, ok := parser.DetectSyntax(src)
	ds := []frontendDirective{{s, c, ok}}
	for _, key := range []string{"check", "escape"} {
		s, c, _, ok := parser.ParseDirective(key, src)
		ds = append(ds, frontendDirective{s, c, ok})
	}
	return ds
}

// file is one side of the comparison: its instructions, and the error of
// BuildKit's instructions package, if it rejects the file.
type file struct {
	insts []Instruction
	err   error
}

// buildkitFile pairs each instruction of res with what BuildKit's
// instructions package makes of it: instructions.Parse reads the whole file
// (and may reject it, say for an instruction it does not know) by reading
// each instruction with ParseInstruction, as here, where one it rejects
// keeps the others.
func buildkitFile(res *parser.Result) file {
	var f file
	for _, n := range res.AST.Children {
		in := Instruction{Node: n, Escape: res.EscapeToken}
		switch v := parseInstruction(n).(type) {
		case *instructions.Stage:
			in.Stage = v
		case instructions.Command:
			in.Command = v
		}
		f.insts = append(f.insts, in)
	}
	f.err = parseInstructions(res.AST)
	return f
}

// parseInstruction is instructions.ParseInstruction, nil where it fails or
// panics.
func parseInstruction(n *parser.Node) (v any) {
	defer func() {
		if recover() != nil {
			v = nil
		}
	}()
	v, err := instructions.ParseInstruction(n)
	if err != nil {
		return nil
	}
	return v
}

func parseInstructions(ast *parser.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("buildkit's instructions.Parse panicked: %v", r)
		}
	}()
	_, _, err = instructions.Parse(ast, nil)
	return err
}

// A span is where the walk matched in[inFrom:inTo] with out[outFrom:outTo]:
// one instruction each, or as many as an AllowFunc accounted for.
type span struct {
	inFrom, inTo, outFrom, outTo int
}

// comparer walks the instructions of two files in step.
type comparer struct {
	escape rune
	exact  bool
	// posix is whether the shell in effect in the current stage (of the
	// input) is a POSIX one, so that shell-form text may be compared as
	// parsed shell. stages remembers it per stage name, for FROM <stage>.
	posix  bool
	stage  string // name of the current stage, "" if unnamed
	stages map[string]bool
}

func (c *comparer) walk(a, b []Instruction, allow []AllowFunc) ([]span, error) {
	var spans []span
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		x, y := a[i], b[j]
		n, m := 1, 1
		if err := c.pair(x, y); err != nil {
			var whys []string
			n, m = 0, 0
			for _, f := range allow {
				dn, dm, why := f(a[i:], b[j:])
				if why == nil && (dn < 1 || dm < 1 || dn > len(a)-i || dm > len(b)-j) {
					why = fmt.Errorf("the AllowFunc accounts for %d and %d instructions, of %d and %d", dn, dm, len(a)-i, len(b)-j)
				}
				if why == nil {
					n, m = dn, dm
					break
				}
				whys = append(whys, why.Error())
			}
			if n == 0 {
				msg := fmt.Sprintf("instruction %d (in line %d, out line %d): %v", i+1, x.Node.StartLine, y.Node.StartLine, err)
				if len(whys) > 0 {
					msg += "; not an allowed change: " + strings.Join(whys, "; ")
				}
				return nil, fmt.Errorf("%s", msg)
			}
		}
		spans = append(spans, span{i, i + n, j, j + m})
		for _, x := range a[i : i+n] {
			c.track(x.Node)
		}
		i, j = i+n, j+m
	}
	if i < len(a) {
		x := a[i].Node
		return nil, fmt.Errorf("instruction count differs: in %d, out %d; first missing from out: in line %d: %s",
			len(a), len(b), x.StartLine, shorten(x.Original))
	}
	if j < len(b) {
		y := b[j].Node
		return nil, fmt.Errorf("instruction count differs: in %d, out %d; first extra in out: out line %d: %s",
			len(a), len(b), y.StartLine, shorten(y.Original))
	}
	return spans, nil
}

// pair compares two instructions: their nodes, and what BuildKit's
// instructions package makes of them.
func (c *comparer) pair(x, y Instruction) error {
	if err := c.instruction(x.Node, y.Node, nil, nil); err != nil {
		return err
	}
	if (x.Stage == nil) != (y.Stage == nil) || (x.Command == nil) != (y.Command == nil) {
		return fmt.Errorf("BuildKit's instructions package rejects one of them")
	}
	if x.Stage != nil {
		if ja, jb := jsonOf(StageHead(*x.Stage)), jsonOf(StageHead(*y.Stage)); ja != jb {
			return fmt.Errorf("BuildKit's stage differs:\n\tin:  %s\n\tout: %s", ja, jb)
		}
	}
	if x.Command != nil {
		if ja, jb := jsonOf(c.commandData(x.Command)), jsonOf(c.commandData(y.Command)); ja != jb {
			return fmt.Errorf("BuildKit's command differs:\n\tin:  %s\n\tout: %s", ja, jb)
		}
	}
	return nil
}

// StageHead is a stage as comparable data: without its commands and its
// source text (which keeps the FROM line as written).
func StageHead(s instructions.Stage) instructions.Stage {
	s.Commands, s.SourceCode, s.OrigCmd, s.Location = nil, "", "", nil
	return s
}

// CommandValue is a command as comparable data (for JSON): its type, its
// exported fields, and for RUN the mounts, network and security its flags
// set. A RUN's FlagsUsed, which BuildKit lists in map order, is sorted.
func CommandValue(cmd instructions.Command) map[string]any {
	v := map[string]any{"type": fmt.Sprintf("%T", cmd), "cmd": cmd}
	if r, ok := cmd.(*instructions.RunCommand); ok {
		sorted := *r
		sorted.FlagsUsed = slices.Sorted(slices.Values(r.FlagsUsed))
		v["cmd"] = &sorted
		v["mounts"] = instructions.GetMounts(r)
		v["network"] = instructions.GetNetwork(r)
		v["security"] = instructions.GetSecurity(r)
	}
	return v
}

// commandData is CommandValue as JSON data, without the shell-form text
// and ONBUILD's raw trigger (unless c.exact): the nodes' comparison holds
// those to the rules of shell text.
func (c *comparer) commandData(cmd instructions.Command) any {
	var v map[string]any
	if err := json.Unmarshal([]byte(jsonOf(CommandValue(cmd))), &v); err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	if c.exact {
		return v
	}
	d, _ := v["cmd"].(map[string]any)
	if d == nil {
		return v
	}
	switch cmd.(type) {
	case *instructions.RunCommand, *instructions.CmdCommand, *instructions.EntrypointCommand:
		if d["PrependShell"] == true {
			delete(d, "CmdLine")
		}
	case *instructions.HealthCheckCommand:
		if h, _ := d["Health"].(map[string]any); h != nil {
			if t, _ := h["Test"].([]any); len(t) == 2 && t[0] == "CMD-SHELL" {
				t[1] = "<shell text>"
			}
		}
	case *instructions.OnbuildCommand:
		delete(d, "Expression")
	}
	return v
}

// jsonOf is v as JSON, or the error marshalling it.
func jsonOf(v any) string {
	j, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	return string(j)
}

// nonPOSIXShells are SHELL programs whose command lines are not POSIX shell:
// there dfmt keeps words and spacing (STYLE.md rule 15(e)), and so the
// comparer only allows white space outside quotes to change.
var nonPOSIXShells = map[string]bool{"cmd": true, "powershell": true, "pwsh": true}

// track follows FROM and SHELL through the input to know the shell in
// effect. A stage built FROM an earlier stage inherits that stage's shell.
func (c *comparer) track(x *parser.Node) {
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
func (c *comparer) instruction(x, y *parser.Node, hda, hdb []parser.Heredoc) error {
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
	if err := samePrevComment(kw, x.PrevComment, y.PrevComment); err != nil {
		return fmt.Errorf("%s: %v", kw, err)
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
func (c *comparer) onbuild(x, y *parser.Node) error {
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
			return fmt.Errorf("heredoc %s: body differs: %s", x.Name, FirstLineDiff([]byte(x.Content), []byte(y.Content)))
		}
	}
	// Whatever else BuildKit may come to keep of a heredoc.
	if !reflect.DeepEqual(a, b) {
		return fmt.Errorf("heredocs differ: in %+v, out %+v", a, b)
	}
	return nil
}

// samePrevComment compares the comments BuildKit attaches to an
// instruction (Node.PrevComment) where a build reads them: above FROM and
// ARG they are the description (instructions/parse.go, --call=outline),
// compared exactly; above any other instruction a "check=" comment sets
// that instruction's lint rules (linter.WithMergedConfigFromComments).
// BuildKit takes the comment text from the raw line minus its first byte,
// so an indented comment keeps its "#": re-indenting such a comment changes
// its text here.
func samePrevComment(kw string, a, b []string) error {
	if kw == "from" || kw == "arg" {
		if !slices.Equal(a, b) {
			return fmt.Errorf("description comments differ: in %q, out %q", a, b)
		}
		return nil
	}
	if ca, cb := checkComments(a), checkComments(b); !slices.Equal(ca, cb) {
		return fmt.Errorf("check comments differ: in %q, out %q", ca, cb)
	}
	return nil
}

// checkComments returns the values of the comments that the linter reads as
// "check=" directives, as linter.WithMergedConfigFromComments does.
func checkComments(comments []string) []string {
	var vs []string
	for _, c := range comments {
		p := parser.DirectiveParser{}
		p.SetComment("")
		if d, _ := p.ParseLine([]byte(c)); d != nil && d.Name == "check" {
			vs = append(vs, d.Value)
		}
	}
	return vs
}

// sameShell compares shell-form text (see SameBuild): with ExactText the
// texts must be equal. Otherwise, for a POSIX shell both sides are parsed
// with mvdan.cc/sh (bash) and their canonical prints compared, so that
// only white space the shell ignores may differ; heredocs (RUN only) are
// appended as bodies so that a command line with <<EOF parses, their exact
// bytes being compared separately. Where either side does not parse, or
// the shell is not POSIX (backtick escape, SHELL cmd/powershell), the
// texts are compared with runs of blanks outside quotes collapsed. In
// every case the texts must also be equal once normalizeShell has reduced
// them.
func (c *comparer) sameShell(a, b string, ha, hb []parser.Heredoc) error {
	if a == b {
		return nil
	}
	if c.exact {
		return fmt.Errorf("the text differs")
	}
	parsed := false
	if c.posix && c.escape == '\\' {
		pa, errA := canonShell(a, ha)
		pb, errB := canonShell(b, hb)
		if errA == nil && errB == nil {
			if pa != pb {
				return fmt.Errorf("as shell: %s", FirstLineDiff([]byte(pa), []byte(pb)))
			}
			parsed = true
		}
	}
	if !parsed {
		if ca, cb := collapseBlanks(a, c.escape), collapseBlanks(b, c.escape); ca != cb {
			return fmt.Errorf("with blanks outside quotes collapsed: in %q, out %q", ca, cb)
		}
	}
	if na, nb := normalizeShell(a), normalizeShell(b); na != nb {
		return fmt.Errorf("normalized: in %q, out %q", na, nb)
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
	// escaped writes the character that the escape at i escapes, if any,
	// and returns where it stands.
	escaped := func(i int) int {
		if i+1 < len(rs) {
			i++
			b.WriteRune(rs[i])
		}
		return i
	}
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
				i = escaped(i)
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
				i = escaped(i)
			case r == '"':
				state = none
			}
		}
	}
	return b.String()
}

// normalizeShell reduces POSIX shell text to what its white space cannot
// change: runs of blanks outside quotes become one space, dropped at the ends
// and next to an operator character (& | ; < > ( )), where the shell needs
// none, and a comment (an unquoted # starting a word) is dropped with the
// rest of the text, which BuildKit's joining puts on the same line. Quoted
// and backslash-escaped text is kept byte for byte.
func normalizeShell(s string) string {
	const ops = "&|;<>()"
	var b strings.Builder
	pendingSpace := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if quote == 0 && (c == ' ' || c == '\t' || c == '\n') {
			pendingSpace = b.Len() > 0
			continue
		}
		if quote == 0 && c == '#' && (b.Len() == 0 || pendingSpace || strings.IndexByte(ops, b.String()[b.Len()-1]) >= 0) {
			break
		}
		if pendingSpace {
			last := b.String()[b.Len()-1]
			if !strings.ContainsRune(ops, rune(last)) && !strings.ContainsRune(ops, rune(c)) {
				b.WriteByte(' ')
			}
			pendingSpace = false
		}
		b.WriteByte(c)
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			}
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case quote == '"':
			if c == '"' {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
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
