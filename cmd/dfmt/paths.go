package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dfmt/dfmt/format"
)

// skipDirs are the directories a walk never enters: version control
// metadata and vendored JavaScript, which hold no Dockerfile of the
// project's own and can be huge.
var skipDirs = map[string]bool{
	".git":         true,
	".hg":          true,
	".svn":         true,
	"node_modules": true,
}

// otherKindExts are the extensions that, after "Dockerfile." or
// "Containerfile.", name another kind of file than a Dockerfile: source,
// documentation, data, editor and patch leftovers, templates. A walk skips
// Dockerfile.py, Containerfile.j2 and the like. This is the one list; the
// pre-commit hooks' patterns are checked against it by a test.
var otherKindExts = []string{
	// source and scripts
	"py", "sh", "bash", "ps1", "bat", "cmd", "go", "js", "ts", "rb", "pl",
	// documentation and text
	"md", "rst", "txt", "adoc", "html",
	// data and configuration
	"json", "yml", "yaml", "toml", "ini", "cfg", "conf", "xml", "csv", "lock",
	// editor, patch and merge leftovers
	"bak", "orig", "rej", "swp", "swo", "tmp", "old", "save", "backup", "patch", "diff",
	// templates
	"j2", "jinja", "jinja2", "tpl", "tmpl", "template", "erb", "in", "m4",
	"mustache", "hbs", "gotmpl", "ejs", "njk",
	// archives
	"zip", "tar", "gz", "tgz",
}

var otherKindExt = func() map[string]bool {
	m := make(map[string]bool, len(otherKindExts))
	for _, e := range otherKindExts {
		m[e] = true
	}
	return m
}()

// isDockerfileName reports whether a walk formats a file of this name:
// Dockerfile, Containerfile, *.Dockerfile, *.dockerfile, *.containerfile,
// Dockerfile.* and Containerfile.*, except Dockerfile.<ext> and
// Containerfile.<ext> whose last extension names another kind of file
// (otherKindExts, in any case). Ignore files are never Dockerfiles, even
// when BuildKit's per-Dockerfile naming (Dockerfile.dockerignore,
// app.Dockerfile.dockerignore) makes them match a pattern.
func isDockerfileName(name string) bool {
	if strings.HasSuffix(name, ".dockerignore") {
		return false
	}
	if name == "Dockerfile" || name == "Containerfile" ||
		strings.HasSuffix(name, ".Dockerfile") || strings.HasSuffix(name, ".dockerfile") ||
		strings.HasSuffix(name, ".containerfile") {
		return true
	}
	if !strings.HasPrefix(name, "Dockerfile.") && !strings.HasPrefix(name, "Containerfile.") {
		return false
	}
	ext := name[strings.LastIndexByte(name, '.')+1:]
	return !otherKindExt[strings.ToLower(ext)]
}

// isExactDockerfileName reports whether name is one that is always a
// Dockerfile, whatever its content: the others only suggest one.
func isExactDockerfileName(name string) bool {
	return name == "Dockerfile" || name == "Containerfile"
}

// notDockerfile says why src, the content of a walked file whose name only
// suggests a Dockerfile, is not one, or returns "" if it may be one: it
// holds an instruction BuildKit does not know, as a Python script's import,
// a Jinja template's {{ or {% line or an ERB template's <% do. The words
// are read by the formatter's own parser, so parser directives, comments
// and heredoc bodies are not instructions, and a keyword is known exactly
// when BuildKit would know it. The keyword is quoted as written, as
// BuildKit's "unknown instruction" error quotes it.
func notDockerfile(src []byte) string {
	for _, n := range format.Parse(src).Nodes {
		// An instruction whose arguments failed to parse has no lowering,
		// but only known keywords parse their arguments.
		if n.Kind != format.InstructionNode || n.Lowered == nil {
			continue
		}
		if !format.KnownInstruction(n.Lowered.Keyword()) {
			return fmt.Sprintf("unknown instruction %q at line %d", n.Lowered.Value, n.Start+1)
		}
	}
	return ""
}

// expand turns one command-line path into jobs, in order.
//
// A path named on the command line is always followed if it is a symbolic
// link, as gofmt and find -H do: the user named it, so dfmt formats what it
// points to (with -w, the file it points to is rewritten and the link is
// left as it is). Links met while walking a directory are not followed, so
// a walk never leaves the tree nor formats a file twice.
func (c *config) expand(arg string, add func(*job)) {
	fi, err := os.Lstat(arg)
	if err != nil {
		add(failedJob(arg, err))
		return
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if fi, err = os.Stat(arg); err != nil {
			add(failedJob(arg, err))
			return
		}
	}
	if fi.IsDir() {
		c.walk(arg, add)
		return
	}
	add(&job{path: arg, explicit: true, weight: weightOf(fi)})
}

// walk adds a job for each Dockerfile under dir, depth first in the sorted
// order of os.ReadDir, as filepath.WalkDir does.
func (c *config) walk(dir string, add func(*job)) {
	entries, err := readDir(dir)
	if err != nil {
		// ReadDir returns what it read before the error: report the
		// directory, then carry on with those.
		add(failedJob(dir, err))
	}
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(dir, name)
		t := e.Type()
		switch {
		case t.IsDir():
			// A directory named Dockerfile is walked like any other.
			if !skipDirs[name] {
				c.walk(p, add)
			}
		case t&fs.ModeSymlink != 0:
			// Not followed; see expand.
		case !isDockerfileName(name):
		case !t.IsRegular():
			// A FIFO, socket or device named like a Dockerfile: opening
			// a FIFO would block the walk forever, so it is reported, not
			// read.
			add(failedJob(p, errNotRegular))
		default:
			w := int64(0)
			if fi, err := e.Info(); err == nil {
				w = weightOf(fi)
			}
			add(&job{path: p, weight: w})
		}
	}
}

// weightOf is the memory a job is expected to hold: its size for a regular
// file, all of the budget for anything whose size is unknown.
func weightOf(fi fs.FileInfo) int64 {
	if fi.Mode().IsRegular() {
		return fi.Size()
	}
	return exclusive
}
