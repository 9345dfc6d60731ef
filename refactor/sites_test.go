package refactor

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/dfmt/dfmt/format/formattest"
	"github.com/dfmt/dfmt/format/syntax"
)

// applySites replaces each site's range of src with its text.
func applySites(src []byte, sites []Site) []byte {
	sorted := append([]Site(nil), sites...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Start.Offset > sorted[j].Start.Offset })
	out := append([]byte(nil), src...)
	for _, s := range sorted {
		out = append(out[:s.Start.Offset:s.Start.Offset], append([]byte(s.Text), out[s.End.Offset:]...)...)
	}
	return out
}

// sitesAgree checks, for each refactor on its own, that Sites describes
// what Apply does, both safe only and with Options.Unsafe: its sites,
// applied to src, give Apply's output, and its skips are Apply's. It also
// checks what an editor relies on: the sites come in order, do not
// overlap, and cover whole lines; a site is unsafe only with Unsafe.
func sitesAgree(src []byte) error {
	for _, o := range []Options{{}, {Unsafe: true}} {
		if err := o.sitesAgree(src); err != nil {
			return fmt.Errorf("%+v: %v", o, err)
		}
	}
	return nil
}

func (o Options) sitesAgree(src []byte) error {
	for _, r := range All {
		names := []string{r.Name}
		want, wantSkips, err := o.Apply(src, names)
		sites, skips, serr := o.Sites(src, names)
		if (err == nil) != (serr == nil) {
			return fmt.Errorf("%s: Apply error %v, Sites error %v", r.Name, err, serr)
		}
		if err != nil {
			continue
		}
		if got := applySites(src, sites); !bytes.Equal(got, want) {
			return fmt.Errorf("%s: the sites applied give\n%s\nApply gives\n%s", r.Name, got, want)
		}
		if !reflect.DeepEqual(skips, wantSkips) && (len(skips) > 0 || len(wantSkips) > 0) {
			return fmt.Errorf("%s: Sites skips %v, Apply skips %v", r.Name, skips, wantSkips)
		}
		for i, s := range sites {
			switch {
			case s.Name != r.Name || s.Title == "":
				return fmt.Errorf("%s: site %d is named %q, titled %q", r.Name, i, s.Name, s.Title)
			case s.Start.Col != 1 || s.End.Offset < s.Start.Offset:
				return fmt.Errorf("%s: site %d does not start a line: %+v", r.Name, i, s)
			case s.Text == "" && s.End.Col == 1:
				// It removes whole lines, with their line ends.
			case s.End.Offset < len(src) && src[s.End.Offset] != '\n' && src[s.End.Offset] != '\r':
				return fmt.Errorf("%s: site %d does not end a line: %+v", r.Name, i, s)
			case s.Unsafe != "" && !o.Unsafe:
				return fmt.Errorf("%s: site %d is unsafe: %+v", r.Name, i, s)
			case i > 0 && s.Start.Offset < sites[i-1].End.Offset || i > 0 && s.Start.Offset == sites[i-1].End.Offset && sites[i-1].Text != "":
				return fmt.Errorf("%s: sites %d and %d overlap or are out of order", r.Name, i-1, i)
			}
		}
	}
	return nil
}

// TestSitesGolden checks Sites against Apply on the input of every golden
// case, for every refactor.
func TestSitesGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test cases (%v)", err)
	}
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ar.Files {
			if s.Name != "in" {
				continue
			}
			if err := sitesAgree(unescapeCR(s.Data)); err != nil {
				t.Errorf("%s: %v", filepath.Base(file), err)
			}
		}
	}
}

// TestSitesCorpus checks Sites against Apply on every file of the
// corpus (DFMT_CORPUS) that BuildKit accepts, for every refactor.
func TestSitesCorpus(t *testing.T) {
	files := formattest.CorpusFiles(t, "valid")
	errs := make([]error, len(files))
	parallel(len(files), func(i int) { errs[i] = sitesAgree(files[i].Src) })
	n := 0
	for i, err := range errs {
		if err != nil {
			if n++; n <= 20 {
				t.Errorf("%s: %v", files[i].Rel, err)
			}
		}
	}
	t.Logf("%d files, %d disagree", len(files), n)
}

func TestSites(t *testing.T) {
	src := []byte("FROM alpine\r\nRUN apk add b \\\r\n    a\r\n# why\r\nRUN make\r\nADD x.tar /x\r\n")
	sites, skips, err := Sites(src, []string{"merge-runs", "add-to-copy", "sort-packages"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Site{{
		Name:  "merge-runs",
		Title: "Merge with the next RUN",
		Start: at(13, 2, 1),
		End:   at(52, 5, 9),
		Text:  "RUN apk add b \\\r\n    a \\\r\n# why\r\n&& make",
	}, {
		Name:  "sort-packages",
		Title: "Sort the packages",
		Start: at(13, 2, 1),
		End:   at(35, 3, 6),
		Text:  "RUN apk add a \\\r\n    b",
	}}
	if !reflect.DeepEqual(sites, want) {
		t.Errorf("sites:\n%+v\nwant:\n%+v", sites, want)
	}
	wantSkips := []Skip{{Line: 6, Col: 5, EndLine: 6, EndCol: 10, Name: "add-to-copy",
		Reason: "source x.tar may be a tar archive, which ADD unpacks, and the build context " +
			"that would show it is not known (--context names it)", Unsafe: true}}
	if !reflect.DeepEqual(skips, wantSkips) {
		t.Errorf("skips:\n%+v\nwant:\n%+v", skips, wantSkips)
	}
	if _, _, err := Sites(src, []string{"merge-run"}); err == nil {
		t.Errorf("Sites with an unknown name succeeded")
	}
	if _, _, err := Sites([]byte("FROM alpine\nENV PATH\n"), []string{"all"}); err == nil {
		t.Errorf("Sites on a file BuildKit rejects succeeded")
	}
}

// at is a syntax.Pos, for the tables above.
func at(offset, line, col int) syntax.Pos { return syntax.Pos{Offset: offset, Line: line, Col: col} }

func ExampleSites() {
	src := []byte(`FROM alpine
RUN apk add curl
RUN apk add git
ADD app.tar.gz /opt/
`)
	sites, skips, err := Sites(src, []string{"merge-runs", "add-to-copy"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range sites {
		fmt.Printf("%d:%d-%d:%d %s: %s\n%s\n", s.Start.Line, s.Start.Col, s.End.Line, s.End.Col, s.Name, s.Title, s.Text)
	}
	for _, s := range skips {
		fmt.Printf("%d:%d-%d:%d %s: %s\n", s.Line, s.Col, s.EndLine, s.EndCol, s.Name, s.Reason)
	}
	// Output:
	// 2:1-3:16 merge-runs: Merge with the next RUN
	// RUN apk add curl \
	// && apk add git
	// 4:5-4:15 add-to-copy: source app.tar.gz may be a tar archive, which ADD unpacks, and the build context that would show it is not known (--context names it)
}
