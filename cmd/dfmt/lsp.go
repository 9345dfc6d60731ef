package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/syntax"
)

// This file is dfmt --lsp: a language server on standard input and output
// (Language Server Protocol 3.17) that formats whole documents and ranges
// of them, offers the refactors as code actions, and reports the faults
// that stop a file from formatting and the places where a refactor
// applies. The README's "Editors" section says how editors start it.
//
// The server is one loop: it reads a message, handles it and writes the
// reply before it reads the next. Formatting a Dockerfile takes
// milliseconds, so nothing is gained by handling messages concurrently,
// and the order of the replies is the order of the requests.

// lspServer is the state of one session.
type lspServer struct {
	in     *msgReader
	out    *msgWriter
	stderr io.Writer

	initialized bool // initialize has been answered
	shutdown    bool // shutdown has been answered
	enc         string
	hints       bool // publish where refactors apply
	unsafe      bool // offer unsafe refactor sites too (refactor.Options.Unsafe)

	docs map[string]*lspDoc
}

// lspDoc is an open document: its text as the editor has it.
type lspDoc struct {
	uri     string
	version int
	text    string
}

// serveLSP runs a language server on r and w until the client sends exit
// or closes r, and returns the exit status: 0 after a shutdown request, 1
// without one, as the protocol says. Logs go to stderr.
func serveLSP(r io.Reader, w io.Writer, stderr io.Writer) int {
	s := &lspServer{
		in:     newMsgReader(r),
		out:    &msgWriter{w: w},
		stderr: stderr,
		enc:    encUTF16,
		hints:  true,
		docs:   make(map[string]*lspDoc),
	}
	return s.serve()
}

func (s *lspServer) serve() int {
	for {
		body, err := s.in.read()
		if err != nil {
			var fe *framingError
			if errors.As(err, &fe) {
				s.replyError(nil, errorf(codeParseError, "%s", fe.msg))
				continue
			}
			if err != io.EOF {
				s.logf("reading a message: %v", err)
			}
			// The client is gone without saying exit.
			return s.exitStatus()
		}
		if exit := s.handle(body); exit {
			return s.exitStatus()
		}
		if s.out.err != nil {
			s.logf("writing a message: %v", s.out.err)
			return s.exitStatus()
		}
	}
}

func (s *lspServer) exitStatus() int {
	if s.shutdown {
		return 0
	}
	return 1
}

func (s *lspServer) logf(format string, args ...any) {
	fmt.Fprintf(s.stderr, "dfmt --lsp: "+format+"\n", args...)
}

// handle handles one message and reports whether it was exit.
func (s *lspServer) handle(body []byte) (exit bool) {
	msg, id, rerr := decodeMessage(body)
	if rerr != nil {
		s.replyError(id, rerr)
		return false
	}
	if msg.Method == nil {
		if len(id) == 0 {
			s.replyError(nil, errorf(codeInvalidRequest, "a message needs a method or an id"))
		}
		// A response: dfmt sends no requests, so none is awaited.
		return false
	}
	method := *msg.Method
	if len(id) == 0 {
		if method == "exit" {
			return true
		}
		s.notification(method, msg.Params)
		return false
	}
	result, err := s.request(method, msg.Params)
	if err != nil {
		s.replyError(id, err)
	} else {
		s.out.write(response{JSONRPC: "2.0", ID: id, Result: result})
	}
	return false
}

func (s *lspServer) replyError(id json.RawMessage, err *rpcError) {
	if len(id) == 0 {
		id = json.RawMessage("null")
	}
	s.out.write(errorResponse{JSONRPC: "2.0", ID: id, Error: err})
}

// request answers a request. A panic in a handler fails the request, not
// the session: the editor keeps its server and the user their buffers.
func (s *lspServer) request(method string, params json.RawMessage) (result any, rerr *rpcError) {
	defer func() {
		if v := recover(); v != nil {
			s.logf("internal error in %s: %v\n%s", method, v, debug.Stack())
			result, rerr = nil, errorf(codeInternalError, "internal error in %s: %v", method, v)
		}
	}()
	switch {
	case method == "initialize":
		if s.initialized {
			return nil, errorf(codeInvalidRequest, "initialize was already called")
		}
	case !s.initialized:
		return nil, errorf(codeServerNotInitialized, "the server is not initialized: initialize must come first")
	case s.shutdown:
		return nil, errorf(codeInvalidRequest, "the server is shut down: only exit may follow")
	}
	switch method {
	case "initialize":
		return s.initialize(params)
	case "shutdown":
		s.shutdown = true
		return nil, nil
	case "textDocument/formatting":
		return s.formatting(params, false)
	case "textDocument/rangeFormatting":
		return s.formatting(params, true)
	case "textDocument/codeAction":
		return s.codeAction(params)
	}
	return nil, errorf(codeMethodNotFound, "method not found: %s", method)
}

// notification handles a notification. An unknown one is dropped, as are
// all but exit before initialize, as the protocol says; a fault is logged,
// since a notification has no reply to carry it.
func (s *lspServer) notification(method string, params json.RawMessage) {
	defer func() {
		if v := recover(); v != nil {
			s.logf("internal error in %s: %v\n%s", method, v, debug.Stack())
		}
	}()
	if !s.initialized || s.shutdown {
		return
	}
	var err error
	switch method {
	case "textDocument/didOpen":
		err = s.didOpen(params)
	case "textDocument/didChange":
		err = s.didChange(params)
	case "textDocument/didClose":
		err = s.didClose(params)
	}
	if err != nil {
		s.logf("%s: %v", method, err)
	}
}

// unmarshalParams decodes a request's params; a mismatch is the client's
// fault (InvalidParams).
func unmarshalParams(params json.RawMessage, v any) *rpcError {
	if len(params) == 0 {
		params = json.RawMessage("{}")
	}
	if err := json.Unmarshal(params, v); err != nil {
		return errorf(codeInvalidParams, "invalid params: %v", err)
	}
	return nil
}

type initializeParams struct {
	Capabilities struct {
		General struct {
			PositionEncodings []string `json:"positionEncodings"`
		} `json:"general"`
	} `json:"capabilities"`
	InitializationOptions json.RawMessage `json:"initializationOptions"`
}

// lspOptions are the initializationOptions dfmt reads; others are
// ignored.
type lspOptions struct {
	// Hints publishes a diagnostic where a refactor applies; true unless
	// set to false, for those who run another Dockerfile server beside
	// dfmt and want its diagnostics alone.
	Hints *bool `json:"hints"`
	// Unsafe offers the refactor sites whose safety depends on what the
	// file cannot show (a base image's ENTRYPOINT, the build context,
	// judged from the document's folder), as --unsafe applies them.
	Unsafe bool `json:"unsafe"`
}

func (s *lspServer) initialize(params json.RawMessage) (any, *rpcError) {
	var p initializeParams
	if err := unmarshalParams(params, &p); err != nil {
		return nil, err
	}
	var opts lspOptions
	if o := p.InitializationOptions; len(o) > 0 && string(o) != "null" {
		if err := json.Unmarshal(o, &opts); err != nil {
			return nil, errorf(codeInvalidParams, `invalid initializationOptions: %v (dfmt reads {"hints": bool, "unsafe": bool})`, err)
		}
	}
	s.hints = opts.Hints == nil || *opts.Hints
	s.unsafe = opts.Unsafe
	// UTF-8 when the client can: it is what Go strings count. Otherwise
	// UTF-16, which every client must take.
	for _, e := range p.Capabilities.General.PositionEncodings {
		if e == encUTF8 {
			s.enc = encUTF8
		}
	}
	s.initialized = true
	return map[string]any{
		"capabilities": map[string]any{
			"positionEncoding": s.enc,
			"textDocumentSync": map[string]any{
				"openClose": true,
				"change":    1, // full: a Dockerfile is small
			},
			"documentFormattingProvider":      true,
			"documentRangeFormattingProvider": true,
			"codeActionProvider": map[string]any{
				"codeActionKinds": []string{kindRewrite, kindFixAll},
			},
		},
		"serverInfo": map[string]any{
			"name":    "dfmt",
			"version": strings.TrimPrefix(versionString(), "dfmt "),
		},
	}, nil
}

type textDocumentItem struct {
	URI     string `json:"uri"`
	Version int    `json:"version"`
	Text    string `json:"text"`
}

type textDocumentIdentifier struct {
	URI string `json:"uri"`
}

func (s *lspServer) didOpen(params json.RawMessage) error {
	var p struct {
		TextDocument textDocumentItem `json:"textDocument"`
	}
	if err := unmarshalParams(params, &p); err != nil {
		return err
	}
	td := p.TextDocument
	d := &lspDoc{uri: td.URI, version: td.Version, text: td.Text}
	s.docs[td.URI] = d
	s.publishDiagnostics(d)
	return nil
}

func (s *lspServer) didChange(params json.RawMessage) error {
	var p struct {
		TextDocument struct {
			URI     string `json:"uri"`
			Version int    `json:"version"`
		} `json:"textDocument"`
		ContentChanges []struct {
			Range *lspRange `json:"range"`
			Text  string    `json:"text"`
		} `json:"contentChanges"`
	}
	if err := unmarshalParams(params, &p); err != nil {
		return err
	}
	d := s.docs[p.TextDocument.URI]
	if d == nil {
		return fmt.Errorf("document not open: %s", p.TextDocument.URI)
	}
	for _, c := range p.ContentChanges {
		if c.Range == nil {
			d.text = c.Text
			continue
		}
		// The server asks for whole texts, but a change to a range
		// costs little to take.
		x := newLineIndex(d.text, s.enc)
		from, to := x.offset(c.Range.Start), x.offset(c.Range.End)
		to = max(from, to)
		d.text = d.text[:from] + c.Text + d.text[to:]
	}
	d.version = p.TextDocument.Version
	s.publishDiagnostics(d)
	return nil
}

func (s *lspServer) didClose(params json.RawMessage) error {
	var p struct {
		TextDocument textDocumentIdentifier `json:"textDocument"`
	}
	if err := unmarshalParams(params, &p); err != nil {
		return err
	}
	if _, ok := s.docs[p.TextDocument.URI]; !ok {
		return fmt.Errorf("document not open: %s", p.TextDocument.URI)
	}
	delete(s.docs, p.TextDocument.URI)
	// Closed, it has no diagnostics left to show.
	s.out.write(notification{JSONRPC: "2.0", Method: "textDocument/publishDiagnostics",
		Params: publishDiagnosticsParams{URI: p.TextDocument.URI, Diagnostics: []diagnostic{}}})
	return nil
}

// doc returns the open document uri, or the error a request about a
// document never opened gets.
func (s *lspServer) doc(uri string) (*lspDoc, *rpcError) {
	d := s.docs[uri]
	if d == nil {
		return nil, errorf(codeInvalidParams, "document not open: %s", uri)
	}
	return d, nil
}

// formattingOptions are the editor's own settings for the document.
type formattingOptions struct {
	TabSize      int  `json:"tabSize"`
	InsertSpaces bool `json:"insertSpaces"`
}

// documentRangeFormattingParams are the params of both formatting
// requests; textDocument/formatting has no range.
type documentRangeFormattingParams struct {
	TextDocument textDocumentIdentifier `json:"textDocument"`
	Range        lspRange               `json:"range"`
	Options      formattingOptions      `json:"options"`
}

// formatting answers textDocument/formatting, and with ranged
// textDocument/rangeFormatting: the edits that format the document, or,
// ranged, only the instructions the range touches.
func (s *lspServer) formatting(params json.RawMessage, ranged bool) (any, *rpcError) {
	var p documentRangeFormattingParams
	if err := unmarshalParams(params, &p); err != nil {
		return nil, err
	}
	d, rerr := s.doc(p.TextDocument.URI)
	if rerr != nil {
		return nil, rerr
	}
	out, ok, rerr := s.format(d, p.Options)
	if rerr != nil || !ok {
		return []textEdit{}, rerr
	}
	x := newLineIndex(d.text, s.enc)
	if !ranged {
		return lineEdits(x, out), nil
	}
	from, to := x.offset(p.Range.Start), x.offset(p.Range.End)
	if to < from {
		from, to = to, from
	}
	part, err := formatLines(d.text, out, from, to)
	if err != nil {
		s.logf("range formatting %s: %v", d.uri, err)
		return []textEdit{}, nil
	}
	return lineEdits(x, part), nil
}

// format formats d as the command would format the file, and reports
// whether it could: a file that does not parse has no formatting, and its
// diagnostic says why. Its indentation comes from the .editorconfig files
// around it when it is a file, as the command's does, so that formatting
// in the editor and dfmt --check agree; for a document that is no file
// (an unsaved buffer), from the editor's own settings.
func (s *lspServer) format(d *lspDoc, fo formattingOptions) (string, bool, *rpcError) {
	opts, rerr := s.options(d.uri, fo)
	if rerr != nil {
		return "", false, rerr
	}
	res, err := formatText(d.text, opts)
	if err != nil {
		return "", false, nil
	}
	return string(res.Out), true, nil
}

// options is the indentation for the document uri.
func (s *lspServer) options(uri string, fo formattingOptions) (format.Options, *rpcError) {
	if path, ok := uriPath(uri); ok {
		abs, err := filepath.Abs(path)
		if err != nil {
			return format.Options{}, errorf(codeRequestFailed, "%v", err)
		}
		// Read afresh each time: a user may edit .editorconfig while
		// the server runs.
		opts, warnings, err := newEditorConfigs().options(path, abs)
		if err != nil {
			return format.Options{}, errorf(codeRequestFailed, "%s", errText(err))
		}
		for _, w := range warnings {
			s.logf("%s", w)
		}
		return opts, nil
	}
	var opts format.Options
	if !fo.InsertSpaces {
		opts.Tabs = true
	} else if fo.TabSize >= minIndent && fo.TabSize <= maxIndent {
		opts.Indent = fo.TabSize
	}
	return opts, nil
}

// uriPath is the path of a file: URI.
func uriPath(uri string) (string, bool) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" || u.Path == "" {
		return "", false
	}
	p := u.Path
	if runtime.GOOS == "windows" {
		// file:///C:/dir/Dockerfile
		p = strings.TrimPrefix(p, "/")
	}
	return filepath.FromSlash(p), true
}

// formatText is format.Format, with the command's refusal of binary files.
func formatText(text string, opts format.Options) (*format.Result, error) {
	src := []byte(text)
	if i := strings.IndexByte(text, 0); i >= 0 {
		line, col := position(src, i)
		if line == 1 && strings.HasPrefix(text, syntax.BOM) {
			col -= len(syntax.BOM) // as format.Error counts columns
		}
		return nil, &format.Error{Line: line, Col: col, Msg: "binary file: contains a nul byte"}
	}
	return format.Format(src, opts)
}
