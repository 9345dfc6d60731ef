package main

import (
	"io"
	"io/fs"
	"os"
)

// The file system as dfmt uses it. Every call that can fail under a user's
// feet (an unreadable file, a directory that cannot be listed, a full disk,
// a failed rename) goes through one of these variables so that tests can
// inject the failure: running as root, as CI does, a chmod does not make a
// file unreadable. Nothing but tests assigns them.
var (
	openFile   = func(name string) (inputFile, error) { return os.Open(name) }
	readDir    = os.ReadDir
	createTemp = func(dir, pattern string) (tempFile, error) { return os.CreateTemp(dir, pattern) }
	rename     = os.Rename
)

// inputFile is a file opened for reading; *os.File is one.
type inputFile interface {
	io.ReadCloser
	Stat() (fs.FileInfo, error)
}

// tempFile is the temporary file that -w writes before renaming it over
// the original; *os.File is one.
type tempFile interface {
	io.WriteCloser
	Name() string
	Sync() error
	Chmod(fs.FileMode) error
	Chown(uid, gid int) error
}
