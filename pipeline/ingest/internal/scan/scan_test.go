package scan

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// The key read in place, past the text's end, is the key of the text.
func TestCacheKeyInIsCacheKey(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 80)
	for range 2000 {
		for i := range buf {
			buf[i] = byte(r.IntN(256))
		}
		i, n := r.IntN(40), r.IntN(40)
		w1, h1 := CacheKey(buf[i : i+n])
		w2, h2 := CacheKeyIn(buf, i, n)
		if w1 != w2 || h1 != h2 {
			t.Fatalf("i=%d n=%d: cacheKeyIn %x %x, cacheKey %x %x", i, n, w2, h2, w1, h1)
		}
	}
}

// needsTrim says when bytes.TrimSpace would change a text: never no when
// it would; yes when it would not only for a text that starts or ends with
// a control character (a cheap test; the caller then trims for nothing).
func TestNeedsTrim(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	parts := []string{"a", "é", " ", "\t", "\u00a0", "\u0085", "\u2003", "\u3000", "\u1680", "\u202f", "ب", "\xc2", "\xe2\x80", "\x80", "x\x1c", "\u200b", "€", "Ā"}
	for range 20000 {
		var b []byte
		for range r.IntN(5) {
			b = append(b, parts[r.IntN(len(parts))]...)
		}
		got, want := NeedsTrim(b), len(bytes.TrimSpace(b)) != len(b)
		if got != want && !(got && (b[0] < ' ' || b[len(b)-1] < ' ')) {
			t.Fatalf("needsTrim(%q) = %v, TrimSpace changes it: %v", b, got, want)
		}
	}
}

// The map of stops and quotes says, bit for bit, which bytes are the
// delimiter, a quote or a newline; spanEnd (on the quotes' parity) finds
// the k-th delimiter or newline outside quotes from any byte, as counting
// quotes byte by byte from there does.
func TestStopsAndSpanEnd(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	for range 3000 {
		buf, comma, maps := randomCSV(r, 300)
		markStopsSWAR(buf, comma, maps)
		for i, c := range buf {
			stop := maps[i>>6<<1]>>(i&63)&1 == 1
			quote := maps[i>>6<<1+1]>>(i&63)&1 == 1
			if stop != (c == comma || c == '"' || c == '\n') || quote != (c == '"') {
				t.Fatalf("byte %d (%q): stop %v, quote %v", i, c, stop, quote)
			}
		}
		for i := len(buf); i < 64*StopWords(len(buf)); i++ {
			if maps[i>>6<<1]>>(i&63)&1 == 1 || maps[i>>6<<1+1]>>(i&63)&1 == 1 {
				t.Fatalf("len %d: bit %d past the end", len(buf), i)
			}
		}
		if len(buf) == 0 {
			continue
		}
		QuoteParity(maps)
		p, k := r.IntN(len(buf)), 1+r.IntN(4)
		want, inside, seen := -1, false, 0
		for i := p; i < len(buf) && i < p+64; i++ {
			switch c := buf[i]; {
			case c == '"':
				inside = !inside
			case !inside && (c == comma || c == '\n'):
				if seen++; seen == k && want < 0 {
					want = i
				}
			}
		}
		if got := SpanEnd(maps, p, k); got != want {
			t.Fatalf("%q from %d, %d-th: spanEnd %d, want %d", buf, p, k, got, want)
		}
	}
}

// A span's hash and comparison see its bytes and no others: the same text
// among other bytes hashes alike and compares equal; a text differing in
// one byte or in length compares unequal.
func TestSpanHashAndEqual(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 11))
	noise := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return b
	}
	for range 5000 {
		text := noise(r.IntN(60))
		n := len(text)
		a := append(append(noise(r.IntN(5)), text...), noise(r.IntN(60))...)
		b := append(append(noise(r.IntN(5)), text...), noise(r.IntN(60))...)
		sa, sb := bytes.Index(a, text), bytes.Index(b, text)
		if SpanHash(a, sa, sa+n) != SpanHash(b, sb, sb+n) {
			t.Fatalf("%q: hashes differ with other bytes around", text)
		}
		key := append(append([]byte(nil), text...), make([]byte, max(0, 8*SpanWords-n))...)
		if !SpanEqual(key, b, sb, n) {
			t.Fatalf("%q: not equal to itself", text)
		}
		if n > 0 {
			c := append([]byte(nil), b...)
			c[sb+r.IntN(n)] ^= byte(1 + r.IntN(255))
			if SpanEqual(key, c, sb, n) {
				t.Fatalf("%q: equal to %q", text, c[sb:sb+n])
			}
		}
	}
}

// randomCSV returns up to n bytes dense in delimiters, quotes and line
// ends, a delimiter, and room for their map, filled with stale bits.
func randomCSV(r *rand.Rand, n int) ([]byte, byte, []uint64) {
	buf := make([]byte, r.IntN(n))
	for i := range buf {
		buf[i] = "ab,;\"\n\r\xc3"[r.IntN(8)]
	}
	maps := make([]uint64, 2*StopWords(len(buf)))
	for i := range maps {
		maps[i] = ^uint64(0) // stale words must be overwritten
	}
	return buf, ",;"[r.IntN(2)], maps
}
