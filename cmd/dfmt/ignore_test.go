package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ignoreTree is a work tree for TestRules: its .gitignore files, and its
// paths (a final "/" marks a directory) with whether git ignores each,
// itself or through a directory above it.
var ignoreTree = struct {
	gitignores map[string]string
	paths      map[string]bool
}{
	gitignores: map[string]string{
		"": `# a comment, then a blank line

*.log
!important.log
build/
/root-only
doc/*.txt
doc/**/*.pdf
**/cache
a/**/z
foo/**
!foo/keep
[Dd]ist
\#hash
\!bang
trailing  
dir-only/
[!x]y.txt
x/gen/
`,
		"sub":  "*.tmp\n/anchored\n!/keep.log\n**/deep\n",
		"all":  "/**\n!/keep/\n!/keep/**\n",
		"dirs": "d/**/\n",
	},
	paths: map[string]bool{
		"x.log":                  true,
		"important.log":          false,
		"d/x.log":                true,
		"d/important.log":        false,
		"build/":                 true,
		"build/Dockerfile":       true,
		"d/build/":               true,
		"d/build/Dockerfile":     true,
		"build.txt":              false,
		"root-only":              true,
		"d/root-only":            false,
		"doc/a.txt":              true,
		"doc/d/a.txt":            false,
		"doc/a.pdf":              true,
		"doc/d/e/a.pdf":          true,
		"cache/":                 true,
		"d/e/cache/":             true,
		"d/e/cache/Dockerfile":   true,
		"a/z":                    true,
		"a/b/c/z":                true,
		"a/b/c/zz":               false,
		"foo/":                   false,
		"foo/x":                  true,
		"foo/keep":               false,
		"foo/d/keep":             true,
		"dist/":                  true,
		"Dist":                   true,
		"#hash":                  true,
		"!bang":                  true,
		"trailing":               true,
		"dir-only/":              true,
		"dir-only/Dockerfile":    true,
		"d/dir-only":             false,
		"sub/x.tmp":              true,
		"sub/anchored":           true,
		"sub/d/anchored":         false,
		"sub/keep.log":           false,
		"sub/other.log":          true,
		"x.tmp":                  false,
		"anchored":               false,
		"sub/d/Dockerfile":       false,
		"Dockerfile":             false,
		"sub/deep":               true,
		"sub/x/deep/":            true,
		"deep":                   false,
		"x/gen/":                 true,
		"x/gen/Dockerfile":       true,
		"y/x/gen/":               false,
		"all/x":                  true,
		"all/d/":                 true,
		"all/keep/":              false,
		"all/keep/x":             false,
		"dirs/d/":                false,
		"dirs/d/x":               false,
		"dirs/d/e/":              true,
		"dirs/d/e/x":             true,
		"ay.txt":                 true,
		"xy.txt":                 false,
		"d/!y.txt":               true,
		"d/e/f/Dockerfile":       false,
		"d/e/f/important.log":    false,
		"sub/build/Dockerfile":   true,
		"sub/d/e/cache/x.log":    true,
		"sub/d/e/f/g.Dockerfile": false,
	},
}

// TestRules checks the rules as the walk applies them, the verdicts of a
// path and of each directory above it, against what git ignores; and
// against git itself where it is installed.
func TestRules(t *testing.T) {
	var rules []rule
	for _, dir := range []string{"", "sub", "all", "dirs"} {
		var domain []string
		if dir != "" {
			domain = strings.Split(dir, "/")
		}
		for line := range strings.SplitSeq(ignoreTree.gitignores[dir], "\n") {
			if r, ok := parseRule(line, domain); ok {
				rules = append(rules, r)
			}
		}
	}
	ignored := func(p string) bool {
		names := strings.Split(strings.TrimSuffix(p, "/"), "/")
		for k := 1; k <= len(names); k++ {
			isDir := k < len(names) || strings.HasSuffix(p, "/")
			if matchRules(rules, names[:k], isDir) {
				return true
			}
		}
		return false
	}
	for p, want := range ignoreTree.paths {
		if got := ignored(p); got != want {
			t.Errorf("%s: ignored %v, want %v", p, got, want)
		}
	}

	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed: the verdicts are not checked against it")
	}
	dir := t.TempDir()
	for d, text := range ignoreTree.gitignores {
		writeFiles(t, dir, map[string]string{filepath.Join(d, ".gitignore"): text})
	}
	var paths []string
	for p := range ignoreTree.paths {
		if strings.HasSuffix(p, "/") {
			if err := os.MkdirAll(filepath.Join(dir, p), 0o755); err != nil {
				t.Fatal(err)
			}
		} else {
			writeFiles(t, dir, map[string]string{p: ""})
		}
		paths = append(paths, strings.TrimSuffix(p, "/"))
	}
	// git reads only this tree's rules: no user or system configuration,
	// and none of the GIT_ variables that would point it elsewhere.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	env = append(env, "HOME="+dir, "XDG_CONFIG_HOME="+dir, "GIT_CONFIG_NOSYSTEM=1")
	cmd := exec.Command(git, "init", "-q", dir)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	// check-ignore prints the paths git ignores, one a line; it exits 1
	// when there is none.
	cmd = exec.Command(git, "-C", dir, "check-ignore", "--stdin")
	cmd.Env = env
	cmd.Stdin = strings.NewReader(strings.Join(paths, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil && cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("git check-ignore: %v", err)
	}
	byGit := map[string]bool{}
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		byGit[line] = true
	}
	for p, want := range ignoreTree.paths {
		if got := byGit[strings.TrimSuffix(p, "/")]; got != want {
			t.Errorf("git: %s: ignored %v, the test says %v", p, got, want)
		}
	}
}

func TestBracketNot(t *testing.T) {
	for in, want := range map[string]string{
		"plain":      "plain",
		"[!x]y":      "[^x]y",
		"[^x]y":      "[^x]y",
		`\[!x]`:      `\[!x]`,
		"[]!]":       "[]!]",
		"[!]!]a[!b]": "[^]!]a[^b]",
		"[a[!]":      "[a[!]",
		"[!":         "[^",
	} {
		if got := bracketNot(in); got != want {
			t.Errorf("bracketNot(%q) = %q, want %q", in, got, want)
		}
	}
}
