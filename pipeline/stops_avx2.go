//go:build goexperiment.simd && amd64

package pipeline

import "simd/archsimd"

// With GOEXPERIMENT=simd (the Makefile builds so) on a processor with
// AVX2, markStops compares 32 bytes at a time.
func init() {
	if archsimd.X86.AVX2() {
		markStops = markStopsAVX2
	}
}

func markStopsAVX2(buf []byte, comma byte, stops []uint64) {
	c := archsimd.BroadcastUint8x32(comma)
	q := archsimd.BroadcastUint8x32('"')
	n := archsimd.BroadcastUint8x32('\n')
	i := 0
	for ; i+64 <= len(buf); i += 64 {
		a := archsimd.LoadUint8x32Slice(buf[i:])
		b := archsimd.LoadUint8x32Slice(buf[i+32:])
		ma := a.Equal(c).Or(a.Equal(q)).Or(a.Equal(n)).ToBits()
		mb := b.Equal(c).Or(b.Equal(q)).Or(b.Equal(n)).ToBits()
		stops[i>>6] = uint64(ma) | uint64(mb)<<32
	}
	// The tail, and the words past it, as markStopsSWAR does.
	markStopsSWAR(buf[i:], comma, stops[i>>6:])
}
