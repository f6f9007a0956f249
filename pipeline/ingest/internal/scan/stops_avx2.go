//go:build goexperiment.simd && amd64

package scan

import "simd/archsimd"

// With GOEXPERIMENT=simd (the Makefile builds so) on a processor with
// AVX2, markStops compares 32 bytes at a time.
func init() {
	if archsimd.X86.AVX2() {
		MarkStops = markStopsAVX2
	}
}

func markStopsAVX2(buf []byte, comma byte, maps []uint64) {
	c := archsimd.BroadcastUint8x32(comma)
	q := archsimd.BroadcastUint8x32('"')
	n := archsimd.BroadcastUint8x32('\n')
	i := 0
	for ; i+64 <= len(buf); i += 64 {
		a := archsimd.LoadUint8x32Slice(buf[i:])
		b := archsimd.LoadUint8x32Slice(buf[i+32:])
		qa, qb := a.Equal(q), b.Equal(q)
		ma := a.Equal(c).Or(qa).Or(a.Equal(n)).ToBits()
		mb := b.Equal(c).Or(qb).Or(b.Equal(n)).ToBits()
		maps[i>>6<<1] = uint64(ma) | uint64(mb)<<32
		maps[i>>6<<1+1] = uint64(qa.ToBits()) | uint64(qb.ToBits())<<32
	}
	// The tail, and the words past it, as markStopsSWAR does.
	markStopsSWAR(buf[i:], comma, maps[i>>6<<1:])
}
