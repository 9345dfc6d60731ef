package refactor

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	sh "mvdan.cc/sh/v3/syntax"

	"github.com/dfmt/dfmt/format/syntax"
)

// SortPackages sorts the package names of apt-get/apt install, apk add and
// dnf/yum/microdnf/tdnf install commands, each name going to a place where
// a name was, so that a list written one per line stays one per line; a
// comment line inside the list stays above the same packages, as each run
// of names between comment lines is sorted on its own:
//
//	RUN apt-get install -y \     →  RUN apt-get install -y \
//	        zlib1g \                        curl \
//	        curl \                          git \
//	        git                             zlib1g
//
//	RUN apk add --virtual .deps musl-dev gcc $EXTRA   →  RUN apk add --virtual .deps gcc musl-dev $EXTRA
//
// Only plain package words move: options and their values, "$VAR" words,
// quoted words, globs and pins with globs stay where they are, and so do
// apt's "pkg-" removals. A command with an option this refactor does not
// know is left alone, as it cannot tell whether the option takes the next
// word as its value. The package manager installs a set: the order of the
// names does not change what it installs.
var SortPackages = &Refactor{
	Name:    "sort-packages",
	Summary: "sort the package words of apt-get/apt install, apk add, dnf/yum/microdnf install",
	Safe:    "only plain package words move (options, $VAR, quoted words and globbed pins stay); every option known; POSIX shell",
	Changes: "the RUN's text, so its cache key: the layer is built again once",
	run:     sortPackages,
}

// pkgManager describes the options of one package manager's command line.
type pkgManager struct {
	sub        string          // the subcommand that installs
	shortFlags string          // one-letter options without a value
	shortVals  string          // one-letter options that take a value
	longFlags  map[string]bool // long options without a value
	longVals   map[string]bool // long options that take the next word when written without "="
}

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

var (
	aptManager = &pkgManager{
		sub:        "install",
		shortFlags: "yqdfmsuVhbv",
		shortVals:  "octa",
		longFlags: wordSet(`yes assume-yes assume-no quiet no-install-recommends no-install-suggests
			install-recommends install-suggests fix-broken fix-missing ignore-missing allow-downgrades
			allow-remove-essential allow-change-held-packages allow-unauthenticated reinstall
			no-upgrade only-upgrade force-yes no-download download-only simulate dry-run just-print
			no-act recon verbose-versions purge auto-remove autoremove show-progress no-show-upgraded
			show-upgraded trivial-only print-uris compile build fix-policy ignore-hold no-remove
			with-new-pkgs mark-auto update`),
		longVals: wordSet(`target-release default-release config-file option host-architecture`),
	}
	apkManager = &pkgManager{
		sub:        "add",
		shortFlags: "Uulivqsfh",
		shortVals:  "tXp",
		longFlags: wordSet(`no-cache update-cache upgrade latest interactive quiet verbose no-progress
			progress allow-untrusted force-overwrite force force-broken-world force-non-repository
			force-old-apk force-refresh force-missing-repositories no-network no-scripts
			no-interactive purge initdb usermode clean-protected simulate no-chown available
			no-logfile no-commit-hooks update`),
		longVals: wordSet(`virtual repository root arch cache-dir keys-dir repositories-file
			cache-max-age wait timeout`),
	}
	dnfManager = &pkgManager{
		sub:        "install",
		shortFlags: "yqvCbh",
		shortVals:  "cxRed",
		longFlags: wordSet(`assumeyes assumeno quiet verbose nodocs best nobest allowerasing
			skip-broken skip-unavailable noplugins nogpgcheck refresh cacheonly downloadonly
			allow-downgrade no-allow-downgrade use-host-config`),
		longVals: wordSet(`setopt enablerepo disablerepo repo repoid releasever installroot exclude
			excludepkgs config disableplugin enableplugin color forcearch downloaddir destdir
			errorlevel debuglevel rpmverbosity`),
	}
)

var pkgManagers = map[string]*pkgManager{
	"apt-get": aptManager, "apt": aptManager, "apk": apkManager,
	"dnf": dnfManager, "yum": dnfManager, "microdnf": dnfManager, "tdnf": dnfManager,
}

// mentionsInstall is a cheap test for a RUN worth parsing.
var mentionsInstall = regexp.MustCompile(`\b(apt-get|apt|apk|dnf|yum|microdnf|tdnf)\b`)

// mentions reports whether text names a package manager (mentionsInstall),
// with a cheaper look first.
func mentions(text string) bool {
	return (strings.Contains(text, "ap") || strings.Contains(text, "dnf") || strings.Contains(text, "yum")) &&
		mentionsInstall.MatchString(text)
}

// plainPackage is a package word that may move: a name, perhaps with a
// version pin, architecture or release, but no glob, quote, $ or escape,
// and not apt's "name-" (remove).
var plainPackage = regexp.MustCompile(`^[A-Za-z0-9@_][A-Za-z0-9._+:~=/@-]*$`)

// isPlainPackage is plainPackage.MatchString(w), without the regexp's
// cost on every word of every install command.
func isPlainPackage(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '@' || c == '_':
		case i > 0 && strings.IndexByte("._+:~=/-", c) >= 0:
		default:
			return false
		}
	}
	return w != ""
}

func sortPackages(f *file) {
	for _, in := range f.insts {
		if c := in.onbuild(); c != nil && c.Keyword() == "run" {
			// The trigger's command, which lies in the ONBUILD's text.
			if mentions(in.text[c.Cmd.Args.S:c.Cmd.Args.E]) {
				f.skip(in, "under ONBUILD: the trigger is kept in the image as written")
			}
			continue
		}
		if in.keyword != "run" || in.lowered.JSON || in.lowered.Next == nil {
			continue
		}
		if len(in.lowered.Heredocs) > 0 {
			if slices.ContainsFunc(in.lowered.Heredocs, func(h syntax.Heredoc) bool { return mentions(h.Content) }) ||
				mentions(in.args()) {
				if !f.common(in) {
					f.skip(in, "the RUN has a heredoc, whose body is kept byte for byte")
				}
			}
			continue
		}
		if !mentions(in.args()) || f.common(in) {
			continue
		}
		if why := shellProblem(in, false); why != "" {
			f.skip(in, "the RUN %s", why)
			continue
		}
		text := in.args()
		prog, err := parseShell(text)
		if err != nil {
			f.skip(in, "the RUN does not parse as shell%s", f.shellError(in, in.cmd.Args.S, err))
			continue
		}
		var edits []edit
		sh.Walk(prog, func(n sh.Node) bool {
			call, ok := n.(*sh.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			cmd, ok := literal(call.Args[0])
			if !ok || pkgManagers[path.Base(cmd)] == nil {
				return true
			}
			slots, bad, why := packageSlots(pkgManagers[path.Base(cmd)], call.Args[1:])
			if why != "" {
				f.skipAt(in, shellSpan(in.cmd.Args.S, bad), "%s: %s", path.Base(cmd), why)
				return true
			}
			names := make([]string, len(slots))
			for i, w := range slots {
				names[i] = wordText(text, w)
			}
			// A comment line inside the list speaks of the packages
			// below it: each run of words between comment lines is
			// sorted on its own, and no word crosses a comment.
			sorted := append([]string(nil), names...)
			from := 0
			for i := 1; i <= len(slots); i++ {
				if i < len(slots) && !f.commentBetween(in, shellSpan(in.cmd.Args.S, slots[i-1]).E, shellSpan(in.cmd.Args.S, slots[i]).S) {
					continue
				}
				sort.Strings(sorted[from:i])
				from = i
			}
			for i, w := range slots {
				if sorted[i] == names[i] {
					continue
				}
				if at := shellSpan(in.cmd.Args.S, w); f.lineOf(in, at.S) != f.lineOf(in, at.E-1) {
					f.skipAt(in, at, "%s: the package word %s is split across lines", path.Base(cmd), names[i])
					return true
				}
			}
			for i, w := range slots {
				if at := shellSpan(in.cmd.Args.S, w); sorted[i] != names[i] {
					edits = append(edits, edit{at.S, at.E, sorted[i]})
				}
			}
			return true
		})
		if len(edits) == 0 {
			continue
		}
		// The program the edits should make, for the check below.
		wantText := spliceEdits(in.text, edits)
		wantText = wantText[in.cmd.Args.S : len(wantText)-(len(in.text)-in.cmd.Args.E)]
		lines, err := f.rewrite(in, edits)
		if err == nil {
			err = f.verify(lines, in, func(n *syntax.Lowered) bool {
				// The words move within their lines: the text is the one
				// wanted to the byte, or else must parse to its program.
				return n.Keyword() == "run" && !n.JSON && slices.Equal(n.Flags, in.lowered.Flags) &&
					n.Next != nil && (n.Next.Value == wantText || sameProgram(n.Next.Value, wantText))
			})
		}
		if err != nil {
			f.skip(in, "%v", err)
			continue
		}
		f.replace("Sort the packages", in.node.Start, in.node.BodyStart, lines)
	}
}

// commentBetween reports whether a comment line of in stands between
// joined offsets a and b.
func (f *file) commentBetween(in *inst, a, b int) bool {
	la, lb := f.lineOf(in, a), f.lineOf(in, b)
	if la == lb {
		return false
	}
	for _, pt := range in.node.InstrLines {
		if pt.Kind == syntax.CommentLine && pt.Line > la && pt.Line < lb {
			return true
		}
	}
	return false
}

// packageSlots returns the words of a package manager's arguments that
// are plain package names, or why the command cannot be sorted and the
// word that is why.
func packageSlots(m *pkgManager, args []*sh.Word) (slots []*sh.Word, bad *sh.Word, why string) {
	sub := false
	opts := true
	for i := 0; i < len(args); i++ {
		w, ok := literal(args[i])
		if opts && ok && w == "--" {
			opts = false
			continue
		}
		if opts && ok && strings.HasPrefix(w, "-") && len(w) > 1 {
			takes, why := m.option(w)
			if why != "" {
				if !sub && !slices.ContainsFunc(args[i+1:], func(a *sh.Word) bool {
					s, ok := literal(a)
					return ok && s == m.sub
				}) {
					return nil, nil, "" // not an install command, as far as can be told
				}
				return nil, args[i], why
			}
			if takes {
				i++
			}
			continue
		}
		if opts && !ok && strings.HasPrefix(wordLead(args[i]), "-") {
			return nil, args[i], "an option is not a literal word"
		}
		if !sub {
			if !ok || w != m.sub {
				return nil, nil, "" // not an install command: nothing to sort
			}
			sub = true
			continue
		}
		if ok && isPlainPackage(w) && !strings.HasSuffix(w, "-") && isLitOnly(args[i]) {
			slots = append(slots, args[i])
		}
	}
	return slots, nil, ""
}

// option reports whether an option takes the next word as its value, or
// why that cannot be told.
func (m *pkgManager) option(w string) (takes bool, why string) {
	if strings.HasPrefix(w, "--") {
		name, _, inline := strings.Cut(w[2:], "=")
		switch {
		case inline:
			return false, ""
		case m.longFlags[name]:
			return false, ""
		case m.longVals[name]:
			return true, ""
		}
		return false, fmt.Sprintf("unknown option %s (does it take a value?)", w)
	}
	for i := 1; i < len(w); i++ {
		c := w[i]
		switch {
		case strings.IndexByte(m.shortVals, c) >= 0:
			return i == len(w)-1, ""
		case strings.IndexByte(m.shortFlags, c) >= 0:
		default:
			return false, fmt.Sprintf("unknown option %s (does it take a value?)", w)
		}
	}
	return false, ""
}

// wordLead is the start of a word's first literal part.
func wordLead(w *sh.Word) string {
	if len(w.Parts) > 0 {
		if l, ok := w.Parts[0].(*sh.Lit); ok {
			return l.Value
		}
	}
	return ""
}

// isLitOnly reports whether a word is one unquoted literal without
// escapes, so that its text is its value.
func isLitOnly(w *sh.Word) bool {
	if len(w.Parts) != 1 {
		return false
	}
	l, ok := w.Parts[0].(*sh.Lit)
	return ok && !strings.ContainsAny(l.Value, `\`)
}

// spliceEdits applies edits to a string.
func spliceEdits(s string, edits []edit) string {
	sorted := append([]edit(nil), edits...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].start < sorted[j].start })
	var b strings.Builder
	at := 0
	for _, e := range sorted {
		b.WriteString(s[at:e.start])
		b.WriteString(e.text)
		at = e.end
	}
	b.WriteString(s[at:])
	return b.String()
}
