//go:build goexperiment.simd && amd64

package pipeline

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The AVX2 map of stops is the plain Go one, on any bytes and lengths.
func TestStopsAVX2IsSWAR(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		buf := make([]byte, r.IntN(700))
		for i := range buf {
			buf[i] = "ab,;\"\n\r\xc3"[r.IntN(8)]
		}
		comma := ",;"[r.IntN(2)]
		a, b := make([]uint64, 2*stopWords(len(buf))), make([]uint64, 2*stopWords(len(buf)))
		for i := range a { // stale words must be overwritten
			a[i], b[i] = ^uint64(0), ^uint64(0)
		}
		markStopsAVX2(buf, comma, a)
		markStopsSWAR(buf, comma, b)
		if !slices.Equal(a, b) {
			t.Fatalf("len %d: AVX2 %x, SWAR %x", len(buf), a, b)
		}
	}
}
