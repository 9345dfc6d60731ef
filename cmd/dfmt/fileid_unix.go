//go:build unix

package main

import (
	"io/fs"
	"syscall"
)

// fileID is what os.SameFile compares on this system: the device and the
// inode.
type fileID struct{ dev, ino uint64 }

// idOf is the identity of the file described by fi, or false if fi does
// not carry one.
func idOf(fi fs.FileInfo) (fileID, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{uint64(st.Dev), uint64(st.Ino)}, true
}
