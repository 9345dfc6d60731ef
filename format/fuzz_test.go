package format_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

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
//     the input (formattest.SameBuild);
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

		_, bkErr := formattest.BuildKitParse(src)
		res, err := format.Format(src, opts)
		if err != nil {
			var ferr *format.Error
			if !errors.As(err, &ferr) {
				t.Fatalf("error is %T, want *format.Error: %v", err, err)
			}
			if ferr.Line < 1 || ferr.Col < 1 {
				t.Errorf("error %q has no position", err)
			}
			if bkErr == nil {
				t.Fatalf("Format rejects what BuildKit accepts: %v", err)
			}
			return
		}
		if bkErr != nil && !formattest.NoInstructions(bkErr) {
			t.Fatalf("Format accepts what BuildKit rejects (%v); output:\n%q", bkErr, res.Out)
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
		if ws := format.Warnings(src); !slices.Equal(ws, res.Warnings) {
			t.Fatalf("Warnings differs from Format(...).Warnings:\n%q\n%q", ws, res.Warnings)
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
		if err := formattest.SameBuild(src, res.Out); err != nil {
			t.Fatalf("the output does not build what the input builds: %v\ninput:\n%q\noutput:\n%q", err, src, res.Out)
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
