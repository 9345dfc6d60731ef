package syntax

import (
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

func TestWindowsImage(t *testing.T) {
	for _, img := range []string{
		"mcr.microsoft.com/windows/servercore:ltsc2022",
		"mcr.microsoft.com/windows/nanoserver:1809",
		"MCR.microsoft.com/Windows/ServerCore",
		"mcr.microsoft.com/dotnet/framework/sdk:4.8",
		"mcr.microsoft.com/powershell:lts-nanoserver-1809",
		"microsoft/windowsservercore",
		"stefanscherer/node-windows:10",
		"myorg/app:windows-ltsc2022",
		"myorg/app:ltsc2019",
		"mcr.microsoft.com/dotnet/sdk:8.0-windowsservercore-ltsc2022",
	} {
		if !WindowsImage(img) {
			t.Errorf("WindowsImage(%q) = false", img)
		}
	}
	for _, img := range []string{
		"alpine", "ubuntu:22.04", "mcr.microsoft.com/dotnet/sdk:8.0",
		"windows-registry.example.com/app:1", // a host is not a name
		"mcr.microsoft.com/dotnet/framework-like", "", "$BASE",
	} {
		if WindowsImage(img) {
			t.Errorf("WindowsImage(%q) = true", img)
		}
	}
}

// shellsOf returns, for each instruction of src, "KEYWORD: kinds" with the
// kinds of its BodyShells (or of ShellAt for other instructions), "?" for
// an unsure one.
func shellsOf(t *testing.T, src string) []string {
	t.Helper()
	f := Parse([]byte(src))
	if f.Err != nil {
		t.Fatal(f.Err)
	}
	st := NewStages(f)
	var out []string
	for _, n := range f.Nodes {
		if n.Kind != InstructionNode {
			continue
		}
		shells := st.BodyShells(n)
		if shells == nil {
			shells = []Shell{st.ShellAt(n)}
		}
		var ks []string
		for _, sh := range shells {
			k := [...]string{"posix", "cmd", "powershell", "other"}[sh.Kind()]
			if sh.Unsure {
				k += "?"
			}
			ks = append(ks, k)
		}
		out = append(out, n.Lowered.Value+": "+strings.Join(ks, " "))
	}
	return out
}

func TestBodyShells(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		want      []string
	}{
		{"default", "FROM alpine\nRUN a\n", []string{"FROM: posix", "RUN: posix"}},
		{"windows image", "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN a\nSHELL [\"powershell\", \"-Command\"]\nRUN b\nSHELL [\"cmd\", \"/S\", \"/C\"]\nRUN c\nSHELL [\"bash\", \"-c\"]\nRUN d\n",
			[]string{"FROM: cmd", "RUN: cmd", "SHELL: powershell", "RUN: powershell", "SHELL: cmd", "RUN: cmd", "SHELL: posix", "RUN: posix"}},
		{"pwsh exe path", "FROM alpine\nSHELL [\"C:\\\\Program Files\\\\PowerShell\\\\pwsh.exe\", \"-c\"]\nRUN a\n",
			[]string{"FROM: posix", "SHELL: powershell", "RUN: powershell"}},
		{"zsh is not POSIX", "FROM alpine\nSHELL [\"/bin/zsh\", \"-c\"]\nRUN a\n", []string{"FROM: posix", "SHELL: other", "RUN: other"}},
		{"shell form SHELL", "FROM alpine\nSHELL /bin/bash -c\nRUN a\n", []string{"FROM: posix", "SHELL: other", "RUN: other"}},
		{"windows through an ARG", "ARG B=mcr.microsoft.com/windows/nanoserver:1809\nFROM $B\nRUN a\n",
			[]string{"ARG: posix", "FROM: cmd", "RUN: cmd"}},
		{"ARG default expanded with earlier ARGs", "ARG REG=mcr.microsoft.com\nARG B=\"${REG}/windows/servercore\"\nFROM ${B}:ltsc2022\nRUN a\n",
			[]string{"ARG: posix", "ARG: posix", "FROM: cmd", "RUN: cmd"}},
		{"windows platform through an ARG", "ARG P=windows/amd64\nFROM --platform=$P alpine\nRUN a\n",
			[]string{"ARG: posix", "FROM: cmd", "RUN: cmd"}},
		{"windows platform", "FROM --platform=windows/amd64 img\nRUN a\n", []string{"FROM: cmd", "RUN: cmd"}},
		{"backtick escape", "# escape=`\nFROM img\nRUN a\n", []string{"FROM: cmd", "RUN: cmd"}},
		{"SHELL inherited from the base stage", "FROM alpine AS base\nSHELL [\"pwsh\", \"-c\"]\nFROM base\nRUN a\nFROM alpine\nRUN b\n",
			[]string{"FROM: posix", "SHELL: powershell", "FROM: powershell", "RUN: powershell", "FROM: posix", "RUN: posix"}},
		{"base stage named through an ARG", "ARG S=win\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win\nFROM ${S}\nRUN a\n",
			[]string{"ARG: posix", "FROM: cmd", "FROM: cmd", "RUN: cmd"}},
		{"stage names are lower case, the base is matched as written", "FROM alpine AS Base\nSHELL [\"pwsh\", \"-c\"]\nFROM base\nRUN a\nFROM Base\nRUN b\n",
			[]string{"FROM: posix", "SHELL: powershell", "FROM: powershell", "RUN: powershell", "FROM: posix", "RUN: posix"}},
		{"HEALTHCHECK runs with the final shell", "FROM alpine\nHEALTHCHECK CMD a\nSHELL [\"cmd\", \"/S\", \"/C\"]\n",
			[]string{"FROM: posix", "HEALTHCHECK: cmd", "SHELL: cmd"}},
		{"HEALTHCHECK inherited by a stage that changes SHELL", "FROM alpine AS a\nHEALTHCHECK CMD x\nFROM a\nSHELL [\"pwsh\", \"-c\"]\n",
			[]string{"FROM: posix", "HEALTHCHECK: posix powershell", "FROM: posix", "SHELL: powershell"}},
		{"ONBUILD runs with the shell the stage ends with", "FROM alpine\nSHELL [\"pwsh\", \"-c\"]\nONBUILD RUN a\nSHELL [\"sh\", \"-c\"]\n",
			[]string{"FROM: posix", "SHELL: powershell", "ONBUILD: posix", "SHELL: posix"}},
		{"unsure base", "FROM alpine AS a\nSHELL [\"pwsh\", \"-c\"]\nFROM $NOPE\nRUN x\n",
			[]string{"FROM: posix", "SHELL: powershell", "FROM: posix?", "RUN: posix?"}},
		{"unsure base, no SHELL anywhere", "FROM $NOPE\nRUN x\n", []string{"FROM: posix", "RUN: posix"}},
		{"before FROM", "ARG A=1\n", []string{"ARG: posix"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := shellsOf(t, tt.src)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestStages(t *testing.T) {
	f := Parse([]byte("ARG V=3.19\nFROM alpine:${V} AS Build\nRUN a\nFROM build AS run\nCOPY --from=build / /\nFROM scratch\n"))
	st := NewStages(f)
	if len(st.List) != 3 {
		t.Fatalf("%d stages", len(st.List))
	}
	b, r, s := st.List[0], st.List[1], st.List[2]
	if b.Name != "build" || b.Base != "alpine:${V}" || b.Image != "alpine:3.19" || b.Parent != nil || len(b.Nodes) != 1 {
		t.Errorf("stage 0: %+v", b)
	}
	if r.Parent != b || r.Name != "run" || len(r.Nodes) != 1 || st.StageOf(r.Nodes[0]) != r {
		t.Errorf("stage 1: %+v", r)
	}
	if s.Parent != nil || s.Image != "scratch" || s.Name != "" {
		t.Errorf("stage 2: %+v", s)
	}
	if c := st.Children(b); len(c) != 1 || c[0] != r {
		t.Errorf("children of build: %v", c)
	}
	if st.Args["V"] != "3.19" || st.StageOf(f.Nodes[0]) != nil {
		t.Errorf("args %v", st.Args)
	}
}

// TestSimpleExpand holds the fast path to BuildKit's lexer on the words it
// takes, and checks that it leaves the others to the lexer.
func TestSimpleExpand(t *testing.T) {
	env := &argEnv{}
	lex := &lazyLex{esc: '\\'}
	env.add(lex, []string{"A=1", "B=two", "C_3=x", "EMPTY="})
	for _, w := range []string{
		"alpine", "alpine:${A}", "$A", "${B}-$A.$C_3", "${NOPE}x", "$NOPE", "a$EMPTY",
		"$A$B", "${A}${B}", "x$A_y", "$9", "$$", "${A:-d}", "${A", "a$", "'$A'", `\$A`, `"$A"`, "${#A}",
	} {
		got, unGot, ok := simpleExpand(w, env)
		if !ok {
			continue
		}
		lexer := shell.NewLex('\\')
		r, err := lexer.ProcessWordWithMatches(w, env)
		if err != nil || r.Result != got || (len(r.Unmatched) > 0) != unGot {
			t.Errorf("%q: fast path %q (unmatched %v), lexer %q (unmatched %v, err %v)", w, got, unGot, r.Result, r.Unmatched, err)
		}
	}
	for _, w := range []string{"$9", "$$", "${A:-d}", "${A", "a$", "'$A'", `\$A`, `"$A"`, "${#A}"} {
		if _, _, ok := simpleExpand(w, env); ok {
			t.Errorf("%q: fast path taken", w)
		}
	}
}
