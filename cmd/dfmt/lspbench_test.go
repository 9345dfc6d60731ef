package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"
)

// genDockerfile is a Dockerfile of n lines as people write them before
// formatting: stages of lower-case instructions, shell chains over
// continuation lines, comments, blank runs, labels and environment.
func genDockerfile(n int) string {
	var b strings.Builder
	lines := 0
	add := func(s string) {
		if lines < n {
			b.WriteString(s)
			b.WriteByte('\n')
			lines++
		}
	}
	for stage := 0; lines < n; stage++ {
		add(fmt.Sprintf("# stage %d builds part %d", stage, stage))
		add(fmt.Sprintf("from   golang:1.22 as   build%d", stage))
		add("arg VERSION=1.0")
		add(fmt.Sprintf("env   GOPATH=/go  PART=%d", stage))
		add("workdir /src")
		add("copy  go.mod go.sum ./")
		add("run apt-get update &&\\")
		add("    apt-get install -y --no-install-recommends \\")
		add("      ca-certificates curl git  \\")
		add("      make gcc libc6-dev && \\")
		add("    rm -rf /var/lib/apt/lists/*")
		add("")
		add("")
		add("   # build it")
		add(fmt.Sprintf("RUN  --mount=type=cache,target=/root/.cache  go build -o /out/part%d ./cmd/part%d", stage, stage))
		add(`label org.opencontainers.image.title="part" org.opencontainers.image.version="1.0"`)
		add("run set -eux; for f in a b c; do echo $f; done; if [ -n \"$X\" ]; then echo yes; fi")
		add(`cmd ["/out/part", "--serve"]`)
		add("expose 8080")
		add("")
	}
	return b.String()
}

// BenchmarkLSPFormatting times textDocument/formatting requests on a
// 1,000-line Dockerfile, from the request's first byte written to the
// response's last byte read, over OS pipes to a server in this process. It
// reports the 50th, 95th and 99th percentiles of those round trips, and
// the CPU time the process spent on each.
func BenchmarkLSPFormatting(b *testing.B) {
	src := genDockerfile(1000)
	if n := strings.Count(src, "\n"); n != 1000 {
		b.Fatalf("%d lines", n)
	}
	// The collector's pace of the command (see tuneGC).
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	inR, inW, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan int, 1)
	go func() {
		done <- serveLSP(inR, outW, io.Discard)
		outW.Close()
	}()
	defer func() {
		inW.Close()
		<-done
		inR.Close()
		outR.Close()
	}()
	r := newMsgReader(outR)
	id := 0
	// roundTrip sends a request and reads up to its response.
	roundTrip := func(method string, params any) json.RawMessage {
		id++
		body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
		if _, err := inW.Write(frame(body)); err != nil {
			b.Fatal(err)
		}
		for {
			m, err := r.read()
			if err != nil {
				b.Fatal(err)
			}
			var rep reply
			if err := json.Unmarshal(m, &rep); err != nil {
				b.Fatal(err)
			}
			if rep.Method != "" {
				continue // diagnostics
			}
			if rep.Error != nil {
				b.Fatalf("%s: %s", method, rep.Error.Message)
			}
			return rep.Result
		}
	}
	roundTrip("initialize", map[string]any{"capabilities": map[string]any{}})
	uri := "untitled:Dockerfile"
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": map[string]any{
		"textDocument": map[string]any{"uri": uri, "languageId": "dockerfile", "version": 1, "text": src},
	}})
	inW.Write(frame(body))
	params := map[string]any{
		"textDocument": map[string]any{"uri": uri},
		"options":      formattingOptions{TabSize: 4, InsertSpaces: true},
	}
	var edits []textEdit
	if err := json.Unmarshal(roundTrip("textDocument/formatting", params), &edits); err != nil || len(edits) == 0 {
		b.Fatalf("formatting: %d edits, %v", len(edits), err)
	}

	var times []time.Duration
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	cpu0, cpuOK := processCPU()
	for b.Loop() {
		start := time.Now()
		roundTrip("textDocument/formatting", params)
		times = append(times, time.Since(start))
	}
	if cpu1, ok := processCPU(); ok && cpuOK {
		// The CPU time of both ends, which a busy machine does not
		// inflate as it does the wall-clock percentiles.
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1000/float64(len(times)), "cpu-ms/op")
	}
	slices.Sort(times)
	pct := func(p float64) float64 {
		i := min(len(times)-1, int(float64(len(times))*p))
		return float64(times[i].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(len(edits)), "edits")
}
