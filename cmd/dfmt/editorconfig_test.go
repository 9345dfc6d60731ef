package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dfmt/dfmt/format"
)

func TestEditorConfigGlob(t *testing.T) {
	tests := []struct {
		glob  string
		match []string // paths relative to the .editorconfig
		miss  []string
	}{
		{"*", []string{"Dockerfile", "a/b/Dockerfile", ".hidden"}, nil},
		{"Dockerfile", []string{"Dockerfile", "a/b/Dockerfile"}, []string{"Dockerfile.dev", "xDockerfile"}},
		{"*.Dockerfile", []string{"app.Dockerfile", "a/app.Dockerfile", ".Dockerfile"}, []string{"app.dockerfile", "Dockerfile"}},
		{"Dockerfile*", []string{"Dockerfile", "Dockerfile.dev", "sub/Dockerfile-x"}, []string{"app.Dockerfile"}},
		{"?ockerfile", []string{"Dockerfile", "dockerfile", "x/Dockerfile"}, []string{"ockerfile", "DDockerfile"}},
		{"{Dockerfile,Containerfile}", []string{"Dockerfile", "a/Containerfile"}, []string{"Dockerfile.dev"}},
		{"{Dockerfile,*.Dockerfile}", []string{"Dockerfile", "a/b.Dockerfile"}, []string{"b.dockerfile"}},
		{"{a,{b,c}}.txt", []string{"a.txt", "b.txt", "x/c.txt"}, []string{"d.txt", "{a,{b,c}}.txt"}},
		{"{single}", []string{"{single}"}, []string{"single"}},
		{"{}", []string{"{}"}, []string{""}},
		{"{unclosed", []string{"{unclosed"}, []string{"unclosed"}},
		{"Dockerfile.{1..3}", []string{"Dockerfile.1", "Dockerfile.3", "x/Dockerfile.2"}, []string{"Dockerfile.0", "Dockerfile.4", "Dockerfile.10", "Dockerfile.a"}},
		{"f{-3..-1}", []string{"f-2", "f-3"}, []string{"f0", "f-4"}},
		{"Dockerfile.[abc]", []string{"Dockerfile.a", "Dockerfile.c"}, []string{"Dockerfile.d", "Dockerfile.ab"}},
		{"Dockerfile.[!abc]", []string{"Dockerfile.d"}, []string{"Dockerfile.a"}},
		{"Dockerfile.[a-c]", []string{"Dockerfile.b"}, []string{"Dockerfile.d"}},
		{"[unclosed", []string{"[unclosed"}, nil},
		{`\*.txt`, []string{"*.txt"}, []string{"a.txt"}},
		{"a.(txt)+", []string{"a.(txt)+"}, []string{"a.txt"}},
		// With a slash the glob is a path from the .editorconfig's directory.
		{"/Dockerfile", []string{"Dockerfile"}, []string{"a/Dockerfile"}},
		{"docker/Dockerfile", []string{"docker/Dockerfile"}, []string{"x/docker/Dockerfile", "Dockerfile"}},
		{"docker/*", []string{"docker/Dockerfile"}, []string{"docker/a/Dockerfile"}},
		{"docker/**", []string{"docker/Dockerfile", "docker/a/b/Dockerfile"}, []string{"other/Dockerfile", "x/docker/Dockerfile"}},
		{"a/**/Dockerfile", []string{"a/Dockerfile", "a/b/Dockerfile", "a/b/c/Dockerfile"}, []string{"aDockerfile", "b/a/Dockerfile"}},
		{"**/Dockerfile", []string{"Dockerfile", "a/b/Dockerfile"}, []string{"Dockerfile.x"}},
		{"**.Dockerfile", []string{"a.Dockerfile", "x/y/a.Dockerfile"}, nil},
		{"docker/{a,b}/*", []string{"docker/a/x", "docker/b/y"}, []string{"docker/c/x"}},
		{"[a/b]x", []string{"[a/b]x"}, []string{"ax"}},
	}
	for _, tt := range tests {
		s := newSection(tt.glob)
		for _, p := range tt.match {
			if !s.match(p) {
				t.Errorf("[%s] does not match %q (regexp %v)", tt.glob, p, s.re)
			}
		}
		for _, p := range tt.miss {
			if s.match(p) {
				t.Errorf("[%s] matches %q (regexp %v)", tt.glob, p, s.re)
			}
		}
	}
}

func TestParseEditorConfig(t *testing.T) {
	f := parseEditorConfig([]byte("\ufeff; comment\n# comment\nROOT = True\r\nindent_style = tab\n\n[*]\r\n  Indent_Style = Space  \r\nindent_size=2\nnot a property\n[ *.Dockerfile ]\n[Dockerfile]\nindent_size = tab\ntab_width = 8 ; not a comment\n"))
	if !f.root {
		t.Error("root = True not read")
	}
	var got []string
	for _, s := range f.sections {
		var props []string
		for _, p := range s.props {
			props = append(props, p.key+"="+p.value)
		}
		got = append(got, s.glob+": "+strings.Join(props, " "))
	}
	want := []string{
		"*: indent_style=space indent_size=2",
		" *.Dockerfile : ",
		"Dockerfile: indent_size=tab tab_width=8 ; not a comment",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sections:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if f := parseEditorConfig([]byte("root=false\n[*]\nroot=true\n")); f.root {
		t.Error("root in a section or false taken as root")
	}
}

func TestEditorConfigOptions(t *testing.T) {
	tests := []struct {
		props map[string]string
		want  format.Options
		bad   string // the properties ecOptions cannot use, space-separated
	}{
		{nil, format.Options{}, ""},
		{map[string]string{"indent_style": "space", "indent_size": "2"}, format.Options{Indent: 2}, ""},
		{map[string]string{"indent_style": "tab"}, format.Options{Tabs: true}, ""},
		{map[string]string{"indent_style": "tab", "indent_size": "8"}, format.Options{Tabs: true, Indent: 8}, ""},
		{map[string]string{"indent_size": "tab", "tab_width": "3"}, format.Options{Indent: 3}, ""},
		{map[string]string{"indent_size": "tab"}, format.Options{}, ""},
		{map[string]string{"indent_size": "unset", "indent_style": "unset"}, format.Options{}, ""},
		{map[string]string{"indent_size": "0"}, format.Options{}, "indent_size"},
		{map[string]string{"indent_size": "17"}, format.Options{}, "indent_size"},
		{map[string]string{"indent_size": "20"}, format.Options{}, "indent_size"},
		{map[string]string{"indent_size": "abc"}, format.Options{}, "indent_size"},
		{map[string]string{"indent_size": "two", "indent_style": "spaces"}, format.Options{}, "indent_style indent_size"},
		{map[string]string{"indent_size": "tab", "tab_width": "x"}, format.Options{}, "tab_width"},
		{map[string]string{"indent_size": "3", "tab_width": "x"}, format.Options{Indent: 3}, ""},
	}
	for _, tt := range tests {
		got, bad := ecOptions(tt.props)
		if got != tt.want {
			t.Errorf("%v: got %+v, want %+v", tt.props, got, tt.want)
		}
		if b := strings.Join(bad, " "); b != tt.bad {
			t.Errorf("%v: unusable %q, want %q", tt.props, b, tt.bad)
		}
	}
}

func TestEditorConfigLookup(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("outer/.editorconfig", "[*]\nindent_style = tab\n")
	write("outer/root/.editorconfig", "root = true\n[*]\nindent_size = 3\n[sub/**]\nindent_size = 5\n[*.Dockerfile]\nindent_size = 6\n[*.Dockerfile]\nindent_size = 7\n")
	write("outer/root/sub/.editorconfig", "[Dockerfile]\nindent_size = 2\n")
	write("outer/root/sub/deeper/.editorconfig", "[Dockerfile]\nindent_style = tab\n")

	tests := []struct {
		path string
		want format.Options
	}{
		{"outer/Dockerfile", format.Options{Tabs: true}},
		{"outer/root/Dockerfile", format.Options{Indent: 3}},
		{"outer/root/a.Dockerfile", format.Options{Indent: 7}},
		{"outer/root/sub/x", format.Options{Indent: 5}},
		{"outer/root/sub/Dockerfile", format.Options{Indent: 2}},
		{"outer/root/sub/deeper/Dockerfile", format.Options{Indent: 2, Tabs: true}},
		{"outer/root/sub/deeper/Containerfile", format.Options{Indent: 5}},
		{"elsewhere/Dockerfile", format.Options{}},
	}
	c := newEditorConfigs()
	for _, tt := range tests {
		got, warnings, err := c.options(tt.path, filepath.Join(dir, tt.path))
		if err != nil || warnings != nil {
			t.Errorf("%s: %v %q", tt.path, err, warnings)
		}
		if got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.path, got, tt.want)
		}
	}
	// Cached: a change on disk is not seen within one run.
	write("outer/root/sub/.editorconfig", "[Dockerfile]\nindent_size = 9\n")
	if got, _, _ := c.options("x", filepath.Join(dir, "outer/root/sub/Dockerfile")); got.Indent != 2 {
		t.Errorf("not cached: %+v", got)
	}
}
