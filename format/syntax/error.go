package syntax

import "fmt"

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
