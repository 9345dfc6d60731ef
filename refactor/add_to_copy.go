package refactor

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/moby/go-archive/compression"

	"github.com/dfmt/dfmt/format/syntax"
)

// AddToCopy turns ADD into COPY where ADD could do nothing that COPY
// does not:
//
//	ADD . /app                          →  COPY . /app
//	ADD --chown=app conf/ /etc/app/     →  COPY --chown=app conf/ /etc/app/   (conf/ a folder of the context)
//	ADD --unpack=false app.tar.gz /opt/ →  COPY app.tar.gz /opt/
//	ADD <<EOF /etc/motd                 →  COPY <<EOF /etc/motd
//
// ADD also downloads URLs, clones git repositories and unpacks local tar
// archives, which it recognises by their content, never by their name: an
// app.tar.gz, a file without an extension or a .gem may all be one, and a
// trailing "/" or "/." says nothing, as BuildKit cleans it away ("ADD
// app.tar/ /opt/" unpacks app.tar). So each source must be a heredoc, the
// context's root (".", ".."), covered by --unpack=false (dropped, as COPY
// does not take it), or a local path that the build context shows is no
// archive: a folder, or a file that is not one by BuildKit's own test
// (moby/go-archive's compression.DecompressStream, which knows gzip,
// bzip2, xz and zstd by their magic numbers, then a tar header:
// solver/llbsolver/file/unpack.go, isArchivePath), every match of a glob
// alike. None may hold a "$", which could expand to any of these.
// --checksum, --keep-git-dir and --unpack[=true] keep the ADD. No list of
// harmless file extensions is trusted: that would be a guess.
//
// The build context is Options.Context (dfmt --context). Without it the
// context is unknown ("docker build -f sub/Dockerfile ." is common): a
// site that needs it is unsafe, and with Options.Unsafe its sources are
// looked at in Options.Dir, the Dockerfile's folder, taken for the
// context. A source not found there, a symbolic link or an archive is
// skipped.
var AddToCopy = &Refactor{
	Name:    "add-to-copy",
	Summary: "ADD → COPY",
	Safe: "every source is a heredoc, the context's root (., ..), under --unpack=false, or found in the build " +
		"context (--context) as a folder or a file that is no archive by content; no $, URL or git source; " +
		"no --checksum, --keep-git-dir or --unpack[=true]",
	Changes: "the files copied are the same; the copy no longer asks to unpack, so its cache key " +
		"changes once, and the image history says COPY",
	Unsafe: "a local source without --context: the build context is taken to be the Dockerfile's folder",
	run:    addToCopy,
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
		drop, at, why, unsafe := f.addCheck(in)
		if why != "" {
			f.skipAt(in, at, "%s", why)
			continue
		}
		if unsafe != "" && !f.unsafe(in, at, unsafe) {
			continue
		}
		if unsafe != "" {
			// Judged from the Dockerfile's folder, taken for the context.
			if at, why := f.localSources(in, f.opts.Dir, true); why != "" {
				f.skipAt(in, at, "%s", why)
				continue
			}
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
		f.replaceUnsafe(unsafe, "Use COPY instead of ADD", in.node.Start, in.node.BodyStart, lines)
	}
}

// addCheck decides whether an ADD may become a COPY. drop is the index of
// an --unpack=false flag to remove, or -1; why is the reason it may not,
// and at the flag, source or keyword the reason concerns. unsafe says why
// it may only if the build context is the Dockerfile's folder: a local
// source, where Options.Context does not name the context.
func (f *file) addCheck(in *inst) (drop int, at syntax.Span, why, unsafe string) {
	drop, at = -1, in.cmd.Keyword
	for i, fl := range in.lowered.Flags {
		name, val, hasVal := strings.Cut(strings.TrimPrefix(fl, "--"), "=")
		at := in.cmd.Flags[i]
		switch name {
		case "chown", "chmod", "link", "exclude":
		case "checksum", "keep-git-dir":
			return -1, at, fmt.Sprintf("--%s is a flag only ADD takes", name), ""
		case "unpack":
			if !hasVal || !strings.EqualFold(val, "false") {
				return -1, at, "--unpack asks ADD to unpack archives", ""
			}
			drop = i
		default:
			return -1, at, fmt.Sprintf("--%s is not a flag COPY takes", name), ""
		}
	}
	args := in.lowered.Args()
	if len(args) < 2 {
		return -1, at, "ADD needs a source and a destination", ""
	}
	spans := argSpans(in)
	local := ""             // the first local source
	var localAt syntax.Span // where it is
	for i, src := range args[:len(args)-1] {
		if i < len(spans) {
			at = spans[i]
		}
		switch {
		case !in.lowered.JSON && len(in.lowered.Heredocs) > 0 && isHeredocWord(src):
		case strings.Contains(src, "$"):
			return -1, at, fmt.Sprintf("source %s holds $: after expansion it may be a URL, a git repository or an archive", src), ""
		case strings.Contains(src, "://") && !gitSource.MatchString(src):
			return -1, at, fmt.Sprintf("source %s is a URL, which ADD downloads", src), ""
		case gitSource.MatchString(src):
			return -1, at, fmt.Sprintf("source %s is a git repository, which ADD clones", src), ""
		case drop >= 0 || contextPath(src) == ".":
		default:
			if local == "" {
				local, localAt = src, at
			}
		}
	}
	if local == "" {
		return drop, at, "", ""
	}
	at = localAt
	if f.opts.Context != "" {
		at, why := f.localSources(in, f.opts.Context, false)
		return drop, at, why, ""
	}
	return drop, at, "", fmt.Sprintf("source %s may be a tar archive, which ADD unpacks, and the build context "+
		"that would show it is not known (--context names it)", local)
}

// localSources looks at the local sources of the ADD in, in the folder dir
// taken for the build context (guessed: the Dockerfile's folder, for want
// of one), and says why one may be unpacked, or returns "" when none can:
// each must be there, every match of a glob alike, as a folder or a file
// that is no archive, and no symbolic link.
func (f *file) localSources(in *inst, dir string, guessed bool) (at syntax.Span, why string) {
	if dir == "" {
		dir = "."
	}
	where := "the build context " + dir
	if guessed {
		where = dir + ", the Dockerfile's folder taken for the build context"
	}
	fsys := os.DirFS(dir)
	args := in.lowered.Args()
	spans := argSpans(in)
	at = in.cmd.Keyword
	for i, src := range args[:len(args)-1] {
		if i < len(spans) {
			at = spans[i]
		}
		if !in.lowered.JSON && len(in.lowered.Heredocs) > 0 && isHeredocWord(src) {
			continue
		}
		name := contextPath(src)
		if name == "." {
			continue
		}
		matches := []string{name}
		if strings.ContainsAny(name, `*?[`) {
			var err error
			matches, err = fs.Glob(fsys, name)
			switch {
			case err != nil:
				return at, fmt.Sprintf("source %s is not a pattern that can be matched here: %v", src, err)
			case len(matches) == 0:
				return at, fmt.Sprintf("source %s matches nothing in %s", src, where)
			}
		}
		for _, m := range matches {
			what := src
			if m != name {
				what = fmt.Sprintf("%s (%s)", src, m)
			}
			fi, err := fs.Lstat(fsys, m)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return at, fmt.Sprintf("source %s is not in %s", what, where)
			case err != nil:
				return at, fmt.Sprintf("source %s cannot be looked at in %s: %v", what, where, err)
			case fi.Mode()&fs.ModeSymlink != 0:
				return at, fmt.Sprintf("source %s is a symbolic link in %s, which BuildKit follows to what may be an archive", what, where)
			case !fi.Mode().IsRegular():
				continue // a folder (copied as it is), or no file to unpack
			}
			kind, err := archiveKind(fsys, m)
			switch {
			case err != nil:
				return at, fmt.Sprintf("source %s in %s: %v", what, where, err)
			case kind != "":
				return at, fmt.Sprintf("source %s is %s in %s, which ADD unpacks", what, kind, where)
			}
		}
	}
	return at, ""
}

// compressionNames name the compressions BuildKit reads.
var compressionNames = map[compression.Compression]string{
	compression.Bzip2: "bzip2", compression.Gzip: "gzip", compression.Xz: "xz", compression.Zstd: "zstd",
}

// contextPath is a source as a path of the build context, the way
// BuildKit cleans it: relative to the context's root, which ".." cannot
// leave, with no trailing "/" or "/."; "." is the root.
func contextPath(src string) string {
	p := path.Clean("/" + src)
	if p == "/" {
		return "."
	}
	return p[1:]
}

// archiveKind says what kind of tar archive the file name of fsys is
// ("a tar archive", "a gzip-compressed tar archive"…), or "" when it is
// none, by the test BuildKit makes before ADD unpacks a file
// (solver/llbsolver/file/unpack.go, isArchivePath): the stream, once
// decompressed as its magic number says, starts with a tar header. An
// error is what keeps that from being told, such as an xz-compressed file
// where the xz program BuildKit runs to read it is missing.
func archiveKind(fsys fs.FS, name string) (string, error) {
	file, err := fsys.Open(name)
	if err != nil {
		return "", err
	}
	defer file.Close()
	head := make([]byte, 10)
	n, _ := io.ReadFull(file, head)
	kind := "a tar archive"
	if c := compression.Detect(head[:n]); c != compression.None {
		kind = "a " + compressionNames[c] + "-compressed tar archive"
	}
	if _, err := file.(io.Seeker).Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	rdr, err := compression.DecompressStream(file)
	if err != nil {
		if _, ok := errors.AsType[*exec.Error](err); ok {
			return "", fmt.Errorf("cannot tell whether it holds a tar archive: %v", err)
		}
		return "", nil // as BuildKit: no archive
	}
	defer rdr.Close()
	if _, err := tar.NewReader(rdr).Next(); err != nil {
		return "", nil
	}
	return kind, nil
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
