package source

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

// TestReadLine: lines come back without their endings (LF, CRLF), an
// unterminated last line is returned with io.EOF, a line over max is
// consumed and reported (also past the reader's buffer and at the end of
// input), and n counts every byte read, ending included.
func TestReadLine(t *testing.T) {
	type got struct {
		line    string
		tooLong bool
		n       int
		eof     bool
	}
	for _, tc := range []struct {
		name string
		in   string
		max  int
		want []got
	}{
		{"lf and crlf", "ab\ncd\r\n", 10, []got{{"ab", false, 3, false}, {"cd", false, 4, false}, {"", false, 0, true}}},
		{"unterminated last", "ab\ncd", 10, []got{{"ab", false, 3, false}, {"cd", false, 2, true}}},
		{"blank lines", "\n\r\nx\n", 10, []got{{"", false, 1, false}, {"", false, 2, false}, {"x", false, 2, false}, {"", false, 0, true}}},
		{"too long mid-input", "abcdefgh\nok\n", 5, []got{{"", true, 9, false}, {"ok", false, 3, false}, {"", false, 0, true}}},
		{"too long at the end", "ok\nabcdefgh", 5, []got{{"ok", false, 3, false}, {"", true, 8, true}}},
		{"longer than the reader's buffer, under max", strings.Repeat("x", 40) + "\n", 100, []got{{strings.Repeat("x", 40), false, 41, false}, {"", false, 0, true}}},
		{"longer than the buffer and max", strings.Repeat("x", 40) + "\nok\n", 30, []got{{"", true, 41, false}, {"ok", false, 3, false}, {"", false, 0, true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tc.in), 16)
			for i, w := range tc.want {
				line, tooLong, n, err := ReadLine(br, tc.max)
				if err != nil && err != io.EOF {
					t.Fatalf("read %d: %v", i+1, err)
				}
				g := got{string(line), tooLong, n, err == io.EOF}
				if g != w {
					t.Fatalf("read %d = %+v, want %+v", i+1, g, w)
				}
			}
		})
	}
}
