package pipeline

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math/bits"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// The streaming reader: a CSV response file in UTF-8 read in one pass, in
// chunks of streamChunkSize bytes handed to one worker per core, in memory that
// does not grow with the number of rows. Each chunk gives counts (a Tally),
// its rejects and a row group of responses.parquet; they are merged in file
// order, so the outputs are those of the reference reader (ReadResponses),
// byte for byte (TestStreamMatchesReference, FuzzStreamMatchesReference).
//
// A chunk starts after the first newline at or after its nominal start;
// that newline may sit inside a quoted field, so a chunk's start is trusted
// only when the chunk before it, read from a trusted start, ended exactly
// there; otherwise the chunk is read again from where the one before ended.
//
// Anything unusual hands the file to the reference reader (errFallback):
// bytes that are not UTF-8 (the reference would read Windows-1252), a CSV
// error (the reference says where, by line and column), XLSX and UTF-16.

// streamChunkSize is the nominal size of a chunk (and so of a row group);
// tests make it small.
var streamChunkSize int64 = 4 << 20

// fpSeed seeds the submission fingerprints: one per process, so the
// passes over every file agree.
var fpSeed = maphash.MakeSeed()

// errFallback asks for the file to be read by the reference reader.
var errFallback = errors.New("not for the streaming reader")

// maxCached is the number of distinct texts a column's cache keeps; texts
// beyond are resolved each time (rare: a column of free text in a choice
// question).
const maxCached = 1 << 14

// streamFile is one response file being read.
type streamFile struct {
	plan       *plan
	name       string
	r          io.ReaderAt
	size       int64
	dataStart  int64 // after the header (and the HXL row)
	dataLine   int   // lines before dataStart
	comma      byte
	cols       []streamCol
	tally      *Tally // empty template
	meetingQ   int    // position of the meeting question in the tally
	answerQ    []int  // tally question of each responses.parquet answer column
	skip       map[int64]string
	collectFP  bool
	suspects   map[uint64]bool // resolve pass: fingerprints seen twice
	seed       maphash.Seed
	rw         *ResponsesWriter
	chunks     int
	stopped    atomic.Bool
	hasID      bool
	hasTime    bool
	fieldCount int
}

// streamCol is a closed question's column.
type streamCol struct {
	c         *column
	field     int
	q         int // position in the tally
	choicePos int // split column: the choice's position in the list
}

// cacheEntry is what a cell text gives, with what the counting needs.
type cacheEntry struct {
	key      string
	o        outcome
	codes    []int  // positions of o.names in the choice list
	joined   string // o.names joined by spaces
	hash     uint64 // of joined, for submission fingerprints
	normHits int    // uses in the current chunk, when o.norm
	dictGen  int    // chunk whose dictionary holds joined
	dictCode int32
}

// valueCache maps cell texts to entries: open addressing on a cheap hash.
type valueCache struct {
	slots   []int32 // entry index + 1; 0 is empty
	entries []*cacheEntry
}

func quickHash(b []byte) uint64 {
	n := len(b)
	h := uint64(n) * 0x9e3779b97f4a7c15
	switch {
	case n >= 8:
		h ^= binary.LittleEndian.Uint64(b) * 0xff51afd7ed558ccd
		h ^= bits.RotateLeft64(binary.LittleEndian.Uint64(b[n-8:])*0xc4ceb9fe1a85ec53, 29)
	default:
		for _, c := range b {
			h = (h ^ uint64(c)) * 0x100000001b3
		}
	}
	h ^= h >> 31
	h *= 0x94d049bb133111eb
	return h ^ h>>29
}

func (vc *valueCache) find(b []byte, h uint64) (*cacheEntry, int) {
	if vc.slots == nil {
		vc.slots = make([]int32, 64)
	}
	mask := len(vc.slots) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		s := vc.slots[i]
		if s == 0 {
			return nil, i
		}
		if e := vc.entries[s-1]; e.key == string(b) {
			return e, i
		}
	}
}

func (vc *valueCache) add(e *cacheEntry, h uint64) {
	if len(vc.entries) >= maxCached {
		return
	}
	if 2*(len(vc.entries)+1) > len(vc.slots) {
		old := vc.entries
		vc.slots, vc.entries = make([]int32, 2*len(vc.slots)), nil
		for _, o := range old {
			vc.add(o, quickHash([]byte(o.key)))
		}
	}
	_, i := vc.find([]byte(e.key), h)
	vc.entries = append(vc.entries, e)
	vc.slots[i] = int32(len(vc.entries))
}

// fingerprint is a kept row's submission key, hashed, and where the row is.
type fingerprint struct {
	fp  uint64
	off int64
}

// candidate is a row whose fingerprint was seen twice: its exact key.
type candidate struct {
	key, value string
	off        int64
	line       int // relative to the chunk until merged
}

// chunkOut is what one chunk gives.
type chunkOut struct {
	k                       int
	specStart, start, end   int64
	lines                   int
	err                     error
	tally                   *Tally
	rowsRead, dups, missing int
	rejects                 []Reject // Line relative to the chunk's start
	norm                    map[[3]string]int
	folded                  map[[3]string]bool
	group                   *RowGroup // Lines relative
	fps                     []fingerprint
	cands                   []candidate
}

// streamWorker is one goroutine's reusable state.
type streamWorker struct {
	s       *streamFile
	caches  []valueCache
	split   []map[uint64]*cacheEntry // per tally question read from split columns
	gen     int
	buf     []byte
	rec     scanned
	scratch []byte
	rowAns  []*cacheEntry
	mask    []uint64
	chosen  []int
	hash    maphash.Hash
	weights map[string]float64
	extra   []*cacheEntry // entries with a normalisation the cache had no room for
}

func (s *streamFile) newWorker() *streamWorker {
	w := &streamWorker{s: s, caches: make([]valueCache, len(s.cols)), split: make([]map[uint64]*cacheEntry, len(s.tally.Questions)),
		rowAns: make([]*cacheEntry, len(s.tally.Questions)), mask: make([]uint64, len(s.tally.Questions)), weights: map[string]float64{}}
	w.hash.SetSeed(s.seed)
	return w
}

// readAt reads [off, off+n) of the file, or less at its end.
func (s *streamFile) readAt(dst []byte, off int64, n int) ([]byte, error) {
	n = int(min(int64(n), s.size-off))
	if n <= 0 {
		return dst, nil
	}
	start := len(dst)
	dst = append(dst, make([]byte, n)...)
	got, err := s.r.ReadAt(dst[start:], off)
	if got == n {
		err = nil
	}
	return dst[:start+got], err
}

// boundary is the speculative start of chunk k: after the first newline at
// or after its nominal start minus one.
func (s *streamFile) boundary(k int, buf []byte) (int64, []byte, error) {
	if k == 0 {
		return s.dataStart, buf, nil
	}
	if k >= s.chunks {
		return s.size, buf, nil
	}
	from := s.dataStart + int64(k)*streamChunkSize - 1
	for from < s.size {
		var err error
		buf, err = s.readAt(buf[:0], from, 64<<10)
		if err != nil {
			return 0, buf, err
		}
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			return from + int64(i) + 1, buf, nil
		}
		from += int64(len(buf))
	}
	return s.size, buf, nil
}

// run reads chunk k from start (its speculative start when start < 0).
func (w *streamWorker) run(k int, start int64) *chunkOut {
	s := w.s
	o := &chunkOut{k: k}
	if s.stopped.Load() {
		o.err = errFallback
		return o
	}
	var err error
	o.specStart, w.buf, err = s.boundary(k, w.buf)
	if err != nil {
		o.err = err
		return o
	}
	if start < 0 {
		start = o.specStart
	}
	end, buf, err := s.boundary(k+1, w.buf)
	w.buf = buf
	if err != nil {
		o.err = err
		return o
	}
	o.start, o.end = start, start
	o.tally = s.tally.Empty()
	o.norm, o.folded = map[[3]string]int{}, map[[3]string]bool{}
	w.gen++
	g := &RowGroup{File: s.name, Answers: make([]AnswerColumn, len(s.answerQ))}
	o.group = g
	if start >= end {
		return o
	}
	w.buf, err = s.readAt(w.buf[:0], start, int(end-start)+64<<10)
	if err != nil {
		o.err = err
		return o
	}
	pos, line := 0, 0
	for start+int64(pos) < end {
		atEOF := start+int64(len(w.buf)) >= s.size
		next, st := scanRecordAt(w.buf, pos, atEOF, s.comma, &w.rec)
		switch st {
		case scanMore:
			if w.buf, err = s.readAt(w.buf, start+int64(len(w.buf)), max(1<<20, len(w.buf))); err != nil {
				o.err = err
				return o
			}
			continue
		case scanError:
			o.err = errFallback
			return o
		}
		if st == scanEOF {
			line += w.rec.lines
			pos = next
			break
		}
		if err := w.row(o, start+int64(pos), line+w.rec.skip+1); err != nil {
			o.err = err
			return o
		}
		line += w.rec.lines
		pos = next
	}
	if !utf8.Valid(w.buf[:pos]) {
		o.err = errFallback
		return o
	}
	o.end, o.lines = start+int64(pos), line
	for _, c := range w.caches {
		for _, e := range c.entries {
			if e.normHits > 0 {
				o.norm[e.o.normKey] += e.normHits
				o.folded[e.o.normKey] = e.o.folded
				e.normHits = 0
			}
		}
	}
	for _, e := range w.extra {
		o.norm[e.o.normKey] += e.normHits
		o.folded[e.o.normKey] = e.o.folded
	}
	w.extra = w.extra[:0]
	return o
}

// field returns field i of the current record, trimmed ("" when absent).
func (w *streamWorker) field(i int) []byte {
	if i < 0 || i >= len(w.rec.fields) {
		return nil
	}
	var b []byte
	b, w.scratch = unquote(w.buf, w.rec.fields[i], w.scratch)
	return bytes.TrimSpace(b)
}

// blank reports whether every field is blank (the record is skipped).
func (w *streamWorker) blank() bool {
	for i := range w.rec.fields {
		if len(w.field(i)) > 0 {
			return false
		}
	}
	return true
}

// entry resolves a cell of column c through the cache.
func (w *streamWorker) entry(ci int, b []byte) *cacheEntry {
	vc := &w.caches[ci]
	h := quickHash(b)
	if e, _ := vc.find(b, h); e != nil {
		return e
	}
	sc := &w.s.cols[ci]
	e := &cacheEntry{key: string(b)}
	e.o = w.s.plan.resolve(sc.c, e.key)
	w.finish(e, sc.q)
	if len(vc.entries) < maxCached {
		vc.add(e, h)
	} else if e.o.norm {
		w.extra = append(w.extra, e)
	}
	return e
}

// finish fills an entry's codes, text and hash from its names.
func (w *streamWorker) finish(e *cacheEntry, q int) {
	qt := w.s.tally.Questions[q]
	for _, n := range e.o.names {
		e.codes = append(e.codes, qt.index[n])
	}
	e.joined = strings.Join(e.o.names, " ")
	e.hash = maphash.String(w.s.seed, e.joined)
	e.dictGen = -1
}

// row reads one record at offset off, on line (relative to the chunk).
func (w *streamWorker) row(o *chunkOut, off int64, line int) error {
	s := w.s
	p := s.plan
	if len(w.field(p.meetingCol)) == 0 && w.blank() {
		return nil
	}
	o.rowsRead++
	clear(w.rowAns)
	clear(w.mask)
	weight := 1.0
	var cellRejects []Reject
	if p.weightCol >= 0 {
		b := w.field(p.weightCol)
		wt, ok := w.weights[string(b)]
		if !ok {
			var rej *Reject
			wt, rej = p.weight(string(b))
			if rej != nil {
				rej.File, rej.Line, rej.Column = p.file, line, p.header[p.weightCol]
				cellRejects = append(cellRejects, *rej)
			} else if len(w.weights) < maxCached {
				w.weights[string(b)] = wt
			}
		}
		weight = wt
	}
	missing := 0
	for ci := range s.cols {
		sc := &s.cols[ci]
		e := w.entry(ci, w.field(sc.field))
		for _, r := range e.o.rejects {
			r.File, r.Line, r.Column = p.file, line, sc.c.header
			cellRejects = append(cellRejects, r)
		}
		if sc.c.choice != "" {
			if e.o.chosen {
				w.mask[sc.q] |= 1 << sc.choicePos
			}
			continue
		}
		if e.o.norm {
			e.normHits++
		}
		if e.o.missing {
			missing++
		}
		if len(e.o.names) > 0 {
			w.rowAns[sc.q] = e
		}
	}
	for q, m := range w.mask {
		if m == 0 || w.rowAns[q] != nil {
			continue
		}
		e := w.split[q][m]
		if e == nil {
			qt := s.tally.Questions[q]
			e = &cacheEntry{}
			for i := range qt.Choices {
				if m&(1<<i) != 0 {
					e.o.names = append(e.o.names, qt.Choices[i].Name)
				}
			}
			w.finish(e, q)
			if w.split[q] == nil {
				w.split[q] = map[uint64]*cacheEntry{}
			}
			w.split[q][m] = e
		}
		w.rowAns[q] = e
	}
	me := w.rowAns[s.meetingQ]
	if me == nil {
		o.rejects = append(o.rejects, Reject{Code: RejectNoMeeting, File: p.file, Line: line, Column: p.header[p.meetingCol],
			Value: string(w.field(p.meetingCol)), Reason: noMeetingReason})
		return nil
	}
	if s.hasID || s.hasTime {
		if first, dup := s.skip[off]; dup {
			o.dups++
			id, when := w.field(p.idCol), w.field(p.timeCol)
			v := string(id)
			if v == "" {
				v = string(when)
			}
			o.rejects = append(o.rejects, Reject{Code: RejectDuplicate, File: p.file, Line: line, Value: v, Reason: duplicateReason + first})
			return nil
		}
		if s.collectFP || s.suspects != nil {
			if fp, ok := w.fingerprint(); ok {
				if s.collectFP {
					o.fps = append(o.fps, fingerprint{fp, off})
				} else if s.suspects[fp] {
					o.cands = append(o.cands, w.candidate(off, line))
				}
			}
		}
	}
	o.rejects = append(o.rejects, cellRejects...)
	o.missing += missing
	m := int(me.codes[0])
	o.tally.Respondents[m]++
	for q, e := range w.rowAns {
		if e != nil {
			o.tally.Questions[q].add(m, e.codes, weight, o.tally.Weighted)
		}
	}
	g := o.group
	g.Lines = append(g.Lines, int64(line))
	g.Meeting = append(g.Meeting, int32(m))
	g.Weight = append(g.Weight, weight)
	for a, q := range s.answerQ {
		code := int32(-1)
		if e := w.rowAns[q]; e != nil {
			if e.dictGen != w.gen {
				e.dictGen, e.dictCode = w.gen, int32(len(g.Answers[a].Dict))
				g.Answers[a].Dict = append(g.Answers[a].Dict, e.joined)
			}
			code = e.dictCode
		}
		g.Answers[a].Codes = append(g.Answers[a].Codes, code)
	}
	return nil
}

// fingerprint hashes the row's submission key (see submissionKey).
func (w *streamWorker) fingerprint() (uint64, bool) {
	p := w.s.plan
	h := &w.hash
	h.Reset()
	if id := w.field(p.idCol); len(id) > 0 {
		h.WriteByte('i')
		h.Write(id)
		return h.Sum64(), true
	}
	when := w.field(p.timeCol)
	if len(when) == 0 {
		return 0, false
	}
	h.WriteByte('t')
	h.Write(when)
	var b [9]byte
	for q, e := range w.rowAns {
		if e != nil {
			b[0] = byte(q)
			binary.LittleEndian.PutUint64(b[1:], e.hash)
			h.Write(b[:])
		}
	}
	return h.Sum64(), true
}

// candidate spells out the row's submission key exactly.
func (w *streamWorker) candidate(off int64, line int) candidate {
	p := w.s.plan
	r := Respondent{Answers: map[string][]string{}}
	for q, e := range w.rowAns {
		if e != nil {
			r.Answers[w.s.tally.Questions[q].Question.Name] = e.o.names
		}
	}
	id, when := string(w.field(p.idCol)), string(w.field(p.timeCol))
	return candidate{key: submissionKey(id, when, r), value: firstNonEmpty(id, when), off: off, line: line}
}

// streamPass reads one file with every core and hands the chunks, in file
// order, to merge.
func (s *streamFile) pass(merge func(*chunkOut) error) error {
	s.chunks = int((s.size - s.dataStart + streamChunkSize - 1) / streamChunkSize)
	if s.chunks == 0 {
		return nil
	}
	nw := min(runtime.GOMAXPROCS(0), s.chunks)
	outs := make([]chan *chunkOut, s.chunks)
	for k := range outs {
		outs[k] = make(chan *chunkOut, 1)
	}
	sem := make(chan struct{}, 2*nw)
	jobs := make(chan int)
	go func() {
		for k := 0; k < s.chunks; k++ {
			sem <- struct{}{}
			jobs <- k
		}
		close(jobs)
	}()
	var wg sync.WaitGroup
	for range nw {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := s.newWorker()
			for k := range jobs {
				o := w.run(k, -1)
				if o.err == nil && s.rw != nil && o.group.Rows() > 0 {
					s.rw.encodeBody(o.group)
				}
				outs[k] <- o
			}
		}()
	}
	var first error
	fix := s.newWorker()
	prevEnd := s.dataStart
	for k := 0; k < s.chunks; k++ {
		o := <-outs[k]
		<-sem
		if first != nil {
			continue
		}
		if o.err == nil && o.start != prevEnd {
			o = fix.run(k, prevEnd) // its speculative start was inside a quoted field
			if o.err == nil && s.rw != nil && o.group.Rows() > 0 {
				s.rw.encodeBody(o.group)
			}
		}
		if o.err == nil {
			o.err = merge(o)
		}
		if o.err != nil {
			first = o.err
			s.stopped.Store(true)
			continue
		}
		prevEnd = o.end
	}
	wg.Wait()
	return first
}

// openStream reads a file's head: checks that the streaming reader can
// take it, finds the delimiter, and reads the header (and an HXL row).
func openStream(q *Questionnaire, name string, r io.ReaderAt, size int64, opt ResponseOptions, into *Responses) (*streamFile, error) {
	if opt.Encoding != EncodingAuto && opt.Encoding != EncodingUTF8 {
		return nil, errFallback
	}
	s := &streamFile{name: name, r: r, size: size, seed: fpSeed}
	var head []byte
	var err error
	for n := 64 << 10; ; n *= 4 {
		if head, err = s.readAt(head[:0], 0, n); err != nil {
			return nil, &InputError{File: name, Msg: "cannot read", Err: err}
		}
		if int64(len(head)) == size || linesOutsideQuotes(head, 22) {
			break
		}
		if n > 64<<20 {
			return nil, errFallback
		}
	}
	if isXLSX(head) || bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return nil, errFallback
	}
	text := int64(0)
	if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		text = 3
	}
	if !utf8.Valid(trimPartialRune(head[text:])) {
		return nil, errFallback
	}
	s.comma = byte(detectDelimiter(head[text:]))
	// The header: the first record that is not blank.
	t := &table{file: name}
	var rec scanned
	pos, line := int(text), 0
	for {
		atEOF := int64(len(head)) == size
		next, st := scanRecordAt(head, pos, atEOF, s.comma, &rec)
		if st != scanRecord {
			if st == scanEOF && t.header == nil {
				return nil, errFallback // the reference reader says the file is empty
			}
			if st == scanEOF {
				break
			}
			return nil, errFallback // an error, or a header longer than the head
		}
		fields := make([]string, len(rec.fields))
		var scratch []byte
		for i, f := range rec.fields {
			var b []byte
			b, scratch = unquote(head, f, scratch)
			fields[i] = string(b)
		}
		recLine := line + rec.skip + 1
		line += rec.lines
		pos = next
		if t.header == nil {
			t.add(fields, recLine)
			if t.header != nil {
				s.dataStart, s.dataLine = int64(pos), line
			}
			continue
		}
		if isBlank(fields) {
			continue
		}
		if isHXL(fields) {
			into.Notes = append(into.Notes, fmt.Sprintf("%s:%d: HXL hashtag row skipped", name, recLine))
			s.dataStart, s.dataLine = int64(pos), line
		}
		break
	}
	p, err := newPlan(q, t, opt, into)
	if err != nil {
		// The reference reader reports a CSV error anywhere in the file
		// before a header's: let it say which comes first.
		return nil, errFallback
	}
	s.plan = p
	return s, nil
}

// linesOutsideQuotes reports whether b holds at least n newlines outside
// quoted fields (enough for detectDelimiter and a header).
func linesOutsideQuotes(b []byte, n int) bool {
	in := false
	for _, c := range b {
		switch {
		case c == '"':
			in = !in
		case c == '\n' && !in:
			if n--; n == 0 {
				return true
			}
		}
	}
	return false
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}
