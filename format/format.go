package format

import (
	"slices"
	"sync"

	"github.com/dfmt/dfmt/format/syntax"
)

// Result is the outcome of formatting one file.
type Result struct {
	// Out is the formatted file.
	Out []byte
	// Fallbacks lists the 1-based lines of instructions that the safety check
	// found changed by the printer and that were therefore printed as written.
	Fallbacks []int
	// Warnings lists, in file order, the comments that look like escape
	// hatches but are none, and the hatches that do nothing where they
	// stand (see Warning).
	Warnings []Warning
}

// Format is Source with a report of the safety check's fallbacks and of
// the warnings on the file's escape hatches. A file BuildKit rejects has
// an error and no Result, so no warnings.
//
// The safety check lowers the input and the output to what BuildKit sees
// (see LNode) and compares them instruction by instruction; an instruction
// that differs is printed exactly as written instead, and if the file as a
// whole still differs (its directives, or its comments around FROM and
// ARG), the input is returned unchanged.
func Format(src []byte, opts Options) (*Result, error) {
	f := syntax.Parse(src)
	if f.Err != nil {
		return nil, f.Err
	}
	p := newPrinter(f, opts)
	res := &Result{Warnings: p.hatch.warnings}
	sc := printScratch.Get().(*printerScratch)
	p.ps, p.brks = sc.ps[:0], sc.brks[:0]
	defer func() {
		// Pieces and breaks point into this file's plans and comment
		// lists: clear them, not to keep those alive.
		clear(p.ps[:cap(p.ps)])
		clear(p.brks[:cap(p.brks)])
		sc.ps, sc.brks = p.ps[:0], p.brks[:0]
		printScratch.Put(sc)
	}()
	for try := 0; try < 3; try++ {
		out, ok := p.printSafely()
		if !ok {
			break
		}
		if p.sh.ctxFor != f {
			p.sh.contexts(f)
		}
		bad, whole := diffFiles(f, syntax.ParseLowering(out, f), p.sh.parsed, p.sh.ctx)
		if !whole && len(bad) == 0 {
			res.Out = out
			return res, nil
		}
		if whole {
			break
		}
		if p.keep == nil {
			p.keep = map[int]bool{}
		}
		for _, k := range bad {
			p.keep[k] = true
			res.Fallbacks = append(res.Fallbacks, f.Nodes[k].Start+1)
		}
	}
	res.Out = append([]byte(nil), src...)
	res.Fallbacks = append(res.Fallbacks, 1)
	return res, nil
}

// printerScratch holds a printer's piece and break buffers from one file
// to the next.
type printerScratch struct {
	ps   []piece
	brks []brk
}

var printScratch = sync.Pool{New: func() any { return new(printerScratch) }}

// diffFiles compares what BuildKit sees in a and b. It returns the indices
// of a's instruction nodes that differ, or whole when the files cannot be
// matched instruction by instruction.
//
// parsed holds shell bodies of a already parsed (by the printer), which
// the comparison of shell text need not parse again; ctx says which
// instructions' shell is not POSIX (see shellState.contexts).
func diffFiles(a, b *syntax.File, parsed map[*syntax.Lowered]parsedShell, ctx map[*syntax.Node]shellReason) (bad []int, whole bool) {
	if b.Err != nil || a.Escape != b.Escape || len(a.Directives) != len(b.Directives) {
		return nil, true
	}
	for i := range a.Directives {
		if a.Directives[i] != b.Directives[i] {
			return nil, true
		}
	}
	if !slices.Equal(a.FrontDirectives(), b.FrontDirectives()) {
		return nil, true
	}
	ai, bl := instructions(a), b.Lowered
	if len(ai) != len(bl) {
		return nil, true
	}
	for i, k := range ai {
		x, y := a.Nodes[k].Lowered, bl[i]
		_, notPOSIX := ctx[a.Nodes[k]]
		if !sameNode(x, y, a.Escape, !notPOSIX, parsed[x]) {
			bad = append(bad, k)
		} else if !sameDescription(x, y) {
			return nil, true
		}
	}
	return bad, false
}

func instructions(f *syntax.File) []int {
	var out []int
	for k, n := range f.Nodes {
		if n.Kind == syntax.InstructionNode {
			out = append(out, k)
		}
	}
	return out
}

// printSafely prints the file, and reports false if the printer panicked:
// a printer bug then costs the file its formatting, never the user's run.
// The fuzz tests see it as a fallback.
func (p *printer) printSafely() (out []byte, ok bool) {
	defer func() {
		if recover() != nil {
			out, ok = nil, false
		}
	}()
	// The output is about as long as the input: one allocation mostly.
	n := 64
	for _, l := range p.f.Lines {
		n += len(l.Text) + len(l.EOL)
	}
	p.out = make([]byte, 0, n+n/8)
	return p.print(), true
}
