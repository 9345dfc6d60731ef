package refactor

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/dfmt/dfmt/format/syntax"
)

// DropOverridden removes a CMD, ENTRYPOINT or HEALTHCHECK that a later one
// of the same kind in the same stage overrides:
//
//	FROM alpine                   →  FROM alpine
//	CMD ["sh"]                       RUN make
//	RUN make                         CMD ["./app"]
//	CMD ["./app"]
//
// Each of them sets one field of the image's configuration, which the
// later one sets again, and none changes what a RUN between them runs;
// BuildKit warns of the first (MultipleInstructionsDisallowed). An
// ENTRYPOINT clears a CMD inherited from the base unless the stage set
// one before it, which the later ENTRYPOINT does the same. A comment may
// neither be lost nor moved: an instruction with a comment line inside it
// or right above it (blank lines between do not count) stays. So does one
// BuildKit would reject, whose error the build would lose.
var DropOverridden = &Refactor{
	Name:    "drop-overridden",
	Summary: "drop a CMD, ENTRYPOINT or HEALTHCHECK that a later one in the same stage overrides",
	Safe: "a later instruction of the same kind in the same stage; no comment line inside it or above it; " +
		"BuildKit accepts it; not under ONBUILD",
	Changes: "the image history loses the dropped instruction's entry; BuildKit's MultipleInstructionsDisallowed " +
		"warning goes away",
	run: dropOverridden,
}

func dropOverridden(f *file) {
	type key struct {
		stage   *syntax.Stage
		keyword string
	}
	last := map[key]*inst{}
	for _, in := range f.insts {
		if in.stage != nil && overridable(in.keyword) {
			last[key{in.stage, in.keyword}] = in
		}
	}
	for _, in := range f.insts {
		if in.stage == nil || !overridable(in.keyword) {
			continue
		}
		later := last[key{in.stage, in.keyword}]
		if later == in || f.common(in) {
			continue
		}
		kw := strings.ToUpper(in.keyword)
		if why := f.commentAt(in); why != "" {
			f.skip(in, "%s", why)
			continue
		}
		if err := f.buildkitAccepts(in); err != nil {
			f.skip(in, "BuildKit rejects the %s, and the build would no longer fail: %v", kw, err)
			continue
		}
		f.replace(fmt.Sprintf("Drop the %s that line %d overrides", kw, later.line()), in.node.Start, in.node.End, nil)
	}
}

// overridable reports whether an instruction sets a field of the image
// that a later one of the same keyword sets again.
func overridable(keyword string) bool {
	return keyword == "cmd" || keyword == "entrypoint" || keyword == "healthcheck"
}

// commentAt says which comment removing in would lose or move: a comment
// line inside it, or the comment nearest above it when only blank lines
// stand between. It returns "" when there is none.
func (f *file) commentAt(in *inst) string {
	for _, pt := range in.node.InstrLines {
		if pt.Kind == syntax.CommentLine {
			return fmt.Sprintf("the comment at line %d inside it would be lost", pt.Line+1)
		}
	}
	for i := in.index - 1; i >= 0; i-- {
		switch n := f.tree.Nodes[i]; n.Kind {
		case syntax.BlankNode:
			continue
		case syntax.CommentNode:
			return fmt.Sprintf("the comment at line %d above it would then stand above another instruction", n.End)
		}
		break
	}
	return ""
}

// buildkitAccepts returns the error of BuildKit's instructions package
// for in, or nil: the check a build makes of each instruction after
// parsing (flags, durations, arguments).
func (f *file) buildkitAccepts(in *inst) error {
	var b strings.Builder
	if f.escape == '`' {
		b.WriteString("# escape=`\n")
	}
	for i := in.node.Start; i < in.node.End; i++ {
		b.Write(f.tree.Lines[i].Text)
		b.WriteByte('\n')
	}
	res, err := parser.Parse(strings.NewReader(b.String()))
	if err != nil {
		return err
	}
	if len(res.AST.Children) != 1 {
		return fmt.Errorf("internal error: %d instructions", len(res.AST.Children))
	}
	_, err = instructions.ParseInstruction(res.AST.Children[0])
	return err
}
