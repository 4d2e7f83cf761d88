package parquetsink

import (
	kzstd "github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go/format"
)

// Codec is Parquet's ZSTD codec with one encoder whose window is a data
// page's size: parquet-go's own codec pools encoders with the library's
// default window, which holds far more history than a page needs. Pages are
// compressed independently, so a longer window gains nothing. One Codec is
// shared by an extract's writers.
type Codec struct {
	enc *kzstd.Encoder
	dec *kzstd.Decoder
}

// NewCodec returns the codec the writers of one extract share.
func NewCodec() (*Codec, error) {
	enc, err := kzstd.NewWriter(nil, kzstd.WithEncoderLevel(kzstd.SpeedDefault), kzstd.WithEncoderConcurrency(1),
		kzstd.WithWindowSize(pageBytes), kzstd.WithZeroFrames(true), kzstd.WithEncoderCRC(false), kzstd.WithLowerEncoderMem(true))
	if err != nil {
		return nil, err
	}
	dec, err := kzstd.NewReader(nil, kzstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	return &Codec{enc: enc, dec: dec}, nil
}

func (c *Codec) String() string                            { return "ZSTD" }
func (c *Codec) CompressionCodec() format.CompressionCodec { return format.Zstd }

// Encode is safe for concurrent use (kzstd.Encoder.EncodeAll is).
func (c *Codec) Encode(dst, src []byte) ([]byte, error) {
	return c.enc.EncodeAll(src, dst[:0]), nil
}

func (c *Codec) Decode(dst, src []byte) ([]byte, error) { return c.dec.DecodeAll(src, dst[:0]) }
