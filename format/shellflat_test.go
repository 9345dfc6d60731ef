package format

import (
	"fmt"
	"slices"
	"testing"

	"github.com/dfmt/dfmt/format/syntax"

	"github.com/dfmt/dfmt/format/formattest"
)

// walkerTokens lays out body through the parser and the walker, as
// shellPlan does; ok is false where the walker declines it.
func walkerTokens(body string) ([]shTok, bool) {
	t := layoutPool.Get().(*layoutTools)
	defer layoutPool.Put(t)
	t.reader.Reset(body)
	f, err := t.parser.Parse(&t.reader, "")
	if err != nil || hasExtGlob(body, f) {
		return nil, false
	}
	w := &t.walker
	w.reset(body)
	w.stmts(f.Stmts, -1)
	if w.bad == shellLaidOut {
		w.finish(f)
	}
	if w.bad != shellLaidOut {
		return nil, false
	}
	return slices.Clone(w.toks), true
}

// checkFlat fails where flatTokens reads body but the walker makes other
// tokens of it. It reports whether flatTokens read it.
func checkFlat(t *testing.T, body string) bool {
	t.Helper()
	got, ok := flatTokens(body, nil)
	if !ok {
		return false
	}
	want, wok := walkerTokens(body)
	if !wok {
		t.Errorf("%q: read as a flat body, but the walker declines it", body)
		return true
	}
	if !slices.Equal(got, want) {
		t.Errorf("%q: flat tokens differ from the walker's:\n got  %s\n want %s", body, showToks(body, got), showToks(body, want))
	}
	return true
}

func showToks(body string, toks []shTok) string {
	s := ""
	for _, tk := range toks {
		s += fmt.Sprintf("[%q k%d r%d s%d a%d g%v%v] ", body[tk.s:tk.e], tk.kind, tk.role, tk.scope, tk.anchor, tk.glueBefore, tk.glueAfter)
	}
	return s
}

func TestFlatTokens(t *testing.T) {
	for body, flat := range map[string]bool{
		"apt-get update && apt-get install -y a b":   true,
		"set -eux; a=1 b=2 make -j4 >/dev/null 2>&1": true,
		`echo "a $b ${c:-d}" 'e f' $'g\'h' | tee x`:  true,
		"a & b || c |& d":            true,
		"export A=b C; local d":      true,
		">x; <y cat 2>&1 >> z":       true,
		"A=1 B=2":                    true,
		"a\\ b\\;c":                  true,
		"a;":                         true,
		"a $(b)":                     true,
		`a "$(b "c d")"x`:            true,
		"a $(b; (c))":                false,
		"a $(b; c && d;)":            true,
		"a $(b $(c) d)x$(e)":         true,
		`a "$(b $(c))" $(d "$(e)")`:  true,
		"a $((1+2))":                 false,
		"a $(case x in y) z;; esac)": false,
		"a $(b # c)":                 false,
		"a $(b":                      false,
		"a (b)":                      false,
		"a `b`":                      false,
		"{ a; }":                     true,
		"( a )":                      true,
		"if a; then b; fi":           true,
		"if a; then b; elif c; then d; else e; fi && f": true,
		"while a; do b; done; until c; do d; done":      true,
		"for x in a b; do c; done":                      true,
		"for x; do y; done":                             true,
		"{ a; } > x 2>&1":                               true,
		"(cd x && make) | tee y":                        true,
		"if a; then b; fi fi":                           false,
		"{ a }":                                         false,
		"if a then b; fi":                               false,
		"if a; then fi":                                 false,
		"for ((i=0;;)); do a; done":                     false,
		"case x in a) b;; esac":                         false,
		"f() { a; }":                                    false,
		"echo {a,b}":                                    false,
		"a # comment":                                   false,
		"! a":                                           false,
		"a <<EOF":                                       false,
		"a &&":                                          false,
		"&& a":                                          false,
		"a ;; b":                                        false,
		"A=1 if":                                        false,
		"A=1 export B":                                  false,
		"a ${b${c}}":                                    false,
		"a[0]=1 b":                                      false,
		"time a":                                        false,
		"a >":                                           false,
		"a 'b":                                          false,
		"echo }":                                        false,
		"":                                              false,
		"   ":                                           false,
	} {
		if got := checkFlat(t, body); got != flat {
			t.Errorf("%q: read as flat %v, want %v", body, got, flat)
		}
	}
}

// TestFlatTokensMatchWalker holds flatTokens to the walker on every shell
// body of the corpus it reads.
func TestFlatTokensMatchWalker(t *testing.T) {
	bodies, flat := 0, 0
	for _, cf := range formattest.CorpusFiles(t, "valid") {
		f := syntax.Parse(cf.Src)
		for _, n := range f.Nodes {
			ln := n.Lowered
			if ln == nil || ln.JSON || ln.Next == nil || len(ln.Heredocs) > 0 {
				continue
			}
			switch ln.Keyword() {
			case "run", "cmd", "entrypoint":
				bodies++
				if checkFlat(t, ln.Next.Value) {
					flat++
				}
			}
		}
	}
	t.Logf("%d shell bodies, %d read without the parser", bodies, flat)
	if flat == 0 {
		t.Error("no body read without the parser")
	}
}

// FuzzFlatTokens holds flatTokens to the walker on any text.
func FuzzFlatTokens(f *testing.F) {
	for _, s := range []string{
		"apt-get update && apt-get install -y a b", "set -eux; a=1 make >/dev/null 2>&1",
		`echo "a $b ${c:-d}" 'e f' $'g\'h' | tee x`, "a & b || c |& d", "export A=b C; local d",
		">x; <y cat 2>&1 >> z", "a\\ b", "A=1 B=2 c", "x=$y$1$@ z",
		"if a; then b; elif c; then d; else e; fi", "for x in a b; do c; done", "{ a; } >x",
		"(cd a) && b", "while a; do b & done", `x="$(if a; then b; fi)"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > 1024 {
			return
		}
		checkFlat(t, body)
	})
}
