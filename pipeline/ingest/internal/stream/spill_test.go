package stream

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// A fingerprint's tag keeps its line modulo 2^16 and its chunk modulo 2^8,
// and leaves its key (the other 40 bits) alone.
func TestFingerprintTags(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		h, line, chunk := r.Uint64(), r.IntN(1<<20), r.IntN(1<<12)
		fp := withChunk(withLine(h, line), chunk)
		if fpKey(fp) != h>>24<<24 || fpLineOf(fp) != line%65536 || fpChunkOf(fp) != chunk%256 {
			t.Fatalf("%x, line %d, chunk %d: %x (key %x, line %d, chunk %d)", h, line, chunk, fp, fpKey(fp), fpLineOf(fp), fpChunkOf(fp))
		}
		if again := withChunk(fp, chunk+1); fpLineOf(again) != line%65536 || fpChunkOf(again) != (chunk+1)%256 || fpKey(again) != fpKey(fp) {
			t.Fatalf("tagged again: %x", again)
		}
	}
}

// The spill finds exactly the fingerprints added more than once (their
// keys, whatever they were tagged with) and the tags of each time they
// were added (the line read on and the chunk's place in the pass, past
// the tag's 8 bits too), whether they stay in memory or go through the
// file in many flushes, every partition and group of partitions touched.
func TestSpillFindsRepeats(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 13))
	for _, c := range []struct{ held, group, first int }{{1 << 18, spillGroup, 0}, {1000, spillGroup, 0}, {37, spillGroup, 250}, {1000, 64, 0}, {37, 1, 1000}} {
		held := c.held
		t.Run(fmt.Sprint(held, "/", c.group, "/", c.first), func(t *testing.T) {
			defer func(n, g int) { spillHeld, spillGroup = n, g }(spillHeld, spillGroup)
			spillHeld, spillGroup = held, c.group
			s := &fpSpill{}
			defer s.close()
			seen, tagsOf := map[uint64]int{}, map[uint64]map[uint64]bool{}
			var keys []uint64
			var scratch []uint64
			for b := range 40 {
				chunk := c.first + b
				fps := make([]uint64, r.IntN(700))
				for i := range fps {
					line := 1 + r.IntN(100_000)
					switch r.IntN(10) {
					case 0: // one seen before
						if len(keys) > 0 {
							fps[i] = keys[r.IntN(len(keys))]
						}
					case 1:
						fps[i] = 0 // key 0
					default:
						fps[i] = r.Uint64()
					}
					fps[i] = withLine(fps[i], line)
					key := fpKey(fps[i])
					if seen[key]++; seen[key] == 1 {
						keys = append(keys, key)
						tagsOf[key] = map[uint64]bool{}
					}
					tagsOf[key][withChunk(fps[i], chunk)&fpTagMask] = true
				}
				var ends [256]int32
				fps, scratch = sortByPartition(fps, scratch, &ends, chunk)
				if err := s.addSorted(fps, &ends); err != nil {
					t.Fatal(err)
				}
			}
			got, tags, err := s.suspects()
			if err != nil {
				t.Fatal(err)
			}
			want, wantTags := map[uint64]bool{}, map[uint64]bool{}
			for key, n := range seen {
				if n > 1 {
					want[key] = true
					for tag := range tagsOf[key] {
						wantTags[tag] = true
					}
				}
			}
			if len(got) != len(want) || len(want) < 100 {
				t.Fatalf("%d suspects, want %d (of %d keys)", len(got), len(want), len(seen))
			}
			for key := range want {
				if !got[key] {
					t.Fatalf("%x repeated, not found", key)
				}
			}
			if len(tags) != len(wantTags) {
				t.Fatalf("%d tags, want %d", len(tags), len(wantTags))
			}
			for _, tag := range tags {
				if !wantTags[tag] {
					t.Fatalf("tag %x: no repeat was read there", tag)
				}
			}
			if held < 1000 && s.f == nil {
				t.Fatal("nothing went through the file")
			}
		})
	}
}
