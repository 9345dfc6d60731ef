package format_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/formattest"
	"github.com/dfmt/dfmt/format/syntax"
)

// FuzzFormat checks the formatter's promises on arbitrary input:
//
//   - it never panics, and Parse(src).Verbatim() gives back src;
//   - it fails exactly when BuildKit's parser rejects src (a file with no
//     instruction, which BuildKit rejects and dfmt formats, excepted);
//   - when it succeeds: no safety-check fallback, formatting the output again
//     changes nothing, and BuildKit builds the same from the output as from
//     the input (see sameBuildAs);
//   - the warnings stand on lines of the input, one a line at most, in
//     order, and the output draws the same ones.
//
// The second argument picks the options: Indent is mode&7 (0 is the default
// 4) and mode&8 asks for tabs.
func FuzzFormat(f *testing.F) {
	for _, in := range formattest.GoldenInputs(f) {
		f.Add(in, byte(0))
	}
	for i, s := range formattest.FuzzSeeds {
		f.Add([]byte(s), byte(0))
		f.Add([]byte(s), byte(2+8*(i%2)))
	}
	f.Fuzz(func(t *testing.T, src []byte, mode byte) {
		if len(src) > formattest.MaxFuzzInput {
			t.Skip("input too large")
		}
		opts := format.Options{Indent: int(mode & 7), Tabs: mode&8 != 0}

		if got := syntax.Parse(src).Verbatim(); !bytes.Equal(got, src) {
			t.Fatalf("Parse(src).Verbatim() differs from src:\n%s", formattest.LineDiff(src, got))
		}

		oracle := buildkitOracle(t, src)
		res, err := format.Format(src, opts)
		if err != nil {
			var ferr *format.Error
			if !errors.As(err, &ferr) {
				t.Fatalf("error is %T, want *format.Error: %v", err, err)
			}
			if ferr.Line < 1 || ferr.Col < 1 {
				t.Errorf("error %q has no position", err)
			}
			if oracle.accepted {
				t.Fatalf("Format rejects what BuildKit accepts: %v", err)
			}
			return
		}
		if oracle.rejected {
			t.Fatalf("Format accepts what BuildKit rejects (%v); output:\n%q", oracle.err, res.Out)
		}
		if len(res.Fallbacks) != 0 {
			t.Fatalf("safety check fell back on lines %v", res.Fallbacks)
		}
		lines := bytes.Count(src, []byte("\n")) + 1
		for i, w := range res.Warnings {
			if w.Line < 1 || w.Line > lines || w.Col < 1 || w.Msg == "" ||
				i > 0 && w.Line <= res.Warnings[i-1].Line {
				t.Errorf("warning %q out of place or order (%d lines)", w, lines)
			}
		}
		res2, err := format.Format(res.Out, opts)
		if err != nil {
			t.Fatalf("formatting the output fails: %v; output:\n%q", err, res.Out)
		}
		if !bytes.Equal(res2.Out, res.Out) {
			t.Fatalf("not idempotent:\n%s", formattest.LineDiff(res.Out, res2.Out))
		}
		if len(res2.Fallbacks) != 0 {
			t.Fatalf("formatting the output: safety check fell back on lines %v", res2.Fallbacks)
		}
		// The output keeps every comment where it stands to the
		// instructions: it draws the same warnings, lines aside.
		if a, b := warningMsgs(res.Warnings), warningMsgs(res2.Warnings); !slices.Equal(a, b) {
			t.Fatalf("the output's warnings differ from the input's:\n%q\n%q", a, b)
		}
		if msg := oracle.sameBuildAs(res.Out); msg != "" {
			t.Fatalf("the output does not build what the input builds: %s\ninput:\n%q\noutput:\n%q", msg, src, res.Out)
		}
	})
}

func warningMsgs(ws []format.Warning) []string {
	var msgs []string
	for _, w := range ws {
		msgs = append(msgs, w.Msg)
	}
	return msgs
}

// oracle is BuildKit's verdict on one source file.
type oracle struct {
	src []byte
	res *parser.Result
	err error
	// accepted: BuildKit parses src and finds at least one instruction.
	accepted bool
	// rejected: BuildKit rejects src for a reason other than having no
	// instruction, which dfmt accepts (an empty or comments-only file).
	rejected bool
}

const errNoInstructions = "file with no instructions"

// buildkitOracle parses src with BuildKit's own parser, the one a build uses.
func buildkitOracle(t testing.TB, src []byte) *oracle {
	t.Helper()
	res, err := buildkitParse(src)
	o := &oracle{src: src, res: res, err: err}
	switch {
	case err == nil:
		o.accepted = true
	case !strings.Contains(err.Error(), errNoInstructions):
		o.rejected = true
	}
	return o
}

func buildkitParse(src []byte) (res *parser.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("buildkit parser panicked: %v", r)
		}
	}()
	return parser.Parse(bytes.NewReader(src))
}

// sameBuildAs reports how BuildKit would build out differently from the
// oracle's source, or "" when it would build the same. It compares what the
// formatter may not change and allows what the style changes: keyword case,
// the case of FROM's AS and HEALTHCHECK's CMD/NONE, and white space outside
// quotes in shell-form text (between words, around operators, and the
// indentation of continuation lines, which BuildKit's joining keeps).
// Everything else must match: directives (as the frontend reads them),
// descriptions, flags, heredocs, exec-form arrays, and every value of the
// instructions whose white space BuildKit keeps.
func (o *oracle) sameBuildAs(out []byte) string {
	if o.rejected {
		return ""
	}
	res, err := buildkitParse(out)
	if !o.accepted {
		// No instruction in: the output must not gain one.
		if err == nil || !strings.Contains(err.Error(), errNoInstructions) {
			return fmt.Sprintf("the input has no instruction; the output parses as %v", describe(res, err))
		}
		return ""
	}
	if err != nil {
		return fmt.Sprintf("BuildKit rejects the output: %v", err)
	}
	if msg := sameDirectives(o.src, out); msg != "" {
		return msg
	}
	if o.res.EscapeToken != res.EscapeToken {
		return fmt.Sprintf("escape token %q, was %q", res.EscapeToken, o.res.EscapeToken)
	}
	a, b := o.res.AST.Children, res.AST.Children
	if len(a) != len(b) {
		return fmt.Sprintf("%d instructions, was %d:\n%s", len(b), len(a), dumpInstructions(b))
	}
	for i := range a {
		if msg := sameInstruction(a[i], b[i], true); msg != "" {
			return fmt.Sprintf("instruction %d (line %d of the input, %d of the output): %s", i+1, a[i].StartLine, b[i].StartLine, msg)
		}
	}
	return ""
}

func describe(res *parser.Result, err error) string {
	if err != nil {
		return err.Error()
	}
	return dumpInstructions(res.AST.Children)
}

func dumpInstructions(nodes []*parser.Node) string {
	var b strings.Builder
	for _, n := range nodes {
		b.WriteString(n.Dump())
		b.WriteByte('\n')
	}
	return b.String()
}

// sameDirectives compares the directives as the Dockerfile frontend reads them
// from the raw file (builder/build.go and dockerfile2llb/convert.go): unlike
// the parser, it does not skip leading white space, so an indented
// "  # syntax=" is a directive to the parser but not to the frontend.
func sameDirectives(src, out []byte) string {
	type directive struct {
		name, cmdline string
		ok            bool
	}
	read := func(dt []byte) []directive {
		s, c, _, ok := parser.DetectSyntax(dt)
		ds := []directive{{s, c, ok}}
		for _, key := range []string{"check", "escape"} {
			s, c, _, ok := parser.ParseDirective(key, dt)
			ds = append(ds, directive{s, c, ok})
		}
		return ds
	}
	a, b := read(src), read(out)
	if !reflect.DeepEqual(a, b) {
		return fmt.Sprintf("directives %+v, were %+v", b, a)
	}
	return ""
}

// knownInstructions are the keywords BuildKit's parser dispatches on
// (parser.go); any other keyword's arguments are ignored at parse time and
// the formatter keeps the instruction as written.
var knownInstructions = map[string]bool{
	"add": true, "arg": true, "cmd": true, "copy": true, "entrypoint": true,
	"env": true, "expose": true, "from": true, "healthcheck": true,
	"label": true, "maintainer": true, "onbuild": true, "run": true,
	"shell": true, "stopsignal": true, "user": true, "volume": true,
	"workdir": true,
}

// shellInstructions take shell-form text (parseMaybeJSON in line_parsers.go).
var shellInstructions = map[string]bool{
	"run": true, "cmd": true, "entrypoint": true, "shell": true,
}

func sameInstruction(a, b *parser.Node, top bool) string {
	kw := strings.ToLower(a.Value)
	if kw != strings.ToLower(b.Value) {
		return fmt.Sprintf("keyword %q, was %q", b.Value, a.Value)
	}
	if top {
		if msg := sameComments(kw, a.PrevComment, b.PrevComment); msg != "" {
			return msg
		}
	}
	if !knownInstructions[kw] {
		if a.Value != b.Value || strings.TrimRight(a.Original, " \t") != strings.TrimRight(b.Original, " \t") {
			return fmt.Sprintf("unknown instruction %q, was %q", b.Original, a.Original)
		}
		return ""
	}
	if !sameStrings(a.Flags, b.Flags) {
		return fmt.Sprintf("flags %q, were %q", b.Flags, a.Flags)
	}
	if a.Attributes["json"] != b.Attributes["json"] {
		return fmt.Sprintf("exec form %v, was %v", b.Attributes["json"], a.Attributes["json"])
	}
	if !reflect.DeepEqual(a.Heredocs, b.Heredocs) {
		return fmt.Sprintf("heredocs %+v, were %+v", b.Heredocs, a.Heredocs)
	}
	if kw == "onbuild" {
		ca, cb := onbuildTrigger(a), onbuildTrigger(b)
		if (ca == nil) != (cb == nil) {
			return "ONBUILD trigger appeared or disappeared"
		}
		if ca == nil {
			return ""
		}
		if msg := sameInstruction(ca, cb, false); msg != "" {
			return "ONBUILD " + msg
		}
		return ""
	}
	va, vb := values(a), values(b)
	json := a.Attributes["json"]
	if kw == "healthcheck" && len(va) > 0 && len(vb) > 0 {
		if !strings.EqualFold(va[0], vb[0]) {
			return fmt.Sprintf("HEALTHCHECK type %q, was %q", vb[0], va[0])
		}
		va, vb = va[1:], vb[1:]
		if !json {
			return sameShell(va, vb)
		}
	}
	if shellInstructions[kw] && !json {
		return sameShell(va, vb)
	}
	if len(va) != len(vb) {
		return fmt.Sprintf("arguments %q, were %q", vb, va)
	}
	for i := range va {
		if va[i] == vb[i] || kw == "from" && strings.EqualFold(va[i], "as") && strings.EqualFold(vb[i], "as") {
			continue
		}
		return fmt.Sprintf("arguments %q, were %q", vb, va)
	}
	return ""
}

// sameComments compares the comments BuildKit attaches to an instruction
// (Node.PrevComment) where a build reads them: above FROM and ARG they are
// the description (instructions/parse.go), compared exactly; above any
// instruction a "check=" comment sets that instruction's lint rules
// (linter.WithMergedConfigFromComments). BuildKit takes the comment text from
// the raw line minus its first byte, so an indented comment keeps its "#":
// re-indenting such a comment changes its text here.
func sameComments(kw string, a, b []string) string {
	if kw == "from" || kw == "arg" {
		if !sameStrings(a, b) {
			return fmt.Sprintf("description %q, was %q", b, a)
		}
		return ""
	}
	if ca, cb := checkComments(a), checkComments(b); !sameStrings(ca, cb) {
		return fmt.Sprintf("check comments %q, were %q", cb, ca)
	}
	return ""
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

func onbuildTrigger(n *parser.Node) *parser.Node {
	if n.Next == nil || len(n.Next.Children) == 0 {
		return nil
	}
	return n.Next.Children[0]
}

func values(n *parser.Node) []string {
	var vs []string
	for v := n.Next; v != nil; v = v.Next {
		vs = append(vs, v.Value)
	}
	return vs
}

func sameStrings(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

func sameShell(a, b []string) string {
	if len(a) != len(b) {
		return fmt.Sprintf("shell text %q, was %q", b, a)
	}
	for i := range a {
		if normalizeShell(a[i]) != normalizeShell(b[i]) {
			return fmt.Sprintf("shell text %q, was %q (normalized %q, was %q)", b[i], a[i], normalizeShell(b[i]), normalizeShell(a[i]))
		}
	}
	return ""
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

// TestNormalizeShell pins the oracle's notion of equivalent shell text.
func TestNormalizeShell(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"a && b", "a&&b", true},
		{"a   b", "a b", true},
		{"a b", "ab", false},
		{"echo  'x  y'", "echo 'x  y'", true},
		{"echo 'x  y'", "echo 'x y'", false},
		{`echo "it's  x"`, `echo "it's x"`, false},
		{`echo \  x`, `echo \ x`, false}, // two arguments, then one
		{`echo \   x`, `echo \  x`, true},
		{`echo a\ \ b`, `echo a\ b`, false},
		{"cat > f", "cat >f", true},
		{"a \\\"b  c", "a \\\"b c", true},
		{"  x  ", "x", true},
		{"a &#c", "a &", true},
		{"a # c && b", "a", true},
		{"a && b # c", "a && b", true},
		{"a#b", "a", false},
		{"echo $# ${#x}", "echo", false},
		{"echo '#x'", "echo", false},
	} {
		if got := normalizeShell(tc.a) == normalizeShell(tc.b); got != tc.same {
			t.Errorf("%q vs %q: same=%v, want %v (%q, %q)", tc.a, tc.b, got, tc.same, normalizeShell(tc.a), normalizeShell(tc.b))
		}
	}
}
