package refactor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dfmt/dfmt/format/syntax"
)

// Platform drops a FROM --platform flag that asks for the platform a stage
// gets anyway:
//
//	FROM --platform=$TARGETPLATFORM alpine     →  FROM alpine
//	FROM --platform=${TARGETPLATFORM} alpine   →  FROM alpine
//	FROM --platform=$BUILDPLATFORM golang      (not this refactor's business)
//
// Only that exact value goes. A stage whose base is an earlier stage
// inherits that stage's platform (which may be $BUILDPLATFORM) when it
// names none, and a global ARG TARGETPLATFORM with a default may make
// $TARGETPLATFORM something else than the target: both are left alone.
var Platform = &Refactor{
	Name:    "platform",
	Summary: "drop --platform=$TARGETPLATFORM from FROM",
	Safe:    "the value is exactly $TARGETPLATFORM or ${TARGETPLATFORM}; the base is no stage; no global ARG gives TARGETPLATFORM a default",
	Changes: "nothing for a build with --platform; without it, BuildKit may run a single-platform base image " +
		"of another architecture as that platform (as for any FROM without --platform), and " +
		"--build-arg TARGETPLATFORM=… no longer changes the stage's platform; BuildKit's " +
		"RedundantTargetPlatform warning goes away",
	run: platform,
}

func platform(f *file) {
	// A global ARG TARGETPLATFORM with a default value.
	var globalDefault *inst
	for _, in := range f.insts {
		if in.keyword == "from" {
			break
		}
		if in.keyword == "arg" {
			for _, a := range in.lowered.Args() {
				if strings.HasPrefix(a, "TARGETPLATFORM=") {
					globalDefault = in
				}
			}
		}
	}
	for _, in := range f.insts {
		if in.keyword != "from" {
			continue
		}
		i := slices.IndexFunc(in.lowered.Flags, func(fl string) bool {
			return strings.HasPrefix(fl, "--platform=") && strings.Contains(fl, "TARGETPLATFORM")
		})
		if i < 0 || f.common(in) {
			continue
		}
		val := strings.TrimPrefix(in.lowered.Flags[i], "--platform=")
		st := in.stage
		var why string
		platforms := 0
		for _, fl := range in.lowered.Flags {
			if strings.HasPrefix(fl, "--platform=") || fl == "--platform" {
				platforms++
			}
		}
		switch {
		case platforms > 1:
			why = "FROM has more than one --platform flag, which BuildKit rejects"
		case val != "$TARGETPLATFORM" && val != "${TARGETPLATFORM}":
			why = fmt.Sprintf("--platform=%s is not exactly $TARGETPLATFORM", val)
		case globalDefault != nil:
			why = fmt.Sprintf("the ARG at line %d gives TARGETPLATFORM a default, which may not be the target platform", globalDefault.line())
		case st.Parent != nil:
			why = fmt.Sprintf("the base is stage %s, whose platform the stage would inherit instead", st.Parent.Name)
		case strings.Contains(st.Base, "$"):
			// Whatever the ARG defaults say, a --build-arg may make it
			// name a stage.
			why = fmt.Sprintf("the base %s may name a stage, whose platform the stage would inherit instead", st.Base)
		}
		if why != "" {
			f.skipAt(in, in.cmd.Flags[i], "%s", why)
			continue
		}
		prev := in.cmd.Keyword.E
		if i > 0 {
			prev = in.cmd.Flags[i-1].E
		}
		next := in.cmd.Args.S
		if i+1 < len(in.cmd.Flags) {
			next = in.cmd.Flags[i+1].S
		}
		flags := slices.Delete(slices.Clone(in.lowered.Flags), i, i+1)
		lines, err := f.rewrite(in, []edit{f.drop(in, in.cmd.Flags[i].S, in.cmd.Flags[i].E, prev, next)})
		if err == nil {
			err = f.verify(lines, in, func(n *syntax.Lowered) bool {
				return n.Keyword() == "from" && slices.Equal(n.Flags, flags) &&
					slices.Equal(n.Args(), in.lowered.Args())
			})
		}
		if err != nil {
			f.skip(in, "%v", err)
			continue
		}
		f.replace("Drop --platform="+val, in.node.Start, in.node.BodyStart, lines)
	}
}
