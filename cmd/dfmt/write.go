package main

import (
	"io/fs"
	"os"
	"path/filepath"
)

// writeError is a failure to write a file with -w; the file was left as it
// was.
type writeError struct{ err error }

func (e *writeError) Error() string { return "not written: " + e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// writeFile replaces the file at path, whose bytes src were read with the
// FileInfo read, by res.
//
// The write is atomic: res goes to a temporary file in the same directory,
// which is synced and then renamed over the original, so a crash or a full
// disk leaves the old file or the new one, never a mix, and on any error
// the original is untouched and the temporary file removed. The new file
// gets the old one's permission bits (and owner, where the system lets us).
//
// Decisions, so that the README can state them:
//
//   - Symbolic links. A link named on the command line (follow) is
//     followed, as gofmt does (it opens the name for writing, which writes
//     through the link): the file it points to is replaced and the link is
//     left as it is, still pointing to it. Links found by a walk are never
//     formatted, so a link seen here otherwise means the file was swapped
//     for a link after it was read, and nothing is written.
//
//   - Hard links. gofmt rewrites a file in place through a backup copy and
//     so keeps its hard links, but an in-place write is not atomic, and
//     the README's Usage section promises that a crash leaves the old file
//     or the new one. dfmt renames, like sed -i and shfmt: the name given is
//     the new file, and other names of the old file keep the old text.
//
//   - Only a regular file that this process may write is written: the
//     rename needs only the directory's permission, but a read-only file
//     stays read-only, as with gofmt.
//
//   - A file whose identity, size or modification time changed since it
//     was read (someone is editing it) is not written, so that their edit
//     is not lost.
func writeFile(path string, follow bool, read fs.FileInfo, src, res []byte) error {
	target := path
	fi, err := os.Lstat(path)
	if err != nil {
		return &writeError{err}
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if !follow {
			return &writeError{errChanged}
		}
		if target, err = filepath.EvalSymlinks(path); err != nil {
			return &writeError{err}
		}
		if fi, err = os.Lstat(target); err != nil {
			return &writeError{err}
		}
	}
	if !fi.Mode().IsRegular() {
		return &writeError{errNotRegular}
	}
	if !unchanged(fi, read, int64(len(src))) {
		return &writeError{errChanged}
	}
	if err := writable(target); err != nil {
		return &writeError{err}
	}

	tmp, err := createTemp(filepath.Dir(target), "."+filepath.Base(target)+".dfmt-*")
	if err != nil {
		return &writeError{err}
	}
	closed := false
	fail := func(err error) error {
		if !closed {
			tmp.Close()
		}
		os.Remove(tmp.Name())
		return &writeError{err}
	}
	if uid, gid, ok := owner(fi); ok && (uid != os.Geteuid() || gid != os.Getegid()) {
		// Best effort: only root may give a file away. Before Chmod,
		// since chown clears the set-user-ID bit.
		_ = tmp.Chown(uid, gid)
	}
	perm := fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	if err := tmp.Chmod(perm); err != nil {
		return fail(err)
	}
	if _, err := tmp.Write(res); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	closed = true
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	// Look once more, as late as possible, for an edit made while we
	// formatted.
	if now, err := os.Lstat(target); err != nil {
		return fail(err)
	} else if !unchanged(now, fi, fi.Size()) {
		return fail(errChanged)
	}
	if err := rename(tmp.Name(), target); err != nil {
		return fail(err)
	}
	// Make the rename itself durable. Not all file systems can sync a
	// directory, and the file is written by now, so an error is ignored.
	if d, err := os.Open(filepath.Dir(target)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// unchanged reports whether now is the same file as before, of size size
// and not modified since.
func unchanged(now, before fs.FileInfo, size int64) bool {
	return before != nil && os.SameFile(now, before) && now.Size() == size &&
		now.ModTime().Equal(before.ModTime())
}
