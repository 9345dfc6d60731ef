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
