//go:build race

package source

// raceEnabled: this test binary was built with -race, which also turns on
// checkptr. See TestReadParquetCorrupt for what that changes.
const raceEnabled = true
