package main

import (
	"encoding/json"
	"path/filepath"
	"strings"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/syntax"
	"github.com/dfmt/dfmt/refactor"
)

// This file offers dfmt's refactors as code actions: each place where one
// applies (refactor.Sites) as a refactor.rewrite action, and all of them at
// once as source.fixAll.dfmt, which editors run on save when asked to
// (VS Code's editor.codeActionsOnSave). A refactor applies only where it
// can show that the build stays the same, so every action is safe to take.
//
// The instructions an action rewrites come formatted, as dfmt -r formats
// what it rewrites, but nothing else in the document is touched: that is
// the formatter's job, on save.

// Code action kinds.
const (
	kindRewrite = "refactor.rewrite"
	kindFixAll  = "source.fixAll.dfmt"
)

type codeAction struct {
	Title       string         `json:"title"`
	Kind        string         `json:"kind"`
	Diagnostics []diagnostic   `json:"diagnostics,omitempty"`
	Edit        *workspaceEdit `json:"edit"`
}

type workspaceEdit struct {
	Changes map[string][]textEdit `json:"changes"`
}

type codeActionParams struct {
	TextDocument textDocumentIdentifier `json:"textDocument"`
	Range        lspRange               `json:"range"`
	Context      struct {
		Only []string `json:"only"`
	} `json:"context"`
}

// sites returns where the refactors apply to d, or nothing for a document
// that does not parse: the safe sites, and with the unsafe option the
// unsafe ones too, titled as such, with the build context taken to be the
// document's folder.
func (s *lspServer) sites(d *lspDoc) []refactor.Site {
	opts := refactor.Options{Unsafe: s.unsafe}
	if p, ok := uriPath(d.uri); ok {
		opts.Dir = filepath.Dir(p)
	}
	sites, _, err := opts.Sites([]byte(d.text), []string{"all"})
	if err != nil {
		return nil
	}
	for i := range sites {
		if sites[i].Unsafe != "" {
			sites[i].Title += " (unsafe: " + sites[i].Unsafe + ")"
		}
	}
	return sites
}

// siteDiagnostic is the hint published where a site is.
func siteDiagnostic(x *lineIndex, s refactor.Site) diagnostic {
	return diagnostic{
		Range:    x.rangeOf(s.Start.Offset, s.End.Offset),
		Severity: sevHint,
		Code:     s.Name,
		Source:   "dfmt",
		Message:  s.Title + " (dfmt refactor " + s.Name + ")",
	}
}

func (s *lspServer) codeAction(params json.RawMessage) (any, *rpcError) {
	var p codeActionParams
	if err := unmarshalParams(params, &p); err != nil {
		return nil, err
	}
	d, rerr := s.doc(p.TextDocument.URI)
	if rerr != nil {
		return nil, rerr
	}
	actions := []codeAction{}
	rewrite, fixAll := kindWanted(kindRewrite, p.Context.Only), kindWanted(kindFixAll, p.Context.Only)
	if !rewrite && !fixAll {
		return actions, nil
	}
	all := s.sites(d)
	if len(all) == 0 {
		return actions, nil
	}
	opts, rerr := s.options(d.uri, formattingOptions{InsertSpaces: true})
	if rerr != nil {
		return nil, rerr
	}
	x := newLineIndex(d.text, s.enc)
	edit := func(next string) *workspaceEdit {
		next = formatRewritten(d.text, next, opts)
		return &workspaceEdit{Changes: map[string][]textEdit{d.uri: lineEdits(x, next)}}
	}
	if rewrite {
		from, to := x.offset(p.Range.Start), x.offset(p.Range.End)
		if to < from {
			from, to = to, from
		}
		for _, site := range all {
			if site.Start.Offset > to || site.End.Offset < from {
				continue
			}
			a := codeAction{
				Title: site.Title,
				Kind:  kindRewrite,
				Edit:  edit(d.text[:site.Start.Offset] + site.Text + d.text[site.End.Offset:]),
			}
			if s.hints {
				a.Diagnostics = []diagnostic{siteDiagnostic(x, site)}
			}
			actions = append(actions, a)
		}
	}
	if fixAll {
		out, _, err := refactor.Apply([]byte(d.text), []string{"all"})
		if err == nil && string(out) != d.text {
			actions = append(actions, codeAction{
				Title: "Apply every dfmt refactor",
				Kind:  kindFixAll,
				Edit:  edit(string(out)),
			})
		}
	}
	return actions, nil
}

// kindWanted reports whether a code action of kind is among those the
// client asks for: all when it names none, else those whose kind is one
// it names or below one ("refactor" takes "refactor.rewrite").
func kindWanted(kind string, only []string) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if kind == o || strings.HasPrefix(kind, o+".") {
			return true
		}
	}
	return false
}

// formatRewritten returns next, src as a refactor rewrote it, with the
// instructions the rewrite changed formatted, and the rest as src had it.
// Where formatting fails, the rewrite is returned as it is.
func formatRewritten(src, next string, opts format.Options) string {
	res, err := formatText(next, opts)
	if err != nil {
		return next
	}
	// The lines of next that the rewrite wrote.
	changed := map[int]bool{}
	line := 0
	for _, l := range anchoredDiff(src, next) {
		switch l.kind {
		case '+':
			changed[line] = true
			line++
		case ' ':
			line++
		}
	}
	out, err := formatPieces(syntax.Parse([]byte(next)), string(res.Out), func(p lineSpan) bool {
		for l := p.start; l < p.end; l++ {
			if changed[l] {
				return true
			}
		}
		return false
	})
	if err != nil {
		return next
	}
	return out
}
