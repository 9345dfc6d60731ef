package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dfmt/dfmt/format/syntax"
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
	for _, n := range syntax.Parse(src).Nodes {
		// An instruction whose arguments failed to parse has no lowering,
		// but only known keywords parse their arguments.
		if n.Kind != syntax.InstructionNode || n.Lowered == nil {
			continue
		}
		if !syntax.KnownInstruction(n.Lowered.Keyword()) {
			return fmt.Sprintf("unknown instruction %q at line %d", n.Lowered.Value, n.Start+1)
		}
	}
	return ""
}

// A walker turns the paths of the command line into jobs, in order, each
// file once. It lives for one run.
type walker struct {
	add func(*job)

	// seen holds the files given a job so far: a file named twice, named
	// and also reached by a walk, or named through a link, is formatted
	// once, where it first came. (Twice would also race: two workers
	// writing one file each see the other's write as an edit.)
	seen fileSet

	// named holds the files named on the command line, which are
	// formatted whatever their names or content, even where a walk
	// reaches them first.
	named fileSet

	git *gitRepos

	// excludes are the --exclude patterns, as a .gitignore in cwd (the
	// current directory, absolute) would hold them.
	excludes []rule
	cwd      string
}

// addJobs adds the jobs for paths, in order: "-" is standard input, named
// stdin in messages.
func (c *config) addJobs(paths []string, stdin string, add func(*job)) {
	w := &walker{add: add, git: newGitRepos(), excludes: c.excludes}
	if len(w.excludes) > 0 {
		// Without the current directory, no walked path is below it.
		w.cwd, _ = os.Getwd()
	}
	for _, p := range paths {
		if p == "-" {
			continue
		}
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			w.named.add(fi)
		}
	}
	for _, p := range paths {
		if p == "-" {
			add(&job{path: stdin, stdin: true, weight: exclusive})
			continue
		}
		w.expand(p)
	}
}

// expand turns one command-line path into jobs, in order.
//
// A path named on the command line is always followed if it is a symbolic
// link, as gofmt and find -H do: the user named it, so dfmt formats what it
// points to (with -w, the file it points to is rewritten and the link is
// left as it is). Links met while walking a directory are not followed, so
// a walk never leaves the tree.
//
// A directory named on the command line is walked even if git would
// ignore it: the user named it. What is below it follows the rules.
func (w *walker) expand(arg string) {
	fi, err := os.Lstat(arg)
	if err != nil {
		w.add(failedJob(arg, err))
		return
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if fi, err = os.Stat(arg); err != nil {
			w.add(failedJob(arg, err))
			return
		}
	}
	if fi.IsDir() {
		w.walk(arg, w.start(arg))
		return
	}
	if w.seen.has(fi) {
		return
	}
	w.seen.add(fi)
	w.add(&job{path: arg, explicit: true, weight: weightOf(fi)})
}

// dirState is what the walk knows of the directory it is in.
type dirState struct {
	// phys is the directory's absolute path without symbolic links, as
	// git sees it; "" if it could not be found, and then git's rules
	// cannot be.
	phys string

	repo  *gitRepo // the git work tree it is in, or nil
	rel   []string // its path from repo.root, by names
	rules []rule   // the ignore rules in force, lowest priority first
	// trackedOnly: the directory is one git ignores, walked for the files
	// git tracks in it, and for those alone.
	trackedOnly bool

	// below says that the directory is the current one or below it, and
	// then cwdRel is its path from there, for --exclude; otherwise abs
	// is its absolute path, as given, to notice the current directory.
	below  bool
	cwdRel []string
	abs    string
}

// start is the state of a walk that starts at dir: the work tree above it
// and the .gitignore files of the directories between them.
func (w *walker) start(dir string) *dirState {
	st := &dirState{}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return st
	}
	if w.cwd != "" {
		st.abs = abs
		if rel, err := filepath.Rel(w.cwd, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			st.below = true
			if rel != "." {
				st.cwdRel = strings.Split(rel, string(filepath.Separator))
			}
		}
	}
	phys, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return st
	}
	st.phys = phys
	st.repo, st.rel = w.git.find(phys)
	if st.repo != nil {
		st.rules = st.repo.base
		for i := range st.rel {
			d := filepath.Join(append([]string{st.repo.root}, st.rel[:i]...)...)
			st.rules = appendGitignore(st.rules, d, st.rel[:i])
		}
	}
	return st
}

// appendGitignore appends to rules those of the .gitignore file in dir, at
// path from the top of its work tree. Like git, it does not follow a
// .gitignore that is a symbolic link.
func appendGitignore(rules []rule, dir string, path []string) []rule {
	name := filepath.Join(dir, ".gitignore")
	if fi, err := os.Lstat(name); err != nil || !fi.Mode().IsRegular() {
		return rules
	}
	if more := readRules(name, path); len(more) > 0 {
		// Clipped: the directories beside this one share rules.
		return append(slices.Clip(rules), more...)
	}
	return rules
}

// enter is the state in the directory dir, whose entries are entries,
// given st, the state its parent gave it: a directory holding .git starts
// a work tree with rules of its own, and a .gitignore adds to the rules.
func (w *walker) enter(dir string, st *dirState, entries []fs.DirEntry) *dirState {
	var gitEntry, ignoreFile bool
	for _, e := range entries {
		switch e.Name() {
		case ".git":
			gitEntry = isGitEntry(e)
		case ".gitignore":
			ignoreFile = e.Type().IsRegular()
		}
	}
	if gitEntry && st.phys != "" && (st.repo == nil || st.repo.root != st.phys) {
		if r := w.git.open(st.phys); r != nil {
			next := *st
			next.repo, next.rel, next.rules, next.trackedOnly = r, nil, r.base, false
			st = &next
		}
	}
	if ignoreFile && st.repo != nil && !st.trackedOnly {
		if rules := appendGitignore(st.rules, dir, st.rel); len(rules) != len(st.rules) {
			next := *st
			next.rules = rules
			st = &next
		}
	}
	return st
}

// ignored reports whether the walk leaves out the entry name of the
// directory in state st, because --exclude or git ignores it; for a
// directory that it does not, whether it is to be walked for what git
// tracks in it alone.
func (w *walker) ignored(st *dirState, name string, isDir bool) (ignored, trackedOnly bool) {
	if st.below && len(w.excludes) > 0 && matchRules(w.excludes, append(slices.Clip(st.cwdRel), name), isDir) {
		return true, false
	}
	if st.repo == nil {
		return false, false
	}
	path := append(slices.Clip(st.rel), name)
	if !st.trackedOnly && !matchRules(st.rules, path, isDir) {
		return false, false
	}
	// As in git, a file it tracks is not ignored, and so a directory that
	// holds one is walked, for what git tracks in it: the rest of it is
	// ignored with the directory.
	return !st.repo.tracked(path, isDir), true
}

// walk adds a job for each Dockerfile under dir, depth first in the sorted
// order of os.ReadDir, as filepath.WalkDir does. st is what the walk knows
// of dir.
func (w *walker) walk(dir string, st *dirState) {
	entries, err := readDir(dir)
	if err != nil {
		// ReadDir returns what it read before the error: report the
		// directory, then carry on with those.
		w.add(failedJob(dir, err))
	}
	st = w.enter(dir, st, entries)
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(dir, name)
		t := e.Type()
		switch {
		case t.IsDir():
			// A directory named Dockerfile is walked like any other.
			if skipDirs[name] {
				continue
			}
			ignored, trackedOnly := w.ignored(st, name, true)
			if ignored {
				continue
			}
			w.walk(p, w.sub(st, name, trackedOnly))
		case t&fs.ModeSymlink != 0:
			// Not followed; see expand.
		case !isDockerfileName(name):
		case w.isIgnored(st, name):
		case !t.IsRegular():
			// A FIFO, socket or device named like a Dockerfile: opening
			// a FIFO would block the walk forever, so it is reported, not
			// read.
			w.add(failedJob(p, errNotRegular))
		default:
			j := &job{path: p}
			if fi, err := e.Info(); err == nil {
				if w.seen.has(fi) {
					continue
				}
				w.seen.add(fi)
				j.weight = weightOf(fi)
				// Named on the command line as well: formatted whatever
				// it holds, here, where it comes first.
				j.explicit = w.named.has(fi)
			}
			// Without its FileInfo, the file has most likely just gone:
			// the worker that opens it will say so.
			w.add(j)
		}
	}
}

// sub is the state that st, a directory's, gives its subdirectory name.
func (w *walker) sub(st *dirState, name string, trackedOnly bool) *dirState {
	sub := &dirState{repo: st.repo, rules: st.rules, trackedOnly: trackedOnly, below: st.below}
	if st.phys != "" {
		sub.phys = filepath.Join(st.phys, name)
	}
	if st.repo != nil {
		sub.rel = append(slices.Clip(st.rel), name)
	}
	switch {
	case st.below:
		sub.cwdRel = append(slices.Clip(st.cwdRel), name)
	case st.abs != "":
		// A walk from above the current directory may come into it.
		sub.abs = filepath.Join(st.abs, name)
		if sub.abs == w.cwd {
			sub.below, sub.abs = true, ""
		}
	}
	return sub
}

// isIgnored reports whether the file name, in the directory in state st,
// is left out of the walk.
func (w *walker) isIgnored(st *dirState, name string) bool {
	ignored, _ := w.ignored(st, name, false)
	return ignored
}

// fileSet is a set of files by identity, the device and inode that
// os.SameFile compares, so that two names of one file are one member.
type fileSet struct {
	ids map[fileID]bool
	// others are files whose FileInfo carries no identity, on systems
	// where only os.SameFile can tell; compared one by one.
	others []fs.FileInfo
}

func (s *fileSet) has(fi fs.FileInfo) bool {
	if id, ok := idOf(fi); ok {
		return s.ids[id]
	}
	for _, o := range s.others {
		if os.SameFile(o, fi) {
			return true
		}
	}
	return false
}

func (s *fileSet) add(fi fs.FileInfo) {
	if id, ok := idOf(fi); ok {
		if s.ids == nil {
			s.ids = map[fileID]bool{}
		}
		s.ids[id] = true
		return
	}
	s.others = append(s.others, fi)
}

// weightOf is the memory a job is expected to hold: its size for a regular
// file, all of the budget for anything whose size is unknown.
func weightOf(fi fs.FileInfo) int64 {
	if fi.Mode().IsRegular() {
		return fi.Size()
	}
	return exclusive
}
