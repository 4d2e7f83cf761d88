package parquetsink

import (
	"context"
	"fmt"
	"testing"

	"github.com/nhs-talking-therapies/deid/schemas"
)

// BenchmarkParquetSink writes transcript rows (every column) through the
// Writer: zstd, the profile's row group size, published on close.
func BenchmarkParquetSink(b *testing.B) {
	ds, ok := schemas.Lookup("transcripts")
	if !ok {
		b.Fatal("no transcripts dataset")
	}
	var cols []string
	for _, c := range ds.Columns {
		cols = append(cols, c.Name)
	}
	const rows = 50_000
	row := make(Row, len(ds.Columns))
	codec, err := NewCodec()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(rows * len(benchTurnText)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		w, err := New(dir, ds, cols, 65536, "bench", nil, codec)
		if err != nil {
			b.Fatal(err)
		}
		for r := 0; r < rows; r++ {
			row[0], row[1], row[2], row[3], row[4], row[5] = "r0123456789abcdef", fmt.Sprintf("s%08d", r/40), int32(r/40), int32(r%40), "patient", int32(r/400)
			row[6], row[7], row[8] = benchTurnText, int32(2), `{"LOCATION":1,"PERSON":1}`
			if err := w.Write(row); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// benchTurnText is a transcript turn of typical length and shape (about
// 140 bytes, the synthetic generator's median).
const benchTurnText = "ok i guess. my sister jen came up from leeds on saturday and we went to the garden centre, " +
	"i managed the thought record twice this week"
