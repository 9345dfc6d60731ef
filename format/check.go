package format

// The safety check: what BuildKit sees in the printed file must be what it
// sees in the input, instruction by instruction, with shell text compared
// as the shell reads it. Format prints an instruction the check finds
// changed as written, and the whole file as written where the files cannot
// be matched instruction by instruction.

import (
	"reflect"
	"slices"
	"strings"
	"sync"

	sh "mvdan.cc/sh/v3/syntax"

	"github.com/dfmt/dfmt/format/syntax"
)

// check compares what BuildKit sees in f, the input, and in out, the
// printer's output. It returns the indices of f's instruction nodes that
// differ, or whole when the files cannot be matched instruction by
// instruction (their directives, their number of instructions, or the
// comments BuildKit reads above FROM and ARG differ).
//
// shells says which instructions' shells are not POSIX (shellContexts);
// parses holds shell bodies of f the printer parsed already, which the
// comparison of shell text need not parse again.
func check(f *syntax.File, out []byte, shells shellContext, parses map[*syntax.Lowered]parsedShell) (bad []int, whole bool) {
	g := syntax.ParseLowering(out, f)
	if g.Err != nil || f.Escape != g.Escape || len(f.Directives) != len(g.Directives) {
		return nil, true
	}
	for i := range f.Directives {
		if f.Directives[i] != g.Directives[i] {
			return nil, true
		}
	}
	if !slices.Equal(f.FrontDirectives(), g.FrontDirectives()) {
		return nil, true
	}
	fi, gl := instructions(f), g.Lowered
	if len(fi) != len(gl) {
		return nil, true
	}
	for i, k := range fi {
		x, y := f.Nodes[k].Lowered, gl[i]
		_, notPOSIX := shells.kept[f.Nodes[k]]
		if !sameNode(x, y, f.Escape, !notPOSIX, parses[x]) {
			bad = append(bad, k)
		} else if !sameDescription(x, y) {
			return nil, true
		}
	}
	return bad, false
}

// instructions returns the indices of f's instruction nodes.
func instructions(f *syntax.File) []int {
	var out []int
	for k, n := range f.Nodes {
		if n.Kind == syntax.InstructionNode {
			out = append(out, k)
		}
	}
	return out
}

// sameNode reports whether BuildKit builds the same from x and y. Keywords,
// FROM's AS and HEALTHCHECK's type compare without case, as BuildKit reads
// them; shell-form text compares as shell (posix: POSIX shell); all else
// exactly. known may be x's shell text already parsed.
func sameNode(x, y *syntax.Lowered, esc byte, posix bool, known parsedShell) bool {
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
		return sameNode(xa.Children[0], ya.Children[0], esc, posix, parsedShell{})
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
				sameShell(withHeredocs(xa.Value, x.Heredocs), withHeredocs(ya.Value, y.Heredocs), esc, posix, known)
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
func sameDescription(x, y *syntax.Lowered) bool {
	if slices.Equal(x.PrevComment, y.PrevComment) {
		return true
	}
	switch x.Keyword() {
	case "from", "arg":
		return false
	}
	return prevCheck(x.PrevComment) == prevCheck(y.PrevComment)
}

func prevCheck(comments []string) string {
	for _, c := range comments {
		if v := syntax.CheckDirective(c); v != "" {
			return v
		}
	}
	return ""
}

// sameShell reports whether two shell-form texts run the same program:
// where they differ only in the length of runs of blanks that separate
// words, or, with the default escape, where both parse as shell to the same
// program. Anything else (a Windows file's text, text that does not parse)
// must be equal but for such runs. posix says the text is run by a POSIX
// shell (else, by cmd or PowerShell, say, only the length of runs may
// differ). known may hold a's parse.
func sameShell(a, b string, esc byte, posix bool, known parsedShell) bool {
	if a == b {
		return true
	}
	if posix && (readAsOptions(a) || readAsOptions(b)) {
		// Options to the shell, not a script: the error quotes them.
		return false
	}
	// Outside quotes and parameter expansions, a run of blanks only
	// separates words, so texts equal but for the length of such runs run
	// the same program; that saves parsing the shell in the common case of
	// re-indented continuation lines.
	posix = posix && esc == '\\'
	if sameWords(a, b, esc, posix) {
		return true
	}
	if !posix {
		return false
	}
	t := shellPool.Get().(*shellTools)
	defer shellPool.Put(t)
	fa := known.f
	if fa == nil || known.src != a {
		var err error
		if fa, err = t.parse(a); err != nil {
			return false
		}
	}
	fb, err := t.parse(b)
	return err == nil && sameSyntax(reflect.ValueOf(fa), reflect.ValueOf(fb))
}

// shellTools is a parser for sameShell; making one is dearer than using
// it, so they are pooled.
type shellTools struct {
	parser *sh.Parser
	reader strings.Reader
}

var shellPool = sync.Pool{New: func() any {
	return &shellTools{parser: sh.NewParser(sh.KeepComments(false), sh.Variant(sh.LangBash))}
}}

func (t *shellTools) parse(s string) (*sh.File, error) {
	t.reader.Reset(s)
	return t.parser.Parse(&t.reader, "")
}

var (
	posType      = reflect.TypeFor[sh.Pos]()
	commentsType = reflect.TypeFor[[]sh.Comment]()
)

// fieldsOf caches programFields: reflect's Field is too slow to ask for
// every node.
var fieldsOf sync.Map // reflect.Type -> []int

// programFields lists the fields of a shell tree's struct type t that are
// not positions or comments.
func programFields(t reflect.Type) []int {
	if fs, ok := fieldsOf.Load(t); ok {
		return fs.([]int)
	}
	var fs []int
	for i := range t.NumField() {
		if ft := t.Field(i).Type; ft != posType && ft != commentsType {
			fs = append(fs, i)
		}
	}
	fieldsOf.Store(t, fs)
	return fs
}

// sameSyntax reports whether two parsed shell trees are the same program:
// equal in every field but positions and comments. (A position is where
// the source had a token, and a comment runs nothing.)
func sameSyntax(a, b reflect.Value) bool {
	if a.Kind() != b.Kind() || a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return sameSyntax(a.Elem(), b.Elem())
	case reflect.Struct:
		for _, i := range programFields(a.Type()) {
			if !sameSyntax(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !sameSyntax(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	}
	// A kind the shell's tree does not use (maps, funcs, channels, floats)
	// compares as different rather than as equal.
	return false
}
