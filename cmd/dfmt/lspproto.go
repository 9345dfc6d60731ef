package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// This file is the Language Server Protocol's base protocol: JSON-RPC 2.0
// messages, each after a header of "Name: value" lines ended by "\r\n" and
// a blank line, of which only Content-Length matters.

// Limits of what the reader takes. A header line is a few dozen bytes; a
// message carries at most a document's text, and Dockerfiles are small.
const (
	maxHeaderLine = 4 << 10
	maxHeaders    = 32
	maxMessage    = 256 << 20
)

// framingError is a message whose header the reader could not make sense
// of, or whose body it skipped. The stream goes on after it: the reader
// has consumed the bad header (and the body, when its length was known),
// and the server answers with a parse error and reads on.
type framingError struct{ msg string }

func (e *framingError) Error() string { return e.msg }

// msgReader reads framed messages from a stream.
type msgReader struct {
	r *bufio.Reader
}

func newMsgReader(r io.Reader) *msgReader {
	return &msgReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// read returns the body of the next message. At the end of the stream
// between messages it returns io.EOF; in the middle of one,
// io.ErrUnexpectedEOF. A *framingError leaves the stream readable.
func (m *msgReader) read() ([]byte, error) {
	length := -1
	var bad string
	for n := 0; ; n++ {
		line, tooLong, err := m.line()
		if err != nil {
			if err == io.EOF && n > 0 {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if tooLong {
			if bad == "" {
				bad = "header line too long"
			}
			continue
		}
		if line == "" {
			if n == 0 {
				// A stray line end between messages (some clients
				// send one after each body): not a header yet.
				n--
				continue
			}
			break
		}
		if bad != "" {
			continue // skip to the end of a header already refused
		}
		if n >= maxHeaders {
			bad = "too many header fields"
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			bad = fmt.Sprintf("malformed header field %.40q", line)
			continue
		}
		value = strings.TrimSpace(value)
		switch {
		case strings.EqualFold(strings.TrimSpace(name), "Content-Length"):
			v, err := strconv.ParseInt(value, 10, 64)
			if err != nil || v < 0 {
				bad = fmt.Sprintf("invalid Content-Length %.40q", value)
				continue
			}
			if v > maxMessage {
				// Skip the body, so that the stream stays in step.
				if _, err := io.CopyN(io.Discard, m.r, v); err != nil {
					return nil, io.ErrUnexpectedEOF
				}
				return nil, &framingError{fmt.Sprintf("message of %d bytes is over the limit of %d", v, maxMessage)}
			}
			length = int(v)
		case strings.EqualFold(strings.TrimSpace(name), "Content-Type"):
			// The only charset is UTF-8 (and "utf8", as the
			// specification allows for old clients): anything
			// else is read as UTF-8 all the same.
		}
	}
	if bad != "" {
		// The length, if any was given, cannot be trusted.
		return nil, &framingError{bad}
	}
	if length < 0 {
		return nil, &framingError{"header has no Content-Length"}
	}
	// Grow with what arrives rather than allocating the length up front:
	// a client that lies about it costs no more than it sent.
	var body bytes.Buffer
	body.Grow(min(length, 1<<20))
	n, err := io.CopyN(&body, m.r, int64(length))
	if n < int64(length) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return body.Bytes(), nil
}

// line reads one header line without its line end ("\r\n", or a bare "\n"
// from a careless client). A line over maxHeaderLine is consumed whole and
// reported as too long.
func (m *msgReader) line() (line string, tooLong bool, err error) {
	b, err := m.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull || (err == nil && len(b) > maxHeaderLine) {
		for err == bufio.ErrBufferFull {
			_, err = m.r.ReadSlice('\n')
		}
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return "", true, err
	}
	if err != nil {
		if len(b) > 0 && err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return "", false, err
	}
	b = bytes.TrimSuffix(b[:len(b)-1], []byte{'\r'})
	return string(b), false, nil
}

// msgWriter writes framed messages; it is safe for concurrent use.
type msgWriter struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
	err error // the first write error: the client is gone
}

func (m *msgWriter) write(v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.buf = append(m.buf[:0], "Content-Length: "...)
	m.buf = strconv.AppendInt(m.buf, int64(len(body)), 10)
	m.buf = append(m.buf, "\r\n\r\n"...)
	m.buf = append(m.buf, body...)
	_, m.err = m.w.Write(m.buf)
	if cap(m.buf) > 1<<20 {
		m.buf = nil // keep no large buffer between messages
	}
	return m.err
}

// JSON-RPC 2.0 error codes, and the Language Server Protocol's own.
const (
	codeParseError           = -32700
	codeInvalidRequest       = -32600
	codeMethodNotFound       = -32601
	codeInvalidParams        = -32602
	codeInternalError        = -32603
	codeServerNotInitialized = -32002
	codeRequestFailed        = -32803
)

// rpcError is the error of a response.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcError) Error() string { return e.Message }

func errorf(code int, format string, args ...any) *rpcError {
	return &rpcError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// inMessage is any message from the client: a request (ID and Method), a
// notification (Method only) or a response (ID and Result or Error) to a
// request of the server's, which dfmt never sends.
type inMessage struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  *string         `json:"method"`
	Params  json.RawMessage `json:"params"`
}

// decodeMessage parses a message's body. A body that is no JSON is a parse
// error; JSON that is no message is an invalid request, answered with the
// message's id when it has a usable one.
func decodeMessage(body []byte) (*inMessage, json.RawMessage, *rpcError) {
	var msg inMessage
	if err := json.Unmarshal(body, &msg); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, nil, errorf(codeParseError, "invalid JSON: %v", err)
		}
		return nil, nil, errorf(codeInvalidRequest, "not a JSON-RPC message: %v", err)
	}
	id := msg.ID
	if len(id) > 0 && !validID(id) {
		return nil, nil, errorf(codeInvalidRequest, "invalid id %.40s: must be a number or a string", id)
	}
	if msg.JSONRPC != "2.0" {
		return nil, id, errorf(codeInvalidRequest, `"jsonrpc" must be "2.0"`)
	}
	return &msg, id, nil
}

// validID reports whether id, present in a message, is a number or a
// string, as the protocol's ids are.
func validID(id json.RawMessage) bool {
	switch id[0] {
	case '"':
		return true
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return true
	}
	return false
}

// response is a reply to a request. Result is always present, null
// included, as JSON-RPC wants of a success; Error replaces it on failure.
type response struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result"`
}

type errorResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"` // null when the request's could not be read
	Error   *rpcError       `json:"error"`
}

type notification struct {
	JSONRPC string `json:"jsonrpc"`
	Method  string `json:"method"`
	Params  any    `json:"params"`
}
