package refactor

import (
	"fmt"
	"strings"

	"github.com/dfmt/dfmt/format/syntax"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// authorsLabel is the OCI annotation that replaces MAINTAINER.
const authorsLabel = "org.opencontainers.image.authors"

// Maintainer replaces the deprecated MAINTAINER with the OCI authors label:
//
//	MAINTAINER "Jane" <j@x>   →  LABEL org.opencontainers.image.authors="\"Jane\" <j@x>"
//	MAINTAINER Jo $5          →  LABEL org.opencontainers.image.authors="Jo \$5"
//
// MAINTAINER's text is taken raw, while a LABEL value expands $ and
// removes quotes and escapes, so the text goes in double quotes with ",
// $ and the escape character escaped: the label's value is the text,
// byte for byte. The image's Author field, which MAINTAINER set, is no
// longer set. It does not apply where an earlier LABEL of the stage
// already sets the authors label, which the new one would override.
var Maintainer = &Refactor{
	Name:    "maintainer",
	Summary: "MAINTAINER → LABEL org.opencontainers.image.authors=\"…\"",
	Safe:    "always, with $ \\ \" escaped; not where an earlier LABEL of the stage sets that label",
	Changes: "the image's Author field is no longer set; the label is set instead, and " +
		"overrides an authors label from the base image",
	run: maintainer,
}

func maintainer(f *file) {
	for _, in := range f.insts {
		if c := in.onbuild(); c != nil && c.Keyword() == "maintainer" {
			f.skip(in, "under ONBUILD: the trigger is kept in the image as written")
			continue
		}
		if in.keyword != "maintainer" || in.lowered.Next == nil || f.common(in) {
			continue
		}
		if why := authorsSetBefore(in); why != "" {
			f.skip(in, "%s", why)
			continue
		}
		text := in.lowered.Next.Value
		var b strings.Builder
		b.WriteString(authorsLabel + `="`)
		for _, r := range text {
			if r == '"' || r == '$' || r == rune(f.escape) {
				b.WriteByte(f.escape)
			}
			b.WriteRune(r)
		}
		b.WriteByte('"')
		edits := []edit{
			{in.cmd.Keyword.S, in.cmd.Keyword.E, "LABEL"},
			{in.cmd.Args.S, in.cmd.Args.E, b.String()},
		}
		lines, err := f.rewrite(in, edits)
		if err == nil {
			err = f.verify(lines, in, func(n *syntax.Lowered) bool {
				a := n.Next
				if n.Keyword() != "label" || len(n.Flags) > 0 || a == nil || a.Value != authorsLabel ||
					a.Next == nil || a.Next.Next == nil || a.Next.Next.Value != "=" || a.Next.Next.Next != nil {
					return false
				}
				got, unmatched, err := shell.NewLex(rune(f.escape)).ProcessWord(a.Next.Value, shell.EnvsFromSlice(nil))
				return err == nil && len(unmatched) == 0 && got == text
			})
		}
		if err != nil {
			f.skip(in, "%v", err)
			continue
		}
		f.replace("Replace MAINTAINER with the "+authorsLabel+" label", in.node.Start, in.node.BodyStart, lines)
	}
}

// authorsSetBefore says which earlier LABEL of in's stage, or of the
// stages it builds on, sets the authors label, or returns "".
func authorsSetBefore(in *inst) string {
	if in.stage == nil {
		return "MAINTAINER comes before the first FROM"
	}
	// The stage and the stages it builds on, nearest first.
	for st := in.stage; st != nil; st = st.Parent {
		for _, x := range st.Nodes {
			if x == in.node {
				break
			}
			if x.Lowered.Keyword() != "label" {
				continue
			}
			for a := x.Lowered.Next; a != nil && a.Next != nil; a = a.Next.Next.Next {
				if strings.Trim(a.Value, `"'`) == authorsLabel {
					return fmt.Sprintf("the LABEL at line %d already sets %s, which this would override", x.Start+1, authorsLabel)
				}
				if a.Next.Next == nil {
					break
				}
			}
		}
	}
	return ""
}
