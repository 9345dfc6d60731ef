package format_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dfmt/dfmt/format"
)

func TestEscapeHatch(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"# dfmt:ignore", "dfmt:ignore"},
		{"#dfmt:off", "dfmt:off"},
		{"   # dfmt:on  ", "dfmt:on"},
		{"# dfmt:ignore vendored as is", "dfmt:ignore"},
		{"# dfmt:off\tgenerated", "dfmt:off"},
		{"# dfmt:on\u00a0back", "dfmt:on"}, // BuildKit's white space
		{"# dfmt:ignor", ""},
		{"# dfmt:ignore-next", ""},
		{"# dfmt:ignore:", ""},
		{"# dfmt: ignore", ""},
		{"# DFMT:OFF", ""},
		{"## dfmt:off", ""},
		{"# see dfmt:off", ""},
		{"dfmt:off", ""},
		{"RUN x # dfmt:off", ""},
		{"", ""},
	} {
		if got := format.EscapeHatch([]byte(tc.line)); got != tc.want {
			t.Errorf("EscapeHatch(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

// TestWarnings checks Result.Warnings: the comments that read like an
// escape hatch and are none, and the hatches that do nothing where they
// stand.
func TestWarnings(t *testing.T) {
	const unknown = ` (want dfmt:ignore, dfmt:off or dfmt:on)`
	for _, tc := range []struct {
		name string
		in   string
		want []string // "line:col: message"
	}{
		{"hatches with reasons", "# dfmt:ignore pinned\nFROM a\n# dfmt:off generated\nrun  a\n# dfmt:on back\nRUN b\n", nil},
		{"bare hatches", "FROM a\n# dfmt:ignore\nrun  a\n#dfmt:off\n#dfmt:on\n", nil},
		{"typo", "FROM a\n# dfmt:ignor\nRUN b\n", []string{`2:3: unknown dfmt directive "dfmt:ignor"` + unknown}},
		{"short", "FROM a\n# dfmt:of\nRUN b\n", []string{`2:3: unknown dfmt directive "dfmt:of"` + unknown}},
		{"longer word", "FROM a\n# dfmt:ignore-next line\nRUN b\n", []string{`2:3: unknown dfmt directive "dfmt:ignore-next"` + unknown}},
		{"nothing after the colon", "FROM a\n# dfmt:\n", []string{`2:3: unknown dfmt directive "dfmt:"` + unknown}},
		{"upper case", "FROM a\n# DFMT:OFF\n", []string{`2:3: unknown dfmt directive "DFMT:OFF"` + unknown}},
		{"blank after the colon", "FROM a\n# dfmt: ignore reason\nRUN b\n", []string{`2:3: dfmt directive "dfmt: ignore" has a blank around its colon (want dfmt:ignore)`}},
		{"blanks around the colon", "FROM a\n# dfmt : off\n", []string{`2:3: dfmt directive "dfmt : off" has a blank around its colon (want dfmt:off)`}},
		{"blank before the colon", "FROM a\n#dfmt :ignore\nRUN b\n", []string{`2:2: dfmt directive "dfmt :ignore" has a blank around its colon (want dfmt:ignore)`}},
		{"tab after the colon", "FROM a\n# dfmt:\ton\n", []string{`2:3: dfmt directive "dfmt:\ton" has a blank around its colon (want dfmt:on)`}},
		{"spaced, no hatch", "FROM a\n# dfmt: see the docs\n", []string{`2:3: unknown dfmt directive "dfmt: see"` + unknown}},
		{"spaced, nothing after", "FROM a\n# dfmt :\n", []string{`2:3: unknown dfmt directive "dfmt :"` + unknown}},
		{"not about dfmt", "FROM a\n# dfmt is gofmt for Dockerfiles\n# dfmtx:ignore\n# use dfmt:off here\n# dfmt\n", nil},
		{"indented", "FROM a\n   # dfmt:of\n", []string{`2:6: unknown dfmt directive "dfmt:of"` + unknown}},
		{"after a BOM", "\xef\xbb\xbf# dfmt:of\nFROM a\n", []string{`1:3: unknown dfmt directive "dfmt:of"` + unknown}},
		{"CRLF", "FROM a\r\n# dfmt:of\r\nRUN b\r\n", []string{`2:3: unknown dfmt directive "dfmt:of"` + unknown}},
		{"long word", "FROM a\n# dfmt:" + strings.Repeat("x", 100) + "\n", []string{`2:3: unknown dfmt directive "dfmt:` + strings.Repeat("x", 35) + `"...` + unknown}},
		{"typo in a region", "FROM a\n# dfmt:off\nrun  a\n# dfmt:onn\nrun  b\n", []string{`4:3: unknown dfmt directive "dfmt:onn"` + unknown}},
		{"on with no off", "FROM a\n# dfmt:on\n", []string{`2:3: dfmt:on with no dfmt:off open`}},
		{"second on", "FROM a\n# dfmt:off\n# dfmt:on\n#  dfmt:on again\n", []string{`4:4: dfmt:on with no dfmt:off open`}},
		{"off to the end", "FROM a\n# dfmt:off\nrun  a\n", nil},
		{"nested off", "FROM a\n# dfmt:off\n# dfmt:off\nrun  a\n# dfmt:on\n# dfmt:on\n", []string{`6:3: dfmt:on with no dfmt:off open`}},
		{"ignore in a region", "FROM a\n# dfmt:off\n# dfmt:ignore\n\n# dfmt:on\n", nil},
		{"ignore above a blank line", "FROM a\n# dfmt:ignore\n\nrun  a\n", []string{`2:3: dfmt:ignore does nothing here: no instruction on the next line`}},
		{"ignore at the end", "FROM a\n# dfmt:ignore", []string{`2:3: dfmt:ignore does nothing here: no instruction on the next line`}},
		{"ignore above a comment", "FROM a\n# dfmt:ignore\n# why\nrun  a\n", []string{`2:3: dfmt:ignore does nothing here: no instruction on the next line`}},
		{"ignore above off", "FROM a\n# dfmt:ignore\n# dfmt:off\nrun  a\n", []string{`2:3: dfmt:ignore does nothing here: no instruction on the next line`}},
		{"ignore above FROM", "# dfmt:ignore\nfrom  a\n", nil},
		{"hatch inside an instruction", "FROM a\nRUN a \\\n  # dfmt:ignore\n  && b \\\n\t#dfmt:off\n  && c\n", []string{
			`3:5: dfmt:ignore inside an instruction does nothing`,
			`5:3: dfmt:off inside an instruction does nothing`,
		}},
		{"lookalike inside an instruction", "FROM a\nRUN a \\\n  # dfmt: on\n  && b\n", []string{`3:5: dfmt directive "dfmt: on" has a blank around its colon (want dfmt:on)`}},
		{"heredoc body", "FROM a\nRUN <<EOF\n# dfmt:ignor\n# dfmt:on\nEOF\n", nil},
		{"in file order", "FROM a\n# dfmt:on\nRUN a \\\n  # dfmt:of\n  b\n# dfmt:ignore\n", []string{
			`2:3: dfmt:on with no dfmt:off open`,
			`4:5: unknown dfmt directive "dfmt:of"` + unknown,
			`6:3: dfmt:ignore does nothing here: no instruction on the next line`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := format.Format([]byte(tc.in), format.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range res.Warnings {
				got = append(got, w.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("warnings of %q:\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestWarningsLeaveOutput checks that a lookalike is an ordinary comment:
// the file formats as it would with any other comment in its place.
func TestWarningsLeaveOutput(t *testing.T) {
	for _, c := range []string{"# dfmt:ignor", "# dfmt: ignore", "# dfmt:of", "#dfmt :off", "# dfmt:on"} {
		src := "FROM a\n" + c + "\nrun  a\n"
		res, err := format.Format([]byte(src), format.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if want := "FROM a\n" + c + "\nRUN a\n"; string(res.Out) != want || len(res.Warnings) != 1 {
			t.Errorf("%q: got %q with %d warnings, want %q with one", src, res.Out, len(res.Warnings), want)
		}
	}
}
