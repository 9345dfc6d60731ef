package main

import (
	"strings"
	"testing"
)

// TestIsDockerfileName checks the names a walk formats: one case per entry
// of otherKindExts, after both prefixes and in both cases, then the names
// that are Dockerfiles and those that never are.
func TestIsDockerfileName(t *testing.T) {
	type test struct {
		name string
		want bool
	}
	var tests []test
	for _, ext := range otherKindExts {
		for _, base := range []string{"Dockerfile", "Containerfile"} {
			tests = append(tests,
				test{base + "." + ext, false},
				test{base + "." + strings.ToUpper(ext), false},
				// Only the last extension counts.
				test{base + ".prod." + ext, false},
				test{base + "." + ext + ".prod", true},
			)
		}
		// The rule is about what follows Dockerfile. and Containerfile.:
		// a name that ends in .Dockerfile is one, whatever comes before.
		tests = append(tests, test{ext + ".Dockerfile", true})
	}
	tests = append(tests, []test{
		{"Dockerfile", true},
		{"Containerfile", true},
		{"x.Dockerfile", true},
		{"x.dockerfile", true},
		{"x.containerfile", true},
		{"Dockerfile.prod", true},
		{"Dockerfile.env", true},
		{"Containerfile.dev", true},

		// BuildKit's ignore files, global and per Dockerfile.
		{".dockerignore", false},
		{"Dockerfile.dockerignore", false},
		{"x.Dockerfile.dockerignore", false},
		{"x.dockerfile.dockerignore", false},
		{"Containerfile.dockerignore", false},

		// Names that only resemble one.
		{"dockerfile", false},
		{"DOCKERFILE", false},
		{"containerfile", false},
		{"Dockerfile-old", false},
		{"Dockerfile_prod", false},
		{"xDockerfile", false},
		{"x.Containerfile", false},
		{"x.dockerfile.txt", false},
		{"dockerfile.prod", false},
		{"", false},
	}...)

	for _, tt := range tests {
		if got := isDockerfileName(tt.name); got != tt.want {
			t.Errorf("isDockerfileName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestOtherKindExts keeps the list usable: lower case, no dot, no repeats,
// and nothing that BuildKit's own naming makes a Dockerfile.
func TestOtherKindExts(t *testing.T) {
	seen := map[string]bool{}
	for _, ext := range otherKindExts {
		if ext == "" || ext != strings.ToLower(ext) || strings.Contains(ext, ".") || seen[ext] {
			t.Errorf("otherKindExts: bad or repeated entry %q", ext)
		}
		seen[ext] = true
	}
	for _, ext := range []string{"prod", "dev", "env", "test", "ci", "alpine", "debian"} {
		if seen[ext] {
			t.Errorf("otherKindExts holds %q, which names a Dockerfile's variant", ext)
		}
	}
}

func TestIsExactDockerfileName(t *testing.T) {
	for name, want := range map[string]bool{
		"Dockerfile":      true,
		"Containerfile":   true,
		"x.Dockerfile":    false,
		"Dockerfile.prod": false,
		"dockerfile":      false,
	} {
		if got := isExactDockerfileName(name); got != want {
			t.Errorf("isExactDockerfileName(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestNotDockerfile checks what makes a walked file's content not a
// Dockerfile: an instruction BuildKit does not know, and nothing else.
func TestNotDockerfile(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"", ""},
		{"FROM a\nRUN b\n", ""},
		{"from a\nrun b\n", ""},
		{"import os\n", `unknown instruction "import" at line 1`},
		{"FROM a\n\n# c\nRNU make\n", `unknown instruction "RNU" at line 4`},
		{"{{ .Base }}\n", `unknown instruction "{{" at line 1`},
		{"FROM a\n{%- if x -%}\n", `unknown instruction "{%-" at line 2`},
		{"<%= base %>\n", `unknown instruction "<%=" at line 1`},
		{"\xef\xbb\xbfimport os\n", `unknown instruction "import" at line 1`},
		{"FROM a\r\nimport os\r\n", `unknown instruction "import" at line 2`},
		// Continuation lines belong to the instruction they continue.
		{"RUN a \\\n  import b\n", ""},
		{"# escape=`\nRUN a `\nimport b\n", ""},
		// Not instructions: parser directives, comments, heredoc bodies,
		// an empty continuation line.
		{"# syntax=docker/dockerfile:1\n#import\n", ""},
		{"  # {{ x }}\nFROM a\n", ""},
		{"FROM a\nRUN <<EOF\nimport os\n{{ x }}\nEOF\n", ""},
		{"FROM a\nCOPY <<one <<two /\nimport\none\n{%\ntwo\n", ""},
		// The first unknown instruction is the one named.
		{"FROM a\nENV PATH\nimport os\n{{ x }}\n", `unknown instruction "import" at line 3`},
		// Non-ASCII letters do not make a keyword: BuildKit compares bytes.
		{"ſhell [\"sh\"]\n", `unknown instruction "ſhell" at line 1`},
		{"RUN\xffx\n", `unknown instruction "RUN\xffx" at line 1`},
	} {
		if got := notDockerfile([]byte(tt.src)); got != tt.want {
			t.Errorf("notDockerfile(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}
