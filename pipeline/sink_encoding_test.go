package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	"github.com/nhs-talking-therapies/deid/schemas"
)

// Every dataset's file has version-1 data pages only (encrypted v2 pages
// open in no reader set that includes parquet-java), a dictionary for every
// column but free text and booleans, and PLAIN free text.
func TestSinkPageVersionAndEncodings(t *testing.T) {
	for _, ds := range schemas.All() {
		t.Run(ds.Name, func(t *testing.T) {
			ds, cols, codec := everyColumn(t, ds.Name)
			dir := t.TempDir()
			w, err := newDatasetWriter(dir, ds, cols, 1000, "test", nil, codec)
			if err != nil {
				t.Fatal(err)
			}
			for r := range 2500 {
				row := make(Row, len(ds.Columns))
				for i, c := range ds.Columns {
					switch c.Type {
					case schemas.String:
						row[i] = fmt.Sprintf("v%d", r%7)
					case schemas.Int32:
						row[i] = int32(r % 11)
					case schemas.Bool:
						row[i] = r%3 == 0
					case schemas.Int32List:
						v := int32(r % 4)
						row[i] = []*int32{&v, nil}
					}
				}
				if err := w.Write(row); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(filepath.Join(dir, ds.Name, "part-00000.parquet"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			st, _ := f.Stat()
			pf, err := parquet.OpenFile(f, st.Size())
			if err != nil {
				t.Fatal(err)
			}
			for g, rg := range pf.Metadata().RowGroups {
				for i, cc := range rg.Columns {
					c := ds.Columns[i]
					enc := cc.MetaData.Encoding
					dict := slices.Contains(enc, format.RLEDictionary)
					wantDict := !c.FreeText && c.Type != schemas.Bool
					if dict != wantDict {
						t.Errorf("group %d column %s: encodings %v, dictionary wanted: %v", g, c.Name, enc, wantDict)
					}
					if c.FreeText && (!slices.Contains(enc, format.Plain) || slices.Contains(enc, format.DeltaLengthByteArray)) {
						t.Errorf("group %d column %s: free text encodings %v, want PLAIN", g, c.Name, enc)
					}
				}
			}
			// Page versions from the page headers themselves.
			types := pageTypes(t, f, pf.Metadata())
			if !slices.Contains(types, format.DataPage) || slices.Contains(types, format.DataPageV2) {
				t.Fatalf("page types %v: want version-1 data pages only (parquet-java cannot read an encrypted v2 page)", types)
			}
		})
	}
}

// pageTypes decodes every page header of every column chunk.
func pageTypes(t *testing.T, f *os.File, md *format.FileMetaData) []format.PageType {
	t.Helper()
	var proto thrift.CompactProtocol
	var types []format.PageType
	for _, rg := range md.RowGroups {
		for _, cc := range rg.Columns {
			start := cc.MetaData.DataPageOffset
			if d := cc.MetaData.DictionaryPageOffset; d > 0 && d < start {
				start = d
			}
			sec := io.NewSectionReader(f, start, cc.MetaData.TotalCompressedSize)
			r := &countReader{r: sec}
			dec := thrift.NewDecoder(proto.NewReader(r))
			for r.n < cc.MetaData.TotalCompressedSize {
				var h format.PageHeader
				if err := dec.Decode(&h); err != nil {
					t.Fatalf("page header at byte %d: %v", start+r.n, err)
				}
				types = append(types, h.Type)
				if _, err := io.CopyN(io.Discard, r, int64(h.CompressedPageSize)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return types
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countReader) ReadByte() (byte, error) {
	var b [1]byte
	_, err := io.ReadFull(c, b[:])
	return b[0], err
}
