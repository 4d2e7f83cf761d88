package pipeline

// WithStateCache sets how many patients' state, and how many state file
// pages, an extract keeps in memory; tests make both tiny so that every
// set-aside, eviction and restore path runs.
func WithStateCache(o *Options, patients, pages int) {
	o.stateCache, o.stateFrames = patients, pages
}
