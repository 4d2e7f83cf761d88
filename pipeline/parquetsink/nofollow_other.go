//go:build !unix

package parquetsink

// oNoFollow: no such flag here; the staging folder is new and private.
const oNoFollow = 0
