package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dfmt/dfmt/format"
)

// formatSource is format.Source; unit tests of the command's own
// machinery (writing, reading, ordering) swap in a stand-in so that they do
// not hang on the details of the style.
var formatSource = format.Source

var (
	errNotRegular = errors.New("not a regular file")
	errChanged    = errors.New("changed while being formatted")
)

// runPaths formats paths ("-" for standard input) in parallel and prints
// the results in order. It returns the exit status.
func (c *config) runPaths(paths []string, stdout, stderr io.Writer) int {
	s := newScheduler(c.process, stdout, stderr)
	name := stdinName
	if c.stdinPath != "" {
		name = c.stdinPath
	}
	c.addJobs(paths, name, s.add)
	status := s.wait()
	if n := s.skipped; n > 0 && !c.verbose {
		// After everything else: it is about the run, not one file.
		if n == 1 {
			fmt.Fprintln(stderr, "dfmt: skipped 1 file that is not a Dockerfile (-v names it)")
		} else {
			fmt.Fprintf(stderr, "dfmt: skipped %d files that are not Dockerfiles (-v names them)\n", n)
		}
	}
	return status
}

// process formats one job; it runs on a worker.
func (c *config) process(j *job) {
	var errBuf bytes.Buffer
	defer func() {
		// Messages written by refactors come before the job's own error.
		if errBuf.Len() > 0 {
			j.errOut = append(errBuf.Bytes(), j.errOut...)
		}
	}()

	if c.write && !j.stdin {
		// -w refuses anything but a regular file, and checks before it
		// opens: opening a FIFO would block until someone writes to it.
		fi, err := os.Stat(j.path)
		if err != nil {
			j.fail(err)
			return
		}
		if !fi.Mode().IsRegular() {
			j.fail(errNotRegular)
			return
		}
	}

	var (
		src  []byte
		info fs.FileInfo
		err  error
	)
	if j.stdin {
		src, err = io.ReadAll(c.stdin)
	} else {
		src, info, err = readSource(j.path)
	}
	if err != nil {
		j.fail(err)
		return
	}
	if len(src) > bigFile {
		gcForBigFiles()
	}
	if !j.explicit && !j.stdin && !isExactDockerfileName(filepath.Base(j.path)) {
		// The walk took the file for its name; its content has the last
		// word, before anything else can call it an error.
		if why := notDockerfile(src); why != "" {
			j.skip(why, c.verbose)
			return
		}
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		// BuildKit's parser would take the bytes, but no Dockerfile holds
		// a NUL: the file is binary (most likely named on the command line
		// by mistake), and formatting it could only damage it.
		line, col := position(src, i)
		j.fail(&format.Error{Line: line, Col: col, Msg: "binary file: contains a nul byte"})
		return
	}

	opts, err := c.options(j)
	if err != nil {
		j.fail(err)
		return
	}
	in, err := applyRefactors(src, c.refactors, j.path, &errBuf)
	if err != nil {
		j.fail(err)
		return
	}
	res, err := formatSource(in, opts)
	if err != nil {
		j.fail(err)
		return
	}

	quiet := c.list || c.diff || c.check || c.write
	if bytes.Equal(src, res) {
		if !quiet {
			j.out = res
		}
		return
	}
	if c.list || c.check {
		j.out = append(j.out, j.path...)
		j.out = append(j.out, '\n')
	}
	if c.list || c.diff || c.check {
		j.status = exitDiffers
	}
	if c.write {
		if err := writeFile(j.path, j.explicit, info, src, res); err != nil {
			j.fail(err)
		}
	}
	if c.diff {
		name := filepath.ToSlash(j.path)
		j.out = append(j.out, unifiedDiff(name+".orig", name, src, res)...)
	}
	if !quiet {
		j.out = res
	}
}

// options is the indentation for j: the flags' if given, else what the
// .editorconfig files around the file say. Standard input has an
// .editorconfig only when --stdin-filepath names it.
func (c *config) options(j *job) (format.Options, error) {
	if c.flagOpts != nil {
		return *c.flagOpts, nil
	}
	if j.stdin && c.stdinPath == "" {
		return format.Options{}, nil
	}
	abs, err := filepath.Abs(j.path)
	if err != nil {
		return format.Options{}, err
	}
	return c.ec.options(j.path, abs)
}

// readSource reads the file at path once, with one open descriptor, and
// returns its bytes and the FileInfo of the descriptor it read.
func readSource(path string) ([]byte, fs.FileInfo, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if fi.IsDir() {
		// Only when a file became a directory after the walk saw it.
		return nil, nil, errors.New("is a directory")
	}
	size := fi.Size()
	if !fi.Mode().IsRegular() || int64(int(size)) != size || size+1 <= 0 {
		// A pipe or device named on the command line (as with
		// dfmt <(cmd)): its size means nothing, so read to the end.
		src, err := io.ReadAll(f)
		return src, fi, err
	}

	// Read size+1 bytes so that a file that changes under us is noticed:
	// reading more than size bytes means it grew, fewer that it shrank.
	// Either way someone is editing it, and formatting half an edit, let
	// alone writing it back with -w, would lose their change, so stop.
	// (This is the check gofmt makes in readFile.)
	src := make([]byte, size+1)
	n, err := io.ReadFull(f, src)
	switch err {
	case nil, io.EOF, io.ErrUnexpectedEOF:
	default:
		return nil, nil, err
	}
	if int64(n) != size {
		more := ""
		if int64(n) > size {
			more = "at least "
		}
		return nil, nil, fmt.Errorf("changed size while being read (from %d to %s%d bytes)", size, more, n)
	}
	return src[:n], fi, nil
}

// position is the 1-based line and byte column of offset i in src.
func position(src []byte, i int) (line, col int) {
	line = 1 + bytes.Count(src[:i], []byte("\n"))
	col = i + 1 - (bytes.LastIndexByte(src[:i], '\n') + 1)
	return line, col
}

// message is the line dfmt prints for err in the file at path:
// "path:line:col: message" for a fault in the file, "path: message" for
// one in reading or writing it. System errors lose the operation and path
// that os repeats ("open x: "), since path already says which file.
func message(path string, err error) string {
	var fe *format.Error
	if errors.As(err, &fe) {
		return fmt.Sprintf("%s:%d:%d: %s", path, fe.Line, fe.Col, fe.Msg)
	}
	return path + ": " + errText(err)
}

// errText is err without the "op path: " prefix that os errors carry.
func errText(err error) string {
	var (
		pe *fs.PathError
		le *os.LinkError
		se *os.SyscallError
		we *writeError
	)
	switch {
	case errors.As(err, &we):
		return "not written: " + errText(we.err)
	case errors.As(err, &pe):
		return pe.Err.Error()
	case errors.As(err, &le):
		return le.Err.Error()
	case errors.As(err, &se):
		return se.Err.Error()
	}
	return err.Error()
}
