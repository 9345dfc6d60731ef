//go:build race

package format_test

// srSeedsRace is how many generated Dockerfiles TestShellRun runs under the
// race detector: its runs are the same as without it, so CI's second pass
// (go test -race) checks the harness's own goroutines on a few.
const srSeedsRace = 40

const srRaceEnabled = true
