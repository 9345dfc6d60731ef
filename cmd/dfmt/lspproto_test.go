package main

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestMsgReader(t *testing.T) {
	in := "Content-Length: 2\r\n\r\n{}" +
		"\r\n" + // a stray line end between messages
		"content-length:  3 \r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n[1]" +
		"Content-Length: 1\n\n7" + // bare line ends
		"Content-Length: x\r\n\r\n" +
		"Content-Length: 0\r\n\r\n" +
		"Content-Length: 5\r\n\r\nab"
	r := newMsgReader(strings.NewReader(in))
	for _, want := range []string{"{}", "[1]", "7", "error", "", "unexpected EOF"} {
		body, err := r.read()
		got := string(body)
		var fe *framingError
		switch {
		case errors.As(err, &fe):
			got = "error"
		case err != nil:
			got = err.Error()
		}
		if got != want {
			t.Errorf("read: got %q, want %q", got, want)
		}
	}
	if _, err := r.read(); err != io.EOF && err != io.ErrUnexpectedEOF {
		t.Errorf("after the end: %v", err)
	}
}
