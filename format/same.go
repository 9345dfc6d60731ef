package format

import (
	"slices"
	"strings"
	"sync"
	"unicode"

	"mvdan.cc/sh/v3/syntax"
)

// sameNode reports whether BuildKit builds the same from x and y. Keywords,
// FROM's AS and HEALTHCHECK's type compare without case, as BuildKit reads
// them; shell-form text compares as shell; all else exactly.
func sameNode(x, y *LNode, esc byte) bool {
	if x == nil || y == nil {
		return x == y
	}
	if x.Keyword() != y.Keyword() || x.JSON != y.JSON ||
		!slices.Equal(x.Flags, y.Flags) || !slices.Equal(x.Heredocs, y.Heredocs) {
		return false
	}
	kw := x.Keyword()
	xa, ya := x.Next, y.Next
	switch kw {
	case "onbuild":
		if xa == nil || ya == nil {
			return xa == ya
		}
		if len(xa.Children) != 1 || len(ya.Children) != 1 {
			return false
		}
		return sameNode(xa.Children[0], ya.Children[0], esc)
	case "healthcheck":
		if xa == nil || ya == nil {
			return xa == ya
		}
		if !strings.EqualFold(xa.Value, ya.Value) {
			return false
		}
		xa, ya = xa.Next, ya.Next
		fallthrough
	case "run", "cmd", "entrypoint", "shell":
		if !x.JSON {
			if xa == nil || ya == nil {
				return xa == ya
			}
			// Heredoc bodies are equal (above); they follow the text as
			// here-documents follow a shell command.
			return xa.Next == nil && ya.Next == nil &&
				sameShell(withHeredocs(xa.Value, x.Heredocs), withHeredocs(ya.Value, y.Heredocs), esc)
		}
	case "from":
		xs, ys := x.Args(), y.Args()
		if len(xs) == 3 && len(ys) == 3 && strings.EqualFold(xs[1], "as") && strings.EqualFold(ys[1], "as") {
			xs[1], ys[1] = "as", "as"
		}
		return slices.Equal(xs, ys)
	}
	for ; xa != nil && ya != nil; xa, ya = xa.Next, ya.Next {
		if xa.Value != ya.Value || len(xa.Children) != 0 || len(ya.Children) != 0 {
			return false
		}
	}
	return xa == nil && ya == nil
}

// sameDescription compares the comments BuildKit reads above an
// instruction: the description of FROM and ARG, and for every instruction
// the check directive among them (linter.WithMergedConfigFromComments).
func sameDescription(x, y *LNode) bool {
	switch x.Keyword() {
	case "from", "arg":
		return slices.Equal(x.PrevComment, y.PrevComment)
	}
	return prevCheck(x.PrevComment) == prevCheck(y.PrevComment)
}

func prevCheck(comments []string) string {
	for _, c := range comments {
		if m := directiveRE.FindStringSubmatch(strings.TrimLeftFunc(c, unicode.IsSpace)); m != nil && strings.EqualFold(m[1], "check") {
			return m[2]
		}
	}
	return ""
}

// sameShell reports whether two shell-form texts run the same program:
// where they differ only in the length of runs of blanks that separate
// words, or, with the default escape, where both parse as shell to the same
// program. Anything else (a Windows file's text, text that does not parse)
// must be equal but for such runs.
func sameShell(a, b string, esc byte) bool {
	if a == b {
		return true
	}
	// Outside quotes and parameter expansions, a run of blanks only
	// separates words, so texts equal but for the length of such runs run
	// the same program; that saves parsing the shell in the common case of
	// re-indented continuation lines.
	if sameWords(a, b, esc) {
		return true
	}
	if esc == '\\' {
		pa, errA := canonicalShell(a)
		pb, errB := canonicalShell(b)
		if errA == nil && errB == nil {
			return pa == pb
		}
	}
	return false
}

// shellTools is a parser and printer for canonicalShell; making them is
// dearer than using them, so they are pooled.
type shellTools struct {
	parser  *syntax.Parser
	printer *syntax.Printer
	reader  strings.Reader
	out     strings.Builder
}

var shellPool = sync.Pool{New: func() any {
	return &shellTools{
		parser:  syntax.NewParser(syntax.KeepComments(false), syntax.Variant(syntax.LangBash)),
		printer: syntax.NewPrinter(),
	}
}}

func canonicalShell(s string) (string, error) {
	t := shellPool.Get().(*shellTools)
	defer shellPool.Put(t)
	t.reader.Reset(s)
	f, err := t.parser.Parse(&t.reader, "")
	if err != nil {
		return "", err
	}
	t.out.Reset()
	if err := t.printer.Print(&t.out, f); err != nil {
		return "", err
	}
	return t.out.String(), nil
}
