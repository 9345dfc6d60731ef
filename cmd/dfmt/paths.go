package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

// isDockerfileName reports whether a walk formats a file of this name:
// Dockerfile, Containerfile, *.Dockerfile, *.dockerfile, Dockerfile.* and
// Containerfile.*. Ignore files are never Dockerfiles, even when BuildKit's
// per-Dockerfile naming (Dockerfile.dockerignore, app.Dockerfile.dockerignore)
// makes them match a pattern.
func isDockerfileName(name string) bool {
	if strings.HasSuffix(name, ".dockerignore") {
		return false
	}
	return name == "Dockerfile" || name == "Containerfile" ||
		strings.HasSuffix(name, ".Dockerfile") || strings.HasSuffix(name, ".dockerfile") ||
		strings.HasPrefix(name, "Dockerfile.") || strings.HasPrefix(name, "Containerfile.")
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
