package main

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	gitconfig "github.com/go-git/go-git/v5/plumbing/format/config"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// This file is what git would ignore, read as git reads it but without
// the git program: .gitignore files at every level of a work tree, the
// repository's info/exclude, and the core.excludesFile of git's
// configuration (or its default), with the index so that a tracked file is
// never ignored. The patterns are matched by go-git's gitignore package.

// A rule is one pattern of an ignore file (or of --exclude).
type rule struct {
	pat gitignore.Pattern
	// domain is the directory of the file the pattern came from, as names
	// from the top of the tree the rules are about; it applies below it.
	domain []string
	// kind says how the pattern meets git's rules; see match.
	kind ruleKind
	// dirOnly: the pattern ends in "/", and so matches only directories.
	dirOnly bool
}

type ruleKind uint8

const (
	nameRule  ruleKind = iota // no slash but a final one: matches a name at any depth
	pathRule                  // a slash before the end: matches a path from the domain
	underRule                 // a path ending in "/**": matches what is inside a directory
)

// parseRule reads one line of an ignore file, whose directory is domain.
// Blank lines and comments are not rules.
func parseRule(line string, domain []string) (rule, bool) {
	if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
		return rule{}, false
	}
	// The pattern as go-git's ParsePattern sees it, to know its kind.
	p := strings.TrimPrefix(line, "!")
	if !strings.HasSuffix(p, `\ `) {
		p = strings.TrimRight(p, " ")
	}
	p, dirOnly := strings.CutSuffix(p, "/")
	kind := nameRule
	switch {
	case p == "/**":
		// Everything below the domain, which go-git's matcher never
		// matches: the same as every name below it, "*".
		line = line[:len(line)-len(strings.TrimPrefix(line, "!"))] + "*"
		if dirOnly {
			line += "/"
		}
	case strings.HasSuffix(p, "/**"):
		kind = underRule
	case strings.Contains(p, "/"):
		kind = pathRule
	}
	return rule{pat: gitignore.ParsePattern(bracketNot(line), domain), domain: domain, kind: kind, dirOnly: dirOnly}, true
}

// bracketNot spells git's "[!...]", a class of the characters not listed,
// as filepath.Match (which go-git matches with) spells it, "[^...]": to
// filepath.Match, "!" there is one of the characters listed.
func bracketNot(p string) string {
	if !strings.Contains(p, "[!") {
		return p
	}
	b := []byte(p)
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++ // an escaped character is itself
		case '[':
			// Find the end of the class, where a "]" first is one of
			// its characters.
			j := i + 1
			if j < len(b) && (b[j] == '!' || b[j] == '^') {
				b[j] = '^'
				j++
			}
			if j < len(b) && b[j] == ']' {
				j++
			}
			for j < len(b) && b[j] != ']' {
				if b[j] == '\\' {
					j++
				}
				j++
			}
			i = j
		}
	}
	return string(b)
}

// match is the rule's verdict on path (names from the top of the tree):
// gitignore.Exclude, gitignore.Include or gitignore.NoMatch.
//
// go-git's matcher lets a pattern match a path through any of its
// directories: "build" and "/build" match build/x as well as build. Where
// a walk enters only the directories that are not ignored that changes
// nothing, but below a directory it enters anyway (named on the command
// line, or holding tracked files) what is inside must follow the rules on
// its own, as git decides it: a pattern without a slash against the last
// name only, a pattern with one against the whole path, and "dir/**"
// against what is inside dir but not dir itself.
func (r *rule) match(path []string, isDir bool) gitignore.MatchResult {
	n := len(r.domain)
	if len(path) <= n {
		return gitignore.NoMatch
	}
	switch r.kind {
	case nameRule:
		last := append(path[:n:n], path[len(path)-1])
		return r.pat.Match(last, isDir)
	case underRule:
		if r.dirOnly && !isDir {
			return gitignore.NoMatch
		}
		for k := n + 1; k < len(path); k++ {
			if m := r.pat.Match(path[:k], true); m != gitignore.NoMatch {
				return m
			}
		}
		return gitignore.NoMatch
	}
	m := r.pat.Match(path, isDir)
	if m == gitignore.NoMatch {
		return m
	}
	for k := n + 1; k < len(path); k++ {
		if r.pat.Match(path[:k], true) != gitignore.NoMatch {
			// A match of a directory above path, which the walk has
			// already judged.
			return gitignore.NoMatch
		}
	}
	return m
}

// matchRules reports whether rules, in increasing priority, exclude path:
// the last rule that matches decides, as in git.
func matchRules(rules []rule, path []string, isDir bool) bool {
	for i := len(rules) - 1; i >= 0; i-- {
		if m := rules[i].match(path, isDir); m != gitignore.NoMatch {
			return m == gitignore.Exclude
		}
	}
	return false
}

// readRules reads the ignore file at path, whose directory is domain. A
// file that cannot be read has no rules, as for git.
func readRules(path string, domain []string) []rule {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")) // as git does
	var rules []rule
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		if r, ok := parseRule(sc.Text(), domain); ok {
			rules = append(rules, r)
		}
	}
	return rules
}

// gitRepo is a git work tree met by a walk.
type gitRepo struct {
	root   string // the top of the work tree
	gitDir string // its git directory, which holds its index
	// base are the rules of the whole repository, lowest priority
	// first: core.excludesFile, then info/exclude.
	base []rule

	indexRead bool
	files     map[string]bool // tracked files, by slash path from root
	dirs      map[string]bool // directories with tracked files below them
}

// gitRepos finds and keeps the repositories of one run, and git's
// configuration, which they share.
type gitRepos struct {
	byRoot map[string]*gitRepo

	userRead     bool
	userExcludes string            // core.excludesFile of the user's configuration
	excludes     map[string][]rule // excludes files read, by path
}

func newGitRepos() *gitRepos {
	return &gitRepos{byRoot: map[string]*gitRepo{}, excludes: map[string][]rule{}}
}

// find returns the repository whose work tree holds dir (an absolute path
// without symbolic links), and dir's path from its top; nil outside a work
// tree. It looks for .git in dir and each directory above, as git does.
func (g *gitRepos) find(dir string) (*gitRepo, []string) {
	var rel []string
	for d := dir; ; {
		if r := g.open(d); r != nil {
			slices.Reverse(rel)
			return r, rel
		}
		parent := filepath.Dir(d)
		if parent == d {
			return nil, nil
		}
		rel = append(rel, filepath.Base(d))
		d = parent
	}
}

// open returns the repository whose top is dir, or nil if dir holds no
// .git: a directory, or a file "gitdir: path" as in a linked worktree or a
// submodule.
func (g *gitRepos) open(dir string) *gitRepo {
	if r, ok := g.byRoot[dir]; ok {
		return r
	}
	gitDir := filepath.Join(dir, ".git")
	fi, err := os.Lstat(gitDir)
	if err != nil {
		return nil
	}
	if !fi.IsDir() {
		if !fi.Mode().IsRegular() {
			return nil
		}
		if gitDir = readGitFile(gitDir); gitDir == "" {
			// Not a gitfile: git would not take dir for a work tree.
			return nil
		}
	}
	// A linked worktree shares info/exclude and config with the main
	// one, in the directory its commondir names.
	common := gitDir
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		if c := strings.TrimRight(string(b), "\r\n"); c != "" {
			if !filepath.IsAbs(c) {
				c = filepath.Join(gitDir, c)
			}
			common = c
		}
	}
	r := &gitRepo{root: dir, gitDir: gitDir}
	// Clipped: an excludes file's rules are shared by the repositories
	// that read it.
	r.base = append(slices.Clip(g.excludesFile(dir, filepath.Join(common, "config"))), readRules(filepath.Join(common, "info", "exclude"), nil)...)
	g.byRoot[dir] = r
	return r
}

// readGitFile returns the git directory that a .git file names, or "".
func readGitFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(b), "\n")
	dir, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), "gitdir: ")
	if !ok || dir == "" {
		return ""
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(filepath.Dir(path), dir)
	}
	return dir
}

// excludesFile returns the rules of the core.excludesFile that applies to
// the repository at root with the given config file: its own setting,
// else the user's, else git's default, $XDG_CONFIG_HOME/git/ignore.
func (g *gitRepos) excludesFile(root, config string) []rule {
	if !g.userRead {
		g.userRead = true
		// Later files win, as in git: the XDG file, then ~/.gitconfig.
		for _, f := range []string{g.xdgFile("config"), g.homeFile(".gitconfig")} {
			if v, ok := configExcludesFile(f); ok {
				g.userExcludes = v
			}
		}
	}
	path := g.userExcludes
	if v, ok := configExcludesFile(config); ok {
		path = v
	}
	switch {
	case path == "":
		path = g.xdgFile("ignore")
	case path == "~" || strings.HasPrefix(path, "~/"):
		path = g.homeFile(path[1:])
	case !filepath.IsAbs(path):
		// git reads it from the top of the work tree.
		path = filepath.Join(root, path)
	}
	if path == "" {
		return nil
	}
	rules, ok := g.excludes[path]
	if !ok {
		rules = readRules(path, nil)
		g.excludes[path] = rules
	}
	return rules
}

// homeFile is the file at name in the home directory, or "" when $HOME is
// not set: then, as for git, there is none.
func (g *gitRepos) homeFile(name string) string {
	home := os.Getenv("HOME")
	if home == "" {
		return ""
	}
	return filepath.Join(home, name)
}

// xdgFile is git's file name in $XDG_CONFIG_HOME, by default in
// ~/.config/git; "" if there is none.
func (g *gitRepos) xdgFile(name string) string {
	if x := os.Getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "git", name)
	}
	return g.homeFile(filepath.Join(".config", "git", name))
}

// configExcludesFile returns core.excludesFile as the git config file at
// path sets it, and whether it does.
func configExcludesFile(path string) (string, bool) {
	src, err := os.ReadFile(path)
	if err != nil {
		return "", false
	}
	cfg := gitconfig.New()
	if err := gitconfig.NewDecoder(bytes.NewReader(src)).Decode(cfg); err != nil {
		return "", false
	}
	core := cfg.Section("core")
	if !core.HasOption("excludesFile") {
		return "", false
	}
	return core.Option("excludesFile"), true
}

// tracked reports whether the index of r has path (names from the top of
// the work tree): the file, or for a directory, anything inside it.
func (r *gitRepo) tracked(path []string, isDir bool) bool {
	if !r.indexRead {
		r.readIndex()
	}
	p := strings.Join(path, "/")
	if isDir {
		return r.dirs[p] || r.files[p] // a submodule is an entry
	}
	return r.files[p]
}

// readIndex reads which paths the index tracks. An index that cannot be
// read tracks nothing, or what could be read of it: the ignore rules
// then stand alone.
func (r *gitRepo) readIndex() {
	r.indexRead = true
	r.files, r.dirs = map[string]bool{}, map[string]bool{}
	f, err := os.Open(filepath.Join(r.gitDir, "index"))
	if err != nil {
		return
	}
	defer f.Close()
	// On an error, such as an extension go-git does not know, the
	// entries read before it still count.
	var idx index.Index
	_ = index.NewDecoder(bufio.NewReader(f)).Decode(&idx)
	for _, e := range idx.Entries {
		// A sparse index holds a directory outside the sparse
		// checkout as one entry, "dir/".
		name := strings.TrimSuffix(e.Name, "/")
		r.files[name] = true
		for d := name; ; {
			i := strings.LastIndexByte(d, '/')
			if i < 0 || r.dirs[d[:i]] {
				break
			}
			d = d[:i]
			r.dirs[d] = true
		}
	}
}

// isGitEntry reports whether e, in a directory, makes that directory the
// top of a work tree.
func isGitEntry(e fs.DirEntry) bool {
	return e.Name() == ".git" && (e.IsDir() || e.Type().IsRegular())
}
