package pipeline

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// The fast path of the streaming reader: one record read field by field,
// eight bytes at a time, each closed cell looked up in its column's cache
// as soon as its end is found, and counted per answer text without a
// branch for what the counting pass derives at the chunk's end (rows read,
// kept, respondents per meeting, explicit non-answers, normalisations).
//
// It takes only the plain records: as many fields as the header, no
// quoted newline, no escaped quote, a meeting recognised, no cell to
// reject, not a duplicate to leave out nor one to spell out. Anything else
// is left, untouched, to row (the path that handles everything), which
// reads the same record from the same place: the outputs are the same
// whichever path reads a record (TestFastRowsMatchSlowPath, and the
// differential tests against the reference reader).

// Field roles in a plain record, besides a closed column's index (≥ 0).
const (
	roleOther = -1 - iota // text that must only be UTF-8
	roleTime
	roleID
)

// fastPlan says how the fast path reads a file's records; nil when it
// cannot (weights, split choice columns, a column read twice).
type fastPlan struct {
	role      []int // by field
	byQ       []int // closed columns in tally order (for fingerprints)
	meetingCi int
	ansCi     []int // by responses.parquet answer column: its closed column, or -1
}

// newFastPlan returns the fast plan of s, or nil.
func newFastPlan(s *streamFile) *fastPlan {
	p := s.plan
	if p.weightCol >= 0 || s.tally.Weighted || s.comma == '"' || s.comma == '\n' || s.comma == '\r' {
		return nil
	}
	fp := &fastPlan{role: make([]int, len(p.header)), meetingCi: -1}
	for i := range fp.role {
		fp.role[i] = roleOther
	}
	colOfQ := make([]int, len(s.tally.Questions))
	for i := range colOfQ {
		colOfQ[i] = -1
	}
	for ci, sc := range s.cols {
		if sc.c.choice != "" || sc.field >= len(fp.role) || fp.role[sc.field] != roleOther || colOfQ[sc.q] >= 0 {
			return nil
		}
		fp.role[sc.field] = ci
		colOfQ[sc.q] = ci
		if sc.field == p.meetingCol {
			fp.meetingCi = ci
		}
	}
	if fp.meetingCi < 0 || colOfQ[s.meetingQ] != fp.meetingCi {
		return nil
	}
	for _, m := range []struct{ col, role int }{{p.timeCol, roleTime}, {p.idCol, roleID}} {
		if m.col < 0 {
			continue
		}
		if m.col >= len(fp.role) || fp.role[m.col] != roleOther {
			return nil
		}
		fp.role[m.col] = m.role
	}
	for _, ci := range colOfQ {
		if ci >= 0 {
			fp.byQ = append(fp.byQ, ci)
		}
	}
	for _, q := range s.answerQ {
		fp.ansCi = append(fp.ansCi, colOfQ[q])
	}
	return fp
}

const (
	lo8  = 0x0101010101010101
	hi8  = 0x8080808080808080
	low7 = 0x7f7f7f7f7f7f7f7f
)

// zeroBytes sets the high bit of each byte of x that is zero, and only
// of those (no carry between bytes).
func zeroBytes(x uint64) uint64 { return ^(((x & low7) + low7) | x) & hi8 }

// markStops sets bit i of stops[i/64] when buf[i] is the delimiter, a
// quote or a newline: the bytes where a field may end. stops has room for
// len(buf)/64+1 words.
var markStops = markStopsSWAR

// markStopsSWAR is markStops eight bytes at a time, in plain Go.
func markStopsSWAR(buf []byte, comma byte, stops []uint64) {
	mc, mq, mn := lo8*uint64(comma), lo8*uint64('"'), lo8*uint64('\n')
	clear(stops)
	i := 0
	for ; i+8 <= len(buf); i += 8 {
		x := binary.LittleEndian.Uint64(buf[i:])
		m := zeroBytes(x^mc) | zeroBytes(x^mq) | zeroBytes(x^mn)
		// One bit per byte: bit 7 of byte k moved to bit k.
		stops[i>>6] |= ((m >> 7) * 0x0102040810204080 >> 56) << (i & 63)
	}
	for ; i < len(buf); i++ {
		if c := buf[i]; c == comma || c == '"' || c == '\n' {
			stops[i>>6] |= 1 << (i & 63)
		}
	}
}

// stopWords is the number of words markStops fills for n bytes.
func stopWords(n int) int { return n/64 + 1 }

// nextStop returns the first position at or after from whose bit is set,
// or -1.
func nextStop(stops []uint64, from int) int {
	wi := from >> 6
	if wi >= len(stops) {
		return -1
	}
	x := stops[wi] & (^uint64(0) << (from & 63))
	for x == 0 {
		if wi++; wi >= len(stops) {
			return -1
		}
		x = stops[wi]
	}
	return wi<<6 + bits.TrailingZeros64(x)
}

// needsTrim reports whether b starts or ends with white space (as
// bytes.TrimSpace sees it), looking at the first and last bytes and
// decoding a character only when its first byte may begin a space beyond
// ASCII (U+0085, U+00A0, U+1680, U+2000–U+3000 begin with C2, E1, E2, E3).
func needsTrim(b []byte) bool {
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

// fastRow reads the record at pos of the chunk's buffer (at offset off in
// the file, on line) if it is plain, and returns the position after it;
// ok is false when it is not (nothing was counted: row reads it).
func (w *streamWorker) fastRow(o *chunkOut, pos int, off int64, line int) (next int, ok bool, err error) {
	s, fp, buf := w.s, w.s.fast, w.buf
	n := len(buf)
	if pos >= n || buf[pos] == '\n' || buf[pos] == '\r' || len(w.stops) != stopWords(n) {
		return pos, false, nil
	}
	st := w.stops
	var id, when []byte
	rowE := w.rowE
	p := pos
	last := len(fp.role) - 1
	for f, role := range fp.role {
		var b []byte
		var start int
		if buf[p] == '"' {
			// Quoted: up to the closing quote (delimiters on the way are
			// text), which must be followed by the delimiter or the end of
			// the line.
			start = p + 1
			for {
				if p = nextStop(st, p+1); p < 0 {
					return pos, false, nil
				}
				if buf[p] != s.comma {
					break
				}
			}
			if buf[p] != '"' || p+1 >= n {
				return pos, false, nil // a newline inside quotes, or the buffer's end
			}
			b = buf[start:p]
			switch c := buf[p+1]; {
			case c == s.comma && f < last:
				p += 2
			case c == '\n' && f == last:
				p += 2
			case c == '\r' && f == last && p+2 < n && buf[p+2] == '\n':
				p += 3
			default:
				return pos, false, nil
			}
		} else {
			start = p
			if p = nextStop(st, p); p < 0 {
				return pos, false, nil
			}
			b = buf[start:p]
			switch c := buf[p]; {
			case c == s.comma && f < last:
			case c == '\n' && f == last:
				if len(b) > 0 && b[len(b)-1] == '\r' {
					b = b[:len(b)-1]
				}
			default:
				return pos, false, nil
			}
			p++
		}
		if p >= n {
			return pos, false, nil // the record may go on past the buffer
		}
		if role < 0 {
			if !validUTF8(b) {
				return pos, false, errFallback
			}
			if role != roleOther && needsTrim(b) {
				b = bytes.TrimSpace(b)
			}
			switch role {
			case roleTime:
				when = b
			case roleID:
				id = b
			}
			continue
		}
		var k keyWords
		var h uint64
		if len(b) > 0 && (b[0]-'!' > '~'-'!' || b[len(b)-1]-'!' > '~'-'!') && needsTrim(b) {
			b = bytes.TrimSpace(b)
			k, h = cacheKey(b)
		} else {
			k, h = cacheKeyIn(buf, start, len(b))
		}
		var e *cacheEntry
		if slots := w.caches[role].slots; len(slots) > 0 {
			mask := len(slots) - 1
			for i := int(h) & mask; ; i = (i + 1) & mask {
				sl := &slots[i]
				if sl.k == k && sl.n == len(b)+1 && (len(b) <= 24 || sl.e.key == string(b)) {
					e = sl.e
					break
				}
				if sl.n == 0 {
					break
				}
			}
		}
		if e == nil {
			if w.caches[role].count >= maxCached {
				return pos, false, nil
			}
			e = w.entry(role, b)
		}
		if !e.plain {
			if e.invalid {
				return pos, false, errFallback
			}
			return pos, false, nil
		}
		rowE[role] = e
	}
	me := rowE[fp.meetingCi]
	if len(me.codes) == 0 {
		return pos, false, nil
	}
	m := int(me.codes[0])
	if s.hasID || s.hasTime {
		if len(s.skip) > 0 {
			if _, dup := s.skip[off]; dup {
				return pos, false, nil
			}
		}
		if s.collectFP || s.suspects != nil {
			var h uint64
			ok := true
			if len(id) > 0 {
				h = fullHash(id) ^ 0x6964
			} else if len(when) > 0 {
				h = fullHash(when)
				for _, ci := range fp.byQ {
					if e := rowE[ci]; len(e.o.names) > 0 {
						h = bits.RotateLeft64((h^e.hash)*0x94d049bb133111eb, 27)
					}
				}
				h ^= h >> 31
			} else {
				ok = false
			}
			if ok {
				if s.suspects != nil {
					if s.suspects[h] {
						return pos, false, nil
					}
				} else {
					o.fps = append(o.fps, h)
				}
			}
		}
	}
	for _, e := range rowE {
		e.fast[m]++
	}
	if s.rw != nil {
		g := o.group
		g.Lines = append(g.Lines, int64(line))
		g.Meeting = append(g.Meeting, int32(m))
		g.Weight = append(g.Weight, 1)
		for a, ci := range fp.ansCi {
			code := int32(-1)
			if ci >= 0 {
				if e := rowE[ci]; len(e.o.names) > 0 {
					if e.dictGen != w.gen {
						e.dictGen, e.dictCode = w.gen, int32(len(g.Answers[a].Dict))
						g.Answers[a].Dict = append(g.Answers[a].Dict, e.joined)
					}
					code = e.dictCode
				}
			}
			g.Answers[a].Codes = append(g.Answers[a].Codes, code)
		}
	}
	return p, true, nil
}

// flushFast adds what the fast path counted in the chunk: every record it
// took was read and kept, so the meeting column's counts are the rows and
// the respondents per meeting, and an entry's total is its explicit
// non-answers and normalisations.
func (w *streamWorker) flushFast(o *chunkOut, e *cacheEntry) {
	qt := o.tally.Questions[e.q]
	meeting := e.q == w.s.meetingQ
	var total int64
	for m, c := range e.fast {
		if c == 0 {
			continue
		}
		total += c
		if len(e.codes) > 0 {
			qt.Valid[m] += c
			for _, code := range e.codes {
				qt.Counts[m][code] += c
			}
		}
		if meeting {
			o.tally.Respondents[m] += c
		}
		e.fast[m] = 0
	}
	if total == 0 {
		return
	}
	if meeting {
		o.rowsRead += int(total)
		o.kept += total
	}
	if e.o.missing {
		o.missing += int(total)
	}
	if e.o.norm {
		e.normHits += int(total)
	}
}
