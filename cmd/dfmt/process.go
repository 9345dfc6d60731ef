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

// formatSource is format.Format; unit tests of the command's own
// machinery (writing, reading, ordering) swap in a stand-in so that they do
// not hang on the details of the style.
var formatSource = format.Format

var (
	errNotRegular = errors.New("not a regular file")
	errChanged    = errors.New("changed while being formatted")
)

// runPaths formats paths ("-" for standard input) in parallel and prints
// the results in order. It returns the exit status.
func (c *config) runPaths(paths []string, stdout, stderr io.Writer) int {
	s := newScheduler(c.process, stdout, stderr)
	add := s.add
	if c.annotate {
		// A job that failed before it was scheduled (a path that does
		// not exist, a directory that cannot be read) is never
		// processed, and process annotates the errors of the others.
		add = func(j *job) {
			c.annotateErrors(j)
			s.add(j)
		}
	}
	name := stdinName
	if c.stdinPath != "" {
		name = c.stdinPath
	}
	c.addJobs(paths, name, add)
	status := s.wait()
	// After everything else: these are about the run, not one file.
	if n := s.skipped; n > 0 && !c.verbose {
		if n == 1 {
			fmt.Fprintln(stderr, "dfmt: skipped 1 file that is not a Dockerfile (-v names it)")
		} else {
			fmt.Fprintf(stderr, "dfmt: skipped %d files that are not Dockerfiles (-v names them)\n", n)
		}
	}
	if s.skippedSites > 0 && !c.verbose {
		fmt.Fprintln(stderr, skipSummary(s.skippedSites))
	}
	return status
}

// process formats one job; it runs on a worker.
func (c *config) process(j *job) {
	var warnBuf, errBuf bytes.Buffer
	defer func() {
		// The file's warnings come first, then the messages written by
		// refactors, then the job's own error.
		if warnBuf.Len()+errBuf.Len() > 0 {
			warnBuf.Write(errBuf.Bytes())
			j.errOut = append(warnBuf.Bytes(), j.errOut...)
		}
		if c.annotate {
			c.annotateErrors(j)
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

	opts, ecWarnings, err := c.options(j)
	j.shared = ecWarnings
	if err != nil {
		j.fail(err)
		return
	}
	in, skipped, err := applyRefactors(src, c.refactors, c.refactorOptions(j), j.path, c.verbose, &errBuf)
	j.skippedSites = skipped
	if err != nil {
		j.fail(err)
		return
	}
	fres, err := formatSource(in, opts)
	if err != nil {
		j.fail(err)
		return
	}
	res := fres.Out
	warnings := fres.Warnings
	if len(c.refactors) > 0 && !bytes.Equal(in, src) {
		// The refactors may have moved lines: the warnings must name the
		// lines of the file as the author has it. (A refactor leaves
		// comments alone, so the warnings are the same ones.)
		warnings = format.Warnings(src)
	}
	for _, w := range warnings {
		fmt.Fprintf(&warnBuf, "%s:%d:%d: warning: %s\n", j.path, w.Line, w.Col, w.Msg)
	}

	quiet := c.list || c.diff || c.check || c.write
	if bytes.Equal(src, res) {
		if !quiet {
			j.out = res
		}
		return
	}
	var lines []diffLine
	if c.diff || c.annotate {
		lines = diffLines(string(src), string(res))
	}
	if c.list || c.check {
		j.out = append(j.out, j.path...)
		j.out = append(j.out, '\n')
	}
	if c.annotate {
		c.addAnnotations(j, diffAnnotations(c.annotationName(j), lines))
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
		j.out = append(j.out, formatDiff(name+".orig", name, lines)...)
	}
	if !quiet {
		j.out = res
	}
}

// options is the indentation for j: the flags' if given, else what the
// .editorconfig files around the file say, with warnings about values
// there that dfmt cannot use. Standard input has an .editorconfig only
// when --stdin-filepath names it.
func (c *config) options(j *job) (format.Options, []string, error) {
	if c.flagOpts != nil {
		return *c.flagOpts, nil, nil
	}
	if j.stdin && c.stdinPath == "" {
		return format.Options{}, nil, nil
	}
	abs, err := filepath.Abs(j.path)
	if err != nil {
		return format.Options{}, nil, err
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
