package main

import (
	"bufio"
	"os"
	"os/exec"
	"path"
	"regexp"
	"strings"
	"testing"
)

// hooksFile is the repository's pre-commit manifest.
const hooksFile = "../../.pre-commit-hooks.yaml"

// maxNameErrors is how many wrong names a pattern test reports.
const maxNameErrors = 20

// preCommitHook is what TestPreCommitPatterns reads of one hook.
type preCommitHook struct {
	id, entry, files, exclude string
}

// readPreCommitHooks reads the id, entry, files and exclude keys of each
// hook in the manifest: a list of maps, one key a line, the patterns in
// single quotes (where YAML reads a backslash as itself). That is all the
// YAML the file uses, and all this reader knows.
func readPreCommitHooks(t *testing.T) []preCommitHook {
	t.Helper()
	f, err := os.Open(hooksFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var hooks []preCommitHook
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "- ") {
			hooks = append(hooks, preCommitHook{})
			line = "  " + line[2:]
		}
		key, value, ok := strings.Cut(strings.TrimSpace(line), ": ")
		if !ok || strings.HasPrefix(line, "#") || !strings.HasPrefix(line, "  ") {
			continue
		}
		if len(hooks) == 0 {
			t.Fatalf("%s:%d: a key before the first hook", hooksFile, n)
		}
		h := &hooks[len(hooks)-1]
		switch key {
		case "id":
			h.id = value
		case "entry":
			h.entry = value
		case "files", "exclude":
			if len(value) < 2 || value[0] != '\'' || value[len(value)-1] != '\'' {
				t.Fatalf("%s:%d: %s: want a single-quoted pattern", hooksFile, n, key)
			}
			value = strings.ReplaceAll(value[1:len(value)-1], "''", "'")
			if key == "files" {
				h.files = value
			} else {
				h.exclude = value
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return hooks
}

// preCommitNames are paths to check the hooks' patterns on: every entry of
// otherKindExts in lower, upper and title case after each stem, the names
// and near misses of each rule, ignore files, in the root and in folders
// (some named like Dockerfiles themselves).
func preCommitNames() []string {
	exts := []string{
		"", "prod", "env", "dev", "Dockerfile", "dockerfile", "containerfile",
		"DOCKERFILE", "Containerfile", "dockerignore", "DOCKERIGNORE", "pyc",
		"xpy", "py.Dockerfile", "py.dockerfile", "j2.bak", "bak.prod", "py.",
	}
	for _, e := range otherKindExts {
		exts = append(exts, e, strings.ToUpper(e), strings.ToUpper(e[:1])+e[1:])
	}
	stems := []string{
		"Dockerfile", "Containerfile", "dockerfile", "containerfile",
		"DOCKERFILE", "app", "", "Dockerfile.x", "app.Dockerfile",
		"xDockerfile", "Dockerfiles", ".Dockerfile",
	}
	bases := []string{
		"Dockerfile", "Containerfile", "dockerfile", "Dockerfiles", "my-Dockerfile",
		".dockerignore", "Dockerfile.dockerignore", "app.Dockerfile.dockerignore",
		"Containerfile.dockerignore", "x.dockerignore", "README.md", "go.mod",
	}
	for _, s := range stems {
		for _, e := range exts {
			bases = append(bases, s+"."+e)
		}
	}
	var names []string
	for _, dir := range []string{"", "sub/", "a/b/", "Dockerfile.d/", "Dockerfile.py/", "x.dockerignore/", "app.Dockerfile/"} {
		for _, b := range bases {
			names = append(names, dir+b)
		}
	}
	return names
}

// TestPreCommitPatterns checks that the pre-commit hooks select exactly the
// files that a walk formats: pre-commit passes each file whose path
// (relative to the repository, with slashes) its files pattern finds and
// its exclude pattern does not (Python's re.search), and dfmt formats a
// file named on its command line whatever its name.
func TestPreCommitPatterns(t *testing.T) {
	hooks := readPreCommitHooks(t)
	ids := map[string]string{}
	for _, h := range hooks {
		ids[h.id] = h.entry
	}
	if ids["dfmt"] != "dfmt -w" || ids["dfmt-check"] != "dfmt -d" || len(hooks) != 2 {
		t.Fatalf("hooks: got %v, want dfmt (dfmt -w) and dfmt-check (dfmt -d)", ids)
	}
	names := preCommitNames()
	want := make([]bool, len(names))
	for i, n := range names {
		want[i] = isDockerfileName(path.Base(n))
	}
	for _, h := range hooks {
		if h.files == "" || h.exclude == "" {
			t.Fatalf("hook %s: no files or exclude pattern", h.id)
		}
		files, err := regexp.Compile(h.files)
		if err != nil {
			t.Fatalf("hook %s: files: %v", h.id, err)
		}
		exclude, err := regexp.Compile(h.exclude)
		if err != nil {
			t.Fatalf("hook %s: exclude: %v", h.id, err)
		}
		bad := 0
		for i, n := range names {
			if got := files.MatchString(n) && !exclude.MatchString(n); got != want[i] {
				t.Errorf("hook %s selects %q: %v, but isDockerfileName says %v", h.id, n, got, want[i])
				if bad++; bad == maxNameErrors {
					t.Fatal("too many errors")
				}
			}
		}
		t.Run(h.id+"/python", func(t *testing.T) {
			checkPythonPatterns(t, h, names, want)
		})
	}
}

// checkPythonPatterns checks that Python's re, which pre-commit uses,
// reads the patterns as Go does, when a python3 is at hand.
func checkPythonPatterns(t *testing.T, h preCommitHook, names []string, want []bool) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	if err := exec.Command("python3", "-c", "import re").Run(); err != nil {
		t.Skipf("python3 does not run: %v", err)
	}
	const script = `
import re, sys
files, exclude = re.compile(sys.argv[1]), re.compile(sys.argv[2])
for name in sys.stdin.read().split("\n"):
    print(1 if files.search(name) and not exclude.search(name) else 0)
`
	cmd := exec.Command("python3", "-c", script, h.files, h.exclude)
	cmd.Stdin = strings.NewReader(strings.Join(names, "\n"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	got := strings.Fields(string(out))
	if len(got) != len(names) {
		t.Fatalf("python3 printed %d answers for %d names", len(got), len(names))
	}
	bad := 0
	for i, n := range names {
		if (got[i] == "1") != want[i] {
			t.Errorf("in Python, hook %s selects %q: %v, but isDockerfileName says %v", h.id, n, got[i] == "1", want[i])
			if bad++; bad == maxNameErrors {
				t.Fatal("too many errors")
			}
		}
	}
}
