package format

import (
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
// (syntax.Lowered) and compares them instruction by instruction; an instruction
// that differs is printed exactly as written instead, and if the file as a
// whole still differs (its directives, or its comments around FROM and
// ARG), the input is returned unchanged.
func Format(src []byte, opts Options) (*Result, error) {
	f := syntax.Parse(src)
	if f.Err != nil {
		return nil, f.Err
	}
	hatches := readHatches(f)
	shells := shellContexts(f)
	res := &Result{Warnings: hatches.warnings}
	p := newPrinter(f, opts, hatches, shells)
	defer p.release()
	var keep map[int]bool
	for try := 0; try < 3; try++ {
		out, parses, ok := p.printSafely(keep)
		if !ok {
			break
		}
		bad, whole := check(f, out, shells, parses)
		if !whole && len(bad) == 0 {
			res.Out = out
			return res, nil
		}
		if whole {
			break
		}
		if keep == nil {
			keep = map[int]bool{}
		}
		for _, k := range bad {
			keep[k] = true
			res.Fallbacks = append(res.Fallbacks, f.Nodes[k].Start+1)
		}
	}
	res.Out = append([]byte(nil), src...)
	res.Fallbacks = append(res.Fallbacks, 1)
	return res, nil
}
