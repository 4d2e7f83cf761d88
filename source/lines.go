package source

import (
	"bufio"
	"bytes"
	"io"
)

// ReadLine returns the next line of a JSON Lines (or any line-based) input
// without its line ending. A line longer than max is consumed and
// discarded (tooLong) so memory stays bounded whatever the input holds. n
// is the line's size on disk, line ending included. The line may alias
// br's buffer: it is valid until the next read. At the end of the input
// err is io.EOF, with the last line if it had no line ending.
func ReadLine(br *bufio.Reader, max int) (line []byte, tooLong bool, n int, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		n += len(chunk)
		if !tooLong {
			if len(buf)+len(chunk) > max {
				tooLong, buf = true, nil
			} else if err == bufio.ErrBufferFull || buf != nil {
				buf = append(buf, chunk...)
			} else {
				buf = chunk
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		buf = bytes.TrimRight(buf, "\r\n")
		if err == io.EOF && n > 0 {
			return buf, tooLong, n, io.EOF
		}
		return buf, tooLong, n, err
	}
}
