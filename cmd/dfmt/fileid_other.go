//go:build !unix

package main

import "io/fs"

// fileID is empty where the system's file identity is not in FileInfo.Sys;
// fileSet then compares with os.SameFile one by one.
type fileID struct{}

func idOf(fi fs.FileInfo) (fileID, bool) { return fileID{}, false }
