package format

import (
	"fmt"

	"github.com/dfmt/dfmt/format/syntax"
)

// Options configures the printer. The zero value is the canonical style:
// continuation lines indented by four spaces.
type Options struct {
	// Indent is the number of spaces of one indent level; 0 means 4.
	Indent int
	// Tabs indents with one tab per level instead of spaces.
	Tabs bool
}

// Error is a fault in a Dockerfile that BuildKit's parser rejects; see
// syntax.Error.
type Error = syntax.Error

// Warning is a remark on a file that formats: a comment that reads like an
// escape hatch (# dfmt:ignore, # dfmt:off, # dfmt:on) but is none, or a
// hatch that does nothing where it stands. A warning changes nothing in
// the output. Line and Col are 1-based; Col is the byte column of the word
// after the comment's '#' (a byte order mark not counted). Msg is lower
// case, without a final period.
type Warning struct {
	Line int
	Col  int
	Msg  string
}

// String returns the warning as "line:col: message".
func (w Warning) String() string {
	return fmt.Sprintf("%d:%d: %s", w.Line, w.Col, w.Msg)
}

// Warnings returns the warnings that Format gives src, without formatting
// it: the file's escape hatches are all they depend on. A file BuildKit
// rejects has none.
func Warnings(src []byte) []Warning {
	f := syntax.Parse(src)
	if f.Err != nil {
		return nil
	}
	return readHatches(f).warnings
}

// Source formats a whole Dockerfile. It returns an *Error, and no output,
// for a file BuildKit's parser rejects. An empty file or one of comments only
// is formatted, not rejected.
func Source(src []byte, opts Options) ([]byte, error) {
	res, err := Format(src, opts)
	if err != nil {
		return nil, err
	}
	return res.Out, nil
}
