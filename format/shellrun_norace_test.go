//go:build !race

package format_test

// See shellrun_race_test.go.
const srSeedsRace = 0

const srRaceEnabled = false
