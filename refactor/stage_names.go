package refactor

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/dfmt/dfmt/format/syntax"
)

// StageNames writes stage names in lower case, where they are declared and
// where COPY --from and RUN --mount=from= use them:
//
//	FROM golang AS Builder             →  FROM golang AS builder
//	COPY --from=Builder /app /app      →  COPY --from=builder /app /app
//	RUN --mount=from=Builder,target=/b →  RUN --mount=from=builder,target=/b
//
// BuildKit lower-cases a stage's name when it reads it and when COPY
// --from or a mount looks it up, so these spellings build the same. It
// does not lower-case a stage named as the base of a later FROM
// (dockerfile2llb, addState): "FROM Builder" names no stage, and is left
// alone, with a skip, as lowering it would make it name one. Two stages
// whose names differ only in case are left alone too.
var StageNames = &Refactor{
	Name:    "stage-names",
	Summary: "stage names → lower case, with their COPY --from and RUN --mount=from= uses",
	Safe:    "no two stage names the same after lowering; a FROM naming a stage in another case is not changed",
	Changes: "nothing BuildKit builds; BuildKit's StageNameCasing warning goes away",
	run:     stageNames,
}

// plainName is a stage reference that can be rewritten as a bare word.
var plainName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// validStageName is a stage name BuildKit takes, once lowered
// (instructions/parse.go).
var validStageName = regexp.MustCompile(`^[a-z][a-z0-9-_.]*$`)

func stageNames(f *file) {
	// The stages by their name, which syntax.Stage keeps in lower case as
	// BuildKit does.
	byName := map[string][]*syntax.Stage{}
	for _, st := range f.stages.List {
		if st.Name != "" {
			byName[st.Name] = append(byName[st.Name], st)
		}
	}
	clash := func(lower string) string {
		named := byName[lower]
		first := writtenName(named[0])
		for _, s := range named[1:] {
			if name := writtenName(s); name != first {
				return fmt.Sprintf("stages %s (line %d) and %s (line %d) both lower to %s",
					first, named[0].From.Start+1, name, s.From.Start+1, lower)
			}
		}
		return ""
	}
	// ref says whether a --from value names a stage in another case, and
	// why it cannot be lowered.
	ref := func(v string) (bool, string) {
		l := strings.ToLower(v)
		if v == l || byName[l] == nil {
			return false, ""
		}
		if why := clash(l); why != "" {
			return true, why
		}
		if !plainName.MatchString(v) {
			return true, fmt.Sprintf("the stage reference %s is not a plain word", v)
		}
		return true, ""
	}

	for _, in := range f.insts {
		if c := in.onbuild(); c != nil {
			for _, fl := range c.Flags {
				if v, ok := fromValue(fl, c.Keyword()); ok {
					if hit, _ := ref(v); hit {
						f.skip(in, "under ONBUILD: the trigger runs in another Dockerfile's build, with its stages")
						break
					}
				}
			}
			continue
		}
		var edits []edit
		var why string
		whyAt := in.cmd.Keyword // the word why concerns
		flags := slices.Clone(in.lowered.Flags)
		args := in.lowered.Args()
		switch in.keyword {
		case "from":
			st := in.stage
			// FROM's words, split where the lowering split them: the base,
			// and AS and the name.
			var words []syntax.Span
			if in.cmd.Args.S < in.cmd.Args.E {
				words = syntax.Fields(in.text, in.cmd.Args.S, in.cmd.Args.E, 0)
			}
			if name := writtenName(st); name != st.Name {
				switch {
				case len(words) != 3 || in.text[words[2].S:words[2].E] != name:
					why = "internal error: cannot find the stage name"
				case !validStageName.MatchString(st.Name):
					// "AS ${NAME}": BuildKit takes no variable there and
					// rejects the name; lowering it would rename the
					// variable.
					whyAt = words[2]
					why = fmt.Sprintf("the stage name %s is not a valid one, which BuildKit rejects", name)
				default:
					whyAt = words[2]
					if why = clash(st.Name); why == "" {
						edits = append(edits, edit{words[2].S, words[2].E, st.Name})
						args[2] = st.Name
					}
				}
			}
			// BuildKit matches the base against the stage names as it is
			// (syntax.Stage.Parent): one that is a stage's name in
			// another case names no stage.
			if l := strings.ToLower(st.Image); !st.Unsure && l != st.Image && len(words) > 0 {
				for _, e := range f.stages.List[:st.Index] {
					if e.Name == l {
						f.skipAt(in, words[0], "FROM %s does not name stage %s: BuildKit looks up the stage named in FROM "+
							"case-sensitively, so lowering it would change the build", st.Base, e.Name)
						break
					}
				}
			}
		case "copy", "run":
			if in.keyword == "copy" && len(args) < 2 && len(in.lowered.Heredocs) == 0 {
				// BuildKit rejects the COPY; the build fails whatever
				// it names.
				for _, fl := range in.lowered.Flags {
					if v, ok := fromValue(fl, "copy"); ok {
						if hit, _ := ref(v); hit {
							why = "the COPY has no source and destination, which BuildKit rejects"
						}
					}
				}
				break
			}
			for i, fl := range in.lowered.Flags {
				v, ok := fromValue(fl, in.keyword)
				if !ok {
					continue
				}
				hit, w := ref(v)
				if !hit {
					continue
				}
				sp := in.cmd.Flags[i]
				if w != "" {
					why, whyAt = w, sp
					break
				}
				raw := in.text[sp.S:sp.E]
				if raw != fl {
					why, whyAt = "the flag "+raw+" is quoted or escaped", sp
					break
				}
				nfl := lowerFrom(fl, in.keyword)
				edits = append(edits, edit{sp.S, sp.E, nfl})
				flags[i] = nfl
			}
		default:
			continue
		}
		if why != "" {
			if !f.common(in) {
				f.skipAt(in, whyAt, "%s", why)
			}
			continue
		}
		if len(edits) == 0 || f.common(in) {
			continue
		}
		lines, err := f.rewrite(in, edits)
		if err == nil {
			err = f.verify(lines, in, func(n *syntax.Lowered) bool {
				return n.Keyword() == in.keyword && slices.Equal(n.Flags, flags) &&
					n.JSON == in.lowered.JSON && slices.Equal(n.Args(), args) && slices.Equal(n.Heredocs, in.lowered.Heredocs)
			})
		}
		if err != nil {
			f.skip(in, "%v", err)
			continue
		}
		title := "Write the stage reference in lower case"
		if in.keyword == "from" {
			title = "Write the stage name in lower case"
		}
		f.replace(title, in.node.Start, in.node.BodyStart, lines)
	}
}

// writtenName is the name of a stage as its FROM writes it after AS, or
// "".
func writtenName(st *syntax.Stage) string {
	if st.Name == "" {
		return ""
	}
	return st.From.Lowered.Args()[2]
}

// fromValue is the stage a flag of a COPY or RUN takes files from:
// COPY's --from=, or the from= field of a RUN --mount.
func fromValue(flag, kw string) (string, bool) {
	name, val, _ := strings.Cut(strings.TrimPrefix(flag, "--"), "=")
	switch {
	case kw == "copy" && name == "from":
		return val, true
	case kw == "run" && name == "mount":
		for _, field := range strings.Split(val, ",") {
			k, v, ok := strings.Cut(field, "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "from") {
				return v, true
			}
		}
	}
	return "", false
}

// lowerFrom is the flag with its stage reference in lower case.
func lowerFrom(flag, kw string) string {
	name, val, _ := strings.Cut(flag, "=")
	if kw == "copy" {
		return name + "=" + strings.ToLower(val)
	}
	fields := strings.Split(val, ",")
	for i, field := range fields {
		k, v, ok := strings.Cut(field, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "from") {
			fields[i] = k + "=" + strings.ToLower(v)
		}
	}
	return name + "=" + strings.Join(fields, ",")
}
