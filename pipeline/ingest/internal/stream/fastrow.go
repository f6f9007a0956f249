package stream

import (
	"bytes"
	"encoding/binary"
	"slices"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/ingest/internal/scan"
	"github.com/synthese-project/synthese/pipeline/store"
)

// The fast path of the streaming reader: one record read field by field
// through the chunk's map of delimiters, quotes and newlines; closed cells
// side by side (a span) looked up at once by their bytes in the span's
// cache, a lone closed cell in its column's cache; counted per span or
// answer text without a branch for what the counting pass derives at the
// chunk's end (rows read, kept, respondents per meeting, explicit
// non-answers, normalisations).
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
	segs      []fastSeg
	spans     int
	meetingCi int
	ansCi     []int // by responses.parquet answer column: its closed column, or -1
	// spanAns holds, by span and cell, the answer column the cell is (-1:
	// none); ansFree, the answer columns in no span.
	spanAns [][]int
	ansFree []int
}

// newFastPlan returns the fast plan of s, or nil.
func newFastPlan(s *streamFile) *fastPlan {
	p := s.plan
	if p.WeightCol >= 0 || s.tally.Weighted || s.comma == '"' || s.comma == '\n' || s.comma == '\r' {
		return nil
	}
	if p.Width < len(p.Header) {
		return nil // unnamed columns at the end must be empty: row checks each record
	}
	fp := &fastPlan{role: make([]int, len(p.Header)), meetingCi: -1}
	for i := range fp.role {
		fp.role[i] = roleOther
	}
	colOfQ := make([]int, len(s.tally.Questions))
	for i := range colOfQ {
		colOfQ[i] = -1
	}
	for ci, sc := range s.cols {
		if sc.c.Choice != "" || sc.field >= len(fp.role) || fp.role[sc.field] != roleOther || colOfQ[sc.q] >= 0 {
			return nil
		}
		fp.role[sc.field] = ci
		colOfQ[sc.q] = ci
		if sc.field == p.MeetingCol {
			fp.meetingCi = ci
		}
	}
	if s.meetingQ < 0 || fp.meetingCi < 0 || colOfQ[s.meetingQ] != fp.meetingCi {
		return nil // one scope (no meeting column): every record through row
	}
	for _, m := range []struct{ col, role int }{{p.TimeCol, roleTime}, {p.IdCol, roleID}} {
		if m.col < 0 {
			continue
		}
		if m.col >= len(fp.role) || fp.role[m.col] != roleOther {
			return nil
		}
		fp.role[m.col] = m.role
	}
	// Closed cells side by side make a span while their combinations stay
	// few; a span of one cell is looked up alone.
	for f := 0; f < len(fp.role); {
		sg := fastSeg{first: f, last: f, span: -1, end: s.comma}
		if fp.role[f] >= 0 {
			combos := cardinality(s, fp.role[f])
			// (Their columns follow one another too: a span's entries
			// are copied to the record's in one go.)
			for sg.last+1 < len(fp.role) && fp.role[sg.last+1] == fp.role[sg.last]+1 {
				c := cardinality(s, fp.role[sg.last+1])
				if combos*c > spanBudget {
					break
				}
				combos *= c
				sg.last++
			}
			if sg.last > sg.first {
				sg.span = fp.spans
				fp.spans++
			}
		}
		if sg.last == len(fp.role)-1 {
			sg.end = '\n'
		}
		fp.segs = append(fp.segs, sg)
		f = sg.last + 1
	}
	fp.spanAns = make([][]int, fp.spans)
	for _, sg := range fp.segs {
		if sg.span >= 0 {
			fp.spanAns[sg.span] = slices.Repeat([]int{-1}, sg.last-sg.first+1)
		}
	}
	for a, q := range s.answerQ {
		ci := colOfQ[q]
		fp.ansCi = append(fp.ansCi, ci)
		free := true
		for _, sg := range fp.segs {
			if sg.span >= 0 && ci >= fp.role[sg.first] && ci <= fp.role[sg.last] {
				fp.spanAns[sg.span][ci-fp.role[sg.first]], free = a, false
			}
		}
		if free {
			fp.ansFree = append(fp.ansFree, a)
		}
	}
	return fp
}

// cardinality is the number of texts closed column ci is expected to
// hold: its choices (any set of them for a multiple choice, up to 64),
// a blank and one variant.
func cardinality(s *streamFile, ci int) int {
	sc := s.cols[ci]
	n := len(s.tally.Questions[sc.q].Choices)
	if sc.c.Q.Type == form.SelectMultiple {
		return 1<<min(n, 6) + 2
	}
	return n + 2
}

// walk reads field f of a plain record from p: its text is buf[start:end]
// (between the quotes of a quoted field; a CR before the record's newline
// left out) and the next field begins at next. ok is false when the
// record is not plain there: a newline or an escaped quote inside quotes,
// a field count other than the header's, or the buffer's end.
func (w *streamWorker) walk(p, f int) (start, end, next int, ok bool) {
	buf, st, comma := w.buf, w.stops, w.s.comma
	n := len(buf)
	last := len(w.s.fast.role) - 1
	if buf[p] == '"' {
		// Up to the closing quote (delimiters on the way are text), which
		// must be followed by the delimiter or the end of the line.
		start = p + 1
		for {
			if p = scan.NextStop(st, p+1); p < 0 {
				return 0, 0, 0, false
			}
			if buf[p] != comma {
				break
			}
		}
		if buf[p] != '"' || p+1 >= n {
			return 0, 0, 0, false
		}
		end = p
		switch c := buf[p+1]; {
		case c == comma && f < last, c == '\n' && f == last:
			next = p + 2
		case c == '\r' && f == last && p+2 < n && buf[p+2] == '\n':
			next = p + 3
		default:
			return 0, 0, 0, false
		}
	} else {
		start = p
		if p = scan.NextStop(st, p); p < 0 {
			return 0, 0, 0, false
		}
		end = p
		switch c := buf[p]; {
		case c == comma && f < last:
		case c == '\n' && f == last:
			if end > start && buf[end-1] == '\r' {
				end--
			}
		default:
			return 0, 0, 0, false
		}
		next = p + 1
	}
	return start, end, next, next < n
}

// closedEntry is the entry of closed column ci's cell buf[start:end], or
// nil when the record must go to row (a cell to reject or that the cache
// has no room for; err when the text is not UTF-8).
func (w *streamWorker) closedEntry(ci, start, end int) (*cacheEntry, error) {
	buf := w.buf
	b := buf[start:end]
	var k scan.KeyWords
	var h uint64
	if len(b) > 0 && (b[0]-'!' > '~'-'!' || b[len(b)-1]-'!' > '~'-'!') && scan.NeedsTrim(b) {
		b = bytes.TrimSpace(b)
		k, h = scan.CacheKey(b)
	} else {
		k, h = scan.CacheKeyIn(buf, start, len(b))
	}
	vc := &w.caches[ci]
	var e *cacheEntry
	if slots := vc.slots; len(slots) > 0 {
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
		if vc.count >= maxCached {
			return nil, nil
		}
		e = w.entry(ci, b)
	}
	if !e.plain {
		if e.invalid {
			return nil, ErrFallback
		}
		return nil, nil
	}
	return e, nil
}

// fastRow reads the record at pos of the chunk's buffer (at offset off in
// the file, on line) if it is plain, and returns the position after it;
// ok is false when it is not (nothing was counted: row reads it).
func (w *streamWorker) fastRow(o *chunkOut, pos int, off int64, line int) (next int, ok bool, err error) {
	s, fp, buf := w.s, w.s.fast, w.buf
	n := len(buf)
	if pos >= n || buf[pos] == '\n' || buf[pos] == '\r' || len(w.stops) != 2*scan.StopWords(n) {
		return pos, false, nil
	}
	st := w.stops
	var id, when []byte
	var whenHash uint64 // textHash(when), when hashed
	var hashed bool
	rowE, inc := w.rowE, w.inc[:0]
	var meet *cacheEntry // the meeting cell's entry, read alone
	m := -1              // the meeting's code, from a span
	var one *int64       // the counter of the span holding the meeting
	var parts uint64     // the answers' share of the fingerprint
	p := pos
	for _, sg := range fp.segs {
		if sg.span < 0 && fp.role[sg.first] >= 0 {
			// A closed cell alone.
			var ok bool
			if p, inc, ok, err = w.cells(sg, p, inc, &parts, &meet); !ok {
				return pos, false, err
			}
			continue
		}
		if sg.span < 0 {
			role := fp.role[sg.first]
			var start, end int
			if q := scan.NextStop(st, p); buf[p] != '"' && q >= 0 && buf[q] == sg.end && q+1 < n {
				start, end = p, q // unquoted, without a call
				if sg.end == '\n' && end > start && buf[end-1] == '\r' {
					end--
				}
				p = q + 1
			} else {
				var nx int
				var ok bool
				if start, end, nx, ok = w.walk(p, sg.first); !ok {
					return pos, false, nil
				}
				p = nx
			}
			b := buf[start:end]
			if role == roleTime && len(b) <= 8*scan.SpanWords && start+8*scan.SpanWords <= n && len(b) > 0 && b[0] > ' ' && b[len(b)-1] > ' ' {
				// The time (most often): read once as words, checked ASCII
				// (so nothing to trim) and hashed from them.
				w0, w1, w2, w3, w4, w5, k := scan.SpanWordsOf(buf, start, len(b))
				if (w0|w1|w2|w3|w4|w5)&scan.Hi8 == 0 {
					when, whenHash, hashed = b, scan.HashWords(w0, w1, w2, w3, w4, w5, k), true
					continue
				}
			}
			if !scan.AsciiText(b) && !scan.ValidUTF8(b) {
				return pos, false, ErrFallback
			}
			if role != roleOther && scan.NeedsTrim(b) {
				b = bytes.TrimSpace(b)
			}
			switch role {
			case roleTime:
				when, hashed = b, false
			case roleID:
				id = b
			}
			continue
		}
		// Closed cells side by side, looked up at once by their bytes
		// (their end found through the map; the cells are read one by one
		// only when the span is not known yet, or when this span meets
		// too many combinations to be worth keeping).
		if w.spans[sg.span].off {
			var ok bool
			if p, inc, ok, err = w.cells(sg, p, inc, &parts, &meet); !ok {
				return pos, false, err
			}
			w.spanHit[sg.span] = -1 // its cells are in rowE
			continue
		}
		start := p
		e := scan.SpanEnd(st, p, sg.last-sg.first+1)
		if e < 0 || e+1 >= n || buf[e] != sg.end {
			return pos, false, nil
		}
		p = e + 1
		ei, ok, err := w.spanEntry(sg, start, p)
		if !ok {
			return pos, false, err
		}
		w.spanHit[sg.span] = ei // -1: its cells are in rowE
		if ei < 0 {
			// No room for this combination: counted cell by cell.
			for _, e := range w.loose.fields {
				inc = append(inc, e.fast)
			}
			parts += w.loose.fpc
			if w.loose.meet != nil {
				meet = w.loose.meet
			}
			continue
		}
		sc := &w.spans[sg.span]
		he := &sc.hot[ei]
		parts += he.fpc
		if he.m == spanNoMeetingCell {
			inc = append(inc, sc.counts[ei*sc.stride:(ei+1)*sc.stride])
		} else {
			if he.m < 0 {
				return pos, false, nil // not a meeting
			}
			m, one = int(he.m), &sc.counts[ei]
		}
	}
	w.inc = inc
	if meet != nil {
		if len(meet.codes) == 0 {
			return pos, false, nil
		}
		m = meet.codes[0]
	}
	if m < 0 {
		return pos, false, nil
	}
	if s.hasID || s.hasTime {
		if len(s.skip) > 0 {
			if _, dup := s.skip[off]; dup {
				return pos, false, nil
			}
		}
		if s.collectFP || s.suspects != nil {
			h, ok := uint64(0), false
			if hashed && len(id) == 0 {
				h, ok = timeFingerprint(whenHash, parts), true // fingerprintOf, the time already hashed
			} else {
				h, ok = fingerprintOf(id, when, parts)
			}
			if ok {
				if s.suspects != nil {
					if s.suspects[fpKey(h)] {
						return pos, false, nil
					}
				} else {
					o.fps = append(o.fps, withLine(h, line))
				}
			}
		}
	}
	for _, c := range inc {
		c[m]++
	}
	if one != nil {
		*one++
	}
	if s.rw != nil {
		g := o.group
		g.Lines = append(g.Lines, int64(line))
		g.Meeting = append(g.Meeting, int32(m))
		g.Weight = append(g.Weight, 1)
		// The answers in a span: from the span's entry, whose codes are
		// looked up once a row group (or cell by cell when the span's
		// cells were read one by one).
		for sp, ans := range fp.spanAns {
			if ei := w.spanHit[sp]; ei >= 0 {
				sc := &w.spans[sp]
				if sc.codeGen[ei] != w.gen {
					w.spanCodes(sp, ei, g)
				}
				codes := sc.codes[ei*sc.width:][:len(ans)]
				for off, a := range ans {
					if a >= 0 {
						g.Answers[a].Codes = append(g.Answers[a].Codes, codes[off])
					}
				}
				continue
			}
			for _, a := range ans {
				if a >= 0 {
					g.Answers[a].Codes = append(g.Answers[a].Codes, w.answerCode(rowE[fp.ansCi[a]], &g.Answers[a]))
				}
			}
		}
		for _, a := range fp.ansFree {
			code := int32(-1)
			if ci := fp.ansCi[a]; ci >= 0 {
				code = w.answerCode(rowE[ci], &g.Answers[a])
			}
			g.Answers[a].Codes = append(g.Answers[a].Codes, code)
		}
	}
	return p, true, nil
}

// answerCode is the code of cell entry e in answer column col of the row
// group being filled (-1: no answer), its text put in the column's
// dictionary the first time.
func (w *streamWorker) answerCode(e *cacheEntry, col *store.AnswerColumn) int32 {
	if len(e.o.Names) == 0 {
		return -1
	}
	if e.dictGen != w.gen {
		e.dictGen, e.dictCode = w.gen, int32(len(col.Dict))
		col.Dict = append(col.Dict, e.joined)
	}
	return e.dictCode
}

// spanCodes looks up the answers of entry ei of span sp in row group g
// (their texts put in the dictionaries the first time): as answerCode
// would each cell, in the row where the entry is first met in the group,
// so the dictionaries come out in the same order.
func (w *streamWorker) spanCodes(sp, ei int, g *store.RowGroup) {
	sc := &w.spans[sp]
	for off, a := range w.s.fast.spanAns[sp] {
		code := int32(-1)
		if a >= 0 {
			code = w.answerCode(sc.fields[ei*sc.width+off], &g.Answers[a])
		}
		sc.codes[ei*sc.width+off] = code
	}
	sc.codeGen[ei] = w.gen
}

// cells reads a span's cells one by one from p: their entries go to the
// record's (rowE), their counters to inc, their share of the fingerprint
// to parts; ok is false when the record is not plain there.
func (w *streamWorker) cells(sg fastSeg, p int, inc [][]int64, parts *uint64, meet **cacheEntry) (next int, _ [][]int64, ok bool, err error) {
	fp := w.s.fast
	for f := sg.first; f <= sg.last; f++ {
		start, end, nx, ok := w.walk(p, f)
		if !ok {
			return 0, inc, false, nil
		}
		ci := fp.role[f]
		e, err := w.closedEntry(ci, start, end)
		if e == nil {
			return 0, inc, false, err
		}
		w.rowE[ci] = e
		inc = append(inc, e.fast)
		*parts += e.fpc
		if ci == fp.meetingCi {
			*meet = e
		}
		p = nx
	}
	return p, inc, true, nil
}

// fastSeg is what the fast path reads at once: a field, or closed cells
// side by side (span ≥ 0: their cache).
type fastSeg struct {
	first, last int // fields
	span        int
	end         byte // the byte after a span: the delimiter, or a newline
}

// spanBudget bounds the answer combinations a span is expected to meet
// (product of its columns' choices, blank and a variant each), so that
// its cache stays small.
const spanBudget = 4096

// MaxSpanCached is a span cache's room (tests make it small: past it, the
// cells are counted one by one).
var MaxSpanCached = 1 << 11

// SpanWindow is the number of lookups after which a full span cache is
// judged (tests make it small).
var SpanWindow = 1 << 14

// spanHot is what a lookup reads of a span's entry, one cache line: the
// span's text (up to 48 bytes, zero padded; longer, in its spanCold), its
// length, its share of the fingerprint and its meeting.
type spanHot struct {
	key [8 * scan.SpanWords]byte
	fpc uint64 // the cells' share of the fingerprint
	n   uint32
	// m is the meeting's code when the span holds the meeting cell
	// (noMeeting when that cell names no meeting), else spanNoMeetingCell.
	m int32
}

const (
	spanNoMeetingCell = -1
	noMeeting         = -2
)

// spanCold is the rest of a span's entry.
type spanCold struct {
	long string // the text, when longer than key
	hash uint64
}

// spanCache maps a span's bytes to its entry: open addressing on a table
// of 32-bit slots (small enough to stay in the first-level cache: the
// entry's number plus one, and the hash's top 16 bits), the entries side
// by side in the order met, one cache line each.
type spanCache struct {
	slots []uint32
	hot   []spanHot
	cold  []spanCold
	// fields holds the cells' entries, width an entry, side by side.
	fields []*cacheEntry
	width  int
	// counts holds the records counted with each entry, by meeting (one
	// counter when the span holds the meeting): stride counters each.
	counts []int64
	stride int
	// codes holds each entry's answers as responses.parquet codes them in
	// the row group being filled (-1: no answer), width an entry, valid
	// while codeGen[entry] is the worker's gen (see spanCodes).
	codes   []int32
	codeGen []int
	// Once full, a cache that misses one lookup in eight is switched off
	// (off: the span's cells are read one by one).
	looks, misses int
	off           bool
}

// spanLoose is a span its cache had no room for: counted cell by cell.
type spanLoose struct {
	fields []*cacheEntry
	fpc    uint64
	meet   *cacheEntry
}

// spanEntry finds the span sg's cells, buf[start:end] (delimiters and
// the record's end included), in its cache, or resolves them cell by
// cell and keeps them: its entry's number, or -1 when the cache had no
// room (the cells are in w.loose). ok is false when the record goes to
// row.
func (w *streamWorker) spanEntry(sg fastSeg, start, end int) (id int, ok bool, err error) {
	buf := w.buf
	n := end - start
	// A short text (most) is read once as words: hashed, then compared.
	var w0, w1, w2, w3, w4, w5, h uint64
	short := n <= 8*scan.SpanWords && start+8*scan.SpanWords <= len(buf)
	if short {
		w0, w1, w2, w3, w4, w5, _ = scan.SpanWordsOf(buf, start, n)
		h = scan.HashWords(w0, w1, w2, w3, w4, w5, n)
	} else {
		h = scan.SpanHash(buf, start, end)
	}
	sc := &w.spans[sg.span]
	if sc.looks++; sc.looks == SpanWindow {
		sc.off = len(sc.hot) >= MaxSpanCached && sc.misses > sc.looks/8
		sc.looks, sc.misses = 0, 0
	}
	tag := uint32(h>>48) << 16
	if slots := sc.slots; len(slots) > 0 {
		mask := len(slots) - 1
		for i := int(h) & mask; ; i = (i + 1) & mask {
			sl := slots[i]
			if sl == 0 {
				break
			}
			if sl&0xFFFF0000 == tag {
				id := int(sl&0xFFFF) - 1
				e := &sc.hot[id]
				le := binary.LittleEndian
				k := &e.key
				if int(e.n) == n && (short && (le.Uint64(k[0:])^w0)|(le.Uint64(k[8:])^w1)|(le.Uint64(k[16:])^w2)|
					(le.Uint64(k[24:])^w3)|(le.Uint64(k[32:])^w4)|(le.Uint64(k[40:])^w5) == 0 ||
					!short && (n <= len(e.key) && scan.SpanEqual(e.key[:], buf, start, n) || n > len(e.key) && sc.cold[id].long == string(buf[start:end]))) {
					return id, true, nil
				}
			}
		}
	}
	fp := w.s.fast
	var fpc uint64
	var meet *cacheEntry
	p, _, ok, err := w.cells(sg, start, nil, &fpc, &meet)
	if !ok {
		return 0, false, err
	}
	if p != end {
		return 0, false, nil // the cells are not where the map says: odd quoting
	}
	fields := w.rowE[fp.role[sg.first] : fp.role[sg.last]+1]
	if len(sc.hot) >= MaxSpanCached {
		sc.misses++
		w.loose = spanLoose{fields: fields, meet: meet, fpc: fpc}
		return -1, true, nil
	}
	if sc.hot == nil {
		// At full size at once (one line an entry, the array's start on
		// a page: entries do not straddle lines).
		sc.hot = make([]spanHot, 0, MaxSpanCached)
		sc.width = len(fields)
		// A span holding the meeting counts its records in one counter.
		sc.stride = len(w.s.tally.Meetings)
		if meet != nil {
			sc.stride = 1
		}
	}
	id = len(sc.hot)
	e := spanHot{fpc: fpc, n: uint32(n), m: spanNoMeetingCell}
	if meet != nil {
		e.m = noMeeting
		if len(meet.codes) > 0 {
			e.m = int32(meet.codes[0])
		}
	}
	c := spanCold{hash: h}
	if n > len(e.key) {
		c.long = string(buf[start:end])
	} else {
		copy(e.key[:], buf[start:end])
	}
	sc.hot = append(sc.hot, e)
	sc.cold = append(sc.cold, c)
	sc.fields = append(sc.fields, fields...)
	sc.counts = append(sc.counts, make([]int64, sc.stride)...)
	if w.s.rw != nil {
		sc.codes = append(sc.codes, make([]int32, sc.width)...)
		sc.codeGen = append(sc.codeGen, -1)
	}
	sc.add(h, id)
	return id, true, nil
}

// add puts entry id, of hash h, in the table.
func (sc *spanCache) add(h uint64, id int) {
	if 2*len(sc.hot) > len(sc.slots) {
		sc.slots = make([]uint32, max(64, 2*len(sc.slots)))
		for i, c := range sc.cold[:id] {
			sc.place(c.hash, i)
		}
	}
	sc.place(h, id)
}

func (sc *spanCache) place(h uint64, id int) {
	mask := len(sc.slots) - 1
	i := int(h) & mask
	for sc.slots[i] != 0 {
		i = (i + 1) & mask
	}
	sc.slots[i] = uint32(h>>48)<<16 | uint32(id+1)
}

// flushSpans hands what was counted per span to its cells' entries
// (before flushFast).
func (w *streamWorker) flushSpans() {
	for k := range w.spans {
		sc := &w.spans[k]
		for id := range sc.hot {
			counts := sc.counts[id*sc.stride : (id+1)*sc.stride]
			for i, c := range counts {
				if c == 0 {
					continue
				}
				m := i
				if sc.stride == 1 && sc.hot[id].m != spanNoMeetingCell {
					m = int(sc.hot[id].m)
				}
				for _, e := range sc.fields[id*sc.width : (id+1)*sc.width] {
					e.fast[m] += c
				}
				counts[i] = 0
			}
		}
	}
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
	if e.o.Missing {
		o.missing += int(total)
	}
	if e.o.Norm {
		e.normHits += int(total)
	}
}
