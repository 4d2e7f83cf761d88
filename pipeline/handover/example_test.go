package handover_test

import (
	"bytes"
	"context"
	"fmt"

	"github.com/parquet-go/parquet-go"

	"github.com/nhs-talking-therapies/deid/pipeline/handover"
)

// A finished plaintext Parquet file is encrypted for a partner with a
// 32-byte key (hex or base64 text, as it sits in the environment); the
// partner's pyarrow, polars or parquet-java reads it given the same key,
// and DecryptParquet gives the plaintext back byte for byte.
func Example() {
	key, err := handover.ParseKey("partner-2026", []byte("ZGVtbyBwYXJ0bmVyIGtleSAtIG5vdCBmb3IgdXNlISE="))
	if err != nil {
		panic(err)
	}
	type row struct {
		ResearchID string `parquet:"research_id"`
		Total      int32  `parquet:"total"`
	}
	var plain bytes.Buffer
	w := parquet.NewGenericWriter[row](&plain, parquet.DataPageVersion(1)) // version-1 pages: every reader agrees on them
	if _, err := w.Write([]row{{"a1", 12}, {"b2", 7}}); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}

	ctx := context.Background()
	var enc bytes.Buffer
	if err := handover.EncryptParquet(ctx, &enc, bytes.NewReader(plain.Bytes()), int64(plain.Len()), key); err != nil {
		panic(err)
	}
	r := bytes.NewReader(enc.Bytes())
	encrypted, _ := handover.IsEncryptedParquet(r, r.Size())
	id, _ := handover.KeyIDOf(r, r.Size())
	fmt.Println("encrypted:", encrypted, "key id:", id)

	var back bytes.Buffer
	if err := handover.DecryptParquet(ctx, &back, r, r.Size(), key); err != nil {
		panic(err)
	}
	fmt.Println("round trip identical:", bytes.Equal(back.Bytes(), plain.Bytes()))
	// Output:
	// encrypted: true key id: partner-2026
	// round trip identical: true
}

// A Key prints as its ID and fingerprint whatever the verb, so a key
// logged by mistake does not leak.
func ExampleKey_String() {
	key, err := handover.ParseKey("partner-2026", []byte("ZGVtbyBwYXJ0bmVyIGtleSAtIG5vdCBmb3IgdXNlISE="))
	if err != nil {
		panic(err)
	}
	fmt.Println(key)
	fmt.Printf("%x\n", key)
	// Output:
	// key "partner-2026" (sha256:0abb7f0b9f0d4a5a80300ad369247c30)
	// key "partner-2026" (sha256:0abb7f0b9f0d4a5a80300ad369247c30)
}

// LoadKey's errors name where the key was looked for, never its value.
func ExampleLoadKey() {
	_, err := handover.LoadKey(handover.KeySpec{ID: "partner-2026", Env: "DEID_EXAMPLE_UNSET_KEY"})
	fmt.Println(err)
	// Output:
	// key: environment variable DEID_EXAMPLE_UNSET_KEY: key not set
}
