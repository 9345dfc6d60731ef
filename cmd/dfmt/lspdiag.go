package main

import (
	"errors"
	"strings"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/syntax"
)

// This file publishes a document's diagnostics: the fault that stops it
// from formatting, the warnings on its escape hatches, and hints where a
// refactor applies.

// Diagnostic severities.
const (
	sevError       = 1
	sevWarning     = 2
	sevInformation = 3
	sevHint        = 4
)

type diagnostic struct {
	Range    lspRange `json:"range"`
	Severity int      `json:"severity"`
	Code     string   `json:"code,omitempty"`
	Source   string   `json:"source"`
	Message  string   `json:"message"`
}

type publishDiagnosticsParams struct {
	URI         string       `json:"uri"`
	Version     *int         `json:"version,omitempty"`
	Diagnostics []diagnostic `json:"diagnostics"`
}

// publishDiagnostics sends the diagnostics of d's current text, all of
// them: each publication replaces the last.
func (s *lspServer) publishDiagnostics(d *lspDoc) {
	version := d.version
	s.out.write(notification{
		JSONRPC: "2.0",
		Method:  "textDocument/publishDiagnostics",
		Params: publishDiagnosticsParams{
			URI:         d.uri,
			Version:     &version,
			Diagnostics: s.diagnostics(d),
		},
	})
}

// diagnostics lists what is wrong with d: the fault that stops it from
// formatting (an Error, over the instruction it is in), or else the
// comments that read like escape hatches and are none, or do nothing
// (Warnings), and unless switched off the places where a refactor applies
// (Hints, each with its code action).
func (s *lspServer) diagnostics(d *lspDoc) []diagnostic {
	diags := []diagnostic{}
	x := newLineIndex(d.text, s.enc)
	res, err := formatText(d.text, format.Options{})
	if err != nil {
		var fe *format.Error
		if !errors.As(err, &fe) {
			s.logf("diagnostics of %s: %v", d.uri, err)
			return diags
		}
		from, to := errorSpan(d.text, fe)
		return append(diags, diagnostic{
			Range:    x.rangeOf(from, to),
			Severity: sevError,
			Source:   "dfmt",
			Message:  fe.Msg,
		})
	}
	for _, w := range res.Warnings {
		from := byteOffset(d.text, w.Line, w.Col)
		diags = append(diags, diagnostic{
			Range:    x.rangeOf(from, lineEnd(d.text, from)),
			Severity: sevWarning,
			Source:   "dfmt",
			Message:  w.Msg,
		})
	}
	if s.hints {
		for _, site := range s.sites(d) {
			diags = append(diags, siteDiagnostic(x, site))
		}
	}
	return diags
}

// errorSpan is the bytes a fault covers: from where it is reported to the
// end of the instruction (or directive) it is in, heredoc bodies included.
func errorSpan(text string, fe *format.Error) (from, to int) {
	from = byteOffset(text, fe.Line, fe.Col)
	to = lineEnd(text, from)
	f := syntax.Parse([]byte(text))
	for _, n := range f.Nodes {
		if n.Start <= fe.Line-1 && fe.Line-1 < n.End {
			last := f.LineOffset(n.End-1) + len(f.Lines[n.End-1].Text)
			to = max(to, last)
			break
		}
	}
	if from == to {
		// A fault at the end of a line: underline the line.
		from = byteOffset(text, fe.Line, 1)
	}
	return from, to
}

// byteOffset is the offset in text of line and col as format reports them:
// 1-based, lines ended by "\n" as BuildKit reads them, col in bytes and
// not counting a byte order mark. A column past the end of its line is the
// end of the line's text.
func byteOffset(text string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			return len(text)
		}
		off += i + 1
	}
	if line == 1 && strings.HasPrefix(text, syntax.BOM) {
		off += len(syntax.BOM)
	}
	return min(off+max(col-1, 0), lineEnd(text, off))
}

// lineEnd is the end of the text of the line that off is in: before its
// "\n" and any "\r" before that.
func lineEnd(text string, off int) int {
	end := len(text)
	if i := strings.IndexByte(text[off:], '\n'); i >= 0 {
		end = off + i
	}
	for end > off && text[end-1] == '\r' {
		end--
	}
	return end
}
