package syntax

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/dfmt/dfmt/format/formattest"
	bkcommand "github.com/moby/buildkit/frontend/dockerfile/command"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// loweringCorpus returns the corpus named by DFMT_CORPUS, or skips the test.
func loweringCorpus(t testing.TB) string {
	return formattest.CorpusDir(t)
}

// loweringFiles lists the regular files below dir/sub, sorted.
func loweringFiles(t testing.TB, dir, sub string) []string {
	var out []string
	err := filepath.WalkDir(filepath.Join(dir, sub), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && d.Name() != "result" {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// compareLowering holds dfmt's lowering of src to BuildKit's parse of it.
func compareLowering(src []byte) error {
	f := Parse(src)
	res, bkErr := parser.Parse(bytes.NewReader(src))
	if bkErr != nil {
		if f.Err == nil && strings.Contains(bkErr.Error(), "file with no instructions") && len(instructionsOf(f)) == 0 {
			return nil // dfmt formats empty and comment-only files by design
		}
		if f.Err == nil {
			return errors.New("buildkit rejects the file, dfmt accepts it: " + bkErr.Error())
		}
		return nil
	}
	if f.Err != nil {
		return errors.New("dfmt rejects the file, buildkit accepts it: " + f.Err.Error())
	}
	mine := instructionsOf(f)
	theirs := res.AST.Children
	if len(mine) != len(theirs) {
		return errors.New("instruction count differs")
	}
	if rune(f.Escape) != res.EscapeToken {
		return errors.New("escape token differs")
	}
	for i, m := range mine {
		if err := sameAsBuildKit(m, theirs[i]); err != nil {
			return err
		}
	}
	return nil
}

func sameAsBuildKit(m *Lowered, b *parser.Node) error {
	fail := func(what string) error {
		return errors.New("line " + itoa(b.StartLine) + ": " + what + " differs: dfmt " + m.Dump() + " buildkit " + b.Dump())
	}
	if m.Dump() != b.Dump() {
		return fail("tree")
	}
	if m.Original != b.Original {
		return fail("original")
	}
	if m.StartLine != b.StartLine || m.EndLine != b.EndLine {
		return fail("lines " + itoa(m.StartLine) + "-" + itoa(m.EndLine) + " vs " + itoa(b.EndLine))
	}
	if m.JSON != b.Attributes["json"] {
		return fail("json attribute")
	}
	if !slices.Equal(m.PrevComment, b.PrevComment) {
		return fail("comments " + strings.Join(m.PrevComment, "|") + " vs " + strings.Join(b.PrevComment, "|"))
	}
	if len(m.Heredocs) != len(b.Heredocs) {
		return fail("heredoc count")
	}
	for i, h := range m.Heredocs {
		bh := b.Heredocs[i]
		if h != (Heredoc{bh.Name, bh.FileDescriptor, bh.Expand, bh.Chomp, bh.Content}) {
			return fail("heredoc")
		}
	}
	if len(m.Children) != len(b.Children) {
		return fail("children")
	}
	mn, bn := m.Next, b.Next
	for ; mn != nil && bn != nil; mn, bn = mn.Next, bn.Next {
		if len(mn.Children) != len(bn.Children) {
			return fail("children")
		}
		for i := range mn.Children {
			if err := sameAsBuildKit(mn.Children[i], bn.Children[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

func itoa(i int) string {
	if i < 0 {
		return "-" + itoa(-i)
	}
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// TestLoweringMatchesBuildKit holds dfmt's own fast lowering to BuildKit's
// parser on every corpus file: same instructions, flags, arguments, forms,
// heredocs, description comments and line numbers, and the same verdict on
// files BuildKit rejects.
func TestLoweringMatchesBuildKit(t *testing.T) {
	dir := loweringCorpus(t)
	files := loweringFiles(t, dir, "")
	failed := 0
	for _, path := range files {
		if strings.HasSuffix(path, ".tsv") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := compareLowering(src); err != nil {
			failed++
			if failed <= 20 {
				t.Errorf("%s: %v", path, err)
			}
		}
	}
	t.Logf("%d files, %d differ", len(files), failed)
}

// TestParserTestfiles compares dfmt's lowering with the expected trees of
// BuildKit's own parser test files.
func TestParserTestfiles(t *testing.T) {
	dir := filepath.Join(loweringCorpus(t), "parser-testfiles", "testfiles")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		src, err := os.ReadFile(filepath.Join(dir, e.Name(), "Dockerfile"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(dir, e.Name(), "result"))
		if err != nil {
			continue // some test files have no expected tree
		}
		n++
		f := Parse(src)
		if f.Err != nil {
			t.Errorf("%s: %v", e.Name(), f.Err)
			continue
		}
		var got strings.Builder
		for _, nd := range f.Nodes {
			if nd.Kind == InstructionNode {
				got.WriteString("(" + nd.Lowered.Dump() + ")\n")
			}
		}
		if strings.TrimSpace(got.String()) != strings.TrimSpace(strings.ReplaceAll(string(want), "\r\n", "\n")) {
			t.Errorf("%s: tree differs:\ngot:\n%s\nwant:\n%s", e.Name(), got.String(), want)
		}
	}
	if n == 0 {
		t.Fatal("no parser test file with a result")
	}
}

func instructionsOf(f *File) []*Lowered {
	var out []*Lowered
	for _, n := range f.Nodes {
		if n.Kind == InstructionNode {
			out = append(out, n.Lowered)
		}
	}
	return out
}

// TestIsSpaceMatchesUnicode holds the scanner's fast white-space test to
// unicode.IsSpace, which BuildKit uses.
func TestIsSpaceMatchesUnicode(t *testing.T) {
	for r := rune(-1); r < 0x3100; r++ {
		if isSpace(r) != unicode.IsSpace(r) {
			t.Fatalf("isSpace(%U) = %v", r, isSpace(r))
		}
	}
}

// TestKeywordIsBuildKits holds keyword to BuildKit's strings.ToLower: a
// keyword that only case-folds to a known one is unknown to BuildKit.
func TestKeywordIsBuildKits(t *testing.T) {
	for kw, want := range map[string]string{
		"RUN": "run", "Healthcheck": "healthcheck", "sTOPSIGNAL": "stopsignal",
		"\u017fhell": "\u017fhell", "frobnicate": "frobnicate", "": "",
	} {
		if got := LowerKeyword(kw); got != want {
			t.Errorf("keyword(%q) = %q, want %q", kw, got, want)
		}
	}
	if err := compareLowering([]byte("FROM a\n\u017fhell [\"x\"]\n")); err != nil {
		t.Error(err)
	}
	// knownKeyword knows the keywords, and only them.
	for _, k := range Keywords {
		if knownKeyword(k) != k || !known(k) || LowerKeyword(strings.ToUpper(k)) != k {
			t.Errorf("keyword %q not known", k)
		}
	}
	for _, k := range []string{"", "ad", "adds", "froms", "Run", "maintaine"} {
		if known(k) {
			t.Errorf("%q taken for a keyword", k)
		}
	}
}

// FuzzSimpleJSONArray holds the fast reading of exec-form arrays to
// encoding/json, which BuildKit uses: where it accepts a text, the values
// are what json.Unmarshal decodes, and the text is valid JSON.
func FuzzSimpleJSONArray(f *testing.F) {
	for _, s := range []string{
		`[]`, `[ ]`, `["a"]`, `[ "a" , "b c" ]`, "[\"a\",\n\"b\"]\t", `["é", "ü"]`,
		`["a",]`, `["a" "b"]`, `["a\"b"]`, `["a\\b"]`, `["\u0041"]`, `[1]`, `["a"] x`,
		"[\"\x80\"]", "[\"a\x01\"]", `["a"`, `[`, `["a"]]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !strings.HasPrefix(s, "[") {
			return
		}
		vals, toks, ok := simpleJSONArray(s, 0, len(s))
		if !ok {
			return
		}
		var arr []string
		if err := json.Unmarshal([]byte(s), &arr); err != nil {
			t.Fatalf("%q: read as an array, but encoding/json says %v", s, err)
		}
		if !slices.Equal(vals, arr) && len(vals)+len(arr) > 0 {
			t.Fatalf("%q: values %q, encoding/json %q", s, vals, arr)
		}
		// The tokens are the brackets, the strings and the commas, in order.
		var b strings.Builder
		for _, tk := range toks {
			b.WriteString(s[tk.S:tk.E])
		}
		if want := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, s); b.String() != want && !strings.ContainsAny(strings.Join(vals, ""), " \t\n\r") {
			t.Fatalf("%q: tokens make %q, want %q", s, b.String(), want)
		}
	})
}

func TestSimpleJSONArray(t *testing.T) {
	for s, want := range map[string][]string{
		`[]`:              {},
		`[ "a" , "b c" ]`: {"a", "b c"},
		`["é"]`:           {"é"},
	} {
		vals, _, ok := simpleJSONArray(s, 0, len(s))
		if !ok || !slices.Equal(vals, want) {
			t.Errorf("%q: %q, %v; want %q", s, vals, ok, want)
		}
	}
	// Escapes, numbers, trailing text and broken arrays are left to
	// encoding/json.
	for _, s := range []string{`["a\"b"]`, `[1]`, `["a"] x`, `["a",]`, `["a"`, "[\"\x80\"]"} {
		if _, _, ok := simpleJSONArray(s, 0, len(s)); ok {
			t.Errorf("%q: read as a simple array", s)
		}
	}
}

// FuzzLowering holds the lowering to BuildKit's parser on any input: the
// same verdict, and for a file both accept the same instructions, flags,
// arguments, heredocs, comments and lines (see TestLoweringMatchesBuildKit
// for the corpus).
func FuzzLowering(f *testing.F) {
	for _, s := range []string{
		"FROM a\nRUN b\n",
		"ENV a=b c=\"d e\" f='g h'\\\n  i=j\n",
		"LABEL \"k\"=\"v\" x=y\nARG a b=c\n",
		"# escape=`\nENV a=b`\n  c=d\n",
		"CMD [\"a\", \"b\"]\nENTRYPOINT [ \"x\" ,\"y\" ]\nRUN [\"a\\\"b\"]\n",
		"ENV a b c\nEXPOSE 80 443\nCOPY --from=x a b\n",
		"ARG a=\"b \\\" c\" d='e'\n",
		"RUN <<EOF\nx\nEOF\n",
		"ONBUILD RUN a\nHEALTHCHECK CMD b\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 32<<10 {
			t.Skip("input too large")
		}
		if err := compareLowering(src); err != nil {
			t.Fatalf("%q: %v", src, err)
		}
	})
}

// TestKnownInstruction holds the exported test to BuildKit's list of
// commands, in any case, and to nothing else.
func TestKnownInstruction(t *testing.T) {
	for c := range bkcommand.Commands {
		for _, kw := range []string{c, strings.ToUpper(c), strings.ToUpper(c[:1]) + c[1:]} {
			if !KnownInstruction(kw) {
				t.Errorf("KnownInstruction(%q) = false", kw)
			}
		}
	}
	for _, kw := range []string{"", "import", "{{", "{%", "<%", "RNU", "froms", "\u017fhell", "RUN\xff", "run "} {
		if KnownInstruction(kw) {
			t.Errorf("KnownInstruction(%q) = true", kw)
		}
	}
}
