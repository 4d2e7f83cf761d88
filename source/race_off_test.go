//go:build !race

package source

// raceEnabled: this test binary was built without -race.
const raceEnabled = false
