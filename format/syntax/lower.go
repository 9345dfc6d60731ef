package syntax

// This file lowers an instruction to what BuildKit sees. The functions
// mirror github.com/moby/buildkit/frontend/dockerfile/parser (v0.34.x,
// files split_command.go and line_parsers.go, Apache-2.0) quirk for quirk,
// without its regular expressions, and return byte spans into the joined
// line so that the printer splits text exactly where BuildKit does.

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lowered is BuildKit's view of an instruction, shaped like parser.Node:
// Value is the keyword as written, Next the chain of arguments, Children
// the instruction under ONBUILD. What BuildKit records of a whole
// instruction is in Instruction, set on an instruction's first node only
// (nil on the argument nodes, which are most nodes: keeping them small
// keeps parsing fast).
type Lowered struct {
	Value    string
	Next     *Lowered
	Children []*Lowered
	*Instruction
}

// Instruction is what BuildKit's parser.Node holds of a whole instruction.
type Instruction struct {
	Heredocs    []Heredoc
	Original    string
	Flags       []string
	StartLine   int
	EndLine     int
	PrevComment []string

	kw string // the keyword as BuildKit dispatches on it: lower case

	// Spans are where the words of ARG, ENV and LABEL lie in the joined
	// line, for the printer.
	Spans []Span

	JSON bool // the arguments were a JSON array (exec form)

	// Cmd is where the keyword, the flags and the arguments lie in the
	// joined line the instruction was lowered from (Node.Joined; an
	// ONBUILD's trigger lies in the ONBUILD's line). JSONTokens are the bracket, string and comma tokens of an
	// exec-form array (JSON set), and for HEALTHCHECK, HealthType is the
	// type word (CMD, NONE) and HealthCmd where the command starts.
	Cmd        Command
	JSONTokens []Span
	HealthType Span
	HealthCmd  int

	Legacy bool // ENV or LABEL in the "key value" form
}

// instrNode is an instruction's first node with its Instruction, made
// together (see fileParser.instrNode).
type instrNode struct {
	n  Lowered
	in Instruction
}

// Heredoc is a here-document attached to an instruction.
type Heredoc struct {
	Name           string
	FileDescriptor uint
	Expand         bool
	Chomp          bool
	Content        string
}

// Dump prints n in the s-expression form of BuildKit's Node.Dump, which
// BuildKit's parser test files hold as their expected results.
func (n *Lowered) Dump() string {
	var b strings.Builder
	b.WriteString(strings.ToLower(n.Value))
	if n.Instruction != nil && len(n.Flags) > 0 {
		fmt.Fprintf(&b, " %q", n.Flags)
	}
	for _, c := range n.Children {
		b.WriteByte('(')
		b.WriteString(c.Dump())
		b.WriteString(")\n")
	}
	for x := n.Next; x != nil; x = x.Next {
		b.WriteByte(' ')
		if len(x.Children) > 0 {
			b.WriteString(x.Dump())
		} else {
			b.WriteString(strconv.Quote(x.Value))
		}
	}
	return strings.TrimSpace(b.String())
}

// Keyword returns the instruction's keyword in lower case, as BuildKit
// dispatches on it.
func (n *Lowered) Keyword() string {
	if n.Instruction == nil || n.kw == "" && n.Value != "" {
		return LowerKeyword(n.Value)
	}
	return n.kw
}

// Args returns the values of the Next chain.
func (n *Lowered) Args() []string {
	var out []string
	for x := n.Next; x != nil; x = x.Next {
		out = append(out, x.Value)
	}
	return out
}

var errNotStringArray = errors.New("when using json array syntax, arrays must be comprised of strings only")

// Span is a half-open byte range [s, e) of a joined line.
type Span struct{ S, E int }

// isWS reports the white space of BuildKit's reWhitespace, [\t\v\f\r ].
func isWS(c byte) bool {
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'
}

// trimSpan is strings.TrimSpace over line[s:e], returned as a span.
func trimSpan(line string, s, e int) (int, int) {
	for s < e && line[s] < utf8.RuneSelf && isSpace(rune(line[s])) {
		s++
	}
	for e > s && line[e-1] < utf8.RuneSelf && isSpace(rune(line[e-1])) {
		e--
	}
	if s < e && (line[s] >= utf8.RuneSelf || line[e-1] >= utf8.RuneSelf) {
		t := strings.TrimLeftFunc(line[s:e], unicode.IsSpace)
		s = e - len(t)
		t = strings.TrimRightFunc(t, unicode.IsSpace)
		e = s + len(t)
	}
	return s, e
}

// Fields splits line[s:e] at runs of [\t\v\f\r ], like
// reWhitespace.Split(text, n) for text without leading or trailing white
// space. With n = 2 the second span runs to e.
func Fields(line string, s, e, n int) []Span {
	c := n
	if c <= 0 {
		c = 4
	}
	out := make([]Span, 0, c)
	EachField(line, s, e, n, func(a, b int) { out = append(out, Span{a, b}) })
	return out
}

// EachField calls fn with each field of wsFields(line, s, e, n), in
// order, and returns how many there were.
func EachField(line string, s, e, n int, fn func(a, b int)) int {
	k, start := 0, s
	for i := s; i < e && (n <= 0 || k < n-1); i++ {
		if !isWS(line[i]) {
			continue
		}
		fn(start, i)
		k++
		for i < e && isWS(line[i]) {
			i++
		}
		start = i
		i--
	}
	fn(start, e)
	return k + 1
}

// Command is an instruction line split as splitCommand does.
type Command struct {
	Keyword    Span
	Flags      []Span // each flag word as written
	FlagValues []string
	Args       Span // the arguments, trimmed
}

// SplitCommand mirrors parser.SplitCommand over line[s:e].
func SplitCommand(line string, s, e int, esc byte) Command {
	s, e = trimSpan(line, s, e)
	// The keyword and the rest, as wsFields(line, s, e, 2) splits them.
	k := s
	for k < e && !isWS(line[k]) {
		k++
	}
	c := Command{Keyword: Span{s, k}, Args: Span{e, e}}
	if k < e {
		r := k
		for r < e && isWS(line[r]) {
			r++
		}
		c.Flags, c.FlagValues, c.Args.S = extractBuilderFlags(line, r, e, esc)
		c.Args.S, c.Args.E = trimSpan(line, c.Args.S, e)
	}
	return c
}

// extractBuilderFlags mirrors parser.extractBuilderFlags: the leading
// "--name[=value]" words of line[s:e]. It returns their spans and values and
// where the arguments start.
func extractBuilderFlags(line string, s, e int, esc byte) ([]Span, []string, int) {
	const (
		inSpaces = iota
		inWord
		inQuote
	)
	var spans []Span
	var words []string
	phase := inSpaces
	var sb strings.Builder
	quote := byte(0)
	blankOK := false
	start := s
	var ch byte
	for pos := s; pos <= e; pos++ {
		if pos != e {
			ch = line[pos]
		}
		if phase == inSpaces {
			if pos == e {
				break
			}
			if unicode.IsSpace(rune(ch)) {
				continue
			}
			if ch != '-' || pos+1 == e || line[pos+1] != '-' {
				return spans, words, pos
			}
			phase = inWord
			start = pos
		}
		if (phase == inWord || phase == inQuote) && pos == e {
			if w := sb.String(); w != "--" && (blankOK || len(w) > 0) {
				words = append(words, w)
				spans = append(spans, Span{start, pos})
			}
			break
		}
		if phase == inWord {
			if unicode.IsSpace(rune(ch)) {
				w := sb.String()
				phase = inSpaces
				if w == "--" {
					return spans, words, pos
				}
				if blankOK || len(w) > 0 {
					words = append(words, w)
					spans = append(spans, Span{start, pos})
				}
				sb.Reset()
				blankOK = false
				continue
			}
			if ch == '\'' || ch == '"' {
				quote = ch
				blankOK = true
				phase = inQuote
				continue
			}
			if ch == esc {
				if pos+1 == e {
					continue
				}
				pos++
				ch = line[pos]
			}
			sb.WriteRune(rune(ch))
			continue
		}
		if phase == inQuote {
			if ch == quote {
				phase = inWord
				continue
			}
			if ch == esc {
				if pos+1 == e {
					phase = inWord
					continue
				}
				pos++
				ch = line[pos]
			}
			sb.WriteRune(rune(ch))
		}
	}
	return spans, words, e
}

// plainWordByte reports an ASCII byte that parseWords passes over inside
// a word: no white space, quote or escape.
func plainWordByte(c, esc byte) bool {
	return c < utf8.RuneSelf && c != esc && c != '\'' && c != '"' && !isSpace(rune(c))
}

// parseWords mirrors parser.parseWords over line[s:e], returning each word
// and its span. BuildKit copies every rune of a word, quotes and escapes
// included, except an escape character that ends the input; so a word is
// its source text, rebuilt only where that differs (invalid UTF-8).
func parseWords(line string, s, e int, esc byte) ([]string, []Span) {
	const (
		inSpaces = iota
		inWord
		inQuote
	)
	var words []string
	var spans []Span
	phase := inSpaces
	quote := rune(0)
	blankOK := false
	var ch rune
	var w int
	start := s
	dropLast := false // an escape that ends the input is skipped
	escR := rune(esc)
	word := func(end int) {
		v := line[start:end]
		if dropLast {
			v = line[start : end-1]
		}
		if blankOK || len(v) > 0 {
			words = append(words, runeCopy(v))
			spans = append(spans, Span{start, end})
		}
	}
	for pos := s; pos <= e; pos += w {
		// Most bytes change nothing: skip them without decoding.
		switch phase {
		case inWord:
			for pos < e && plainWordByte(line[pos], esc) {
				pos++
			}
		case inQuote:
			for pos < e && line[pos] < utf8.RuneSelf && rune(line[pos]) != quote && (line[pos] != esc || quote == '\'') {
				pos++
			}
		}
		if pos != e {
			ch, w = decodeRune(line, pos, e)
		}
		if phase == inSpaces {
			if pos == e {
				break
			}
			if isSpace(ch) {
				continue
			}
			phase = inWord
			start = pos
			dropLast = false
		}
		if (phase == inWord || phase == inQuote) && pos == e {
			word(pos)
			break
		}
		if phase == inWord {
			if isSpace(ch) {
				phase = inSpaces
				word(pos)
				blankOK = false
				continue
			}
			if ch == '\'' || ch == '"' {
				quote = ch
				blankOK = true
				phase = inQuote
			}
			if ch == escR {
				if pos+w == e {
					dropLast = true
					continue
				}
				pos += w
				ch, w = decodeRune(line, pos, e)
			}
			continue
		}
		if phase == inQuote {
			if ch == quote {
				phase = inWord
			}
			if ch == escR && quote != '\'' {
				if pos+w == e {
					phase = inWord
					dropLast = true
					continue
				}
				pos += w
				ch, w = decodeRune(line, pos, e)
			}
		}
	}
	return words, spans
}

// decodeRune is utf8.DecodeRuneInString(line[pos:e]) with a fast path for
// ASCII.
func decodeRune(line string, pos, e int) (rune, int) {
	if c := line[pos]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(line[pos:e])
}

// isSpace is unicode.isSpace with a fast path for ASCII.
func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || uint32(r)-'\t' <= '\r'-'\t'
	}
	return unicode.IsSpace(r)
}

// runeCopy returns s as BuildKit's rune-by-rune copy makes it: each byte of
// invalid UTF-8 becomes U+FFFD.
func runeCopy(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var sb strings.Builder
	for _, r := range s {
		sb.WriteRune(r)
	}
	return sb.String()
}

// jsonArray parses line[s:e] as parser.parseJSON does. ok is false when the
// text is not a JSON array (then BuildKit takes it as shell form); err is
// set when it is an array of something other than strings, which BuildKit
// rejects. Spans gives the bracket, string and comma tokens.
func jsonArray(line string, s, e int) (vals []string, toks []Span, ok bool, err error) {
	t := strings.TrimLeftFunc(line[s:e], unicode.IsSpace)
	s = e - len(t)
	if !strings.HasPrefix(t, "[") {
		return nil, nil, false, nil
	}
	if vals, toks, ok := simpleJSONArray(line, s, e); ok {
		return vals, toks, true, nil
	}
	var arr []any
	if json.Unmarshal([]byte(t), &arr) != nil {
		return nil, nil, false, nil
	}
	for _, v := range arr {
		str, isStr := v.(string)
		if !isStr {
			return nil, nil, false, errNotStringArray
		}
		vals = append(vals, str)
	}
	// The text is valid JSON: find its tokens.
	for i := s; i < e; {
		switch c := line[i]; c {
		case ' ', '\t', '\n', '\r':
			i++
		case '"':
			j := i + 1
			for line[j] != '"' {
				if line[j] == '\\' {
					j++
				}
				j++
			}
			toks = append(toks, Span{i, j + 1})
			i = j + 1
		default: // '[', ',', ']'
			toks = append(toks, Span{i, i + 1})
			i++
		}
	}
	return vals, toks, true, nil
}

// wsList chains the [\t\v\f\r ]-separated words of line[s:e] into Next
// nodes, as strings.Fields-like splitting with BuildKit's white space does.
func wsList(line string, s, e int) *Lowered {
	nodes := make([]Lowered, EachField(line, s, e, 0, func(int, int) {}))
	k := 0
	EachField(line, s, e, 0, func(a, b int) {
		nodes[k].Value = line[a:b]
		if k > 0 {
			nodes[k-1].Next = &nodes[k]
		}
		k++
	})
	return &nodes[0]
}

// simpleJSONArray reads line[s:e], which starts with '[', as a JSON array
// of strings without escapes or control characters, the common exec form,
// without encoding/json: the values are then the text between the quotes.
// ok is false where the text is anything else; jsonArray's decoding
// decides there.
func simpleJSONArray(line string, s, e int) (vals []string, toks []Span, ok bool) {
	ws := func(i int) int {
		for i < e && (line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\r') {
			i++
		}
		return i
	}
	n := 0
	for i := s; i < e; i++ {
		if line[i] == '"' {
			n++
		}
	}
	vals = make([]string, 0, n/2)
	toks = make([]Span, 0, n+2)
	toks = append(toks, Span{s, s + 1})
	i := ws(s + 1)
	if i < e && line[i] == ']' {
		toks = append(toks, Span{i, i + 1})
		return vals, toks, ws(i+1) == e
	}
	for {
		if i >= e || line[i] != '"' {
			return nil, nil, false
		}
		j := i + 1
		for j < e && line[j] != '"' {
			c := line[j]
			if c < 0x20 || c == '\\' || c == 0x7f {
				return nil, nil, false
			}
			if c >= utf8.RuneSelf {
				r, w := utf8.DecodeRuneInString(line[j:e])
				if r == utf8.RuneError && w == 1 {
					return nil, nil, false
				}
				j += w
				continue
			}
			j++
		}
		if j >= e {
			return nil, nil, false
		}
		vals = append(vals, line[i+1:j])
		toks = append(toks, Span{i, j + 1})
		i = ws(j + 1)
		if i >= e {
			return nil, nil, false
		}
		toks = append(toks, Span{i, i + 1})
		switch line[i] {
		case ']':
			return vals, toks, ws(i+1) == e
		case ',':
			i = ws(i + 1)
		default:
			return nil, nil, false
		}
	}
}

// listNode chains values into Next nodes.
func listNode(vals []string) *Lowered {
	if len(vals) == 0 {
		return nil
	}
	nodes := make([]Lowered, len(vals))
	for i, v := range vals {
		nodes[i].Value = v
		if i > 0 {
			nodes[i-1].Next = &nodes[i]
		}
	}
	return &nodes[0]
}

// lowerLine mirrors parser.newNodeFromLine over line[s:e].
// newNode makes the instruction node.
func lowerLine(line string, s, e int, esc byte, newNode func() *Lowered) (*Lowered, error) {
	c := SplitCommand(line, s, e, esc)
	kw := line[c.Keyword.S:c.Keyword.E]
	n := newNode()
	n.Value, n.Original, n.Flags, n.Cmd = kw, line[s:e], c.FlagValues, c
	rest := line[c.Args.S:c.Args.E]
	a, b := c.Args.S, c.Args.E
	var err error
	n.kw = LowerKeyword(kw)
	switch n.kw {
	case "add", "copy", "volume":
		var vals []string
		var ok bool
		vals, n.JSONTokens, ok, err = jsonArray(line, a, b)
		if ok {
			n.Next, n.JSON = listNode(vals), true
		} else if err == nil && rest != "" {
			n.Next = wsList(line, a, b)
		}
	case "expose", "from":
		if rest != "" {
			n.Next = wsList(line, a, b)
		}
	case "arg":
		var words []string
		words, n.Spans = parseWords(line, a, b, esc)
		n.Next = listNode(words)
	case "env", "label":
		nv := splitNameVal(line, a, b, esc)
		n.Spans, n.Legacy = nv.Spans, nv.Legacy
		n.Next, err = lowerNameVal(line, nv, kw)
	case "maintainer", "stopsignal", "user", "workdir":
		if rest != "" {
			n.Next = &Lowered{Value: rest}
		}
	case "cmd", "entrypoint", "run", "shell":
		n.Next, n.JSON, n.JSONTokens, err = lowerMaybeJSON(line, a, b)
	case "healthcheck":
		typ, cmd := healthSplit(line, a, b)
		n.HealthType, n.HealthCmd = typ, cmd
		if typ.E > typ.S {
			var next *Lowered
			next, n.JSON, n.JSONTokens, err = lowerMaybeJSON(line, cmd, b)
			n.Next = &Lowered{Value: line[typ.S:typ.E], Next: next}
		}
	case "onbuild":
		if rest != "" {
			var child *Lowered
			child, err = lowerLine(line, a, b, esc, newNode)
			if err == nil {
				n.Next = &Lowered{Children: []*Lowered{child}}
			}
		}
	default:
		// parseIgnore: an unknown keyword keeps an empty argument node.
		n.Next = &Lowered{}
	}
	if err != nil {
		return nil, err
	}
	return n, nil
}

func lowerMaybeJSON(line string, a, b int) (*Lowered, bool, []Span, error) {
	if a == b {
		return nil, false, nil, nil
	}
	vals, toks, ok, err := jsonArray(line, a, b)
	if err != nil {
		return nil, false, nil, err
	}
	if ok {
		return listNode(vals), true, toks, nil
	}
	return &Lowered{Value: line[a:b]}, false, nil, nil
}

// healthSplit mirrors parser.parseHealthConfig's split of its type word,
// which tests white space byte by byte.
func healthSplit(line string, a, b int) (typ Span, cmd int) {
	sep := a
	for ; sep < b; sep++ {
		if unicode.IsSpace(rune(line[sep])) {
			break
		}
	}
	next := sep
	for ; next < b; next++ {
		if !unicode.IsSpace(rune(line[next])) {
			break
		}
	}
	return Span{a, sep}, next
}

// nameVal is how ENV and LABEL arguments split: legacy "key value" or
// key=value words.
type nameVal struct {
	Legacy bool
	Spans  []Span // legacy: key and value; else one span per word
	Words  []string
}

func splitNameVal(line string, a, b int, esc byte) nameVal {
	words, spans := parseWords(line, a, b, esc)
	if len(words) == 0 {
		return nameVal{}
	}
	if !strings.Contains(words[0], "=") {
		return nameVal{Legacy: true, Spans: Fields(line, a, b, 2)}
	}
	return nameVal{Spans: spans, Words: words}
}

// lowerNameVal mirrors parser.parseNameVal.
func lowerNameVal(line string, nv nameVal, key string) (*Lowered, error) {
	if nv.Legacy {
		if len(nv.Spans) < 2 {
			return nil, fmt.Errorf("%s must have two arguments", strings.ToLower(key))
		}
		k, v := nv.Spans[0], nv.Spans[1]
		return &Lowered{Value: line[k.S:k.E], Next: &Lowered{Value: line[v.S:v.E], Next: &Lowered{}}}, nil
	}
	if len(nv.Words) == 0 {
		return nil, nil
	}
	nodes := make([]Lowered, 3*len(nv.Words))
	for i, w := range nv.Words {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			return nil, fmt.Errorf("syntax error: can't find = in %q, must be of the form name=value", w)
		}
		x := nodes[3*i : 3*i+3]
		x[0] = Lowered{Value: k, Next: &x[1]}
		x[1] = Lowered{Value: v, Next: &x[2]}
		x[2] = Lowered{Value: "="}
		if i > 0 {
			nodes[3*i-1].Next = &x[0]
		}
	}
	return &nodes[0], nil
}

// Keywords are the instructions BuildKit's parser dispatches on
// (parser.go, the dispatch table), lower case.
var Keywords = [...]string{
	"add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from", "healthcheck",
	"label", "maintainer", "onbuild", "run", "shell", "stopsignal", "user", "volume", "workdir",
}

// LowerKeyword returns kw in lower case, as BuildKit's dispatch does
// (strings.ToLower), without allocating for the known keywords, which the
// hot paths compare against. Keywords are ASCII: a non-ASCII byte makes
// an unknown LowerKeyword (strings.EqualFold would match "ſhell" to "shell";
// BuildKit does not).
func LowerKeyword(kw string) string {
	if len(kw) < 3 || len(kw) > 11 {
		return strings.ToLower(kw)
	}
	var buf [11]byte
	for i := 0; i < len(kw); i++ {
		c := kw[i]
		if c >= utf8.RuneSelf {
			return strings.ToLower(kw)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	if k := knownKeyword(string(buf[:len(kw)])); k != "" {
		return k
	}
	return strings.ToLower(kw)
}

// knownKeyword returns the keyword of keywords equal to low, or "". (A
// switch: the compiler makes it a search.)
func knownKeyword(low string) string {
	switch low {
	case "add":
		return "add"
	case "arg":
		return "arg"
	case "cmd":
		return "cmd"
	case "copy":
		return "copy"
	case "entrypoint":
		return "entrypoint"
	case "env":
		return "env"
	case "expose":
		return "expose"
	case "from":
		return "from"
	case "healthcheck":
		return "healthcheck"
	case "label":
		return "label"
	case "maintainer":
		return "maintainer"
	case "onbuild":
		return "onbuild"
	case "run":
		return "run"
	case "shell":
		return "shell"
	case "stopsignal":
		return "stopsignal"
	case "user":
		return "user"
	case "volume":
		return "volume"
	case "workdir":
		return "workdir"
	}
	return ""
}

// known reports whether BuildKit dispatches on the lower-case keyword k.
func known(k string) bool { return knownKeyword(k) != "" }

// KnownInstruction reports whether BuildKit dispatches on the instruction
// keyword kw, in any case: whether an instruction so named can be in a
// Dockerfile. BuildKit's parser reads any word as a keyword (so Parse
// does); it is the build that rejects an unknown one, as dfmt's walk does a
// file that holds one (a Python import, a template's {{ or {%).
func KnownInstruction(kw string) bool { return known(LowerKeyword(kw)) }
