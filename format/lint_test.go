package format_test

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/formattest"
)

// TestLintCorpus runs BuildKit's own build checks (formattest.Lint) on
// every corpus file but templates (files holding "{{" or "%%"), before and
// after formatting: formatting may fix warnings (casing, empty
// continuation lines) but never adds one, of any rule. The figures per
// rule are in the log (-v).
func TestLintCorpus(t *testing.T) {
	before, after := map[string]int{}, map[string]int{}
	files := 0
	for _, cf := range formattest.CorpusFiles(t, "valid") {
		path, src := cf.Rel, cf.Src
		if bytes.Contains(src, []byte("{{")) || bytes.Contains(src, []byte("%%")) {
			continue
		}
		out, err := format.Source(src, format.Options{})
		if err != nil {
			continue // the corpus test holds rejects to BuildKit's
		}
		wa, errA := formattest.Lint(src)
		wb, errB := formattest.Lint(out)
		if (errA == nil) != (errB == nil) {
			t.Errorf("%s: the checks' verdict changed: %v, then %v", path, errA, errB)
		}
		files++
		ca, cb := countRules(wa), countRules(wb)
		for r, n := range ca {
			before[r] += n
		}
		for r, n := range cb {
			after[r] += n
			if n > ca[r] {
				t.Errorf("%s: formatting adds %d %s warning(s):\n%s", path, n-ca[r], r, only(wb, r))
			}
		}
	}
	var rules []string
	for r := range before {
		rules = append(rules, r)
	}
	for r := range after {
		if _, ok := before[r]; !ok {
			rules = append(rules, r)
		}
	}
	sort.Strings(rules)
	var b strings.Builder
	fmt.Fprintf(&b, "build checks on %d corpus files (templates left out), before and after formatting:\n", files)
	for _, r := range rules {
		fmt.Fprintf(&b, "  %-32s %6d %6d\n", r, before[r], after[r])
	}
	t.Log("\n" + b.String())
}

func countRules(ws []formattest.LintWarning) map[string]int {
	m := map[string]int{}
	for _, w := range ws {
		m[w.Rule]++
	}
	return m
}

func only(ws []formattest.LintWarning, rule string) string {
	var b strings.Builder
	for _, w := range ws {
		if w.Rule == rule {
			fmt.Fprintf(&b, "  %s\n", w)
		}
	}
	return b.String()
}
