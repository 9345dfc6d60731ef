package format_test

// The generator of the differential shell harness (see TestShellRun): small
// Dockerfiles whose shell bodies are dense with what a layout can get
// wrong (redirections and file descriptors, every kind of quoting,
// here-documents, case, nested substitutions, operators, compound
// commands), written with odd spacing and line continuations, even inside
// words; and FuzzShellRun, which runs whatever bodies the fuzzer makes.

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"
)

// srGen builds one Dockerfile from a seed.
type srGen struct {
	r    *rand.Rand
	docs []string // here-document bodies (with terminators) to put after the instruction
	// noDocs is set for an instruction that takes no here-documents.
	noDocs bool
	depth  int
	n      int // a counter for unique names
}

// srGenerate returns the Dockerfile of seed: a FROM and one or two
// instructions with a shell body.
func srGenerate(seed uint64) string {
	g := &srGen{r: rand.New(rand.NewPCG(seed, 0x5eed))}
	var b strings.Builder
	b.WriteString("FROM alpine\n")
	if g.r.IntN(3) == 0 {
		fmt.Fprintf(&b, "ENV GREETING=%s\n", g.pick("hello", `"two words"`, "'a b'", `x\ y`))
	}
	for range 1 + g.r.IntN(2) {
		b.WriteString(g.instruction())
	}
	return b.String()
}

func (g *srGen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *srGen) chance(n int) bool { return g.r.IntN(n) == 0 }

// instruction is one instruction with a shell body, its here-documents
// after it.
func (g *srGen) instruction() string {
	g.docs = nil
	kw := "RUN"
	switch g.r.IntN(12) {
	case 0:
		kw = "CMD"
	case 1:
		kw = "HEALTHCHECK CMD"
	case 2:
		kw = "ENTRYPOINT"
	}
	if kw == "RUN" && g.chance(8) {
		// RUN <<SCRIPT: the document is the script.
		return "RUN " + g.pick("", " ") + "<<" + g.pick("SCRIPT", "-SCRIPT", "'SCRIPT'") + "\n" + g.script() + "SCRIPT\n"
	}
	g.noDocs = kw != "RUN"
	body := g.list()
	if g.chance(10) {
		body += g.pick(";", " ;", " ")
	}
	var b strings.Builder
	b.WriteString(kw)
	b.WriteString(g.pick(" ", "  ", "\t", " "))
	b.WriteString(g.layout(body))
	b.WriteString(g.pick("", "", " ", "\t"))
	b.WriteByte('\n')
	for _, d := range g.docs {
		b.WriteString(d)
	}
	return b.String()
}

// layout writes text on Dockerfile lines: it adds continuations (a
// backslash and a line end, which BuildKit removes) at some blanks, some
// inside words, and comment lines between them (which BuildKit drops).
func (g *srGen) layout(text string) string {
	if strings.Contains(text, "\n") || strings.Contains(text, "<<") || !g.chance(2) {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		b.WriteByte(c)
		// Not after a backslash: a line ending in \\ does not continue.
		switch {
		case i+1 >= len(text) || c == '\\':
		case c == ' ' && g.chance(4):
			b.WriteString(g.pick(" \\\n", "\\\n", " \\\n    ", "\\\n\t", " \\  \n  "))
			if g.chance(6) {
				b.WriteString("  # a comment line\n")
			}
		case g.chance(40):
			// Inside a word: no blank on either side, or the word splits.
			b.WriteString("\\\n")
		}
	}
	return b.String()
}

// script is the text of a RUN <<EOF document: a few lines of commands.
func (g *srGen) script() string {
	var b strings.Builder
	for range 1 + g.r.IntN(4) {
		save := g.docs
		g.docs = nil
		line := g.list()
		for _, d := range g.docs {
			line += "\n" + strings.TrimSuffix(d, "\n")
		}
		g.docs = save
		b.WriteString(g.pick("", "  ", "\t"))
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// list is commands joined by operators.
func (g *srGen) list() string {
	g.depth++
	defer func() { g.depth-- }()
	var b strings.Builder
	b.WriteString(g.pipeline())
	for g.depth < 4 && g.chance(2+g.depth) {
		b.WriteString(g.pick(" && ", " || ", "; ", " ;", "&&", "||", ";", " &&  ", "\t&&\t", "  ;  "))
		b.WriteString(g.pipeline())
	}
	return b.String()
}

func (g *srGen) pipeline() string {
	s := g.command()
	for g.chance(4) {
		op := g.pick(" | ", "|", " |", "| ")
		if g.chance(30) {
			op = " |& " // bash's; dash rejects the whole body
		}
		s += op + g.command()
	}
	if g.chance(12) {
		s = "! " + s
	}
	return s
}

func (g *srGen) command() string {
	if g.depth < 3 {
		switch g.r.IntN(14) {
		case 0:
			return "if " + g.list() + g.pick("; then ", ";then ", " ; then\t") + g.list() + g.optElse() + g.pick("; fi", ";fi", " ; fi")
		case 1:
			return "for " + g.pick("i", "x") + " in " + g.pick("1 2", "a 'b c'", `"$GREETING"`, "$(echo 1 2)", "*") + g.pick("; do ", ";do ", "; do\t") + g.list() + g.pick("; done", ";done")
		case 2:
			g.n++
			v := fmt.Sprintf("n%d", g.n)
			return v + "=0; while [ $" + v + " -lt 2 ]" + g.pick("; do ", ";do ") + v + "=$((" + v + " + 1)); " + g.list() + "; done"
		case 3:
			return g.caseStmt()
		case 4:
			return "{ " + g.list() + g.pick("; }", ";}", " ; }")
		case 5:
			return "(" + g.pick("", " ") + g.list() + g.pick(")", " )")
		case 6:
			g.n++
			n := g.n // g.list may define functions too: each its own name
			return fmt.Sprintf("f%d() { %s; }; f%d %s", n, g.list(), n, g.word())
		}
	}
	return g.simple()
}

func (g *srGen) optElse() string {
	switch g.r.IntN(4) {
	case 0:
		return "; else " + g.list()
	case 1:
		return "; elif " + g.list() + "; then " + g.list()
	}
	return ""
}

func (g *srGen) caseStmt() string {
	var b strings.Builder
	b.WriteString("case " + g.pick("$GREETING", `"$1"`, "x", "$(echo a)", "`echo b`", "'a b'") + " in ")
	for range 1 + g.r.IntN(3) {
		b.WriteString(g.pick("", "(") + g.pick("a", "x|y", "*", "'a b'", `"x"*`, "[ab]", `\*`, "hello") + ")" + g.pick(" ", "") + g.list() + g.pick(" ;;", ";;", " ;; ", "\t;;"))
		b.WriteString(g.pick(" ", "", "  "))
	}
	b.WriteString(g.pick("esac", "*) ;; esac", "esac"))
	return b.String()
}

// simple is a simple command: assignments, a name, words, redirections.
func (g *srGen) simple() string {
	var parts []string
	if g.chance(6) {
		parts = append(parts, g.pick("A", "B", "GREETING")+"="+g.word())
		if g.chance(3) {
			return parts[0]
		}
	}
	parts = append(parts, g.pick("echo", "echo", "printf '%s\\n'", "printf '[%s]'", "cat", "apt-get install -y", "make",
		"true", "false", ":", "test -n", "[ -z", "grep -q", "export", "set --", "cd /tmp", "/usr/bin/env", "./configure", "eval", "exec 3>&1", "command -v"))
	if strings.HasPrefix(parts[len(parts)-1], "[ ") {
		parts = append(parts, g.word(), "]")
	}
	for range g.r.IntN(4) {
		if g.chance(3) {
			parts = append(parts, g.redir())
		} else {
			parts = append(parts, g.word())
		}
	}
	sep := g.pick(" ", " ", " ", "  ", "\t")
	return strings.Join(parts, sep)
}

// redir is a redirection, many of them easy to print wrong.
func (g *srGen) redir() string {
	if !g.noDocs && g.depth < 4 && g.chance(6) {
		return g.heredoc()
	}
	if g.chance(8) {
		// The tricky ones, some read differently by each shell.
		return g.pick("> 2>&1", "2>&1>/dev/null", "&>both", "&> both", "<>rw", ">|clob", "9>&1", "10>&1",
			">\\&2", "1>&2-", "<&-", ">&-", "2>&-", "0<&3")
	}
	return g.pick(
		"2>&1", ">/dev/null 2>&1", ">out", "> out", ">>log", ">> log", "2>/dev/null", "2> /dev/null",
		"1>&2", ">&2", "3>&1", "<in", "< /dev/null", "2>&1 >/dev/null", ">/tmp/x 2>&1", "1>/dev/null",
		">'f g'", ">\"$GREETING\"", "2>>\"log\"",
	)
}

// heredoc is a here-document operator; its body goes after the instruction.
func (g *srGen) heredoc() string {
	g.n++
	name := g.pick("EOF", "END", "X")
	if g.n > 1 {
		name = fmt.Sprintf("%s%d", name, g.n)
	}
	op := g.pick("<<", "<<-", "<< ", "<<- ")
	chomp := strings.HasPrefix(op, "<<-")
	word := g.pick(name, "'"+name+"'", `"`+name+`"`, `\`+name)
	var body strings.Builder
	for range g.r.IntN(3) + 1 {
		if chomp {
			body.WriteString(g.pick("", "\t", "\t\t"))
		}
		body.WriteString(g.pick("plain text", "$GREETING and ${GREETING:-none}", "$(echo sub)", "`echo bq`", `back\slash \$x`,
			"'single' \"double\"", "  spaced  out  ", "#not a comment", "$((1 + 2))"))
		body.WriteByte('\n')
	}
	if chomp {
		body.WriteString(g.pick("", "\t"))
	}
	body.WriteString(name + "\n")
	g.docs = append(g.docs, body.String())
	return op + word
}

// word is an argument: literals, quotes of every kind, expansions and
// substitutions, nested.
func (g *srGen) word() string {
	if g.depth >= 4 {
		return g.pick("a", "'b'", `"c"`, "$GREETING")
	}
	switch g.r.IntN(22) {
	case 0:
		return "'" + g.pick("a b", "", "it''s", `back\slash`, "$HOME", "  spaced  ", `"dq"`) + "'"
	case 1:
		return `"` + g.pick("a b", "", "$GREETING", "${GREETING}x", `\"q\"`, `\$lit`, "`echo bq`", "$(echo sub)", `\\`, "  two  ", "${A:-def}", "$1$#$?") + `"`
	case 2:
		return "$'" + g.pick(`a\tb`, `\n`, `it\'s`, `\\`, `\x41\101`, `\'   \`, "   ", `\e[0m`, `\"`) + "'"
	case 3:
		g.depth++
		defer func() { g.depth-- }()
		return "$(" + g.pick("", " ") + g.list() + g.pick(")", " )")
	case 4:
		return "`" + g.pick("echo bq", "echo `echo inner`", "printf %s x", "cat /etc/x", "echo \\`echo esc\\`") + "`"
	case 5:
		return `"$(` + g.pick("echo a  b", `echo "$(echo nested)"`, "printf '%s' \"x y\"", "echo `echo bq`") + `)"`
	case 6:
		return g.pick("${GREETING:-default}", "${GREETING#h}", "${GREETING%o}", "${#GREETING}", "${GREETING:+set}", "${UNSET-un set}", "$((2 * 3))", "$$", "$?", "$#", "$0")
	case 7:
		return g.pick(`a\ b`, `\$x`, `\'`, `\"`, `\\`, `a\\b`, `\
`, `x\;y`, `\&`, `\|`)
	case 8:
		return g.pick("*", "*.txt", "/etc/*", "~", "~/x", "a{b,c}", "[a]*")
	case 9:
		return g.pick("--flag=value", "-xvf", "--", "-", "x=y", "a=b=c", "#notcomment", "a#b", "'http://x/y?z=1&w=2'")
	}
	return g.pick("a", "b", "hello", "x", "1", "foo.txt", "/tmp/d", "pkg-1.0", "$GREETING", "$A")
}

// srFuzzMax bounds a fuzzed body.
const srFuzzMax = 2 << 10

// FuzzShellRun formats a Dockerfile made of a FROM and the fuzzed text
// after RUN, and runs every shell body whose text changes under dash, bash
// and busybox ash, before and after, in the harness's sandbox: any
// difference but a known one (knownDifferences) fails, but for a flaky
// one (a body that runs differently from itself), which is logged.
// Without the shells or bubblewrap it skips. The seeds are generated
// Dockerfiles and the known differences.
func FuzzShellRun(f *testing.F) {
	for seed := range uint64(12) {
		// The generated file after its FROM; the fuzz input goes after RUN.
		rest := strings.TrimPrefix(srGenerate(seed), "FROM alpine\n")
		if body, ok := strings.CutPrefix(rest, "RUN "); ok {
			f.Add(body)
		} else {
			f.Add("true\n" + rest)
		}
	}
	for _, k := range knownDifferences {
		f.Add(k.Body + "\n")
	}
	h := newShellRunHarness(f)
	h.timeout = 800 * time.Millisecond
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > srFuzzMax {
			return
		}
		// Go's fuzzing engine takes an input that runs for 10 s for a
		// hang and stops the whole run. One sandbox runs its 6 runs one
		// after another, each up to the time limit, and the sandboxes run
		// one to a core: so no more bodies than cores, and no reruns that
		// would end past 8 s.
		start := time.Now()
		deadline := start.Add(8 * time.Second)
		defer func() {
			if took := time.Since(start); took > 9*time.Second {
				t.Errorf("the input took %v: the fuzzing engine would take it for a hang", took.Round(time.Millisecond))
			}
		}()
		src := "FROM alpine\nRUN " + body
		bodies, _, err := srExtract([]byte(src))
		if err != nil {
			t.Fatalf("%v\nin:\n%s", err, src)
		}
		if len(bodies) == 0 {
			return
		}
		cases := srCases(srSourceFuzz, "fuzz", bodies)
		cases = cases[:min(len(cases), max(1, runtime.NumCPU()))]
		diffs := srRun(t, h, cases, deadline)
		for _, d := range diffs {
			switch {
			case d.flaky:
				t.Logf("flaky: %s%s", d.report(), d.why)
			case srKnown(d) < 0:
				t.Errorf("formatting changes what the shell runs: %s", d.report())
			}
		}
	})
}
