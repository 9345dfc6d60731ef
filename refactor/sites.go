package refactor

import (
	"sort"
	"strings"

	"github.com/dfmt/dfmt/format/syntax"
)

// Site is one place where a refactor applies, as an editor offers it: a
// range of the file and the text that replaces it.
type Site struct {
	Name  string // the refactor, e.g. "merge-runs"
	Title string // what the edit does, for a menu: "Merge with the next RUN"
	// Start and End delimit the bytes replaced: whole lines of
	// instructions, from the start of the first line to the end of the
	// last line's text. The last line's line end stays. Where the site
	// removes the lines (Text is ""), End is instead the start of the
	// line after them, so that their line ends go too.
	Start, End syntax.Pos
	// Text replaces them: the new lines, separated by the file's line end.
	Text string
	// Unsafe says why the site is an unsafe one (Options.Unsafe), what
	// the file cannot show that the build stays the same only if; "" for
	// a safe site. Only Options.Sites with Unsafe set gives such sites.
	Unsafe string
}

// Sites returns where the named refactors apply to src, and where they
// were asked for but do not (the skips), for an editor to offer as code
// actions and diagnostics. Each refactor is run on src as it is, so every
// position is one of src: the sites of one refactor do not overlap, and
// applying them all gives what Apply gives for that refactor alone. Sites
// of different refactors may overlap (merge-runs and sort-packages may
// both rewrite a RUN): an editor applies one and asks again. Sites come
// in catalogue order and by position within a refactor, skips in the order
// Apply reports them. The error is Apply's.
//
// Sites gives the safe sites only, and the unsafe ones as skips: it is
// Options{}.Sites.
func Sites(src []byte, names []string) (sites []Site, skips []Skip, err error) {
	return Options{}.Sites(src, names)
}

// Sites is the package's Sites with these options: with o.Unsafe it also
// gives the unsafe sites, with Site.Unsafe saying why each is, in place
// of their skips; they then agree with o.Apply.
func (o Options) Sites(src []byte, names []string) (sites []Site, skips []Skip, err error) {
	rs, err := Lookup(names)
	if err != nil {
		return nil, nil, err
	}
	f, err := load(src, o)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rs {
		f.name, f.sites, f.skips = r.Name, nil, nil
		r.run(f)
		sort.SliceStable(f.sites, func(i, j int) bool { return f.sites[i].start < f.sites[j].start })
		for _, s := range f.sites {
			sites = append(sites, f.export(s))
		}
		skips = append(skips, f.skips...)
	}
	return sites, skips, nil
}

// export is s as an editor reads it.
func (f *file) export(s site) Site {
	last := s.end - 1
	end := f.tree.At(last, len(f.tree.Lines[last].Text))
	if len(s.lines) == 0 && s.end < len(f.tree.Lines) {
		end = f.tree.At(s.end, 0)
	}
	return Site{
		Name:   f.name,
		Title:  s.title,
		Start:  f.tree.At(s.start, 0),
		End:    end,
		Text:   strings.Join(s.lines, f.eol),
		Unsafe: s.unsafe,
	}
}
