package formattest

import "testing"

// TestGoldenEncoding checks that the golden encoding round-trips the bytes it
// is meant to represent.
func TestGoldenEncoding(t *testing.T) {
	for _, s := range []string{
		"",
		"\n",
		"FROM a\n",
		"FROM a",
		"FROM a\r\nRUN b\r\n",
		"FROM a\r\nRUN b",
		"FROM a\r\nRUN b\n",
		"\xef\xbb\xbfFROM a\n",
		"\xef\xbb\xbfFROM a\r\n",
		"FROM a\rRUN b\n",
		"RUN a \t\n\tb\n",
	} {
		name, enc := EncodeGolden("out", []byte(s))
		if got := DecodeGolden(name, enc); string(got) != s {
			t.Errorf("%q: encoded as %s %q, decoded to %q", s, name, enc, got)
		}
	}
}

// TestGoldenInputs checks that the golden archives are found from any
// package's folder, each with its input.
func TestGoldenInputs(t *testing.T) {
	if ins := GoldenInputs(t); len(ins) < 10 {
		t.Errorf("%d golden inputs, want the archives of format/testdata/golden", len(ins))
	}
}
