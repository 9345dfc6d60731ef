package refactor

import (
	"regexp"
	"slices"
	"strings"

	"github.com/dfmt/dfmt/format/syntax"
)

// ExposeProto writes the protocols of EXPOSE in lower case:
//
//	EXPOSE 80/TCP 53/Udp   →  EXPOSE 80/tcp 53/udp
//
// BuildKit lower-cases the protocol of each port itself when it stores
// the image's exposed ports and the history entry
// (dockerfile2llb/convert_expose.go), and warns of the upper case
// (ExposeProtoCasing). Only a word written plainly is rewritten: a port
// (or a $variable), then a protocol of letters, no escapes or single
// quotes.
var ExposeProto = &Refactor{
	Name:    "expose-proto",
	Summary: "EXPOSE 80/TCP → EXPOSE 80/tcp",
	Safe:    "each word rewritten is plain: a port or range, a slash and letters; not under ONBUILD",
	Changes: "nothing BuildKit builds; BuildKit's ExposeProtoCasing warning goes away",
	run:     exposeProto,
}

// plainPort is an EXPOSE word whose protocol may be lowered as written:
// the port part (perhaps with an address and host port, which BuildKit
// warns of but takes, or a variable), then the protocol in letters, the
// whole perhaps in double quotes. BuildKit takes the protocol after the
// first "/" of the expanded word; where a variable's value holds a "/",
// the protocol is no valid one in either case, and the build fails alike.
var plainPort = regexp.MustCompile(`^("?)[0-9A-Za-z.:\[\]${}_-]+/([A-Za-z]+)("?)$`)

func exposeProto(f *file) {
	for _, in := range f.insts {
		if c := in.onbuild(); c != nil {
			if c.Keyword() == "expose" && slices.ContainsFunc(c.Args(), func(a string) bool { return a != strings.ToLower(a) }) {
				f.skip(in, "under ONBUILD: the trigger is kept in the image as written")
			}
			continue
		}
		if in.keyword != "expose" || f.common(in) {
			continue
		}
		var spans []syntax.Span
		if in.cmd.Args.S < in.cmd.Args.E {
			spans = syntax.Fields(in.text, in.cmd.Args.S, in.cmd.Args.E, 0)
		}
		args := in.lowered.Args()
		var edits []edit
		want := slices.Clone(args)
		for i, sp := range spans {
			w := in.text[sp.S:sp.E]
			m := plainPort.FindStringSubmatchIndex(w)
			if m != nil && w[m[2]:m[3]] != w[m[6]:m[7]] {
				m = nil // a quote opened and not closed, or the other way
			}
			if m == nil {
				if j := strings.LastIndexByte(w, '/'); j >= 0 && strings.ToLower(w[j:]) != w[j:] {
					f.skipAt(in, sp, "the port %s is not a plain word", w)
				}
				continue
			}
			proto := w[m[4]:m[5]]
			if lower := strings.ToLower(proto); lower != proto {
				edits = append(edits, edit{sp.S + m[4], sp.S + m[5], lower})
				if i < len(want) {
					want[i] = w[:m[4]] + lower + w[m[5]:]
				}
			}
		}
		if len(edits) == 0 {
			continue
		}
		if len(spans) != len(args) {
			f.skip(in, "internal error: cannot find the ports")
			continue
		}
		lines, err := f.rewrite(in, edits)
		if err == nil {
			err = f.verify(lines, in, func(n *syntax.Lowered) bool {
				return n.Keyword() == "expose" && slices.Equal(n.Flags, in.lowered.Flags) && slices.Equal(n.Args(), want)
			})
		}
		if err != nil {
			f.skip(in, "%v", err)
			continue
		}
		f.replace("Write the protocols in lower case", in.node.Start, in.node.BodyStart, lines)
	}
}
