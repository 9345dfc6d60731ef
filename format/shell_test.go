package format

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/dfmt/dfmt/format/formattest"
	"github.com/dfmt/dfmt/format/syntax"
)

// formatShell formats src and reports what became of each shell body.
func formatShell(t testing.TB, src string, opts Options) (string, map[int]layoutOutcome) {
	t.Helper()
	f := syntax.Parse([]byte(src))
	if f.Err != nil {
		t.Fatalf("parse: %v", f.Err)
	}
	got := map[int]layoutOutcome{}
	p := newPrinter(f, opts, readHatches(f), shellContexts(f))
	defer p.release()
	p.sh.record = func(n *syntax.Node, r layoutOutcome) { got[n.Start+1] = r }
	out := string(p.print())
	res, err := Format([]byte(src), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Fallbacks) > 0 {
		t.Errorf("fallbacks at lines %v for:\n%s\nprinted:\n%s", res.Fallbacks, src, out)
	}
	return out, got
}

// TestShellContext checks which bodies count as POSIX shell.
func TestShellContext(t *testing.T) {
	src := `FROM alpine AS a
RUN a&&b
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN a&&b
SHELL ["powershell", "-Command"]
RUN a&&b
ONBUILD RUN a&&b
FROM a
RUN a&&b
FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS w
RUN a&&b
FROM w
RUN a&&b
FROM --platform=windows/amd64 foo
RUN a&&b
FROM mcr.microsoft.com/dotnet/framework/sdk:4.8-windowsservercore-ltsc2019
RUN a&&b
FROM alpine
ONBUILD RUN a&&b
HEALTHCHECK CMD a&&b
CMD a&&b
ENTRYPOINT a&&b
SHELL ["C:\\Program Files\\PowerShell\\pwsh.EXE"]
FROM scratch
RUN cat <<EOF
x
EOF
RUN a&&(
CMD ["a&&b"]
`
	_, got := formatShell(t, src, Options{})
	want := map[int]layoutOutcome{
		2:  shellLaidOut,
		4:  shellLaidOut,
		6:  shellNotPOSIX,
		7:  shellOnbuild,  // it runs with the shell the stage ends with: pwsh
		9:  shellNotPOSIX, // FROM a stage inherits its shell
		11: shellWindows,
		13: shellWindows,
		15: shellWindows,
		17: shellWindows,
		19: shellOnbuild,  // the stage's shell ends up pwsh
		20: shellNotPOSIX, // HEALTHCHECK runs with the final shell: pwsh
		21: shellLaidOut,
		22: shellLaidOut,
		25: shellLaidOut, // with its heredoc body, as the shell reads it
		28: shellParse,
	}
	for line, r := range want {
		if got[line] != r {
			t.Errorf("line %d: %v, want %v", line, got[line], r)
		}
	}
	if len(got) != len(want) {
		t.Errorf("recorded %d bodies, want %d: %v", len(got), len(want), got)
	}
	_, got = formatShell(t, "# escape=`\nFROM alpine\nRUN a&&b\n", Options{})
	if got[3] != shellEscape {
		t.Errorf("backtick escape: %v", got[3])
	}
	// A FROM that names its image with a global ARG's default.
	_, got = formatShell(t, "ARG BASE=mcr.microsoft.com/windows/servercore\nARG TAG=ltsc2022\nFROM ${BASE}:$TAG\nRUN a&&b\n", Options{})
	if got[4] != shellWindows {
		t.Errorf("FROM ${BASE}: %v", got[4])
	}
}

// TestShellLayout pins details of the layout that the golden files would
// only show in passing, and checks idempotence.
func TestShellLayout(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"RUN a&&b||c|d", "RUN a && b || c | d"},
		{"RUN a ; b&c", "RUN a; b & c"},
		{"RUN ( (a) )", "RUN ( (a))"},
		{"RUN (a);(b)", "RUN (a); (b)"},
		{"RUN f ( ) { a;} ;f", "RUN f() { a; }; f"},
		{"RUN function f { a;}", "RUN function f { a; }"},
		{"RUN a >f 2> g 2>&1 >& 2 <<<  x &>/dev/null", "RUN a > f 2> g 2>&1 >&2 <<< x &> /dev/null"},
		{"RUN >f a", "RUN > f a"},
		{"RUN ! a", "RUN ! a"},
		{"RUN time -p  a", "RUN time -p a"},
		{"RUN for((i=0;i<3;i++));do a;done", "RUN for ((i=0;i<3;i++)); do a; done"},
		{"RUN for i;do a;done", "RUN for i; do a; done"},
		{"RUN case x in (a)b;; c  |d )e;;& esac", "RUN case x in (a) b ;; c | d) e ;;& esac"},
		{"RUN [[  -f x ]]&&((  i++ ))", "RUN [[  -f x ]] && ((  i++ ))"},
		{"RUN declare  -x a=1   b", "RUN declare -x a=1 b"},
		{"RUN let  a=1+2", "RUN let a=1+2"},
		{"RUN echo $(a  b)  \"x  y\"  `c  d`", "RUN echo $(a  b) \"x  y\" `c  d`"},
		{"RUN a   # c  \\\n  && b", "RUN a # c  \\\n  && b"},
		{"RUN a;#c", "RUN a; #c"},
		{"RUN until a;do b;done", "RUN until a; do b; done"},
		{"RUN a |& b", "RUN a |& b"},
		{"RUN coproc  a", "RUN coproc a"},
		// A ; or & that starts a line stays there, at the level of the
		// statement it ends.
		{"RUN for k in \\\n\tx \\\n\t; do \\\n\techo $k; \\\n\tdone", "RUN for k in \\\n    x \\\n    ; do \\\n        echo $k; \\\n    done"},
		{"RUN a \\\n&# c", "RUN a \\\n    & # c"},
		// A break inside an operator is content.
		{"RUN a &\\\n& b", "RUN a &\\\n& b"},
	} {
		src := "FROM a\n" + tc.in + "\n"
		want := "FROM a\n" + tc.want + "\n"
		out, got := formatShell(t, src, Options{})
		if out != want {
			t.Errorf("%q:\n got %q\nwant %q (%v)", tc.in, out, want, got)
			continue
		}
		if again, _ := formatShell(t, out, Options{}); again != out {
			t.Errorf("%q: not idempotent: %q", tc.in, again)
		}
	}
}

// shellFigures are the corpus counts of TestShellCorpus.
type shellFigures struct {
	bodies     int
	reasons    [numLayoutOutcomes]int
	changed    int // laid out, and the instruction's text changed
	reindented int // of changed: only leading white space of lines changed
	unchanged  int // laid out, already in the layout
	heredocOK  int // RUN with heredocs that parses as shell with its bodies
	examples   [numLayoutOutcomes][]string
}

// TestShellCorpus counts, over all shell-form bodies of the corpus's
// valid/ files, those laid out (changed, or already in the layout) and those
// kept as written, by reason. It fails when a body in a POSIX context that
// parses as shell is kept for a reason other than a heredoc: the aim of
// STYLE.md rule 15 is that every such body is laid out.
//
//	DFMT_CORPUS=../shared/corpus go test ./format -run TestShellCorpus -v
func TestShellCorpus(t *testing.T) {
	var fig shellFigures
	files := formattest.CorpusFiles(t, "valid")
	for _, cf := range files {
		shellFile(t, cf.Rel, cf.Src, &fig)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "shell-form bodies in %d files of the corpus's valid/: %d\n", len(files), fig.bodies)
	fmt.Fprintf(&b, "  laid out: %d\n", fig.reasons[shellLaidOut])
	fmt.Fprintf(&b, "    changed:                %d (of which only re-indented: %d)\n", fig.changed, fig.reindented)
	fmt.Fprintf(&b, "    already in the layout:  %d\n", fig.unchanged)
	fmt.Fprintf(&b, "  kept as written:\n")
	for r := shellLaidOut + 1; r < numLayoutOutcomes; r++ {
		fmt.Fprintf(&b, "    %-58s %d\n", r.String()+":", fig.reasons[r])
	}
	fmt.Fprintf(&b, "  (RUN with heredocs that parse as shell with their bodies: %d)\n", fig.heredocOK)
	t.Log("\n" + b.String())
	for _, r := range []layoutOutcome{shellUnsupported, shellUncovered, shellPanic, shellHeredoc} {
		if fig.reasons[r] > 0 {
			t.Errorf("%d POSIX bodies that parse were not laid out (%v), e.g.:\n%s",
				fig.reasons[r], r, strings.Join(fig.examples[r], "\n"))
		}
	}
}

func shellFile(t *testing.T, rel string, src []byte, fig *shellFigures) {
	f := syntax.Parse(src)
	if f.Err != nil {
		return
	}
	got := map[*syntax.Node]layoutOutcome{}
	p := newPrinter(f, Options{}, readHatches(f), shellContexts(f))
	defer p.release()
	p.sh.record = func(n *syntax.Node, r layoutOutcome) { got[n] = r }
	out := p.print()
	g := syntax.Parse(out)
	ai, bi := instructions(f), instructions(g)
	if len(ai) != len(bi) {
		t.Errorf("%s: instruction count changed", rel)
		return
	}
	for i, k := range ai {
		n := f.Nodes[k]
		r, ok := got[n]
		if !ok {
			continue
		}
		fig.bodies++
		fig.reasons[r]++
		if len(fig.examples[r]) < 5 {
			fig.examples[r] = append(fig.examples[r], fmt.Sprintf("  %s:%d: %.200q", rel, n.Start+1, n.Joined()))
		}
		if r == shellHeredoc && heredocParses(n) {
			fig.heredocOK++
		}
		if r != shellLaidOut {
			continue
		}
		m := g.Nodes[bi[i]]
		x, y := nodeLines(f, n), nodeLines(g, m)
		switch {
		case x == y:
			fig.unchanged++
		case trimLines(x) == trimLines(y):
			fig.changed++
			fig.reindented++
		default:
			fig.changed++
		}
	}
}

// heredocParses reports whether a RUN with heredocs parses as shell with
// its bodies, as BuildKit runs it.
func heredocParses(n *syntax.Node) bool {
	ln := n.Lowered
	text := ln.Original
	c := syntax.SplitCommand(text, 0, len(text), '\\')
	if syntax.LowerKeyword(text[c.Keyword.S:c.Keyword.E]) == "onbuild" {
		c = syntax.SplitCommand(text, c.Args.S, c.Args.E, '\\')
	}
	var sb strings.Builder
	sb.WriteString(text[c.Args.S:c.Args.E])
	sb.WriteString("\n")
	for _, h := range ln.Heredocs {
		sb.WriteString(h.Content)
		sb.WriteString(h.Name)
		sb.WriteString("\n")
	}
	t := shellPool.Get().(*shellTools)
	defer shellPool.Put(t)
	_, err := t.parse(sb.String())
	return err == nil
}

func nodeLines(f *syntax.File, n *syntax.Node) string {
	var b bytes.Buffer
	for i := n.Start; i < n.BodyStart; i++ {
		b.Write(f.Lines[i].Text)
		b.WriteByte('\n')
	}
	return b.String()
}

func trimLines(s string) string {
	var b strings.Builder
	for l := range strings.Lines(s) {
		b.WriteString(strings.TrimLeft(l, " \t"))
	}
	return b.String()
}

// FuzzShellLayout formats "RUN <body>" where each line end of body becomes a
// continuation: no panic, no safety-check fallback, idempotent.
func FuzzShellLayout(f *testing.F) {
	for _, s := range []string{
		"a&&b||c|d",
		"set -eux;\n  if [ -f x ];then\n  echo a>f;\n  # c\n  fi;\n  for i in 1 2;do\n echo $i;\n done",
		"case x in\n a|b) c;;\n (d)\n e\n ;;\n esac",
		"( cd /x&&make ) ; { echo a;echo b; } > f 2>&1",
		"echo \"a \n   b\" 'c\n d' $(e \n | f) `g\n h`",
		"find . \\( -name x \\) -exec rm {} \\;",
		"f() { a; }; time -p f & wait",
		"a # comment\n && b",
		"a &&\n\n# c\n\n b",
		"for ((i=0;i<3;i++)); do [[ $i -gt 1 ]] && ((j++)); done",
		"declare -x a=(1 2) && let b=1+2",
		"cat <<< x 3<&0 &>/dev/null",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > 4096 {
			t.Skip()
		}
		src := "FROM a\nRUN " + strings.ReplaceAll(body, "\n", " \\\n") + "\n"
		if syntax.Parse([]byte(src)).Err != nil {
			return
		}
		res, err := Format([]byte(src), Options{})
		if err != nil {
			return
		}
		if len(res.Fallbacks) > 0 {
			t.Fatalf("fallbacks %v for:\n%s", res.Fallbacks, src)
		}
		res2, err := Format(res.Out, Options{})
		if err != nil || !bytes.Equal(res2.Out, res.Out) {
			t.Fatalf("not idempotent for:\n%s\nfirst:\n%s\nsecond:\n%s (%v)", src, res.Out, res2.Out, err)
		}
	})
}
