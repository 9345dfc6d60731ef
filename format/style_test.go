package format_test

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/formattest"
)

// TestStyleExamples checks the examples of STYLE.md: each "dockerfile in"
// block, formatted, must give the "dockerfile out" block that follows it,
// which must be a fixed point and build what the input builds. Words after
// "in" are options, as in a golden archive's opts file ("in indent=2").
// The blocks use the golden archives' encoding (<BOM>, <CR>, <NOEOL>).
//
// A change of style updates STYLE.md's rule and its example in the same
// commit; this test fails until it does.
func TestStyleExamples(t *testing.T) {
	data, err := os.ReadFile("STYLE.md")
	if err != nil {
		t.Fatal(err)
	}
	examples := styleExamples(t, string(data))
	if len(examples) == 0 {
		t.Fatal("no examples in STYLE.md")
	}
	for _, ex := range examples {
		t.Run("line"+strconv.Itoa(ex.line), func(t *testing.T) {
			opts, err := parseGoldenOpts([]byte(strings.Join(ex.opts, "\n")))
			if err != nil {
				t.Fatalf("options: %v", err)
			}
			in, want := formattest.DecodeGolden("in", []byte(ex.in)), formattest.DecodeGolden("out", []byte(ex.out))
			res, err := format.Format(in, opts)
			if err != nil {
				t.Fatalf("Format: %v", err)
			}
			if !bytes.Equal(res.Out, want) {
				t.Errorf("output differs from the example:\n%s", formattest.LineDiff(want, res.Out))
			}
			if len(res.Fallbacks) != 0 {
				t.Errorf("safety check fell back on lines %v", res.Fallbacks)
			}
			if again, err := format.Source(want, opts); err != nil || !bytes.Equal(again, want) {
				t.Errorf("the example's output is not formatted: %v\n%s", err, formattest.LineDiff(want, again))
			}
			if err := formattest.SameBuild(in, want); err != nil {
				t.Errorf("the example's output does not build what its input builds: %v", err)
			}
		})
	}
}

type styleExample struct {
	line    int // of the in block's fence
	opts    []string
	in, out string
}

// styleExamples reads the in and out blocks of a Markdown text. An in block
// must be followed by an out block before the next in block.
func styleExamples(t *testing.T, doc string) []styleExample {
	var out []styleExample
	lines := strings.SplitAfter(doc, "\n")
	var cur *styleExample
	for i := 0; i < len(lines); i++ {
		fence := strings.Fields(strings.TrimPrefix(strings.TrimSpace(lines[i]), "```"))
		if !strings.HasPrefix(lines[i], "```") || len(fence) < 2 || fence[0] != "dockerfile" {
			continue
		}
		start := i
		var body strings.Builder
		for i++; i < len(lines) && strings.TrimRight(lines[i], "\n") != "```"; i++ {
			body.WriteString(lines[i])
		}
		if i == len(lines) {
			t.Fatalf("STYLE.md:%d: unclosed block", start+1)
		}
		switch fence[1] {
		case "in":
			if cur != nil {
				t.Fatalf("STYLE.md:%d: in block without an out block", cur.line)
			}
			cur = &styleExample{line: start + 1, opts: fence[2:], in: body.String()}
		case "out":
			if cur == nil {
				t.Fatalf("STYLE.md:%d: out block without an in block", start+1)
			}
			cur.out = body.String()
			out = append(out, *cur)
			cur = nil
		}
	}
	if cur != nil {
		t.Fatalf("STYLE.md:%d: in block without an out block", cur.line)
	}
	return out
}
