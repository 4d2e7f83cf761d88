//go:build !race

package pipeline

// raceEnabled: this test binary was built without -race.
const raceEnabled = false
