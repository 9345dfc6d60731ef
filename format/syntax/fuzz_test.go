package syntax

import (
	"bytes"
	"testing"

	"github.com/dfmt/dfmt/format/formattest"
)

// FuzzParse checks the lossless tree alone: any bytes print back verbatim.
// It is seeded with the input of every golden archive of format and the
// hand-written traps of formattest.FuzzSeeds.
func FuzzParse(f *testing.F) {
	for _, in := range formattest.GoldenInputs(f) {
		f.Add(in)
	}
	for _, s := range formattest.FuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > formattest.MaxFuzzInput {
			t.Skip("input too large")
		}
		if got := Parse(src).Verbatim(); !bytes.Equal(got, src) {
			t.Fatalf("Parse(src).Verbatim() differs from src:\n%s", formattest.LineDiff(src, got))
		}
	})
}
