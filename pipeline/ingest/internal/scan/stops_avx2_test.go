//go:build goexperiment.simd && amd64

package scan

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The AVX2 map of stops is the plain Go one, on any bytes and lengths.
func TestStopsAVX2IsSWAR(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		buf, comma, a := randomCSV(r, 700)
		b := slices.Clone(a)
		markStopsAVX2(buf, comma, a)
		markStopsSWAR(buf, comma, b)
		if !slices.Equal(a, b) {
			t.Fatalf("len %d: AVX2 %x, SWAR %x", len(buf), a, b)
		}
	}
}
