//go:build unix

package statefile

import "syscall"

// allocFrames maps the page cache outside the Go heap: it is fixed-size
// and holds no pointers, and on the heap it would also raise the garbage
// collector's target by its own size.
func allocFrames(n int) ([]byte, func() error, error) {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil, nil, err
	}
	return b, func() error { return syscall.Munmap(b) }, nil
}
