package parquetsink

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	"github.com/nhs-talking-therapies/deid/schemas"
)

// Every dataset's file has version-1 data pages only (encrypted v2 pages
// open in no reader set that includes parquet-java), a dictionary for every
// column but identifiers and booleans, PLAIN identifiers, and free text in
// a dictionary or PLAIN, never DELTA_LENGTH_BYTE_ARRAY; ids and free text
// carry no bounds.
func TestSinkPageVersionAndEncodings(t *testing.T) {
	for _, ds := range schemas.All() {
		t.Run(ds.Name, func(t *testing.T) {
			ds, cols, codec := everyColumn(t, ds.Name)
			dir := t.TempDir()
			w, err := New(dir, ds, cols, 1000, "test", nil, codec)
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
			pf, f := openParquet(t, filepath.Join(dir, ds.Name, "part-00000.parquet"))
			for g, rg := range pf.Metadata().RowGroups {
				for i, cc := range rg.Columns {
					c := ds.Columns[i]
					enc := cc.MetaData.Encoding
					dict := slices.Contains(enc, format.RLEDictionary)
					wantDict := !isIdentifier(c) && c.Type != schemas.Bool
					if dict != wantDict {
						t.Errorf("group %d column %s: encodings %v, dictionary wanted: %v", g, c.Name, enc, wantDict)
					}
					if slices.Contains(enc, format.DeltaLengthByteArray) || slices.Contains(enc, format.DeltaByteArray) {
						t.Errorf("group %d column %s: encodings %v, want no delta encoding", g, c.Name, enc)
					}
					st := cc.MetaData.Statistics
					if bounds := st.MinValue != nil || st.MaxValue != nil; bounds == (c.FreeText || isIdentifier(c)) {
						t.Errorf("group %d column %s: bounds written: %v", g, c.Name, bounds)
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
	var types []format.PageType
	for _, rg := range md.RowGroups {
		for _, cc := range rg.Columns {
			for _, h := range pageHeaders(t, f, cc) {
				types = append(types, h.Type)
			}
		}
	}
	return types
}

// pageHeaders decodes the page headers of one column chunk.
func pageHeaders(t *testing.T, f *os.File, cc format.ColumnChunk) []format.PageHeader {
	t.Helper()
	var proto thrift.CompactProtocol
	var hs []format.PageHeader
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
		hs = append(hs, h)
		if _, err := io.CopyN(io.Discard, r, int64(h.CompressedPageSize)); err != nil {
			t.Fatal(err)
		}
	}
	return hs
}

// A free-text dictionary stays bounded: texts that never repeat fill it
// past dictBytes, and the column falls back to PLAIN pages for the rest
// of the row group, as pyarrow's and parquet-java's writers do, instead of
// holding every text of the row group in memory. The PLAIN pages are whole
// pages (the writer's own cuts, which let parquet-go check the
// dictionary, never leave a sliver after one of parquet-go's), and the
// values read back unchanged across the switch.
func TestFreeTextDictionaryFallsBackToPlain(t *testing.T) {
	ds, cols, codec := everyColumn(t, "transcripts")
	dir := t.TempDir()
	w, err := New(dir, ds, cols, 65536, "test", nil, codec)
	if err != nil {
		t.Fatal(err)
	}
	const rows = 6000 // 6000 distinct texts of ~1 KB: three times dictBytes and more
	pad := strings.Repeat("x", 1000)
	text := func(r int) string { return fmt.Sprintf("%06d %s", r, pad) }
	for r := range rows {
		if err := w.Write(Row{"r0123", "s0001", int32(1), int32(r), "patient", int32(3), text(r), int32(0), "{}"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	pf, f := openParquet(t, filepath.Join(dir, "transcripts", "part-00000.parquet"))
	ti := slices.IndexFunc(ds.Columns, func(c schemas.Column) bool { return c.Name == "text" })
	var dictPage, plainPages, dictPages int
	hs := pageHeaders(t, f, pf.Metadata().RowGroups[0].Columns[ti])
	for i, h := range hs {
		switch {
		case h.Type == format.DictionaryPage:
			dictPage = int(h.UncompressedPageSize)
		case h.DataPageHeader.V.Encoding == format.Plain:
			plainPages++
			if i < len(hs)-1 && h.UncompressedPageSize < textPage/2 {
				t.Errorf("PLAIN text page %d of %d holds %d bytes: a sliver (pages are cut at %d)", i, len(hs), h.UncompressedPageSize, textPage)
			}
		case h.DataPageHeader.V.Encoding == format.RLEDictionary:
			dictPages++
		}
	}
	if dictPage == 0 || dictPage > 2*dictBytes || plainPages == 0 || dictPages == 0 {
		t.Fatalf("text column: dictionary page of %d bytes (bound %d), %d dictionary and %d PLAIN data pages; want a bounded dictionary, then PLAIN",
			dictPage, 2*dictBytes, dictPages, plainPages)
	}
	rd := parquet.NewReader(pf)
	defer rd.Close()
	got := make([]parquet.Row, 1)
	for r := range rows {
		if n, err := rd.ReadRows(got); n != 1 {
			t.Fatalf("row %d: %v", r, err)
		}
		if v := got[0][ti]; string(v.ByteArray()) != text(r) {
			t.Fatalf("row %d: text %.20q..., want %.20q...", r, v.ByteArray(), text(r))
		}
	}
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
