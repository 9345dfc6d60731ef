package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/formattest"
	"github.com/dfmt/dfmt/format/syntax"
)

// The tests in this file speak the protocol to serveLSP over pipes, as an
// editor would.

// lspTimeout bounds every wait for the server: a hang fails the test.
const lspTimeout = 20 * time.Second

// lspClient is the editor's end of a session with serveLSP.
type lspClient struct {
	t      testing.TB
	w      *io.PipeWriter
	msgs   chan json.RawMessage // everything the server sends, in order
	status chan int             // serveLSP's exit status
	stderr *syncBuffer
	nextID int
	// queue holds the notifications read while waiting for a response.
	queue []json.RawMessage
}

// syncBuffer is a bytes.Buffer that the server and the test may use at
// once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startLSP runs serveLSP on pipes. The session is ended, if the test did
// not end it, when the test ends.
func startLSP(t testing.TB) *lspClient {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c := &lspClient{
		t:      t,
		w:      inW,
		msgs:   make(chan json.RawMessage, 100),
		status: make(chan int, 1),
		stderr: new(syncBuffer),
	}
	go func() {
		c.status <- serveLSP(inR, outW, c.stderr)
		outW.Close()
	}()
	go func() {
		r := newMsgReader(outR)
		for {
			body, err := r.read()
			if err != nil {
				close(c.msgs)
				return
			}
			c.msgs <- body
		}
	}()
	t.Cleanup(func() {
		inW.Close()
		select {
		case <-c.status:
		case <-time.After(lspTimeout):
			t.Errorf("the server did not stop at the end of its input")
		}
		if s := c.stderr.String(); strings.Contains(s, "internal error") {
			t.Errorf("the server logged an internal error:\n%s", s)
		}
	})
	return c
}

// sendRaw writes bytes to the server as they are.
func (c *lspClient) sendRaw(b []byte) {
	c.t.Helper()
	if _, err := c.w.Write(b); err != nil {
		c.t.Fatalf("writing to the server: %v", err)
	}
}

// send frames v and writes it.
func (c *lspClient) send(v any) {
	c.t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(frame(body))
}

func frame(body []byte) []byte {
	return append(fmt.Appendf(nil, "Content-Length: %d\r\n\r\n", len(body)), body...)
}

// next returns the next message from the server.
func (c *lspClient) next() json.RawMessage {
	c.t.Helper()
	select {
	case m, ok := <-c.msgs:
		if !ok {
			c.t.Fatalf("the server closed its output")
		}
		return m
	case <-time.After(lspTimeout):
		c.t.Fatalf("no message from the server in %v", lspTimeout)
	}
	return nil
}

// reply is a response as the client reads it.
type reply struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  string          `json:"method"`
	Result  json.RawMessage `json:"result"`
	Error   *rpcError       `json:"error"`
	Params  json.RawMessage `json:"params"`
}

func decodeReply(t testing.TB, m json.RawMessage) reply {
	t.Helper()
	var r reply
	if err := json.Unmarshal(m, &r); err != nil {
		t.Fatalf("the server sent %s: %v", m, err)
	}
	if r.JSONRPC != "2.0" {
		t.Fatalf("the server sent %s: no jsonrpc 2.0", m)
	}
	return r
}

// response waits for the response with id, keeping the notifications
// that come before it for notifications.
func (c *lspClient) response(id json.RawMessage) reply {
	c.t.Helper()
	for {
		m := c.next()
		r := decodeReply(c.t, m)
		if r.Method != "" {
			c.queue = append(c.queue, m)
			continue
		}
		if !bytes.Equal(r.ID, id) {
			c.t.Fatalf("waiting for the response to %s, got %s", id, m)
		}
		if (r.Error == nil) == (r.Result == nil) {
			c.t.Fatalf("a response needs a result or an error, not both: %s", m)
		}
		return r
	}
}

// call sends a request and returns its response.
func (c *lspClient) call(method string, params any) reply {
	c.t.Helper()
	c.nextID++
	id := json.RawMessage(fmt.Sprint(c.nextID))
	c.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	return c.response(id)
}

// ok is call for a request that must succeed; it decodes the result into
// result (unless nil).
func (c *lspClient) ok(method string, params, result any) {
	c.t.Helper()
	r := c.call(method, params)
	if r.Error != nil {
		c.t.Fatalf("%s: error %d: %s", method, r.Error.Code, r.Error.Message)
	}
	if result != nil {
		if err := json.Unmarshal(r.Result, result); err != nil {
			c.t.Fatalf("%s: result %s: %v", method, r.Result, err)
		}
	}
}

// fails is call for a request that must fail with code.
func (c *lspClient) fails(method string, params any, code int) *rpcError {
	c.t.Helper()
	r := c.call(method, params)
	if r.Error == nil {
		c.t.Fatalf("%s: want error %d, got result %s", method, code, r.Result)
	}
	if r.Error.Code != code {
		c.t.Fatalf("%s: want error %d, got %d: %s", method, code, r.Error.Code, r.Error.Message)
	}
	return r.Error
}

func (c *lspClient) notify(method string, params any) {
	c.t.Helper()
	c.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// notification returns the next notification with method.
func (c *lspClient) notification(method string) reply {
	c.t.Helper()
	for {
		var m json.RawMessage
		if len(c.queue) > 0 {
			m, c.queue = c.queue[0], c.queue[1:]
		} else {
			m = c.next()
		}
		r := decodeReply(c.t, m)
		if r.Method == "" {
			c.t.Fatalf("waiting for %s, got a response: %s", method, m)
		}
		if r.Method == method {
			return r
		}
	}
}

// diagnostics returns the next diagnostics published for uri.
func (c *lspClient) diagnostics(uri string) []diagnostic {
	c.t.Helper()
	for {
		r := c.notification("textDocument/publishDiagnostics")
		var p publishDiagnosticsParams
		if err := json.Unmarshal(r.Params, &p); err != nil {
			c.t.Fatal(err)
		}
		if p.Diagnostics == nil {
			c.t.Fatalf("diagnostics must be an array, not null: %s", r.Params)
		}
		if p.URI == uri {
			return p.Diagnostics
		}
	}
}

// initialize starts the session with the given client capabilities and
// initializationOptions (either may be nil) and returns the result.
func (c *lspClient) initialize(caps, opts any) initializeResult {
	c.t.Helper()
	params := map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}}
	if caps != nil {
		params["capabilities"] = caps
	}
	if opts != nil {
		params["initializationOptions"] = opts
	}
	var res initializeResult
	c.ok("initialize", params, &res)
	c.notify("initialized", map[string]any{})
	return res
}

type initializeResult struct {
	Capabilities struct {
		PositionEncoding string `json:"positionEncoding"`
		TextDocumentSync struct {
			OpenClose bool `json:"openClose"`
			Change    int  `json:"change"`
		} `json:"textDocumentSync"`
		DocumentFormattingProvider      bool            `json:"documentFormattingProvider"`
		DocumentRangeFormattingProvider bool            `json:"documentRangeFormattingProvider"`
		CodeActionProvider              json.RawMessage `json:"codeActionProvider"`
	} `json:"capabilities"`
	ServerInfo struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"serverInfo"`
}

// open opens a document and returns its first diagnostics.
func (c *lspClient) open(uri, text string) []diagnostic {
	c.t.Helper()
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "dockerfile", "version": 1, "text": text,
	}})
	return c.diagnostics(uri)
}

// format asks for the formatting of uri and returns the edits.
func (c *lspClient) format(uri string, opts formattingOptions) []textEdit {
	c.t.Helper()
	var edits []textEdit
	c.ok("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uri}, "options": opts}, &edits)
	if edits == nil {
		c.t.Fatalf("formatting: want an array of edits, got null")
	}
	return edits
}

func (c *lspClient) formatRange(uri string, r lspRange) []textEdit {
	c.t.Helper()
	var edits []textEdit
	c.ok("textDocument/rangeFormatting", map[string]any{
		"textDocument": map[string]any{"uri": uri},
		"range":        r,
		"options":      formattingOptions{TabSize: 4, InsertSpaces: true},
	}, &edits)
	if edits == nil {
		c.t.Fatalf("rangeFormatting: want an array of edits, got null")
	}
	return edits
}

// shutdown ends the session as an editor does and returns the exit status.
func (c *lspClient) shutdown() int {
	c.t.Helper()
	r := c.call("shutdown", nil)
	if r.Error != nil || string(r.Result) != "null" {
		c.t.Fatalf("shutdown: want a null result, got %s, %v", r.Result, r.Error)
	}
	c.notify("exit", nil)
	return c.exitStatus()
}

func (c *lspClient) exitStatus() int {
	c.t.Helper()
	select {
	case s := <-c.status:
		c.status <- s // for the cleanup
		return s
	case <-time.After(lspTimeout):
		c.t.Fatalf("the server did not exit")
	}
	return -1
}

// applyTextEdits applies edits to text as an editor would, reading their
// positions in enc on its own (not with lineIndex, which it checks).
func applyTextEdits(t testing.TB, text string, edits []textEdit, enc string) string {
	t.Helper()
	// Lines as the protocol counts them, with their breaks.
	var starts []int
	starts = append(starts, 0)
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' || (text[i] == '\r' && (i+1 == len(text) || text[i+1] != '\n')) {
			starts = append(starts, i+1)
		}
	}
	offset := func(p lspPos) int {
		if p.Line >= len(starts) {
			t.Fatalf("position %+v is past the end of the text", p)
		}
		end := len(text)
		if p.Line+1 < len(starts) {
			end = starts[p.Line+1]
		}
		line := strings.TrimRight(text[starts[p.Line]:end], "\r\n")
		var n int
		if enc == encUTF8 {
			n = p.Character
			if n > len(line) || (n < len(line) && !utf8.RuneStart(line[n])) {
				t.Fatalf("position %+v is not at a character of %q", p, line)
			}
		} else {
			u := utf16.Encode([]rune(line))
			if p.Character > len(u) {
				t.Fatalf("position %+v is past the end of %q", p, line)
			}
			n = len(string(utf16.Decode(u[:p.Character])))
		}
		return starts[p.Line] + n
	}
	out := text
	// From the last edit back, so that offsets stay valid.
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		from, to := offset(e.Range.Start), offset(e.Range.End)
		if i > 0 && offset(edits[i-1].Range.End) > from {
			t.Fatalf("edits overlap or are out of order: %+v", edits)
		}
		out = out[:from] + e.NewText + out[to:]
	}
	return out
}

// formatted is src as the formatter prints it with default options.
func formatted(t testing.TB, src string) string {
	t.Helper()
	res, err := format.Format([]byte(src), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return string(res.Out)
}

const untitled = "untitled:Dockerfile-1"

func TestLSPLifecycle(t *testing.T) {
	c := startLSP(t)
	res := c.initialize(nil, nil)
	caps := res.Capabilities
	if caps.PositionEncoding != encUTF16 {
		t.Errorf("positionEncoding = %q, want utf-16 for a client that offers nothing", caps.PositionEncoding)
	}
	if !caps.TextDocumentSync.OpenClose || caps.TextDocumentSync.Change != 1 {
		t.Errorf("textDocumentSync = %+v, want openClose and full sync", caps.TextDocumentSync)
	}
	if !caps.DocumentFormattingProvider || !caps.DocumentRangeFormattingProvider {
		t.Errorf("formatting providers not announced: %+v", caps)
	}
	if res.ServerInfo.Name != "dfmt" || res.ServerInfo.Version == "" {
		t.Errorf("serverInfo = %+v", res.ServerInfo)
	}
	if got := c.shutdown(); got != 0 {
		t.Errorf("exit after shutdown: status %d, want 0", got)
	}
}

func TestLSPExitStatus(t *testing.T) {
	t.Run("exit without shutdown", func(t *testing.T) {
		c := startLSP(t)
		c.initialize(nil, nil)
		c.notify("exit", nil)
		if got := c.exitStatus(); got != 1 {
			t.Errorf("status %d, want 1", got)
		}
	})
	t.Run("exit before initialize", func(t *testing.T) {
		c := startLSP(t)
		c.notify("exit", nil)
		if got := c.exitStatus(); got != 1 {
			t.Errorf("status %d, want 1", got)
		}
	})
	t.Run("end of input after shutdown", func(t *testing.T) {
		c := startLSP(t)
		c.initialize(nil, nil)
		c.ok("shutdown", nil, nil)
		c.w.Close()
		if got := c.exitStatus(); got != 0 {
			t.Errorf("status %d, want 0", got)
		}
	})
	t.Run("end of input without shutdown", func(t *testing.T) {
		c := startLSP(t)
		c.initialize(nil, nil)
		c.w.Close()
		if got := c.exitStatus(); got != 1 {
			t.Errorf("status %d, want 1", got)
		}
	})
	t.Run("end of input inside a message", func(t *testing.T) {
		c := startLSP(t)
		c.sendRaw([]byte("Content-Length: 100\r\n\r\n{\"jsonrpc\""))
		c.w.Close()
		if got := c.exitStatus(); got != 1 {
			t.Errorf("status %d, want 1", got)
		}
	})
}

func TestLSPPositionEncoding(t *testing.T) {
	for _, tc := range []struct {
		offered []string
		want    string
	}{
		{nil, encUTF16},
		{[]string{"utf-16"}, encUTF16},
		{[]string{"utf-32", "utf-16"}, encUTF16},
		{[]string{"utf-8"}, encUTF8},
		{[]string{"utf-16", "utf-8"}, encUTF8},
	} {
		c := startLSP(t)
		res := c.initialize(map[string]any{"general": map[string]any{"positionEncodings": tc.offered}}, nil)
		if got := res.Capabilities.PositionEncoding; got != tc.want {
			t.Errorf("client offers %q: positionEncoding %q, want %q", tc.offered, got, tc.want)
		}
	}
}

// TestLSPFormattingMinimal checks that formatting replaces only the lines
// that change, one edit per run of them.
func TestLSPFormattingMinimal(t *testing.T) {
	src := "from alpine\n" + // changes
		"# a comment\n" +
		"RUN echo one\n" +
		"run   echo two\n" + // changes
		"ENV A=1\n" + // changes, with the line above: one edit
		"\n" +
		"CMD [\"sh\"]\n"
	src = strings.Replace(src, "ENV A=1", "env A=1", 1)
	c := startLSP(t)
	c.initialize(nil, map[string]any{"hints": false}) // no hint to merge the RUNs
	if d := c.open(untitled, src); len(d) != 0 {
		t.Errorf("diagnostics of a good file: %+v", d)
	}
	edits := c.format(untitled, formattingOptions{TabSize: 4, InsertSpaces: true})
	want := []textEdit{
		{lspRange{lspPos{0, 0}, lspPos{1, 0}}, "FROM alpine\n"},
		{lspRange{lspPos{3, 0}, lspPos{5, 0}}, "RUN echo two\nENV A=1\n"},
	}
	if fmt.Sprint(edits) != fmt.Sprint(want) {
		t.Errorf("edits:\n got %+v\nwant %+v", edits, want)
	}
	if got := applyTextEdits(t, src, edits, encUTF16); got != formatted(t, src) {
		t.Errorf("applying the edits gives\n%s\nwant\n%s", got, formatted(t, src))
	}

	// A formatted document has no edits: an empty array, not null.
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": untitled, "version": 2},
		"contentChanges": []any{map[string]any{"text": formatted(t, src)}},
	})
	c.diagnostics(untitled)
	if edits := c.format(untitled, formattingOptions{TabSize: 4, InsertSpaces: true}); len(edits) != 0 {
		t.Errorf("a formatted document gets edits: %+v", edits)
	}
}

// TestLSPFormattingEdits checks, on the golden inputs, that the edits make
// the formatted file and never replace a line with itself.
func TestLSPFormattingEdits(t *testing.T) {
	for _, src := range goldenInputs(t) {
		want, err := format.Format([]byte(src), format.Options{})
		if err != nil {
			continue
		}
		x := newLineIndex(src, encUTF16)
		edits := lineEdits(x, string(want.Out))
		if got := applyTextEdits(t, src, edits, encUTF16); got != string(want.Out) {
			t.Errorf("%q: applying the edits gives %q, want %q", src, got, want.Out)
		}
		for _, e := range edits {
			old := src[x.offset(e.Range.Start):x.offset(e.Range.End)]
			ol, nl := splitLines(old), splitLines(e.NewText)
			if len(ol) > 0 && len(nl) > 0 && (ol[0] == nl[0] || ol[len(ol)-1] == nl[len(nl)-1]) {
				t.Errorf("%q: edit %+v replaces a line with itself", src, e)
			}
		}
	}
}

func TestLSPFormattingEditorConfig(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		".editorconfig":     "root = true\n[*]\nindent_size = 2\n",
		"sub/.editorconfig": "[Dockerfile.tabs]\nindent_style = tab\n",
	})
	src := "FROM alpine\nRUN apt-get update && \\\napt-get install -y curl\n"
	uri := func(name string) string { return "file://" + filepath.ToSlash(filepath.Join(dir, name)) }
	c := startLSP(t)
	c.initialize(nil, nil)

	// A file (saved or not) gets the .editorconfig's indentation, whatever
	// the editor's settings, as dfmt --check would.
	for name, indent := range map[string]string{
		"Dockerfile":          "  ",
		"sub/Dockerfile.tabs": "\t",
		"new/Dockerfile":      "  ",
	} {
		c.open(uri(name), src)
		edits := c.format(uri(name), formattingOptions{TabSize: 8, InsertSpaces: true})
		got := applyTextEdits(t, src, edits, encUTF16)
		if want := "\n" + indent + "&& apt-get install"; !strings.Contains(got, want) {
			t.Errorf("%s: formatted as\n%s\nwant a line %q", name, got, want)
		}
	}

	// A document that is no file gets the editor's.
	c.open(untitled, src)
	for _, tc := range []struct {
		opts   formattingOptions
		indent string
	}{
		{formattingOptions{TabSize: 8, InsertSpaces: true}, "        "},
		{formattingOptions{TabSize: 2, InsertSpaces: false}, "\t"},
		{formattingOptions{TabSize: 0, InsertSpaces: true}, "    "}, // out of range: the default
	} {
		got := applyTextEdits(t, src, c.format(untitled, tc.opts), encUTF16)
		if want := "\n" + tc.indent + "&& apt-get install"; !strings.Contains(got, want) {
			t.Errorf("options %+v: formatted as\n%s\nwant a line %q", tc.opts, got, want)
		}
	}
}

// TestLSPBrokenFile checks that a file that does not parse gets no edits
// and one diagnostic over the instruction at fault.
func TestLSPBrokenFile(t *testing.T) {
	src := "from alpine\nENV A=1 \\\n    B\nrun true\n"
	c := startLSP(t)
	c.initialize(nil, nil)
	diags := c.open(untitled, src)
	if len(diags) != 1 {
		t.Fatalf("want one diagnostic, got %+v", diags)
	}
	d := diags[0]
	want := lspRange{lspPos{1, 0}, lspPos{2, 5}}
	if d.Severity != sevError || d.Range != want || d.Source != "dfmt" || !strings.Contains(d.Message, `can't find = in "B"`) {
		t.Errorf("diagnostic %+v, want an error over %+v", d, want)
	}
	if edits := c.format(untitled, formattingOptions{TabSize: 4, InsertSpaces: true}); len(edits) != 0 {
		t.Errorf("a broken file gets edits: %+v", edits)
	}
	if edits := c.formatRange(untitled, lspRange{lspPos{0, 0}, lspPos{4, 0}}); len(edits) != 0 {
		t.Errorf("a broken file gets range edits: %+v", edits)
	}

	// Fixed, it has no diagnostics left.
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": untitled, "version": 2},
		"contentChanges": []any{map[string]any{"text": strings.Replace(src, "    B", "    B=2", 1)}},
	})
	if diags := c.diagnostics(untitled); len(diags) != 0 {
		t.Errorf("diagnostics of the fixed file: %+v", diags)
	}

	// A binary file is refused as the command refuses it.
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": untitled, "version": 3},
		"contentChanges": []any{map[string]any{"text": "FROM a\nRUN \x00\n"}},
	})
	diags = c.diagnostics(untitled)
	if len(diags) != 1 || !strings.Contains(diags[0].Message, "nul byte") || diags[0].Range.Start != (lspPos{1, 4}) {
		t.Errorf("diagnostics of a binary file: %+v", diags)
	}
}

func TestLSPDiagnostics(t *testing.T) {
	c := startLSP(t)
	c.initialize(nil, nil)
	src := "FROM alpine\n  # dfmt:ignore-next\nRUN true\n"
	diags := c.open(untitled, src)
	want := diagnostic{
		Range:    lspRange{lspPos{1, 4}, lspPos{1, 20}},
		Severity: sevWarning,
		Source:   "dfmt",
	}
	if len(diags) != 1 || diags[0].Range != want.Range || diags[0].Severity != want.Severity || !strings.Contains(diags[0].Message, "dfmt:ignore-next") {
		t.Errorf("diagnostics %+v, want a warning over %+v", diags, want.Range)
	}

	// Every change publishes the document's diagnostics anew, with its
	// version.
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": untitled, "version": 7},
		"contentChanges": []any{map[string]any{"text": "FROM alpine\n"}},
	})
	r := c.notification("textDocument/publishDiagnostics")
	var p publishDiagnosticsParams
	if err := json.Unmarshal(r.Params, &p); err != nil {
		t.Fatal(err)
	}
	if p.Version == nil || *p.Version != 7 || len(p.Diagnostics) != 0 {
		t.Errorf("after a change: %s", r.Params)
	}

	// Closing clears them.
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": untitled}})
	if diags := c.diagnostics(untitled); len(diags) != 0 {
		t.Errorf("after closing: %+v", diags)
	}
	c.fails("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": untitled}}, codeInvalidParams)
}

// TestLSPEmojiColumns checks the columns on a line with text beyond ASCII,
// in both encodings: 🐳 is one character, four bytes in UTF-8 and two
// units in UTF-16.
func TestLSPEmojiColumns(t *testing.T) {
	for _, enc := range []string{encUTF16, encUTF8} {
		t.Run(enc, func(t *testing.T) {
			// width is the length of s in enc's units.
			width := func(s string) int {
				if enc == encUTF8 {
					return len(s)
				}
				return len(utf16.Encode([]rune(s)))
			}
			c := startLSP(t)
			res := c.initialize(map[string]any{"general": map[string]any{"positionEncodings": []string{enc}}}, nil)
			if res.Capabilities.PositionEncoding != enc {
				t.Fatalf("positionEncoding %q, want %q", res.Capabilities.PositionEncoding, enc)
			}

			// The formatting of a last line without a line end
			// replaces it to its end.
			label := `label   whale="🐳 moby"`
			src := "FROM alpine\n" + label
			c.open(untitled, src)
			edits := c.format(untitled, formattingOptions{TabSize: 4, InsertSpaces: true})
			want := []textEdit{{lspRange{lspPos{1, 0}, lspPos{1, width(label)}}, "LABEL whale=\"🐳 moby\"\n"}}
			if fmt.Sprint(edits) != fmt.Sprint(want) {
				t.Errorf("edits %+v, want %+v", edits, want)
			}
			if got := applyTextEdits(t, src, edits, enc); got != formatted(t, src) {
				t.Errorf("applying the edits gives %q", got)
			}

			// A range that starts and ends after the whale touches
			// only its line.
			after := lspPos{1, width(`label   whale="🐳`)}
			if edits := c.formatRange(untitled, lspRange{after, after}); fmt.Sprint(edits) != fmt.Sprint(want) {
				t.Errorf("range edits %+v, want %+v", edits, want)
			}

			// A change to a range after the whale.
			c.notify("textDocument/didChange", map[string]any{
				"textDocument": map[string]any{"uri": untitled, "version": 2},
				"contentChanges": []any{map[string]any{
					"range": lspRange{lspPos{1, width(`label   whale="🐳 `)}, lspPos{1, width(`label   whale="🐳 moby`)}},
					"text":  "dock",
				}},
			})
			c.diagnostics(untitled)
			edits = c.format(untitled, formattingOptions{TabSize: 4, InsertSpaces: true})
			if len(edits) != 1 || edits[0].NewText != "LABEL whale=\"🐳 dock\"\n" {
				t.Errorf("after the change, edits %+v", edits)
			}

			// A fault's range ends at the end of its line.
			bad := "LABEL 🐳🐳"
			diags := c.open("untitled:bad", "FROM alpine\n"+bad+"\n")
			wantRange := lspRange{lspPos{1, 0}, lspPos{1, width(bad)}}
			if len(diags) != 1 || diags[0].Range != wantRange {
				t.Errorf("diagnostics %+v, want one over %+v", diags, wantRange)
			}
		})
	}
}

// TestLSPRangeFormatting checks that a range formats the instructions it
// touches and nothing else.
func TestLSPRangeFormatting(t *testing.T) {
	src := "from alpine\n" +
		"run   echo one &&\\\n" +
		"  echo two\n" +
		"\n\n\n" +
		"  # a comment\n" +
		"env A=1\n"
	c := startLSP(t)
	c.initialize(nil, nil)
	c.open(untitled, src)
	for _, tc := range []struct {
		name string
		r    lspRange
		want string
	}{
		{"a point in the RUN", lspRange{lspPos{2, 3}, lspPos{2, 3}},
			"from alpine\nRUN echo one \\\n    && echo two\n\n\n\n  # a comment\nenv A=1\n"},
		{"the FROM line, selected whole", lspRange{lspPos{0, 0}, lspPos{1, 0}},
			"FROM alpine\nrun   echo one &&\\\n  echo two\n\n\n\n  # a comment\nenv A=1\n"},
		{"the blank lines", lspRange{lspPos{4, 0}, lspPos{4, 0}},
			"from alpine\nrun   echo one &&\\\n  echo two\n\n# a comment\nenv A=1\n"},
		{"from the comment to the end", lspRange{lspPos{6, 2}, lspPos{8, 0}},
			"from alpine\nrun   echo one &&\\\n  echo two\n\n# a comment\nENV A=1\n"},
		{"everything", lspRange{lspPos{0, 0}, lspPos{99, 0}}, formatted(t, src)},
	} {
		edits := c.formatRange(untitled, tc.r)
		if got := applyTextEdits(t, src, edits, encUTF16); got != tc.want {
			t.Errorf("%s: range formatting gives\n%q\nwant\n%q", tc.name, got, tc.want)
		}
	}
}

// TestFormatLines checks range formatting on each instruction, and each
// run of lines between instructions, of the golden inputs (and of the
// corpus, when there is one): the result parses and formats to what the
// whole file formats to.
func TestFormatLines(t *testing.T) {
	srcs := goldenInputs(t)
	srcs = append(srcs, corpusSample(t, 300)...)
	for _, src := range srcs {
		res, err := format.Format([]byte(src), format.Options{})
		if err != nil {
			continue
		}
		full := string(res.Out)
		f := syntax.Parse([]byte(src))
		for _, p := range pieces(f) {
			if p.start == p.end {
				continue
			}
			off := f.LineOffset(p.start)
			part, err := formatLines(src, full, off, off)
			if err != nil {
				t.Errorf("%.60q line %d: %v", src, p.start+1, err)
				continue
			}
			again, err := format.Format([]byte(part), format.Options{})
			if err != nil {
				t.Errorf("%.60q line %d: formatting the line gives a file that does not parse: %v\n%s", src, p.start+1, err, part)
				continue
			}
			if string(again.Out) != full {
				t.Errorf("%.60q line %d: formatting the line gives a file that formats differently:\n%s", src, p.start+1, part)
			}
		}
	}
}

// goldenInputs are the inputs of the formatter's golden tests.
func goldenInputs(t testing.TB) []string {
	return archiveInputs(t, "../../format/testdata/golden/*.txtar")
}

// archiveInputs are the "in" (or "in.crlf") files of the txtar archives
// that match glob, decoded as the golden tests decode them (see
// format/golden_test.go: "<BOM>", "<CR>", a last line "<NOEOL>").
func archiveInputs(t testing.TB, glob string) []string {
	t.Helper()
	paths, err := filepath.Glob(glob)
	if err != nil || len(paths) == 0 {
		t.Fatalf("no archives %s: %v", glob, err)
	}
	var srcs []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		text := "\n" + string(data)
		crlf := false
		_, in, ok := strings.Cut(text, "\n-- in --\n")
		if !ok {
			_, in, ok = strings.Cut(text, "\n-- in.crlf --\n")
			crlf = true
		}
		if !ok {
			continue
		}
		if i := strings.Index("\n"+in, "\n-- "); i >= 0 {
			in = in[:i]
		}
		if in == "<NOEOL>\n" {
			in = ""
		} else if rest, ok := strings.CutSuffix(in, "\n<NOEOL>\n"); ok {
			in = rest
		}
		if crlf {
			in = strings.ReplaceAll(in, "\n", "\r\n")
		}
		in = strings.ReplaceAll(in, "<CR>", "\r")
		if rest, ok := strings.CutPrefix(in, "<BOM>"); ok {
			in = "\ufeff" + rest
		}
		srcs = append(srcs, in)
	}
	return srcs
}

// corpusSample is up to n files of the corpus of real Dockerfiles, spread
// over it, when DFMT_CORPUS names one.
func corpusSample(t testing.TB, n int) []string {
	if _, ok := formattest.Corpus(); !ok {
		return nil
	}
	files := formattest.CorpusFiles(t, "valid")
	var srcs []string
	step := max(1, len(files)/n)
	for i := 0; i < len(files) && len(srcs) < n; i += step {
		if utf8.Valid(files[i].Src) {
			srcs = append(srcs, string(files[i].Src))
		}
	}
	return srcs
}

// TestLSPErrors checks that every fault of the client's gets a JSON-RPC
// error, or for a notification nothing, and that the session goes on.
func TestLSPErrors(t *testing.T) {
	c := startLSP(t)

	// Before initialize.
	c.fails("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": untitled}}, codeServerNotInitialized)
	c.fails("shutdown", nil, codeServerNotInitialized)
	c.initialize(nil, nil)
	c.fails("initialize", map[string]any{"capabilities": map[string]any{}}, codeInvalidRequest)

	// expectError reads the next message: an error response with code
	// and a null id.
	expectError := func(what string, code int) {
		t.Helper()
		r := decodeReply(t, c.next())
		if r.Error == nil || r.Error.Code != code || string(r.ID) != "null" {
			t.Errorf("%s: want error %d with a null id, got %+v", what, code, r)
		}
	}
	c.sendRaw([]byte("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"))
	expectError("a header without Content-Length", codeParseError)
	c.sendRaw([]byte("Content-Length: ten\r\n\r\n"))
	expectError("a bad Content-Length", codeParseError)
	c.sendRaw([]byte("no colon here\r\nContent-Length: 2\r\n\r\n"))
	expectError("a header line without a colon", codeParseError)
	c.sendRaw([]byte("{}")) // the body of that message, read as a header: skipped
	c.sendRaw([]byte("\r\n\r\n"))
	expectError("a body read as a header", codeParseError)
	c.sendRaw([]byte("Content-Length: " + strings.Repeat("1", 5000) + "\r\n\r\n"))
	expectError("a header line too long", codeParseError)
	c.sendRaw(frame([]byte(`{"jsonrpc":"2.0","id":1,"method":`)))
	expectError("a body that is no JSON", codeParseError)
	c.sendRaw(frame([]byte(`[{"jsonrpc":"2.0","id":1,"method":"shutdown"}]`)))
	expectError("a batch", codeInvalidRequest)
	c.sendRaw(frame([]byte(`{"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"}`)))
	expectError("an id that is an object", codeInvalidRequest)
	c.sendRaw(frame([]byte(`{"jsonrpc":"2.0","id":1,"method":7}`)))
	expectError("a method that is a number", codeInvalidRequest)
	c.sendRaw(frame([]byte(`{"jsonrpc":"2.0"}`)))
	expectError("a message with neither method nor id", codeInvalidRequest)

	// A request with a usable id gets its error under that id.
	c.sendRaw(frame([]byte(`{"id":"x","method":"shutdown"}`)))
	if r := decodeReply(t, c.next()); r.Error == nil || r.Error.Code != codeInvalidRequest || string(r.ID) != `"x"` {
		t.Errorf("a request without jsonrpc: got %+v", r)
	}

	c.fails("textDocument/hover", map[string]any{}, codeMethodNotFound)
	c.fails("$/unknown", nil, codeMethodNotFound)
	c.fails("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": "file:///never/opened"}}, codeInvalidParams)
	c.fails("textDocument/rangeFormatting", map[string]any{"textDocument": map[string]any{"uri": "file:///never/opened"}}, codeInvalidParams)
	c.fails("textDocument/formatting", map[string]any{"textDocument": 7}, codeInvalidParams)
	c.fails("textDocument/formatting", []int{1}, codeInvalidParams)

	// Notifications get no reply, whatever is wrong with them: the next
	// message is the response to the request after them.
	c.notify("workspace/unknown", map[string]any{})
	c.notify("$/cancelRequest", map[string]any{"id": 1})
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": "untitled:never"}})
	c.notify("textDocument/didOpen", "not an object")
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": "untitled:never"}})
	// A response to a request the server never sent.
	c.send(map[string]any{"jsonrpc": "2.0", "id": 99, "result": nil})
	c.nextID++
	c.send(map[string]any{"jsonrpc": "2.0", "id": c.nextID, "method": "shutdown"})
	if m := c.next(); !bytes.Contains(m, []byte(`"result":null`)) || decodeReply(t, m).ID == nil {
		t.Errorf("the reply after the notifications is %s, want shutdown's", m)
	}

	// After shutdown, only exit.
	c.fails("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": untitled}}, codeInvalidRequest)
	c.fails("shutdown", nil, codeInvalidRequest)
	c.notify("exit", nil)
	if got := c.exitStatus(); got != 0 {
		t.Errorf("exit after shutdown: %d", got)
	}
}

func TestLSPInitializationOptions(t *testing.T) {
	c := startLSP(t)
	c.fails("initialize", map[string]any{"capabilities": map[string]any{}, "initializationOptions": map[string]any{"hints": "no"}}, codeInvalidParams)
	// The failed initialize leaves the server uninitialized: it may be
	// tried again.
	c.initialize(nil, map[string]any{"hints": false, "other": 1})
}
