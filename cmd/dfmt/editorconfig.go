package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/dfmt/dfmt/format"
)

// This file reads the indentation of a file from EditorConfig
// (https://editorconfig.org): the .editorconfig files in the file's
// directory and its parents, up to one that says root = true. Only
// indent_style, indent_size and tab_width matter to dfmt; a flag (-i or
// --tabs) given on the command line wins over all of them.

// editorConfigs finds and caches the parsed .editorconfig of each
// directory, so that a walk over thousands of files reads each one once.
// It is safe for concurrent use.
type editorConfigs struct {
	mu   sync.Mutex
	dirs map[string]*ecDir
}

type ecDir struct {
	once sync.Once
	file *ecFile // nil if the directory has none
	err  error
}

func newEditorConfigs() *editorConfigs {
	return &editorConfigs{dirs: make(map[string]*ecDir)}
}

// load returns the parsed .editorconfig of dir, or nil if it has none.
func (c *editorConfigs) load(dir string) (*ecFile, error) {
	c.mu.Lock()
	d := c.dirs[dir]
	if d == nil {
		d = new(ecDir)
		c.dirs[dir] = d
	}
	c.mu.Unlock()
	d.once.Do(func() {
		data, err := os.ReadFile(filepath.Join(dir, ".editorconfig"))
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			// Formatting with the wrong indentation would be worse
			// than not formatting: the file fails.
			d.err = err
		default:
			d.file = parseEditorConfig(data)
		}
	})
	return d.file, d.err
}

// options is the indentation EditorConfig gives the file at abs, an
// absolute path, with format.Options' defaults for what it leaves unset.
// name is the file as named in messages. The warnings say which values in
// effect dfmt could not use, as "path:line: message" with the
// .editorconfig named relative to name.
func (c *editorConfigs) options(name, abs string) (format.Options, []string, error) {
	type found struct {
		dir  string
		file *ecFile
	}
	// ecName names the .editorconfig of dir relative to the file as the
	// user named it.
	ecName := func(dir string) string {
		rel, _ := filepath.Rel(filepath.Dir(abs), dir)
		return filepath.Join(filepath.Dir(name), rel, ".editorconfig")
	}
	var chain []found // closest first
	for dir := filepath.Dir(abs); ; {
		f, err := c.load(dir)
		if err != nil {
			return format.Options{}, nil, fmt.Errorf("cannot read %s: %s", ecName(dir), errText(err))
		}
		if f != nil {
			chain = append(chain, found{dir, f})
			if f.root {
				break
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	// The farthest file first, so that closer files, and later sections
	// within a file, override.
	props := make(map[string]string)
	type place struct {
		ec   string // the .editorconfig, as named in messages
		line int
	}
	from := make(map[string]place) // key -> where its value was set
	for i := len(chain) - 1; i >= 0; i-- {
		rel, err := filepath.Rel(chain[i].dir, abs)
		if err != nil {
			continue
		}
		rel = filepath.ToSlash(rel)
		for _, s := range chain[i].file.sections {
			if s.match(rel) {
				for _, p := range s.props {
					props[p.key] = p.value
					from[p.key] = place{ecName(chain[i].dir), p.line}
				}
			}
		}
	}
	opts, bad := ecOptions(props)
	// In the order of the files, farthest first, and of their lines.
	slices.SortFunc(bad, func(a, b string) int {
		if from[a].ec != from[b].ec {
			return len(from[a].ec) - len(from[b].ec)
		}
		return from[a].line - from[b].line
	})
	var warnings []string
	for _, k := range bad {
		warnings = append(warnings, fmt.Sprintf("%s:%d: warning: %s = %s: %s; using the default",
			from[k].ec, from[k].line, k, props[k], ecWants[k]))
	}
	return opts, warnings, nil
}

// ecWants says, for each property dfmt reads, what values it can use.
var ecWants = map[string]string{
	"indent_style": "want tab, space or unset",
	"indent_size":  fmt.Sprintf("want a number from %d to %d, tab or unset", minIndent, maxIndent),
	"tab_width":    fmt.Sprintf("want a number from %d to %d or unset", minIndent, maxIndent),
}

// ecOptions maps EditorConfig properties to format.Options. A value that
// is "unset", unknown or out of range leaves the default, as EditorConfig
// asks of values a tool does not understand; bad lists, in a fixed order,
// the properties whose values are unknown or out of range.
func ecOptions(props map[string]string) (o format.Options, bad []string) {
	switch style := props["indent_style"]; style {
	case "tab":
		o.Tabs = true
	case "", "space", "unset":
	default:
		bad = append(bad, "indent_style")
	}
	key := "indent_size"
	size := props[key]
	if size == "tab" {
		// The width of a tab stands for the indent width.
		key = "tab_width"
		size = props[key]
	}
	switch n, err := strconv.Atoi(size); {
	case err == nil && n >= minIndent && n <= maxIndent:
		o.Indent = n
	case size == "" || size == "unset":
	default:
		bad = append(bad, key)
	}
	return o, bad
}

// ecFile is one parsed .editorconfig.
type ecFile struct {
	root     bool
	sections []*ecSection
}

// ecSection is one [glob] section.
type ecSection struct {
	glob  string
	props []ecProp

	re *regexp.Regexp // nil if the glob cannot match anything
	// ranges holds the bounds of each {num1..num2} in the glob, one per
	// capture group of re, in order.
	ranges [][2]int
	// base is set for a glob without "/": it matches the file's name in
	// any directory below the .editorconfig.
	base bool
}

type ecProp struct {
	key, value string
	line       int // 1-based, in its .editorconfig
}

// parseEditorConfig parses an .editorconfig file. Like the reference
// implementations it never fails: lines it does not understand are
// ignored. Keys, and the values dfmt reads, are case insensitive; section
// globs are not.
func parseEditorConfig(data []byte) *ecFile {
	f := new(ecFile)
	var cur *ecSection
	text := strings.TrimPrefix(string(data), "\ufeff")
	n := 0
	for line := range strings.Lines(text) {
		n++
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			if end := strings.LastIndexByte(line, ']'); end > 0 {
				cur = newSection(line[1:end])
				f.sections = append(f.sections, cur)
			}
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		value = strings.ToLower(strings.TrimSpace(value))
		if cur == nil {
			// The preamble: only root means anything there.
			if key == "root" {
				f.root = value == "true"
			}
			continue
		}
		cur.props = append(cur.props, ecProp{key, value, n})
	}
	return f
}

func newSection(glob string) *ecSection {
	s := &ecSection{glob: glob}
	g := glob
	if strings.HasPrefix(g, "/") {
		g = g[1:]
	} else if !globHasSlash(g) {
		s.base = true
	}
	re, err := regexp.Compile("^" + globRegexp(g, &s.ranges) + "$")
	if err == nil {
		s.re = re
	}
	return s
}

// match reports whether the section applies to the file at rel, its path
// relative to the directory of the .editorconfig, with "/" separators.
func (s *ecSection) match(rel string) bool {
	if s.re == nil {
		return false
	}
	name := rel
	if s.base {
		name = path.Base(rel)
	}
	m := s.re.FindStringSubmatch(name)
	if m == nil {
		return false
	}
	for i, r := range s.ranges {
		n, err := strconv.Atoi(m[i+1])
		if err != nil || n < r[0] || n > r[1] {
			return false
		}
	}
	return true
}

// globHasSlash reports whether glob has a "/" outside brackets: such a glob
// is a path relative to the .editorconfig rather than a file name.
func globHasSlash(glob string) bool {
	for i := 0; i < len(glob); i++ {
		switch glob[i] {
		case '\\':
			i++
		case '[':
			if end := classEnd(glob, i); end >= 0 && !strings.Contains(glob[i:end], "/") {
				i = end
			}
		case '/':
			return true
		}
	}
	return false
}

var numRange = regexp.MustCompile(`^([+-]?[0-9]+)\.\.([+-]?[0-9]+)$`)

// globRegexp translates an EditorConfig glob to a regular expression:
//
//   - any characters but "/"
//     **         any characters
//     /**/       also a single "/" (zero directories)
//     ?          one character but "/"
//     [abc] [!abc] [a-z]  one character in (or not in) the set
//     {a,b,c}    any of the alternatives, which may nest
//     {n1..n2}   an integer from n1 to n2, checked after matching
//     \c         c itself
//
// Every {n1..n2} appends its bounds to ranges and becomes a capture group;
// every other group is non-capturing.
func globRegexp(glob string, ranges *[][2]int) string {
	var b strings.Builder
	for i := 0; i < len(glob); i++ {
		c := glob[i]
		switch c {
		case '\\':
			if i+1 < len(glob) {
				i++
				b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
			} else {
				b.WriteString(`\\`)
			}
		case '*':
			if i+1 < len(glob) && glob[i+1] == '*' {
				i++
				if (i == 1 || glob[i-2] == '/') && i+1 < len(glob) && glob[i+1] == '/' {
					i++
					b.WriteString("(?:.*/)?")
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '[':
			end := classEnd(glob, i)
			if end < 0 || strings.Contains(glob[i:end], "/") {
				b.WriteString(`\[`)
				continue
			}
			body := glob[i+1 : end]
			b.WriteByte('[')
			if body != "" && (body[0] == '!' || body[0] == '^') {
				b.WriteByte('^')
				body = body[1:]
			}
			for k := 0; k < len(body); k++ {
				switch ch := body[k]; ch {
				case '\\':
					if k+1 < len(body) {
						k++
					}
					b.WriteString(`\` + body[k:k+1])
				case '[', ']', '^':
					b.WriteString(`\` + string(ch))
				default:
					b.WriteByte(ch)
				}
			}
			b.WriteByte(']')
			i = end
		case '{':
			end := braceEnd(glob, i)
			if end < 0 {
				b.WriteString(`\{`)
				continue
			}
			body := glob[i+1 : end]
			i = end
			if m := numRange.FindStringSubmatch(body); m != nil {
				lo, _ := strconv.Atoi(m[1])
				hi, _ := strconv.Atoi(m[2])
				*ranges = append(*ranges, [2]int{min(lo, hi), max(lo, hi)})
				b.WriteString(`([+-]?[0-9]+)`)
				continue
			}
			alts := splitAlternatives(body)
			if len(alts) == 1 {
				// {word} is no choice: the braces are literal.
				b.WriteString(`\{` + globRegexp(body, ranges) + `\}`)
				continue
			}
			b.WriteString("(?:")
			for k, alt := range alts {
				if k > 0 {
					b.WriteByte('|')
				}
				b.WriteString(globRegexp(alt, ranges))
			}
			b.WriteByte(')')
		default:
			b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		}
	}
	return b.String()
}

// classEnd is the index of the "]" closing the "[" at glob[i], or -1.
func classEnd(glob string, i int) int {
	for k := i + 1; k < len(glob); k++ {
		switch glob[k] {
		case '\\':
			k++
		case ']':
			if k > i+1 {
				return k
			}
		}
	}
	return -1
}

// braceEnd is the index of the "}" closing the "{" at glob[i], or -1.
func braceEnd(glob string, i int) int {
	depth := 0
	for k := i; k < len(glob); k++ {
		switch glob[k] {
		case '\\':
			k++
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}

// splitAlternatives splits the body of {a,b,c} at its top-level commas.
func splitAlternatives(body string) []string {
	var alts []string
	depth, start := 0, 0
	for k := 0; k < len(body); k++ {
		switch body[k] {
		case '\\':
			k++
		case '{':
			depth++
		case '}':
			depth--
		case ',':
			if depth == 0 {
				alts = append(alts, body[start:k])
				start = k + 1
			}
		}
	}
	return append(alts, body[start:])
}
