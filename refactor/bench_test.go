package refactor

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/dfmt/dfmt/format"
	"github.com/dfmt/dfmt/format/formattest"
)

// BenchmarkScale runs dfmt -r all (every refactor, then the formatter) on
// the generated files of format's BenchmarkScale, and reports how its time
// and its peak heap compare with formatting the same file alone
// (x-time-of-format, x-peak-heap-of-format): the refactors must stay
// linear, within 3 times the cost of formatting.
func BenchmarkScale(b *testing.B) {
	for _, size := range []int{1 << 20, 10 << 20} {
		src := formattest.ScaleFile(size)
		plain := func() {
			if _, err := format.Source(src, format.Options{}); err != nil {
				b.Fatal(err)
			}
		}
		refactored := func() {
			out, _, err := Apply(src, []string{"all"})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := format.Source(out, format.Options{}); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				refactored()
			}
			b.StopTimer()
			// The fastest of a few turns of each: noise only adds time.
			var tf, tr time.Duration
			for range 3 {
				tf = fastest(tf, plain)
				tr = fastest(tr, refactored)
			}
			b.ReportMetric(float64(tr)/float64(tf), "x-time-of-format")
			b.ReportMetric(float64(peakHeap(refactored))/float64(peakHeap(plain)), "x-peak-heap-of-format")
		})
	}
}

// fastest is the shorter of cur (0: none yet) and a run of fn.
func fastest(cur time.Duration, fn func()) time.Duration {
	start := time.Now()
	fn()
	if d := time.Since(start); cur == 0 || d < cur {
		return d
	}
	return cur
}

// peakHeap is the most heap that fn's objects took at once, above what was
// live before it, as sampled every 100µs.
func peakHeap(fn func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	peak := base
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				peak = max(peak, read())
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	peak = max(peak, read())
	return peak - base
}
