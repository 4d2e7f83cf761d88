package pipeline

// WithStateCache sets how many patients' state an extract keeps in memory;
// tests make it tiny so that every set-aside and restore path runs.
func WithStateCache(o *Options, n int) { o.stateCache = n }
