package pipeline

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// appendCodes writes what the Parquet format says of a dictionary page's
// indexes: the non-null codes as one RLE run when all are equal, else as
// groups of eight values bit-packed from the lowest bit, the last group
// padded with zeros. Checked against that rule written bit by bit.
func TestAppendCodesBitByBit(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 3000 {
		dict := 1 + r.IntN(1<<r.IntN(12))
		width := max(1, bits.Len(uint(dict-1)))
		n := r.IntN(70)
		if r.IntN(10) == 0 {
			n = r.IntN(5000) // past the blocks the codes are gathered in
		}
		codes := make([]int32, n)
		for i := range codes {
			codes[i] = int32(r.IntN(dict))
			if r.IntN(8) == 0 {
				codes[i] = -1
			}
		}
		var vals []uint64
		for _, c := range codes {
			if c >= 0 {
				vals = append(vals, uint64(c))
			}
		}
		var want []byte
		switch {
		case len(vals) == 0:
		case allSame(vals):
			want = binary.AppendUvarint(nil, uint64(len(vals))<<1)
			for i := 0; i < (width+7)/8; i++ {
				want = append(want, byte(vals[0]>>(8*i)))
			}
		default:
			groups := (len(vals) + 7) / 8
			want = binary.AppendUvarint(nil, uint64(groups)<<1|1)
			packed := make([]byte, groups*width)
			for i, v := range vals {
				for k := range width {
					if v>>k&1 == 1 {
						bit := i*width + k
						packed[bit/8] |= 1 << (bit % 8)
					}
				}
			}
			want = append(want, packed...)
		}
		got := appendCodes([]byte{0xAA}, codes, width)
		if got[0] != 0xAA || !bytes.Equal(got[1:], want) {
			t.Fatalf("width %d, codes %v:\n got  %x\n want %x", width, codes, got[1:], want)
		}
	}
}

func allSame(v []uint64) bool {
	for _, x := range v {
		if x != v[0] {
			return false
		}
	}
	return true
}

// appendLevels: one RLE run when every code is a value or every code is
// null, else one bit a code (1 for a value), eight to a byte from the
// lowest bit, checked bit by bit.
func TestAppendLevelsBitByBit(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 3000 {
		codes := make([]int32, r.IntN(100))
		nullOdds := r.IntN(5) // 0: all null, 1: none
		nulls := 0
		for i := range codes {
			if nullOdds == 0 || nullOdds > 1 && r.IntN(nullOdds) == 0 {
				codes[i] = -1
				nulls++
			} else {
				codes[i] = int32(r.IntN(9))
			}
		}
		var want []byte
		switch nulls {
		case 0, len(codes):
			want = binary.AppendUvarint(nil, uint64(len(codes))<<1)
			want = append(want, map[bool]byte{true: 1, false: 0}[nulls == 0])
		default:
			groups := (len(codes) + 7) / 8
			want = binary.AppendUvarint(nil, uint64(groups)<<1|1)
			packed := make([]byte, groups)
			for i, c := range codes {
				if c >= 0 {
					packed[i/8] |= 1 << (i % 8)
				}
			}
			want = append(want, packed...)
		}
		if got := appendLevels(nil, codes); !bytes.Equal(got, want) {
			t.Fatalf("codes %v:\n got  %x\n want %x", codes, got, want)
		}
	}
}

// randomCodes are n answer codes below dict, one in ten null, at random.
func randomCodes(n, dict int) []int32 {
	r := rand.New(rand.NewPCG(1, 2))
	codes := make([]int32, n)
	for i := range codes {
		codes[i] = int32(r.IntN(dict))
		if r.IntN(10) == 0 {
			codes[i] = -1
		}
	}
	return codes
}

// BenchmarkAppendCodes: a row group's codes of one answer column (50,000
// rows, 5 answers and nulls at random), bit-packed.
func BenchmarkAppendCodes(b *testing.B) {
	codes := randomCodes(50_000, 5)
	buf := make([]byte, 0, 64<<10)
	b.SetBytes(int64(len(codes)))
	for range b.N {
		buf = appendCodes(buf[:0], codes, 3)
	}
}

// BenchmarkAppendLevels: the same codes' definition levels.
func BenchmarkAppendLevels(b *testing.B) {
	codes := randomCodes(50_000, 5)
	buf := make([]byte, 0, 64<<10)
	b.SetBytes(int64(len(codes)))
	for range b.N {
		buf = appendLevels(buf[:0], codes)
	}
}
