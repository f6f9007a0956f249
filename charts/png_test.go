package charts

import (
	"bytes"
	"hash/adler32"
	"image"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/zlib"
)

// TestAdler32Update: the word-at-a-time checksum is hash/adler32's, on
// texts of zeros and bytes in runs of any length, past the point where
// the sums are reduced, fed in pieces of any size.
func TestAdler32Update(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for _, n := range []int{0, 1, 7, 8, 31, 32, 33, 100, adlerMax - 1, adlerMax, adlerMax + 1, 3*adlerMax + 17, 70000} {
		for _, zeros := range []float64{0, 0.5, 0.95, 1} {
			p := make([]byte, n)
			for i := 0; i < n; {
				run := 1 + rng.IntN(80)
				b := byte(0)
				if rng.Float64() >= zeros {
					b = byte(rng.Uint32()) | 1
				}
				for ; run > 0 && i < n; run, i = run-1, i+1 {
					p[i] = b
					if b != 0 && rng.IntN(3) == 0 {
						p[i] = 0xff // the largest byte: the sums' worst case
					}
				}
			}
			a, b := uint32(1), uint32(0)
			for q := p; len(q) > 0; {
				k := min(len(q), 1+rng.IntN(2*adlerMax))
				a, b = adler32Update(a, b, q[:k])
				q = q[k:]
			}
			if got, want := b<<16|a, adler32.Checksum(p); got != want {
				t.Errorf("%d bytes, %.0f%% zeros: %08x, want %08x", n, 100*zeros, got, want)
			}
		}
	}
}

// TestZlibStreamIsZlibs: the stream is, byte for byte, the one
// klauspost/compress/zlib writes at BestSpeed (so the charts did not change),
// written in any pieces, its writer reused.
func TestZlibStreamIsZlibs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 1000, 200000} {
		p := make([]byte, n)
		for i := range p {
			if rng.IntN(4) == 0 {
				p[i] = byte(rng.IntN(4))
			}
		}
		var want bytes.Buffer
		zw, _ := zlib.NewWriterLevel(&want, zlib.BestSpeed)
		zw.Write(p)
		zw.Close()
		for range 3 {
			var got bytes.Buffer
			z := newZlib(&got)
			for q := p; len(q) > 0; {
				k := min(len(q), 1+rng.IntN(5000))
				if _, err := z.Write(q[:k]); err != nil {
					t.Fatal(err)
				}
				q = q[k:]
			}
			if err := z.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := z.Write([]byte{1}); err == nil {
				t.Error("a write after Close was taken")
			}
			z.release()
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("%d bytes: stream of %d bytes differs from zlib's %d", n, got.Len(), want.Len())
			}
		}
	}
}

// TestEncodeRGBRepeatedRows: rows the same as the one above (written as
// zeros without filtering), rows differing only in alpha, flat regions,
// and images wider than a deflate block, decode to the image.
func TestEncodeRGBRepeatedRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for _, size := range []struct{ w, h, pad int }{{1, 4, 0}, {5, 6, 2}, {945, 40, 7}, {3000, 30, 0}} {
		img := image.NewRGBA(image.Rect(0, 0, size.w, size.h))
		for y := range size.h {
			row := img.Pix[y*img.Stride : y*img.Stride+4*size.w]
			switch k := rng.IntN(4); {
			case y > 0 && k == 0: // as above
				copy(row, img.Pix[(y-1)*img.Stride:])
			case y > 0 && k == 1: // as above but for alpha
				copy(row, img.Pix[(y-1)*img.Stride:])
				for x := 3; x < len(row); x += 4 {
					row[x] ^= 0x55
				}
			default: // bands of one colour
				for x := 0; x < size.w; {
					c := [4]byte{byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32()), 0xff}
					for run := 1 + rng.IntN(50); run > 0 && x < size.w; run, x = run-1, x+1 {
						copy(row[4*x:], c[:])
					}
				}
			}
		}
		decodesTo(t, size, img, size.pad)
	}
}

// BenchmarkEncodePNG encodes a chart-like image: white margins, flat bars,
// text-like noise on some rows.
func BenchmarkEncodePNG(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 9))
	img := image.NewRGBA(image.Rect(0, 0, 983, 746))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := 40; y < 700; y += 60 {
		for yy := y; yy < y+30; yy++ { // a bar
			for x := 200; x < 200+rng.IntN(700); x++ {
				copy(img.Pix[img.PixOffset(x, yy):], []byte{0x1f, 0x77, 0xb4, 0xff})
			}
		}
		for yy := y + 32; yy < y+44; yy++ { // a line of text
			for x := 20; x < 180; x++ {
				if rng.IntN(3) == 0 {
					v := byte(rng.IntN(256))
					copy(img.Pix[img.PixOffset(x, yy):], []byte{v, v, v, 0xff})
				}
			}
		}
	}
	var buf bytes.Buffer
	b.SetBytes(int64(3 * 983 * 746))
	for b.Loop() {
		buf.Reset()
		if err := encodeRGB(&buf, img, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "B/png")
}
