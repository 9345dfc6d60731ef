package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dfmt/dfmt/format"
)

// GitHub workflow commands (--annotate): lines such as
//
//	::error file=app/Dockerfile,line=3,endLine=4,title=dfmt::not formatted ...
//
// that a GitHub Actions runner, reading a step's output, turns into
// annotations on the lines of the pull request. They are printed only with
// -l, -d or --check: the plain and -w modes print no report to annotate,
// and the formatted text on standard output must stay just that.

// annotateTitle is the title of the annotations for a file that differs.
const annotateTitle = "dfmt"

// annotateErrors annotates each error of j.
func (c *config) annotateErrors(j *job) {
	for _, err := range j.errs {
		c.addAnnotations(j, errorAnnotation(c.annotationName(j), err))
	}
}

// addAnnotations adds the commands a to the output of j: standard output
// with -l and --check, after the path; standard error with -d.
func (c *config) addAnnotations(j *job, a []byte) {
	if c.annotateStderr {
		j.errOut = append(j.errOut, a...)
	} else {
		j.out = append(j.out, a...)
	}
}

// annotationName is the file property of j's annotations: its path with
// forward slashes, or "" for standard input not named by --stdin-filepath,
// which has no file in the repository to point at.
func (c *config) annotationName(j *job) string {
	if j.stdin && c.stdinPath == "" {
		return ""
	}
	return filepath.ToSlash(filepath.Clean(j.path))
}

// diffAnnotations returns one ::error command per region of the original
// file that formatting replaces: the hunks of the line diff that -d prints,
// without context. Its line and endLine are the region's first and last
// line in the original. A region that only inserts lines replaces none: it
// points at the line after which they go, or at line 1 for lines inserted
// at the top, since GitHub has no line 0.
func diffAnnotations(name string, lines []diffLine) []byte {
	msg := "not formatted as dfmt would format it"
	if name != "" {
		msg += "; run dfmt -w " + shellQuote(name)
	}
	var b strings.Builder
	for _, h := range hunks(lines, 0) {
		first, last := h.oldStart+1, h.oldStart+h.oldCount
		if h.oldCount == 0 {
			first = max(h.oldStart, 1)
			last = first
		}
		props := []string{
			fmt.Sprintf("line=%d", first),
			fmt.Sprintf("endLine=%d", last),
			"title=" + annotateTitle,
		}
		writeCommand(&b, name, props, msg)
	}
	return []byte(b.String())
}

// errorAnnotation is the ::error command for err in the file name: with
// the fault's line and column when it has them. Its message is the one
// dfmt prints on standard error, less the position.
func errorAnnotation(name string, err error) []byte {
	var (
		props []string
		msg   string
		fe    *format.Error
	)
	if errors.As(err, &fe) {
		msg = fe.Msg
		if fe.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", fe.Line))
			if fe.Col > 0 {
				props = append(props, fmt.Sprintf("col=%d", fe.Col))
			}
		}
	} else {
		msg = errText(err)
	}
	var b strings.Builder
	writeCommand(&b, name, props, msg)
	return []byte(b.String())
}

// writeCommand writes "::error file=NAME,PROPS::MSG\n", with name and msg
// escaped, leaving out the file property when name is "". The props are
// "key=value" pairs whose values need no escaping.
func writeCommand(b *strings.Builder, name string, props []string, msg string) {
	if name != "" {
		props = append([]string{"file=" + escapeProperty(name)}, props...)
	}
	b.WriteString("::error")
	if len(props) > 0 {
		b.WriteString(" " + strings.Join(props, ","))
	}
	b.WriteString("::")
	b.WriteString(escapeData(msg))
	b.WriteByte('\n')
}

// escapeData escapes a command's message as GitHub's toolkit does
// (escapeData in @actions/core), so that a "%" or a line end in it is
// read back as itself.
func escapeData(s string) string { return dataEscaper.Replace(s) }

var dataEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")

// escapeProperty escapes a property value as GitHub's toolkit does
// (escapeProperty in @actions/core): as escapeData, and also ":" and ",",
// which end a value.
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }

var propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")

// shellQuote quotes s for a POSIX shell if it needs it, so that the command
// a message suggests can be pasted as it is. A path that begins with "-"
// gets "./" first, lest dfmt take it for a flag.
func shellQuote(s string) string {
	if strings.HasPrefix(s, "-") {
		s = "./" + s
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+@=,:%", r)) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}
