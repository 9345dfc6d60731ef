package main

import (
	"bytes"
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

// FuzzLSPReader feeds arbitrary bytes to the message reader and then to a
// whole session: the reader must end at the end of its input, and the
// server must answer or drop every message without an internal error.
func FuzzLSPReader(f *testing.F) {
	initialize := string(frame([]byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{"general":{"positionEncodings":["utf-8"]}}}}`)))
	for _, s := range []string{
		"",
		"Content-Length: 2\r\n\r\n{}",
		"Content-Length: 99999999999\r\n\r\n",
		"Content-Length: -1\r\n\r\n",
		"\r\n\r\n\r\n",
		initialize,
		initialize + string(frame([]byte(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:a","version":1,"text":"from a\nlabel x=\"🐳\"\nENV A"}}}`))) +
			string(frame([]byte(`{"jsonrpc":"2.0","id":2,"method":"textDocument/rangeFormatting","params":{"textDocument":{"uri":"untitled:a"},"range":{"start":{"line":1,"character":9},"end":{"line":0,"character":99}}}}`))) +
			string(frame([]byte(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"untitled:a","version":2},"contentChanges":[{"range":{"start":{"line":1,"character":12},"end":{"line":9,"character":0}},"text":"x\r\n"}]}}`))) +
			string(frame([]byte(`{"jsonrpc":"2.0","id":3,"method":"textDocument/formatting","params":{"textDocument":{"uri":"untitled:a"},"options":{"tabSize":2,"insertSpaces":false}}}`))),
		initialize + string(frame([]byte(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:b","version":1,"text":"FROM a\nRUN a\nRUN b\nENV A 1\nMAINTAINER me\n"}}}`))) +
			string(frame([]byte(`{"jsonrpc":"2.0","id":2,"method":"textDocument/codeAction","params":{"textDocument":{"uri":"untitled:b"},"range":{"start":{"line":2,"character":0},"end":{"line":1,"character":0}},"context":{"diagnostics":[],"only":["refactor","source.fixAll"]}}}`))),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := newMsgReader(bytes.NewReader(data))
		for n := 0; ; n++ {
			if n > len(data) {
				t.Fatalf("%d messages from %d bytes", n, len(data))
			}
			body, err := r.read()
			var fe *framingError
			if errors.As(err, &fe) {
				continue
			}
			if err != nil {
				break
			}
			decodeMessage(body)
		}

		// A session that starts initialized, so that the fuzzer
		// reaches the documents' methods.
		var stdout, stderr bytes.Buffer
		in := io.MultiReader(strings.NewReader(initialize), bytes.NewReader(data))
		if status := serveLSP(in, &stdout, &stderr); status != 0 && status != 1 {
			t.Fatalf("exit status %d", status)
		}
		if strings.Contains(stderr.String(), "internal error") {
			t.Fatalf("internal error:\n%s", stderr.String())
		}
	})
}
