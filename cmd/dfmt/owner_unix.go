//go:build unix

package main

import (
	"io/fs"
	"syscall"
)

// owner is the user and group owning the file described by fi.
func owner(fi fs.FileInfo) (uid, gid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(st.Uid), int(st.Gid), true
}

// writable reports, as an error, whether this process may write the file
// at path. -w replaces a file by renaming, which needs only the
// directory's permission; checking the file's keeps a read-only file
// read-only, as gofmt (which opens it for writing) does.
func writable(path string) error {
	if err := syscall.Access(path, 2 /* W_OK */); err != nil {
		return &fs.PathError{Op: "access", Path: path, Err: err}
	}
	return nil
}
