//go:build !unix

package pipeline

import (
	"errors"
	"os"
)

// oNoFollow: no such flag here; the staging folders are new and private.
const oNoFollow = 0

// tryLock fails closed: without flock, two runs on one output could
// interleave their files.
func tryLock(*os.File) (bool, error) {
	return false, errors.New("locking the output folder needs a Unix system")
}
