package formattest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// checkDiff checks a comparison's verdict: no difference when want is "",
// else one whose message contains want.
func checkDiff(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("want no difference, got: %v", err)
	case want != "" && err == nil:
		t.Errorf("want a difference containing %q, got none", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("want a difference containing %q, got: %v", want, err)
	}
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
		{
			name: "unknown keyword loses trailing blanks",
			in:   "FROM a\nFOO bar  \n",
			out:  "FROM a\nFOO bar\n",
			want: "unknown instruction",
		},
		{
			// The parser skips the indentation; the frontend does not.
			name: "directive indentation",
			in:   "  # syntax=x\nFROM a\n",
			out:  "# syntax=x\nFROM a\n",
			want: "as the frontend reads them",
		},
		{
			name: "check comment above RUN",
			in:   "FROM a\n# check=skip=all\nRUN a\n",
			out:  "FROM a\n# check=skip=none\nRUN a\n",
			want: "check comments differ",
		},
		{
			name: "comment moved",
			in:   "FROM a\n# c\nRUN a\nRUN b\n",
			out:  "FROM a\nRUN a\n# c\nRUN b\n",
			want: "comment moved",
		},
		{
			name: "no instruction in, one out",
			in:   "# a\n",
			out:  "# a\nFROM x\n",
			want: "the input has no instruction",
		},
		{
			name: "comments only",
			in:   "  # a  \n\n# b\n",
			out:  "# a\n# b\n",
			same: true,
		},
		{
			name: "input rejected",
			in:   "FROM a\nENV PATH\n",
			out:  "FROM a\nENV PATH\n",
			want: "input rejected by BuildKit",
		},
		{
			name: "output rejected",
			in:   "FROM a\nENV PATH=/x\n",
			out:  "FROM a\nENV PATH\n",
			want: "output rejected by BuildKit",
		},
		{
			// Both parse; the instructions package rejects the second
			// FROM's stage name.
			name: "stage name BuildKit's instructions reject",
			in:   "FROM a AS b\n",
			out:  "FROM a AS 1b\n",
			want: "argument 3 differs",
		},
		{
			name: "trailing semicolon dropped",
			in:   "FROM a\nRUN a ;\n",
			out:  "FROM a\nRUN a\n",
			want: "normalized",
		},
		{
			name: "operator split in text that does not parse",
			in:   "FROM a\nRUN a & & b\n",
			out:  "FROM a\nRUN a && b\n",
			want: "blanks outside quotes collapsed",
		},
		{
			name: "arithmetic spacing",
			in:   "FROM a\nRUN echo $((1+2))\n",
			out:  "FROM a\nRUN echo $(( 1 + 2 ))\n",
			want: "normalized",
		},
		{
			name: "escaped blank in a windows path",
			in:   "# escape=`\nFROM a\nRUN dir C:\\  x\n",
			out:  "# escape=`\nFROM a\nRUN dir C:\\ x\n",
			want: "normalized",
		},
		{
			name: "run mount flag changed",
			in:   "FROM a\nRUN --mount=type=cache,target=/c make\n",
			out:  "FROM a\nRUN --mount=type=cache,target=/d make\n",
			want: "flags differ",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := SameBuild([]byte(tt.in), []byte(tt.out))
			if tt.same {
				tt.want = ""
			}
			checkDiff(t, err, tt.want)
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
			a, _ := BuildKitParse([]byte(tt.in))
			b, _ := BuildKitParse([]byte(tt.out))
			err := sameComments(bkComments([]byte(tt.in), a), bkComments([]byte(tt.out), b), nil)
			checkDiff(t, err, tt.want)
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

// TestSameBuildOptions checks ExactText and Allow.
func TestSameBuildOptions(t *testing.T) {
	// mergeTwo allows two RUNs to become one.
	mergeTwo := Allow(func(in, out []Instruction) (int, int, error) {
		if len(in) < 2 || !strings.EqualFold(in[0].Node.Value, "run") || !strings.EqualFold(in[1].Node.Value, "run") ||
			!strings.EqualFold(out[0].Node.Value, "run") {
			return 0, 0, fmt.Errorf("not two RUNs made one")
		}
		return 2, 1, nil
	})
	addToCopy := Allow(func(in, out []Instruction) (int, int, error) {
		_, okA := in[0].Command.(*instructions.AddCommand)
		_, okB := out[0].Command.(*instructions.CopyCommand)
		if !okA || !okB {
			return 0, 0, fmt.Errorf("not ADD → COPY")
		}
		return 1, 1, nil
	})
	anything := Allow(func(in, out []Instruction) (int, int, error) { return 1, 1, nil })
	for _, tt := range []struct {
		name    string
		in, out string
		opts    []Option
		want    string // substring of the error, "" for none
	}{
		{
			name: "shell spacing",
			in:   "FROM a\nRUN a&&b\n",
			out:  "FROM a\nRUN a && b\n",
		},
		{
			name: "exact shell spacing",
			in:   "FROM a\nRUN a&&b\n",
			out:  "FROM a\nRUN a && b\n",
			opts: []Option{ExactText()},
			want: "shell text differs",
		},
		{
			name: "exact onbuild trigger",
			in:   "FROM a\nONBUILD RUN a&&b\n",
			out:  "FROM a\nONBUILD RUN a && b\n",
			opts: []Option{ExactText()},
			want: "onbuild trigger: run: shell text differs",
		},
		{
			name: "exact keyword case",
			in:   "FROM a\nrun a\n",
			out:  "FROM a\nRUN a\n",
			opts: []Option{ExactText()},
		},
		{
			name: "merge with the comment between",
			in:   "FROM a\nRUN a\n# c\nRUN b\n# d\nRUN c\n",
			out:  "FROM a\nRUN a \\\n    # c\n    && b\n# d\nRUN c\n",
			opts: []Option{mergeTwo},
		},
		{
			name: "merge not allowed",
			in:   "FROM a\nRUN a\nRUN b\n",
			out:  "FROM a\nRUN a && b\n",
			want: "shell text differs",
		},
		{
			name: "merge pulls in a comment from after it",
			in:   "FROM a\nRUN a\nRUN b\n# d\nRUN c\n",
			out:  "FROM a\nRUN a \\\n    # d\n    && b\nRUN c\n",
			opts: []Option{mergeTwo},
			want: "comment moved",
		},
		{
			name: "change refused",
			in:   "FROM a\nRUN a\nUSER b\n",
			out:  "FROM a\nRUN a && b\n",
			opts: []Option{mergeTwo},
			want: "not an allowed change: not two RUNs made one",
		},
		{
			name: "ADD to COPY through the commands",
			in:   "FROM a\nADD x /y\n",
			out:  "FROM a\nCOPY x /y\n",
			opts: []Option{addToCopy},
		},
		{
			name: "bad span",
			in:   "FROM a\nRUN a\n",
			out:  "FROM a\nRUN b\n",
			opts: []Option{Allow(func(in, out []Instruction) (int, int, error) { return 0, 1, nil })},
			want: "accounts for 0 and 1 instructions",
		},
		{
			// Allowed as a node, the new stage name is one that
			// BuildKit's instructions package rejects.
			name: "instructions package verdict",
			in:   "FROM a AS b\n",
			out:  "FROM a AS 1b\n",
			opts: []Option{anything},
			want: "BuildKit's instructions package: input error <nil>",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := SameBuild([]byte(tt.in), []byte(tt.out), tt.opts...)
			checkDiff(t, err, tt.want)
		})
	}
}

// TestBuildKitFile checks that each instruction meets what BuildKit's
// instructions package makes of it.
func TestBuildKitFile(t *testing.T) {
	res, err := BuildKitParse([]byte("ARG V=1\nFROM a:$V AS b\nRUN x\nFROM b\nCOPY --from=b /x /y\n"))
	if err != nil {
		t.Fatal(err)
	}
	f := buildkitFile(res)
	if f.err != nil || len(f.insts) != 5 {
		t.Fatalf("%d instructions, error %v", len(f.insts), f.err)
	}
	if _, ok := f.insts[0].Command.(*instructions.ArgCommand); !ok {
		t.Errorf("meta ARG: %T", f.insts[0].Command)
	}
	if s := f.insts[1].Stage; s == nil || s.Name != "b" || f.insts[1].Command != nil {
		t.Errorf("first FROM: %+v", s)
	}
	if _, ok := f.insts[2].Command.(*instructions.RunCommand); !ok {
		t.Errorf("RUN: %T", f.insts[2].Command)
	}
	if s := f.insts[3].Stage; s == nil || s.BaseName != "b" {
		t.Errorf("second FROM: %+v", s)
	}
	if c, ok := f.insts[4].Command.(*instructions.CopyCommand); !ok || c.From != "b" || f.insts[4].Escape != '\\' {
		t.Errorf("COPY: %+v", f.insts[4])
	}
}
