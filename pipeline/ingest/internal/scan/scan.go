package scan

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf8"
)

const (
	lo8  = 0x0101010101010101
	Hi8  = 0x8080808080808080
	low7 = 0x7f7f7f7f7f7f7f7f
)

// zeroBytes sets the high bit of each byte of x that is zero, and only
// of those (no carry between bytes).
func zeroBytes(x uint64) uint64 { return ^(((x & low7) + low7) | x) & Hi8 }

// MarkStops maps buf for the fast path, 64 bytes a pair of words: in
// maps[2k], bit i is set when buf[64k+i] is the delimiter, a quote or a
// newline (where a field may end); in maps[2k+1], when it is a quote
// (quoteParity then makes it the quotes' parity).
// maps has 2*stopWords(len(buf)) words.
var MarkStops = markStopsSWAR

// markStopsSWAR is markStops eight bytes at a time, in plain Go.
func markStopsSWAR(buf []byte, comma byte, maps []uint64) {
	mc, mq, mn := lo8*uint64(comma), lo8*uint64('"'), lo8*uint64('\n')
	clear(maps)
	i := 0
	for ; i+8 <= len(buf); i += 8 {
		x := binary.LittleEndian.Uint64(buf[i:])
		q := zeroBytes(x ^ mq)
		m := zeroBytes(x^mc) | q | zeroBytes(x^mn)
		// One bit per byte: bit 7 of byte k moved to bit k.
		maps[i>>6<<1] |= ((m >> 7) * 0x0102040810204080 >> 56) << (i & 63)
		maps[i>>6<<1+1] |= ((q >> 7) * 0x0102040810204080 >> 56) << (i & 63)
	}
	for ; i < len(buf); i++ {
		if c := buf[i]; c == comma || c == '"' || c == '\n' {
			maps[i>>6<<1] |= 1 << (i & 63)
			if c == '"' {
				maps[i>>6<<1+1] |= 1 << (i & 63)
			}
		}
	}
}

// StopWords is the number of pairs of words markStops fills for n bytes
// (one spare: a window of 64 bits read at any position has its next word).
func StopWords(n int) int { return n/64 + 2 }

// NextStop returns the first position at or after from whose stop bit is
// set, or -1.
func NextStop(maps []uint64, from int) int {
	wi := from >> 6 << 1
	if wi >= len(maps) {
		return -1
	}
	x := maps[wi] & (^uint64(0) << (from & 63))
	for x == 0 {
		if wi += 2; wi >= len(maps) {
			return -1
		}
		x = maps[wi]
	}
	return wi<<5 + bits.TrailingZeros64(x)
}

// QuoteParity turns the map's quote words (maps[2k+1]) into the parity of
// the quotes from the map's start: bit i set when an odd number of quotes
// are at or before byte 64k+i (prefix XOR in each word, carried from one
// word to the next). A quote is where the parity changes.
func QuoteParity(maps []uint64) {
	var carry uint64
	for i := 1; i < len(maps); i += 2 {
		x := maps[i]
		x ^= x << 1
		x ^= x << 2
		x ^= x << 4
		x ^= x << 8
		x ^= x << 16
		x ^= x << 32
		x ^= carry
		maps[i] = x
		carry = uint64(int64(x) >> 63)
	}
}

// SpanEnd returns the position of the k-th delimiter or newline outside
// quotes from p (a field's start, so outside quotes), within 64 bytes; -1
// when there is none. maps holds the stops and the quote parity
// (quoteParity). A quote toggles between outside and inside (an escaped
// quote toggles twice): from p, a byte is inside when the parity at it
// differs from the parity before p.
func SpanEnd(maps []uint64, p, k int) int {
	wi, b := p>>6<<1, uint(p&63)
	if wi+3 >= len(maps) {
		return -1
	}
	stops := maps[wi]>>b | maps[wi+2]<<(64-b)
	par := maps[wi+1]>>b | maps[wi+3]<<(64-b)
	var g uint64 // the parity before p
	if p > 0 {
		g = maps[(p-1)>>6<<1+1] >> uint((p-1)&63) & 1
	}
	quotes := par ^ (par<<1 | g)
	x := stops &^ quotes &^ (par ^ -g)
	for ; k > 1; k-- {
		x &= x - 1
	}
	if x == 0 {
		return -1
	}
	return p + bits.TrailingZeros64(x)
}

// NeedsTrim reports whether b starts or ends with white space (as
// bytes.TrimSpace sees it), looking at the first and last bytes and
// decoding a character only when its first byte may begin a space beyond
// ASCII (U+0085, U+00A0, U+1680, U+2000–U+3000 begin with C2, E1, E2, E3).
func NeedsTrim(b []byte) bool {
	n := len(b)
	if n == 0 {
		return false
	}
	if c := b[0]; c <= ' ' || (spaceLead(c) && unicode.IsSpace(first(b))) {
		return true
	}
	if c := b[n-1]; c <= ' ' || (c >= utf8.RuneSelf && unicode.IsSpace(lastSpaceCandidate(b))) {
		return true
	}
	return false
}

func spaceLead(c byte) bool { return c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3 }

func first(b []byte) rune {
	r, _ := utf8.DecodeRune(b)
	return r
}

// lastSpaceCandidate is b's last character when its first byte may begin
// a space, else a letter.
func lastSpaceCandidate(b []byte) rune {
	i := len(b) - 1
	for i > 0 && len(b)-i < 4 && b[i]&0xC0 == 0x80 {
		i--
	}
	if !spaceLead(b[i]) {
		return 'a'
	}
	r, _ := utf8.DecodeLastRune(b)
	return r
}

// SpanWords is the length up to which a span's text is hashed and
// compared as six masked words, without a branch on its length.
const SpanWords = 6

// spanMasks[n] keeps the first n bytes of six words.
var spanMasks = func() (m [8*SpanWords + 1][SpanWords]uint64) {
	for n := range m {
		for i := range SpanWords {
			m[n][i] = byteMask(n - 8*i)
		}
	}
	return m
}()

var spanMuls = [SpanWords]uint64{0x9e3779b97f4a7c15, 0xc4ceb9fe1a85ec53, 0xff51afd7ed558ccd, 0x94d049bb133111eb, 0xbf58476d1ce4e5b9, 0xd6e8feb86659fd93}

// SpanHash hashes buf[start:end]: up to 48 bytes as six masked words
// folded in two and multiplied side by side, longer texts eight bytes at
// a time.
func SpanHash(buf []byte, start, end int) uint64 {
	le := binary.LittleEndian
	n := end - start
	if n <= 8*SpanWords {
		if start+8*SpanWords <= len(buf) {
			return HashWords(SpanWordsOf(buf, start, n))
		}
		// Near the buffer's end: the same words, from a copy.
		var pad [8 * SpanWords]byte
		copy(pad[:], buf[start:end])
		return HashWords(SpanWordsOf(pad[:], 0, n))
	}
	var h uint64
	for i := start; i+8 < end; i += 8 {
		h = bits.RotateLeft64((h^le.Uint64(buf[i:]))*0xff51afd7ed558ccd, 31)
	}
	h ^= le.Uint64(buf[end-8:])
	h ^= uint64(n) << 56
	h *= 0xc4ceb9fe1a85ec53
	return h ^ h>>29
}

// SpanWordsOf reads buf[start:start+n] (n ≤ 48; buf holds 48 bytes from
// start) as six words, zero past n (and gives n back).
func SpanWordsOf(buf []byte, start, n int) (w0, w1, w2, w3, w4, w5 uint64, _ int) {
	le := binary.LittleEndian
	b := buf[start : start+8*SpanWords]
	m := &spanMasks[n]
	return le.Uint64(b) & m[0], le.Uint64(b[8:]) & m[1], le.Uint64(b[16:]) & m[2],
		le.Uint64(b[24:]) & m[3], le.Uint64(b[32:]) & m[4], le.Uint64(b[40:]) & m[5], n
}

// HashWords hashes a text of n bytes read as six words: two lanes of
// three words each, folded, multiplied, added; the high half folded onto
// the low one (the cache's slot comes from the low bits, its tag from the
// high ones).
func HashWords(w0, w1, w2, w3, w4, w5 uint64, n int) uint64 {
	x := w0 ^ bits.RotateLeft64(w2, 21) ^ bits.RotateLeft64(w4, 42) ^ uint64(n)<<56
	y := w1 ^ bits.RotateLeft64(w3, 21) ^ bits.RotateLeft64(w5, 42)
	h := x*spanMuls[0] + y*spanMuls[1]
	return h ^ h>>32
}

// AsciiText reports whether b is ASCII, reading the six words from its
// start at once when b's array holds them (else: false, let validUTF8
// say).
func AsciiText(b []byte) bool {
	n := len(b)
	if n > 8*SpanWords || cap(b) < 8*SpanWords {
		return false
	}
	le := binary.LittleEndian
	m := &spanMasks[n]
	w := b[:8*SpanWords]
	return (le.Uint64(w)&m[0]|le.Uint64(w[8:])&m[1]|le.Uint64(w[16:])&m[2]|
		le.Uint64(w[24:])&m[3]|le.Uint64(w[32:])&m[4]|le.Uint64(w[40:])&m[5])&Hi8 == 0
}

// TextHash is spanHash of b (reading past its end when its array holds
// the words: the same hash).
func TextHash(b []byte) uint64 { return SpanHash(b[:cap(b)], 0, len(b)) }

// SpanEqual reports whether k[:n] (k holds 48 bytes) and buf[start:start+n]
// are the same text: as six masked words when buf holds 48 bytes from start.
func SpanEqual(k, buf []byte, start, n int) bool {
	le := binary.LittleEndian
	if n <= 8*SpanWords && start+8*SpanWords <= len(buf) {
		m := &spanMasks[n]
		b := buf[start : start+8*SpanWords]
		k := k[:8*SpanWords]
		return (le.Uint64(k)^le.Uint64(b))&m[0]|(le.Uint64(k[8:])^le.Uint64(b[8:]))&m[1]|
			(le.Uint64(k[16:])^le.Uint64(b[16:]))&m[2]|(le.Uint64(k[24:])^le.Uint64(b[24:]))&m[3]|
			(le.Uint64(k[32:])^le.Uint64(b[32:]))&m[4]|(le.Uint64(k[40:])^le.Uint64(b[40:]))&m[5] == 0
	}
	return string(k[:n]) == string(buf[start:start+n])
}

// KeyWords are a text's bytes 0–8 and 8–16, zero-padded, and beyond 16
// bytes its last eight.
type KeyWords struct{ first, mid, last uint64 }

// CacheKey reads the words of a text and hashes them.
func CacheKey(b []byte) (KeyWords, uint64) {
	n := len(b)
	var pad [24]byte
	copy(pad[:], b)
	k := KeyWords{first: binary.LittleEndian.Uint64(pad[:]), mid: binary.LittleEndian.Uint64(pad[8:])}
	if n > 16 {
		k.last = binary.LittleEndian.Uint64(b[n-8:])
	}
	return k, mixKey(k, n)
}

// CacheKeyIn is cacheKey of buf[i:i+n], without a branch on the length
// when buf holds 16 bytes from i (the bytes past the text are masked).
func CacheKeyIn(buf []byte, i, n int) (KeyWords, uint64) {
	if i+16 > len(buf) {
		return CacheKey(buf[i : i+n])
	}
	le := binary.LittleEndian
	var lastMask uint64
	if n > 16 {
		lastMask = ^uint64(0)
	}
	k := KeyWords{
		first: le.Uint64(buf[i:]) & byteMask(n),
		mid:   le.Uint64(buf[i+8:]) & byteMask(n-8),
		last:  le.Uint64(buf[max(i+n-8, 0):]) & lastMask,
	}
	return k, mixKey(k, n)
}

// byteMask keeps the first v bytes of a word (none when v ≤ 0, all from 8).
func byteMask(v int) uint64 { return uint64(1)<<(8*uint(min(max(v, 0), 8))) - 1 }

// mixKey hashes a text's words and length.
func mixKey(k KeyWords, n int) uint64 {
	h := (k.first ^ uint64(n)<<58) * 0x9e3779b97f4a7c15
	h ^= bits.RotateLeft64(k.mid*0xc4ceb9fe1a85ec53, 21) ^ bits.RotateLeft64(k.last*0x94d049bb133111eb, 42)
	return h ^ h>>32
}

// FullHash hashes every byte of b, eight at a time (the last word
// overlapping the one before).
func FullHash(b []byte) uint64 {
	le := binary.LittleEndian
	n := len(b)
	h := uint64(n)*0x9e3779b97f4a7c15 ^ 0x243f6a8885a308d3
	if n < 8 {
		var w uint64
		for i, c := range b {
			w |= uint64(c) << (8 * i)
		}
		return Mix64(h ^ w)
	}
	for i := 0; i+8 < n; i += 8 {
		h = bits.RotateLeft64((h^le.Uint64(b[i:]))*0xff51afd7ed558ccd, 31)
	}
	return Mix64(h ^ le.Uint64(b[n-8:]))
}

// Trim is bytes.TrimSpace, quicker when there is nothing to trim.
func Trim(b []byte) []byte {
	if n := len(b); n == 0 || (b[0] > ' ' && b[0] < utf8.RuneSelf && b[n-1] > ' ' && b[n-1] < utf8.RuneSelf) {
		return b
	}
	return bytes.TrimSpace(b)
}

// ValidUTF8 is utf8.Valid, back on its eight-bytes-at-a-time path after
// each non-ASCII character (utf8.Valid stays on the slow path to the end).
func ValidUTF8(b []byte) bool {
	for i := 0; i < len(b); {
		if i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 == 0 {
			i += 8
			continue
		}
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return false
		}
		i += n
	}
	return true
}

// Mix64 scrambles the bits of x (the SplitMix64 finaliser).
func Mix64(x uint64) uint64 {
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
