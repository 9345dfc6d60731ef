package format

import "fmt"

// Options configures the printer. The zero value is the canonical style:
// continuation lines indented by four spaces.
type Options struct {
	// Indent is the number of spaces of one indent level; 0 means 4.
	Indent int
	// Tabs indents with one tab per level instead of spaces.
	Tabs bool
}

// Error is a fault in a Dockerfile that BuildKit's parser rejects. Line and
// Col are 1-based.
type Error struct {
	Line int
	Col  int
	Msg  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
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
