package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/refactor"
)

// actionsSrc has three places where a refactor applies: two RUNs to
// merge, a MAINTAINER and a legacy ENV; and lines that are not formatted.
const actionsSrc = "from alpine\n" +
	"RUN apt-get update\n" +
	"RUN apt-get install -y curl\n" +
	"MAINTAINER me\n" +
	"label   a=b\n" +
	"ENV A 1\n"

func (c *lspClient) codeActions(uri string, r lspRange, only ...string) []codeAction {
	c.t.Helper()
	ctx := map[string]any{"diagnostics": []any{}}
	if only != nil {
		ctx["only"] = only
	}
	var actions []codeAction
	c.ok("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": uri}, "range": r, "context": ctx,
	}, &actions)
	if actions == nil {
		c.t.Fatalf("codeAction: want an array, got null")
	}
	return actions
}

func line(n int) lspRange { return lspRange{lspPos{n, 0}, lspPos{n, 0}} }

// applyAction applies a's edit to text, which must be the document's.
func applyAction(t *testing.T, uri, text string, a codeAction) string {
	t.Helper()
	if a.Edit == nil || len(a.Edit.Changes) != 1 || a.Edit.Changes[uri] == nil {
		t.Fatalf("action %q: want edits of %s alone, got %+v", a.Title, uri, a.Edit)
	}
	return applyTextEdits(t, text, a.Edit.Changes[uri], encUTF16)
}

func TestLSPCodeActions(t *testing.T) {
	c := startLSP(t)
	res := c.initialize(nil, nil)
	var provider struct {
		CodeActionKinds []string `json:"codeActionKinds"`
	}
	if err := json.Unmarshal(res.Capabilities.CodeActionProvider, &provider); err != nil ||
		strings.Join(provider.CodeActionKinds, " ") != "refactor.rewrite source.fixAll.dfmt" {
		t.Errorf("codeActionProvider %s", res.Capabilities.CodeActionProvider)
	}

	// A hint where each refactor applies, over its instructions.
	diags := c.open(untitled, actionsSrc)
	want := map[string]lspRange{
		"merge-runs": {lspPos{1, 0}, lspPos{2, 27}},
		"maintainer": {lspPos{3, 0}, lspPos{3, 13}},
		"key-value":  {lspPos{5, 0}, lspPos{5, 7}},
	}
	for _, d := range diags {
		if d.Severity != sevHint || d.Source != "dfmt" || want[d.Code] != d.Range {
			t.Errorf("unexpected diagnostic %+v", d)
		}
		delete(want, d.Code)
	}
	if len(want) > 0 {
		t.Errorf("no hint for %v in %+v", want, diags)
	}

	// The action on the RUNs merges them, and formats what it wrote
	// (only that), with its hint.
	actions := c.codeActions(untitled, line(2), "refactor")
	if len(actions) != 1 || actions[0].Kind != kindRewrite || actions[0].Title != "Merge with the next RUN" ||
		len(actions[0].Diagnostics) != 1 || actions[0].Diagnostics[0].Code != "merge-runs" {
		t.Fatalf("actions on the second RUN: %+v", actions)
	}
	got := applyAction(t, untitled, actionsSrc, actions[0])
	wantText := "from alpine\n" +
		"RUN apt-get update \\\n" +
		"    && apt-get install -y curl\n" +
		"MAINTAINER me\n" +
		"label   a=b\n" +
		"ENV A 1\n"
	if got != wantText {
		t.Errorf("merging gives\n%s\nwant\n%s", got, wantText)
	}
	// Each action in the range, and the fix-all, when the client names
	// no kind.
	actions = c.codeActions(untitled, lspRange{lspPos{0, 0}, lspPos{6, 0}})
	var titles []string
	for _, a := range actions {
		titles = append(titles, a.Kind+": "+a.Title)
	}
	if got, want := strings.Join(titles, "\n"), "refactor.rewrite: Merge with the next RUN\n"+
		"refactor.rewrite: Write ENV as key=value\n"+
		"refactor.rewrite: Replace MAINTAINER with the org.opencontainers.image.authors label\n"+
		"source.fixAll.dfmt: Apply every dfmt refactor"; got != want {
		t.Errorf("actions over the file:\n%s\nwant\n%s", got, want)
	}

	// The fix-all applies every refactor: once formatted, the file is what
	// dfmt -r all gives.
	for _, only := range [][]string{{"source.fixAll"}, {"source"}, {"source.fixAll.dfmt"}} {
		actions = c.codeActions(untitled, line(0), only...)
		if len(actions) != 1 || actions[0].Kind != kindFixAll {
			t.Fatalf("only %q: %+v", only, actions)
		}
	}
	fixed := applyAction(t, untitled, actionsSrc, actions[0])
	applied, _, err := refactor.Apply([]byte(actionsSrc), []string{"all"})
	if err != nil {
		t.Fatal(err)
	}
	if want := formatted(t, string(applied)); formatted(t, fixed) != want {
		t.Errorf("fix-all gives\n%s\nwhich formats to\n%s\nwant\n%s", fixed, formatted(t, fixed), want)
	}
	if !strings.Contains(fixed, "\nlabel   a=b\n") {
		t.Errorf("fix-all formatted a line no refactor wrote:\n%s", fixed)
	}

	for _, only := range [][]string{{"quickfix"}, {"refactor.extract"}, {"source.organizeImports"}} {
		if actions := c.codeActions(untitled, line(2), only...); len(actions) != 0 {
			t.Errorf("only %q: %+v", only, actions)
		}
	}
	if actions := c.codeActions(untitled, line(4), "refactor"); len(actions) != 0 {
		t.Errorf("actions where no refactor applies: %+v", actions)
	}

	// A refactored file has no hint and no action.
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": untitled, "version": 2},
		"contentChanges": []any{map[string]any{"text": fixed}},
	})
	if diags := c.diagnostics(untitled); len(diags) != 0 {
		t.Errorf("hints on the refactored file: %+v", diags)
	}
	if actions := c.codeActions(untitled, lspRange{lspPos{0, 0}, lspPos{9, 0}}); len(actions) != 0 {
		t.Errorf("actions on the refactored file: %+v", actions)
	}

	// A file that does not parse has none either.
	c.open("untitled:broken", "FROM a\nRUN a\nRUN b\nENV A\n")
	if actions := c.codeActions("untitled:broken", lspRange{lspPos{0, 0}, lspPos{9, 0}}); len(actions) != 0 {
		t.Errorf("actions on a broken file: %+v", actions)
	}
	c.fails("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": "untitled:never"}}, codeInvalidParams)
}

// TestLSPHintsOff checks that initializationOptions {"hints": false} turns
// off the hints, and not the actions.
func TestLSPHintsOff(t *testing.T) {
	c := startLSP(t)
	c.initialize(nil, map[string]any{"hints": false})
	if diags := c.open(untitled, actionsSrc); len(diags) != 0 {
		t.Errorf("hints published: %+v", diags)
	}
	actions := c.codeActions(untitled, line(1), "refactor.rewrite")
	if len(actions) != 1 || actions[0].Diagnostics != nil {
		t.Errorf("actions %+v, want one without diagnostics", actions)
	}
}

// TestLSPSiteEdits checks, on the inputs of the refactors' and the
// formatter's golden tests, that every site's action
// gives what the site gives once formatted, and touches only lines of the
// instructions the site rewrites.
func TestLSPSiteEdits(t *testing.T) {
	n := 0
	for _, src := range append(archiveInputs(t, "../../refactor/testdata/*.txtar"), goldenInputs(t)...) {
		sites, _, err := refactor.Sites([]byte(src), []string{"all"})
		if err != nil {
			continue
		}
		x := newLineIndex(src, encUTF16)
		for _, site := range sites {
			n++
			next := src[:site.Start.Offset] + site.Text + src[site.End.Offset:]
			edits := lineEdits(x, formatRewritten(src, next, format.Options{}))
			got := applyTextEdits(t, src, edits, encUTF16)
			if formatted(t, got) != formatted(t, next) {
				t.Errorf("%.60q: %s: the action gives\n%s", src, site.Title, got)
			}
			for _, e := range edits {
				if e.Range.Start.Line < x.pos(site.Start.Offset).Line || e.Range.End.Line > x.pos(site.End.Offset).Line+1 {
					t.Errorf("%.60q: %s: edit %+v outside the site's lines", src, site.Title, e)
				}
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d sites in the archives", n)
	}
}

// TestLSPUnsafe checks that initializationOptions {"unsafe": true} offers
// the sites whose safety the file cannot show, titled as unsafe, and that
// without it they are not offered.
func TestLSPUnsafe(t *testing.T) {
	const src = "FROM postgres:16\nCMD postgres -c max_connections=200\n"
	for _, unsafe := range []bool{false, true} {
		c := startLSP(t)
		c.initialize(nil, map[string]any{"unsafe": unsafe})
		c.open(untitled, src)
		actions := c.codeActions(untitled, line(1), "refactor.rewrite")
		if !unsafe {
			if len(actions) != 0 {
				t.Errorf("safe only: actions %+v", actions)
			}
			continue
		}
		if len(actions) != 1 || !strings.HasPrefix(actions[0].Title, "Write CMD in exec form (unsafe: ") {
			t.Errorf("unsafe: actions %+v, want the exec-form one titled unsafe", actions)
		}
	}
}
