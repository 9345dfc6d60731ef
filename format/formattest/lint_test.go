package formattest

import (
	"strings"
	"testing"
)

func TestLint(t *testing.T) {
	ws, err := Lint([]byte("from alpine as Build\nENV A 1\nMAINTAINER me\nCMD a\nCMD b\nEXPOSE 80/TCP\nRUN a \\\n\n  b\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range ws {
		got = append(got, w.String()[:strings.Index(w.String(), ": ")+2+len(w.Rule)])
	}
	want := []string{
		"1: ConsistentInstructionCasing",
		"1: StageNameCasing",
		"2: LegacyKeyValueFormat",
		"3: MaintainerDeprecated",
		"4: JSONArgsRecommended",
		"4: MultipleInstructionsDisallowed",
		"5: JSONArgsRecommended",
		"6: ExposeProtoCasing",
		"9: NoEmptyContinuation",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ws, err := Lint([]byte("FROM alpine\nRUN [\"a\"]\n")); err != nil || len(ws) != 0 {
		t.Errorf("clean file: %v %v", ws, err)
	}
	if _, err := Lint([]byte("FROM alpine\nCOPY --from=nope / /\nFROM $X\n")); err == nil {
		t.Error("a file the checks cannot convert: no error")
	}
}
