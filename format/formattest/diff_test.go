package formattest

import (
	"strings"
	"testing"
)

func TestFirstLineDiff(t *testing.T) {
	for _, tt := range []struct{ a, b, want string }{
		{"x\ny\n", "x\ny\n", "identical"},
		{"x\ny\n", "x\nz\n", `line 2: in "y\n", out "z\n"`},
		{"x\r\n", "x\n", `line 1: in "x\r\n", out "x\n"`},
		{"x\n", "x\ny", `line 2: in "", out "y"`},
	} {
		if got := FirstLineDiff([]byte(tt.a), []byte(tt.b)); got != tt.want {
			t.Errorf("FirstLineDiff(%q, %q) = %s, want %s", tt.a, tt.b, got, tt.want)
		}
	}
	if got := LineDiff([]byte("a\nb\n"), []byte("a\nc\n")); !strings.Contains(got, `-   2   "b\n"`) || !strings.Contains(got, `+   2   "c\n"`) {
		t.Errorf("LineDiff:\n%s", got)
	}
}
