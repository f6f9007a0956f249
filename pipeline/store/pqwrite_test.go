package store

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/parquet-go/parquet-go/encoding/delta"
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

// TestAppendDeltaDecodes: DELTA_BINARY_PACKED as we write it reads back, by
// parquet-go's decoder, as the values written: runs of equal deltas (whole
// blocks of them, as ids and most lines are), short and partial blocks,
// negative and very large deltas (miniblocks up to 64 bits wide).
func TestAppendDeltaDecodes(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	var cases [][]int64
	for _, n := range []int{0, 1, 2, 33, 128, 129, 257, 1000, 50000} {
		steady := make([]int64, n) // equal deltas: a file's lines
		lines := make([]int64, n)  // a blank or rejected line now and then
		wild := make([]int64, n)   // anything, near the ends of int64 too
		for i := range n {
			steady[i] = 1000 + int64(i)
			lines[i] = int64(i)
			if i > 0 {
				lines[i] = lines[i-1] + 1 + int64(rnd.IntN(50)/49)*int64(rnd.IntN(3))
			}
			switch rnd.IntN(4) {
			case 0:
				wild[i] = rnd.Int64()
			case 1:
				wild[i] = -rnd.Int64()
			default:
				wild[i] = int64(rnd.IntN(1000)) - 500
			}
		}
		cases = append(cases, steady, lines, wild)
	}
	// A block of equal deltas but one, in each miniblock place.
	for _, at := range []int{1, 31, 32, 64, 127, 128} {
		v := make([]int64, 300)
		for i := range v {
			v[i] = 3 * int64(i)
			if i >= at {
				v[i] += 1 << 40
			}
		}
		cases = append(cases, v)
	}
	// Deltas needing 58 to 63 bits: a value straddles the packer's word.
	for _, w := range []int{58, 60, 63} {
		v := make([]int64, 200)
		for i := range v { // deltas of about ±2^(w-2): w bits above the smallest
			v[i] = int64(i%2)*(1<<(w-2)) + rnd.Int64N(1000)
		}
		cases = append(cases, v)
	}
	var enc delta.BinaryPackedEncoding
	for k, vals := range cases {
		got, err := enc.DecodeInt64(nil, appendDelta(nil, vals))
		if err != nil {
			t.Fatalf("case %d (%d values): %v", k, len(vals), err)
		}
		if !slices.Equal(got, vals) && (len(got) != 0 || len(vals) != 0) {
			t.Errorf("case %d (%d values): decoded differently (first values %v, want %v)", k, len(vals), got[:min(len(got), 5)], vals[:min(len(vals), 5)])
		}
	}
}

// TestAppendDeltaCount: the ids' column written without its values is
// appendDelta of the values, byte for byte.
func TestAppendDeltaCount(t *testing.T) {
	for _, n := range []int{0, 1, 2, 128, 129, 130, 257, 50000} {
		for _, first := range []int64{1, 64, 1 << 40} {
			vals := make([]int64, n)
			for i := range vals {
				vals[i] = first + int64(i)
			}
			if got, want := appendDeltaCount(nil, first, n), appendDelta(nil, vals); !bytes.Equal(got, want) {
				t.Errorf("%d ids from %d: %x, want %x", n, first, got[:min(len(got), 16)], want[:min(len(want), 16)])
			}
		}
	}
}
