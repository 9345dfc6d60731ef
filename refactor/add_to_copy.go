package refactor

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/dfmt/dfmt/format/syntax"
)

// AddToCopy turns ADD into COPY where ADD could do nothing that COPY
// does not:
//
//	ADD . /app                          →  COPY . /app
//	ADD --chown=app conf/ /etc/app/     →  COPY --chown=app conf/ /etc/app/
//	ADD --unpack=false app.tar.gz /opt/ →  COPY app.tar.gz /opt/
//	ADD <<EOF /etc/motd                 →  COPY <<EOF /etc/motd
//
// ADD also downloads URLs, clones git repositories and unpacks local tar
// archives, which it recognises by their content, never by their name: an
// app.tar.gz, a file without an extension or a .gem may all be one. So a
// source must be a heredoc, a directory by its syntax (".", "..", a
// trailing "/"), or be covered by --unpack=false (dropped, as COPY does not
// take it), and none may hold a "$", which could expand to any of these.
// --checksum, --keep-git-dir and --unpack[=true] keep the ADD. No list of
// harmless file extensions is trusted: that would be a guess.
var AddToCopy = &Refactor{
	Name:    "add-to-copy",
	Summary: "ADD → COPY",
	Safe: "every source is a heredoc, a directory by syntax (., trailing /) or under --unpack=false; " +
		"no $, URL or git source; no --checksum, --keep-git-dir or --unpack[=true]",
	Changes: "the files copied are the same; the copy no longer asks to unpack, so its cache key " +
		"changes once, and the image history says COPY",
	run: addToCopy,
}

// gitSource matches the git sources ADD clones: scp-like user@host:path
// addresses, and URLs and paths ending in .git with an optional #ref.
var gitSource = regexp.MustCompile(`^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:|\.git(#.*)?$|^git://|^ssh://`)

func addToCopy(f *file) {
	for _, in := range f.insts {
		if c := in.onbuild(); c != nil && c.Keyword() == "add" {
			f.skip(in, "under ONBUILD: the trigger is kept in the image as written")
			continue
		}
		if in.keyword != "add" || f.common(in) {
			continue
		}
		drop, at, why := addCheck(in)
		if why != "" {
			f.skipAt(in, at, "%s", why)
			continue
		}
		edits := []edit{{in.cmd.Keyword.S, in.cmd.Keyword.E, "COPY"}}
		flags := slices.Clone(in.lowered.Flags)
		if drop >= 0 {
			prev := in.cmd.Keyword.E
			if drop > 0 {
				prev = in.cmd.Flags[drop-1].E
			}
			next := in.cmd.Args.S
			if drop+1 < len(in.cmd.Flags) {
				next = in.cmd.Flags[drop+1].S
			}
			edits = append(edits, f.drop(in, in.cmd.Flags[drop].S, in.cmd.Flags[drop].E, prev, next))
			flags = slices.Delete(flags, drop, drop+1)
		}
		lines, err := f.rewrite(in, edits)
		if err == nil {
			err = f.verify(lines, in, func(n *syntax.Lowered) bool {
				return n.Keyword() == "copy" && slices.Equal(n.Flags, flags) &&
					n.JSON == in.lowered.JSON && slices.Equal(n.Args(), in.lowered.Args()) &&
					slices.Equal(n.Heredocs, in.lowered.Heredocs)
			})
		}
		if err != nil {
			f.skip(in, "%v", err)
			continue
		}
		f.replace("Use COPY instead of ADD", in.node.Start, in.node.BodyStart, lines)
	}
}

// addCheck decides whether an ADD may become a COPY. drop is the index of
// an --unpack=false flag to remove, or -1; why is the reason it may not,
// and at the flag, source or keyword the reason concerns.
func addCheck(in *inst) (drop int, at syntax.Span, why string) {
	drop, at = -1, in.cmd.Keyword
	for i, fl := range in.lowered.Flags {
		name, val, hasVal := strings.Cut(strings.TrimPrefix(fl, "--"), "=")
		at := in.cmd.Flags[i]
		switch name {
		case "chown", "chmod", "link", "exclude":
		case "checksum", "keep-git-dir":
			return -1, at, fmt.Sprintf("--%s is a flag only ADD takes", name)
		case "unpack":
			if !hasVal || !strings.EqualFold(val, "false") {
				return -1, at, "--unpack asks ADD to unpack archives"
			}
			drop = i
		default:
			return -1, at, fmt.Sprintf("--%s is not a flag COPY takes", name)
		}
	}
	args := in.lowered.Args()
	if len(args) < 2 {
		return -1, at, "ADD needs a source and a destination"
	}
	spans := argSpans(in)
	for i, src := range args[:len(args)-1] {
		if i < len(spans) {
			at = spans[i]
		}
		switch {
		case !in.lowered.JSON && len(in.lowered.Heredocs) > 0 && isHeredocWord(src):
		case strings.Contains(src, "$"):
			return -1, at, fmt.Sprintf("source %s holds $: after expansion it may be a URL, a git repository or an archive", src)
		case strings.Contains(src, "://") && !gitSource.MatchString(src):
			return -1, at, fmt.Sprintf("source %s is a URL, which ADD downloads", src)
		case gitSource.MatchString(src):
			return -1, at, fmt.Sprintf("source %s is a git repository, which ADD clones", src)
		case drop >= 0:
		case src == "." || src == ".." || strings.HasSuffix(src, "/") ||
			strings.HasSuffix(src, "/.") || strings.HasSuffix(src, "/.."):
		default:
			return -1, at, fmt.Sprintf("source %s may be a local tar archive, which ADD unpacks "+
				"(it tells by content, not by name); --unpack=false would say it is not", src)
		}
	}
	return drop, at, ""
}

// argSpans is where each argument of an ADD or COPY lies in its joined
// text: the string tokens of the exec form, else the words as the
// lowering splits them (syntax.Fields). It is nil when they do not match
// the lowering's arguments.
func argSpans(in *inst) []syntax.Span {
	var spans []syntax.Span
	if in.lowered.JSON {
		for _, t := range in.lowered.JSONTokens {
			if in.text[t.S] == '"' {
				spans = append(spans, t)
			}
		}
	} else if in.cmd.Args.S < in.cmd.Args.E {
		spans = syntax.Fields(in.text, in.cmd.Args.S, in.cmd.Args.E, 0)
	}
	if len(spans) != len(in.lowered.Args()) {
		return nil
	}
	return spans
}

// heredocWord matches a heredoc source word as parser.ParseHeredoc does.
var heredocWord = regexp.MustCompile(`^\d*<<-?\s*[^<]+$`)

func isHeredocWord(w string) bool { return heredocWord.MatchString(w) }
