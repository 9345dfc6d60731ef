package format

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/dfmt/dfmt/format/syntax"

	"github.com/dfmt/dfmt/format/formattest"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// benchCorpus reads every file of $DFMT_CORPUS/valid.
func benchCorpus(b *testing.B) (srcs [][]byte, size int64) {
	for _, cf := range formattest.CorpusFiles(b, "valid") {
		srcs = append(srcs, cf.Src)
		size += int64(len(cf.Src))
	}
	return srcs, size
}

func buildkitParseAll(srcs [][]byte) {
	for _, src := range srcs {
		parser.Parse(bytes.NewReader(src))
	}
}

// perOp runs fn under b, reporting bytes and allocations.
func perOp(b *testing.B, size int64, fn func()) {
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		fn()
	}
}

// ratioTo reports how many times faster than BuildKit's parse of the same
// inputs a run of ours (fn) is. The two take turns, several rounds of
// each, and the fastest round of each counts: on a shared machine, noise
// only ever adds time, and the turns expose both to the same noise.
func ratioTo(b *testing.B, srcs [][]byte, fn func()) {
	// testing.Benchmark cannot nest inside a benchmark: time by hand.
	best := func(cur time.Duration, f func()) time.Duration {
		start := time.Now()
		f()
		if d := time.Since(start); cur == 0 || d < cur {
			return d
		}
		return cur
	}
	var bk, ours time.Duration
	start := time.Now()
	for round := 0; round < 10 || time.Since(start) < 2*time.Second; round++ {
		bk = best(bk, func() { buildkitParseAll(srcs) })
		ours = best(ours, fn)
	}
	b.ReportMetric(float64(bk)/float64(ours), "x-faster-than-buildkit-parse")
}

// BenchmarkBuildKitParse is the reference: BuildKit's parser over the
// corpus.
func BenchmarkBuildKitParse(b *testing.B) {
	srcs, size := benchCorpus(b)
	perOp(b, size, func() { buildkitParseAll(srcs) })
}

// BenchmarkParse is dfmt's parser (lossless tree and lowering) over the
// corpus, with its speed-up over BuildKit's parser.
func BenchmarkParse(b *testing.B) {
	srcs, size := benchCorpus(b)
	parseAll := func() {
		for _, src := range srcs {
			syntax.Parse(src)
		}
	}
	perOp(b, size, parseAll)
	ratioTo(b, srcs, parseAll)
}

// BenchmarkFormat is the whole formatter, parse, print and safety check,
// over the corpus, with its speed-up over BuildKit's parse alone.
func BenchmarkFormat(b *testing.B) {
	srcs, size := benchCorpus(b)
	formatAll := func() {
		for _, src := range srcs {
			if _, err := Format(src, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	perOp(b, size, formatAll)
	ratioTo(b, srcs, formatAll)
}

// BenchmarkScale formats generated files of growing size; time per byte
// should stay flat.
func BenchmarkScale(b *testing.B) {
	for _, size := range []int{100 << 10, 500 << 10, 1 << 20, 10 << 20} {
		src := formattest.ScaleFile(size)
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			perOp(b, int64(len(src)), func() {
				if _, err := Format(src, Options{}); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
