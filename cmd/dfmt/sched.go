package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"sync"
)

// A job is one input: a file or standard input. Workers fill in its output
// and status; the printer prints them in the order jobs were added.
type job struct {
	path     string // as named in messages: as given, or joined by the walk
	stdin    bool   // standard input rather than path
	explicit bool   // named on the command line, not found by a walk
	weight   int64  // expected memory, for the budget; exclusive if unknown

	done    chan struct{} // closed when out, errOut, shared and status are final
	shared  []string      // warnings about files many jobs share, each printed once in a run
	out     []byte        // for standard output
	errOut  []byte        // for standard error
	status  int           // exitOK, exitDiffers or exitError
	errs    []error       // what failed, for --annotate
	skipped bool          // left alone: a walked file that is not a Dockerfile

	skippedSites int // places where a refactor asked for did not apply
}

// failedJob is a job that failed before it could be scheduled, such as a
// path that does not exist.
func failedJob(path string, err error) *job {
	j := &job{path: path, done: make(chan struct{})}
	j.fail(err)
	close(j.done)
	return j
}

// fail records err as the job's error: it is printed and the file, if any,
// is not written.
func (j *job) fail(err error) {
	j.errs = append(j.errs, err)
	j.errOut = append(j.errOut, message(j.path, err)...)
	j.errOut = append(j.errOut, '\n')
	j.status = exitError
}

// skip records that the job's file is not a Dockerfile after all, and why:
// it is left alone, without an error. With verbose (-v) the reason is its
// message, at its place in the output; without, runPaths counts it.
func (j *job) skip(why string, verbose bool) {
	j.skipped = true
	if verbose {
		j.errOut = append(j.errOut, j.path+": skipped: not a Dockerfile: "+why+"\n"...)
	}
}

// exclusive is the weight of a job whose size is unknown: it runs with no
// other job holding memory.
const exclusive = math.MaxInt64

const (
	// window is how many jobs may be scheduled or finished but not yet
	// printed. It lets fast files run ahead of a slow one without holding
	// the output of a whole tree.
	window = 256
	// budgetPerWorker bounds the bytes of input held by jobs in flight,
	// as gofmt's sequencer does, since a job holds a few copies of its
	// file (source, result, diff). A file larger than the budget runs
	// alone.
	budgetPerWorker = 32 << 20
)

// scheduler runs jobs on a fixed pool of workers, one per processor, and
// prints their output strictly in the order they were added. Only workers
// open files, one at a time each, so a walk of any size holds at most one
// descriptor per worker.
type scheduler struct {
	work   chan *job
	order  chan *job
	budget *budget
	wg     sync.WaitGroup
	status chan int

	// skipped counts the jobs printed that were skipped, and
	// skippedSites adds up the jobs' skippedSites; both are final once
	// wait returns.
	skipped      int
	skippedSites int
}

func newScheduler(process func(*job), stdout, stderr io.Writer) *scheduler {
	workers := runtime.GOMAXPROCS(0)
	s := &scheduler{
		work:   make(chan *job),
		order:  make(chan *job, window),
		budget: newBudget(int64(workers) * budgetPerWorker),
		status: make(chan int, 1),
	}
	for range workers {
		s.wg.Go(func() {
			for j := range s.work {
				process(j)
				close(j.done)
			}
		})
	}
	go s.print(stdout, stderr)
	return s
}

// add schedules j after every job added before it. It blocks while the
// window or the memory budget is full.
func (s *scheduler) add(j *job) {
	if j.done == nil {
		j.done = make(chan struct{})
	}
	select {
	case <-j.done:
		// Already failed: it only needs its turn to be printed.
		j.weight = 0
		s.order <- j
		return
	default:
	}
	j.weight = s.budget.acquire(j.weight)
	s.order <- j
	s.work <- j
}

// wait waits for every job to be printed and returns the exit status.
func (s *scheduler) wait() int {
	close(s.work)
	close(s.order)
	s.wg.Wait()
	return <-s.status
}

func (s *scheduler) print(stdout, stderr io.Writer) {
	status := exitOK
	var outErr error
	warned := map[string]bool{}
	for j := range s.order {
		<-j.done
		// A warning about a file that many jobs share, such as an
		// .editorconfig, is said once, before the first job it concerns.
		for _, w := range j.shared {
			if !warned[w] {
				warned[w] = true
				fmt.Fprintln(stderr, w)
			}
		}
		// A file's messages come before its output, which they are
		// about, where both streams go to one terminal.
		if len(j.errOut) > 0 {
			stderr.Write(j.errOut)
		}
		if len(j.out) > 0 && outErr == nil {
			if _, outErr = stdout.Write(j.out); outErr != nil {
				// A closed pipe or a full disk: say so once, and keep
				// going, since -w may still have files to write.
				fmt.Fprintf(stderr, "dfmt: writing standard output: %s\n", errText(outErr))
				status = exitError
			}
		}
		status = max(status, j.status)
		s.skippedSites += j.skippedSites
		if j.skipped {
			s.skipped++
		}
		j.out, j.errOut = nil, nil
		s.budget.release(j.weight)
	}
	s.status <- status
}

// budget is a weighted semaphore over bytes of input in flight. Jobs
// acquire in the order they are added and release in the order they are
// printed, so the earliest job always holds its share and the scheduler
// cannot deadlock.
type budget struct {
	mu   sync.Mutex
	cond sync.Cond
	used int64
	max  int64
}

func newBudget(max int64) *budget {
	b := &budget{max: max}
	b.cond.L = &b.mu
	return b
}

// acquire blocks until n bytes are free and returns what it took: n, at
// least 1 and at most the whole budget.
func (b *budget) acquire(n int64) int64 {
	n = min(max(n, 1), b.max)
	b.mu.Lock()
	for b.used+n > b.max {
		b.cond.Wait()
	}
	b.used += n
	b.mu.Unlock()
	return n
}

func (b *budget) release(n int64) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
	b.cond.Broadcast()
}
