package main

import (
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestLSPCommand runs dfmt --lsp as an editor does, as a process, to check
// what only a process shows: its exit status. The dfmt on $PATH is this
// test binary, which testscript.Main installed there (see TestMain).
func TestLSPCommand(t *testing.T) {
	dfmt, err := exec.LookPath("dfmt")
	if err != nil || !strings.Contains(dfmt, "testscript-main") {
		t.Fatalf("want the dfmt that TestMain puts on $PATH, got %q, %v", dfmt, err)
	}
	msg := func(s string) string { return string(frame([]byte(s))) }
	var (
		initialize = msg(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`)
		shutdown   = msg(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`)
		exit       = msg(`{"jsonrpc":"2.0","method":"exit"}`)
	)
	for _, tc := range []struct {
		name   string
		args   []string
		stdin  string
		status int
		stdout []string // in this order
	}{
		{"shutdown then exit", []string{"--lsp"}, initialize + shutdown + exit, 0,
			[]string{`"id":1,"result":{"capabilities"`, `"id":2,"result":null`}},
		{"exit without shutdown", []string{"--lsp"}, initialize + exit, 1,
			[]string{`"id":1,"result":{"capabilities"`}},
		{"end of input after shutdown", []string{"--lsp"}, initialize + shutdown, 0, nil},
		{"end of input", []string{"--lsp"}, initialize, 1, nil},
		{"nothing at all", []string{"--lsp"}, "", 1, nil},
		{"garbage", []string{"--lsp"}, "hello\r\n\r\n" + exit, 1, []string{`"error":{"code":-32700`}},
		{"a path", []string{"--lsp", "Dockerfile"}, "", exitError, nil},
		{"a flag", []string{"--lsp", "-w"}, "", exitError, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(dfmt, tc.args...)
			cmd.Stdin = strings.NewReader(tc.stdin)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.WaitDelay = 10 * time.Second
			done := make(chan error, 1)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { done <- cmd.Wait() }()
			select {
			case err = <-done:
			case <-time.After(lspTimeout):
				cmd.Process.Kill()
				t.Fatalf("dfmt %s did not exit", strings.Join(tc.args, " "))
			}
			status := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				status = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if status != tc.status {
				t.Errorf("exit status %d, want %d; stderr:\n%s", status, tc.status, &stderr)
			}
			out := stdout.String()
			for _, want := range tc.stdout {
				i := strings.Index(out, want)
				if i < 0 {
					t.Errorf("stdout lacks %s:\n%s", want, stdout.String())
					break
				}
				out = out[i+len(want):]
			}
		})
	}
}
