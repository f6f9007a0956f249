package stream

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/ingest/internal/scan"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/responses"
	"github.com/synthese-project/synthese/pipeline/store"
	"github.com/synthese-project/synthese/pipeline/tally"
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

// StreamChunkSize is the nominal size of a chunk (and so of a row group of
// responses.parquet); tests make it small. Counting only, chunks are half
// as large: the memory of a pass is mostly its chunks' (BENCHMARKS.md,
// "Figures behind the code's choices").
var StreamChunkSize int64 = 4 << 20

// boundaryRead is what is read to find a chunk's first newline, and past
// its end for the record that crosses it (more when a record is longer).
const boundaryRead = 16 << 10

// ReadWindow is what a chunk's reader reads at a time (tests make it
// small).
var ReadWindow int64 = 256 << 10

// chunkSize is the nominal size of the pass's chunks.
func (s *streamFile) chunkSize() int64 {
	if s.rw == nil {
		return max(1, StreamChunkSize/2)
	}
	return StreamChunkSize
}

// ErrFallback asks for the file to be read by the reference reader.
var ErrFallback = errors.New("not for the streaming reader")

// maxCached is the number of distinct texts a column's cache keeps; texts
// beyond are resolved each time (rare: a column of free text in a choice
// question).
const maxCached = 1 << 14

// streamFile is one response file being read.
type streamFile struct {
	plan      *responses.Plan
	name      string
	r         io.ReaderAt
	size      int64
	dataStart int64 // after the header (and the HXL row)
	dataLine  int   // lines before dataStart
	comma     byte
	cols      []streamCol
	tally     *tally.Tally // empty template
	meetingQ  int          // position of the meeting question in the tally
	answerQ   []int        // tally question of each responses.parquet answer column
	skip      map[int64]string
	collectFP bool
	suspects  map[uint64]bool // rows read again: fingerprints seen twice, without their tag (fpKey)
	// firstChunk is the number of chunks of the files read before this
	// one in the pass (fingerprints are tagged with their chunk's number).
	firstChunk int
	rw         *store.ResponsesWriter
	chunks     int
	stopped    atomic.Bool
	hasID      bool
	hasTime    bool
	closed     []bool // by field: a closed question's column (checked through the cache)
	// encodingWhy says why the file is UTF-8 (as the reference reader
	// says it: the byte-order mark, or valid UTF-8 throughout, since the
	// streaming reader hands back any file that is not).
	encodingWhy, encodingReason string
	free                        chan *store.RowGroup // row groups written, to fill again
	fast                        *fastPlan            // nil: every record goes through row
	freeFPs                     chan []uint64        // fingerprint lists merged, to fill again
}

// recycleFPs hands a merged list of fingerprints back.
func (s *streamFile) recycleFPs(fps []uint64) {
	select {
	case s.freeFPs <- fps[:0]:
	default:
	}
}

// newGroup returns an empty row group, one already written when there is
// one (its arrays keep their room: no growing them row by row again).
func (s *streamFile) newGroup() *store.RowGroup {
	select {
	case g := <-s.free:
		g.Lines, g.Meeting, g.Weight, g.Body = g.Lines[:0], g.Meeting[:0], g.Weight[:0], nil
		for i := range g.Answers {
			g.Answers[i].Dict, g.Answers[i].Codes = g.Answers[i].Dict[:0], g.Answers[i].Codes[:0]
		}
		return g
	default:
		return &store.RowGroup{File: s.name, Answers: make([]store.AnswerColumn, len(s.answerQ))}
	}
}

// recycle hands a written row group back.
func (s *streamFile) recycle(g *store.RowGroup) {
	select {
	case s.free <- g:
	default:
	}
}

// streamCol is a closed question's column.
type streamCol struct {
	c         *responses.Column
	field     int
	q         int // position in the tally
	choicePos int // split column: the choice's position in the list
}

// cacheEntry is what a cell text gives, with what the counting needs.
type cacheEntry struct {
	key      string
	o        responses.Outcome
	codes    []int  // positions of o.names in the choice list
	joined   string // o.names joined by spaces
	hash     uint64 // of joined and the question
	fpc      uint64 // its share of a submission fingerprint (fingerprintOf)
	normHits int    // uses in the current chunk, when o.norm
	dictGen  int    // chunk whose dictionary holds joined
	dictCode int32
	q        int     // the question, in the tally
	kept     []int64 // kept respondents who gave this answer, per meeting, in the current chunk
	fast     []int64 // the same, of the records the fast path took
	touched  bool    // kept is not all zero
	invalid  bool    // the text is not UTF-8
	plain    bool    // neither invalid nor rejected: the fast path takes it
}

// valueCache maps cell texts to entries: open addressing, each slot
// holding the first 16 and the last 8 bytes of its text and its length, so
// a lookup compares three words (and the whole text only when it is
// longer than 24 bytes).
type valueCache struct {
	slots []cacheSlot
	count int
}

type cacheSlot struct {
	k scan.KeyWords
	n int // the text's length + 1; 0: empty
	e *cacheEntry
}

func (vc *valueCache) find(b []byte, k scan.KeyWords, h uint64) (*cacheEntry, int) {
	if vc.slots == nil {
		vc.slots = make([]cacheSlot, 64)
	}
	mask := len(vc.slots) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		sl := &vc.slots[i]
		if sl.n == 0 {
			return nil, i
		}
		if sl.k == k && sl.n == len(b)+1 && (len(b) <= 24 || sl.e.key == string(b)) {
			return sl.e, i
		}
	}
}

func (vc *valueCache) add(e *cacheEntry) {
	if vc.count >= maxCached {
		return
	}
	if 2*(vc.count+1) > len(vc.slots) {
		old := vc.slots
		vc.slots, vc.count = make([]cacheSlot, max(64, 2*len(old))), 0
		for _, sl := range old {
			if sl.n != 0 {
				vc.add(sl.e)
			}
		}
	}
	k, h := scan.CacheKey([]byte(e.key))
	_, i := vc.find([]byte(e.key), k, h)
	vc.slots[i] = cacheSlot{k: k, n: len(e.key) + 1, e: e}
	vc.count++
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
	tally                   *tally.Tally
	rowsRead, dups, missing int
	fast                    int // records the fast path took
	kept                    int64
	rejects                 []input.Reject // Line relative to the chunk's start
	norm                    map[[3]string]int
	folded                  map[[3]string]bool
	group                   *store.RowGroup // Lines relative
	fps                     []uint64        // submission fingerprints (counting pass), sorted by partition
	marks                   []lineMark      // where lines begin between records, one every lineMarkEvery lines or more (counting pass)
	fpEnds                  [256]int32      // where each partition of fps ends
	cands                   []candidate
}

// streamWorker is one goroutine's reusable state.
type streamWorker struct {
	s         *streamFile
	caches    []valueCache
	split     []map[uint64]*cacheEntry // per tally question read from split columns
	gen       int
	buf       []byte
	rec       input.Scanned
	scratch   []byte
	rowAns    []*cacheEntry
	rowE      []*cacheEntry // the fast path's entries, by closed column
	inc       [][]int64     // the fast path's counters of the record
	spans     []spanCache   // the fast path's, by span
	spanHit   []int         // the fast path's record: each span's entry (-1: its cells are in rowE)
	loose     spanLoose     // the fast path's span that its cache had no room for
	stops     []uint64      // the fast path's map of buf (markStops)
	fpScratch []uint64
	mask      []uint64
	weights   map[string]float64
	extra     []*cacheEntry // entries with a normalisation the cache had no room for
	touched   []*cacheEntry // entries counted in the current chunk
}

func (s *streamFile) newWorker() *streamWorker {
	w := &streamWorker{s: s, caches: make([]valueCache, len(s.cols)), split: make([]map[uint64]*cacheEntry, len(s.tally.Questions)),
		rowAns: make([]*cacheEntry, len(s.tally.Questions)), rowE: make([]*cacheEntry, len(s.cols)), mask: make([]uint64, len(s.tally.Questions)), weights: map[string]float64{}}
	if s.fast != nil {
		w.spans = make([]spanCache, s.fast.spans)
		w.spanHit = make([]int, s.fast.spans)
	}
	return w
}

// readAt reads [off, off+n) of the file, or less at its end.
func (s *streamFile) readAt(dst []byte, off int64, n int) ([]byte, error) {
	n = int(min(int64(n), s.size-off))
	if n <= 0 {
		return dst, nil
	}
	start := len(dst)
	dst = slices.Grow(dst, n)[:start+n]
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
	from := s.dataStart + int64(k)*s.chunkSize() - 1
	for from < s.size {
		var err error
		buf, err = s.readAt(buf[:0], from, boundaryRead)
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
		o.err = ErrFallback
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
	return w.read(o, start, end)
}

// read reads the records of chunk o.k from start, a record's start, up to
// the first record that begins at or after end.
func (w *streamWorker) read(o *chunkOut, start, end int64) *chunkOut {
	w.begin(o)
	o.start, o.end = start, start
	if start >= end {
		return o
	}
	var err error
	if o.end, o.lines, err = w.records(o, start, end); err != nil {
		o.err = err
		return o
	}
	w.flushChunk(o)
	return o
}

// begin readies o to receive records.
func (w *streamWorker) begin(o *chunkOut) {
	s := w.s
	o.tally = s.tally.Empty()
	if s.collectFP {
		select {
		case o.fps = <-s.freeFPs:
		default:
		}
	}
	o.norm, o.folded = map[[3]string]int{}, map[[3]string]bool{}
	w.gen++
	o.group = s.newGroup()
}

// records reads into o the records from start, a record's start, up to
// the first that begins at or after end; it returns where the last one
// ends and the lines read.
func (w *streamWorker) records(o *chunkOut, start, end int64) (int64, int, error) {
	s := w.s
	var err error
	// The chunk is read a window at a time (and what a record needs
	// more), so that what is read, its map and the caches stay near the
	// core; the first window goes up to readWindow bytes.
	base, last := start, min(end+boundaryRead, s.size) // buf[0]'s offset; the read's end
	w.buf, err = s.readAt(w.buf[:0], base, int(min(last-base, ReadWindow)))
	if err != nil {
		return 0, 0, err
	}
	w.markStops()
	if loneCR(w.buf) {
		return 0, 0, ErrFallback
	}
	pos, line := 0, 0
	mark := 1 // the next line to mark (collectFP)
	for base+int64(pos) < end {
		if len(w.buf)-pos < int(min(boundaryRead, ReadWindow)) && base+int64(len(w.buf)) < last {
			// The window's last bytes: the rest moves to the front and
			// the next window follows.
			n := copy(w.buf, w.buf[pos:])
			base += int64(pos)
			pos = 0
			if w.buf, err = s.readAt(w.buf[:n], base+int64(n), int(min(last-base-int64(n), ReadWindow))); err != nil {
				return 0, 0, err
			}
			w.markStops()
			if loneCR(w.buf[max(n-1, 0):]) {
				return 0, 0, ErrFallback
			}
		}
		if s.collectFP && line+1 >= mark {
			// Where this line begins, between records: rows are found
			// again from here (rowsAt).
			o.marks = append(o.marks, lineMark{line: int32(line + 1), off: int32(base + int64(pos) - start)})
			mark = line + 1 + lineMarkEvery
		}
		if s.fast != nil {
			next, ok, err := w.fastRow(o, pos, base+int64(pos), line+1)
			if err != nil {
				return 0, 0, err
			}
			if ok {
				if next-pos > input.MaxLineBytes {
					return 0, 0, ErrFallback // the reference reader says whether a line is too long
				}
				pos = next
				line++
				o.fast++
				continue
			}
		}
		atEOF := base+int64(len(w.buf)) >= s.size
		next, st := input.ScanRecordAt(w.buf, pos, atEOF, s.comma, &w.rec)
		switch st {
		case input.ScanMore:
			if len(w.buf)-pos > input.MaxLineBytes {
				return 0, 0, ErrFallback // the reference reader says which line is too long
			}
			had := len(w.buf)
			if w.buf, err = s.readAt(w.buf, base+int64(len(w.buf)), int(max(ReadWindow, int64(len(w.buf)-pos)))); err != nil {
				return 0, 0, err
			}
			w.markStops()
			if loneCR(w.buf[max(had-1, 0):]) {
				return 0, 0, ErrFallback
			}
			continue
		case input.ScanError:
			return 0, 0, ErrFallback
		}
		if st == input.ScanEOF {
			line += w.rec.Lines
			pos = next
			break
		}
		if next-pos > input.MaxLineBytes {
			return 0, 0, ErrFallback // the reference reader says whether a line is too long
		}
		if err := w.row(o, base+int64(w.rec.Start), line+w.rec.Skip+1); err != nil {
			return 0, 0, err
		}
		line += w.rec.Lines
		pos = next
	}
	return base + int64(pos), line, nil
}

// flushChunk hands o what the worker's caches counted of its records.
func (w *streamWorker) flushChunk(o *chunkOut) {
	s := w.s
	w.flushTouched(o.tally)
	w.flushSpans()
	if len(o.fps) > 0 {
		o.fps, w.fpScratch = sortByPartition(o.fps, w.fpScratch, &o.fpEnds, s.firstChunk+o.k)
	}
	for _, c := range w.caches {
		for _, sl := range c.slots {
			e := sl.e
			if e == nil {
				continue
			}
			w.flushFast(o, e)
			if e.normHits > 0 {
				o.norm[e.o.NormKey] += e.normHits
				o.folded[e.o.NormKey] = e.o.Folded
				e.normHits = 0
			}
		}
	}
	for _, e := range w.extra {
		o.norm[e.o.NormKey] += e.normHits
		o.folded[e.o.NormKey] = e.o.Folded
	}
	w.extra = w.extra[:0]
}

// markStops maps the buffer for the fast path.
func (w *streamWorker) markStops() {
	if w.s.fast == nil {
		return
	}
	n := 2 * scan.StopWords(len(w.buf))
	w.stops = slices.Grow(w.stops[:0], n)[:n]
	scan.MarkStops(w.buf, w.s.comma, w.stops)
	scan.QuoteParity(w.stops)
}

// field returns field i of the current record, trimmed ("" when absent).
func (w *streamWorker) field(i int) []byte {
	if i < 0 || i >= len(w.rec.Fields) {
		return nil
	}
	f := w.rec.Fields[i]
	if !f.Escaped {
		return scan.Trim(w.buf[f.Start:f.End])
	}
	var b []byte
	b, w.scratch = input.Unquote(w.buf, f, w.scratch)
	return scan.Trim(b)
}

// blank reports whether every field is blank (the record is skipped).
func (w *streamWorker) blank() bool {
	for i := range w.rec.Fields {
		if len(w.field(i)) > 0 {
			return false
		}
	}
	return true
}

// entry resolves a cell of column c through the cache.
func (w *streamWorker) entry(ci int, b []byte) *cacheEntry {
	vc := &w.caches[ci]
	kw, h := scan.CacheKey(b)
	if e, _ := vc.find(b, kw, h); e != nil {
		return e
	}
	sc := &w.s.cols[ci]
	e := &cacheEntry{key: string(b), invalid: !utf8.Valid(b)}
	e.o = w.s.plan.Resolve(sc.c, e.key)
	e.plain = !e.invalid && len(e.o.Rejects) == 0
	w.finish(e, sc.q)
	if vc.count < maxCached {
		vc.add(e)
	} else if e.o.Norm {
		w.extra = append(w.extra, e)
	}
	return e
}

// finish fills an entry's codes, text and hash from its names.
func (w *streamWorker) finish(e *cacheEntry, q int) {
	qt := w.s.tally.Questions[q]
	for _, n := range e.o.Names {
		e.codes = append(e.codes, qt.Index[n])
	}
	e.joined = strings.Join(e.o.Names, " ")
	e.hash = scan.FullHash([]byte(e.joined)) ^ uint64(q+1)*0x9e3779b97f4a7c15
	if len(e.o.Names) > 0 {
		e.fpc = scan.Mix64(e.hash)
	}
	e.dictGen = -1
	e.q = q
	e.kept = make([]int64, len(w.s.tally.Meetings))
	e.fast = make([]int64, len(w.s.tally.Meetings))
}

// row reads one record at offset off (where it begins, after any empty
// line), on line (relative to the chunk).
func (w *streamWorker) row(o *chunkOut, off int64, line int) error {
	s := w.s
	p := s.plan
	if len(w.rec.Fields) > input.MaxColumns {
		return ErrFallback // the reference reader refuses the file, naming the line
	}
	// The text must be UTF-8 (else the reference reads Windows-1252):
	// fields of closed questions are checked once per distinct text (their
	// cache entries), the others here. Between fields there is only ASCII.
	for i, f := range w.rec.Fields {
		if (i >= len(s.closed) || !s.closed[i]) && !scan.ValidUTF8(w.buf[f.Start:f.End]) {
			return ErrFallback
		}
	}
	if len(w.field(p.MeetingCol)) == 0 && w.blank() {
		return nil
	}
	o.rowsRead++
	if n := len(w.rec.Fields); n != p.Width {
		cell := func(i int) string { return string(bytes.TrimSpace(w.field(i))) }
		if rej := p.FieldCountReject(n, cell, line); rej != nil {
			o.rejects = append(o.rejects, *rej)
			return nil
		}
	}
	clear(w.rowAns)
	clear(w.mask)
	weight := 1.0
	var cellRejects []input.Reject
	if p.WeightCol >= 0 {
		b := w.field(p.WeightCol)
		wt, ok := w.weights[string(b)]
		if !ok {
			var rej *input.Reject
			wt, rej = p.Weight(string(b))
			if rej != nil {
				rej.File, rej.Line, rej.Column = p.File, line, p.Header[p.WeightCol]
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
		if e.invalid {
			return ErrFallback
		}
		for _, r := range e.o.Rejects {
			r.File, r.Line, r.Column = p.File, line, sc.c.Header
			cellRejects = append(cellRejects, r)
		}
		if sc.c.Choice != "" {
			if e.o.Chosen {
				w.mask[sc.q] |= 1 << sc.choicePos
			}
			continue
		}
		if e.o.Norm {
			e.normHits++
		}
		if e.o.Missing {
			missing++
		}
		if len(e.o.Names) > 0 {
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
					e.o.Names = append(e.o.Names, qt.Choices[i].Name)
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
	var me *cacheEntry
	if s.meetingQ >= 0 {
		me = w.rowAns[s.meetingQ]
	}
	if me == nil && s.meetingQ >= 0 {
		o.rejects = append(o.rejects, input.Reject{Code: input.RejectNoMeeting, File: p.File, Line: line, Column: p.Header[p.MeetingCol],
			Value: string(w.field(p.MeetingCol)), Reason: responses.NoMeetingReason})
		return nil
	}
	if s.hasID || s.hasTime {
		if first, dup := s.skip[off]; dup {
			o.dups++
			id, when := w.field(p.IdCol), w.field(p.TimeCol)
			v := string(id)
			if v == "" {
				v = string(when)
			}
			o.rejects = append(o.rejects, input.Reject{Code: input.RejectDuplicate, File: p.File, Line: line, Value: v, Reason: responses.DuplicateReason + first})
			return nil
		}
		if s.collectFP || s.suspects != nil {
			if fp, ok := w.fingerprint(); ok {
				if s.collectFP {
					o.fps = append(o.fps, withLine(fp, line))
				} else if s.suspects[fpKey(fp)] {
					o.cands = append(o.cands, w.candidate(off, line))
				}
			}
		}
	}
	o.rejects = append(o.rejects, cellRejects...)
	o.missing += missing
	m := 0 // one scope: the implicit meeting
	if me != nil {
		m = int(me.codes[0])
	}
	o.kept++
	o.tally.Respondents[m]++
	if o.tally.Weighted {
		for q, e := range w.rowAns {
			if e != nil {
				o.tally.Questions[q].Add(m, e.codes, weight, true)
			}
		}
	} else {
		// Counted per answer text, added to the tally at the chunk's end.
		for _, e := range w.rowAns {
			if e != nil {
				e.kept[m]++
				if !e.touched {
					e.touched = true
					w.touched = append(w.touched, e)
				}
			}
		}
	}
	if s.rw == nil {
		return nil
	}
	g := o.group
	g.Lines = append(g.Lines, int64(line))
	g.Meeting = append(g.Meeting, int32(m))
	g.Weight = append(g.Weight, weight)
	for a, q := range s.answerQ {
		code := int32(-1)
		if e := w.rowAns[q]; e != nil {
			code = w.answerCode(e, &g.Answers[a])
		}
		g.Answers[a].Codes = append(g.Answers[a].Codes, code)
	}
	return nil
}

// flushTouched adds the answers counted per text to the chunk's tally.
func (w *streamWorker) flushTouched(t *tally.Tally) {
	for _, e := range w.touched {
		qt := t.Questions[e.q]
		for m, c := range e.kept {
			if c == 0 {
				continue
			}
			qt.Valid[m] += c
			for _, code := range e.codes {
				qt.Counts[m][code] += c
			}
			e.kept[m] = 0
		}
		e.touched = false
	}
	w.touched = w.touched[:0]
}

// fingerprint hashes the row's submission key (see submissionKey).
func (w *streamWorker) fingerprint() (uint64, bool) {
	p := w.s.plan
	var parts uint64
	for _, e := range w.rowAns {
		if e != nil {
			parts += e.fpc
		}
	}
	return fingerprintOf(w.field(p.IdCol), w.field(p.TimeCol), parts)
}

// fingerprintOf hashes a submission key: the respondent's id, else the
// time with the answers (parts: the sum of their entries' fpc, so that
// cells read together can give their share at once).
func fingerprintOf(id, when []byte, parts uint64) (uint64, bool) {
	if len(id) > 0 {
		return scan.TextHash(id) ^ 0x6964, true
	}
	if len(when) == 0 {
		return 0, false
	}
	return timeFingerprint(scan.TextHash(when), parts), true
}

// timeFingerprint is the fingerprint of a submission without an id: the
// hash of its time (textHash) with its answers' share.
func timeFingerprint(when, parts uint64) uint64 { return scan.Mix64(when + parts) }

// candidate spells out the row's submission key exactly.
func (w *streamWorker) candidate(off int64, line int) candidate {
	p := w.s.plan
	r := form.Respondent{Answers: map[string][]string{}}
	for q, e := range w.rowAns {
		if e != nil {
			r.Answers[w.s.tally.Questions[q].Question.Name] = e.o.Names
		}
	}
	id, when := string(w.field(p.IdCol)), string(w.field(p.TimeCol))
	return candidate{key: responses.SubmissionKey(id, when, r), value: responses.FirstNonEmpty(id, when), off: off, line: line}
}

// pass reads one file with every core and hands the chunks, in file
// order, to merge.
func (s *streamFile) pass(merge func(*chunkOut) error) error {
	size := s.chunkSize()
	s.chunks = int((s.size - s.dataStart + size - 1) / size)
	return s.readChunks(s.chunks, func(w *streamWorker, k int) *chunkOut { return w.run(k, -1) }, true,
		func(_ int, o *chunkOut) error { return merge(o) })
}

// chunkSpan is where a chunk of a pass was: its file (among the pass's),
// its number in the file, its first byte and the end of its last record,
// and the lines of the file before it.
type chunkSpan struct {
	file, k    int
	start, end int64
	line       int        // lines of the file before it
	lines      int        // its lines
	marks      []lineMark // where some of its lines begin, between records (the first first)
	// What the counting pass made of it: the respondents it kept, and its
	// row group of responses.parquet (-1: none).
	kept  int64
	group int
}

// lineMark is where a line of a chunk begins (relative to the chunk),
// between two records.
type lineMark struct{ line, off int32 }

// lineMarkEvery is the fewest lines between two marks: a row found again
// from its mark reads ~20 KB.
const lineMarkEvery = 256

// readChunks reads n chunks (read reads the i-th) with every core and
// hands them to merge in order. When speculative, a chunk's start was
// guessed: one that does not begin where the one before it ended is read
// again from there.
func (s *streamFile) readChunks(n int, read func(*streamWorker, int) *chunkOut, speculative bool, merge func(int, *chunkOut) error) error {
	if n == 0 {
		return nil
	}
	nw := min(runtime.GOMAXPROCS(0), n)
	outs := make([]chan *chunkOut, n)
	for i := range outs {
		outs[i] = make(chan *chunkOut, 1)
	}
	sem := make(chan struct{}, 2*nw)
	jobs := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			sem <- struct{}{}
			jobs <- i
		}
		close(jobs)
	}()
	var wg sync.WaitGroup
	for range nw {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := s.newWorker()
			for i := range jobs {
				o := read(w, i)
				if o.err == nil && s.rw != nil && o.group.Rows() > 0 {
					s.rw.EncodeBody(o.group)
				}
				outs[i] <- o
			}
		}()
	}
	var first error
	fix := s.newWorker()
	prevEnd := s.dataStart
	for i := 0; i < n; i++ {
		o := <-outs[i]
		<-sem
		if first != nil {
			continue
		}
		if speculative && o.start != prevEnd {
			// Its speculative start was inside a quoted field (and what it
			// read, an error included, means nothing): read it again.
			o = fix.run(o.k, prevEnd)
			if o.err == nil && s.rw != nil && o.group.Rows() > 0 {
				s.rw.EncodeBody(o.group)
			}
		}
		if o.err == nil {
			o.err = merge(i, o)
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
func openStream(q *form.Questionnaire, name string, r io.ReaderAt, size int64, opt form.ResponseOptions, into *responses.Responses) (*streamFile, error) {
	if opt.Encoding != input.EncodingAuto && opt.Encoding != input.EncodingUTF8 {
		return nil, ErrFallback
	}
	if responses.HasSkipLogic(q, opt.MeetingQuestion) {
		return nil, ErrFallback // skip logic: the reference reader applies it
	}
	s := &streamFile{name: name, r: r, size: size, free: make(chan *store.RowGroup, 8), freeFPs: make(chan []uint64, 8)}
	var head []byte
	var err error
	for n := 64 << 10; ; n *= 4 {
		if head, err = s.readAt(head[:0], 0, n); err != nil {
			return nil, &input.InputError{File: name, Msg: "cannot read", Err: err}
		}
		if int64(len(head)) == size || linesOutsideQuotes(head, 22) {
			break
		}
		// A first line too long: refused here as the reference reader
		// would refuse it, without reading the whole file into memory.
		if len(head) > input.MaxLineBytes && !input.IsXLSX(head) && !input.IsXLS(head) && !bytes.HasPrefix(head, []byte{0xFF, 0xFE}) && !bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
			if err := input.CheckLines(name, input.LineEnds(string(head))); err != nil {
				return nil, err
			}
		}
		if n > 64<<20 {
			return nil, ErrFallback
		}
	}
	if input.IsXLSX(head) || input.IsXLS(head) || bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return nil, ErrFallback
	}
	text := int64(0)
	bom := bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	if bom {
		text = 3
	}
	// The same reason as the reference reader gives (the streaming reader
	// hands back any file that is not UTF-8 throughout).
	s.encodingReason, s.encodingWhy = input.UTF8Reason(bom, opt.Encoding == input.EncodingUTF8)
	if loneCR(head) {
		return nil, ErrFallback // classic Mac OS line ends: the reference reader reads them
	}
	checked := head[text:]
	if int64(len(head)) < size { // the head may end inside a character
		checked = trimPartialRune(checked)
	}
	if !utf8.Valid(checked) {
		return nil, ErrFallback
	}
	s.comma = byte(input.DetectDelimiter(head[text:]))
	// The header: the first record that is not blank.
	t := &input.Table{File: name}
	var rec input.Scanned
	pos, line := int(text), 0
	for {
		atEOF := int64(len(head)) == size
		next, st := input.ScanRecordAt(head, pos, atEOF, s.comma, &rec)
		if st != input.ScanRecord {
			if st == input.ScanEOF && t.Header == nil {
				return nil, ErrFallback // the reference reader says the file is empty
			}
			if st == input.ScanEOF {
				break
			}
			return nil, ErrFallback // an error, or a header longer than the head
		}
		fields := make([]string, len(rec.Fields))
		var scratch []byte
		for i, f := range rec.Fields {
			var b []byte
			b, scratch = input.Unquote(head, f, scratch)
			fields[i] = string(b)
		}
		if next-pos > input.MaxLineBytes {
			return nil, ErrFallback // the reference reader says whether a line is too long
		}
		recLine := line + rec.Skip + 1
		line += rec.Lines
		pos = next
		if t.Header == nil {
			t.Add(fields, recLine)
			if t.Header != nil {
				s.dataStart, s.dataLine = int64(pos), line
			}
			continue
		}
		if input.IsBlank(fields) {
			continue
		}
		if responses.IsHXL(fields) {
			into.Notes = append(into.Notes, fmt.Sprintf("%s:%d: HXL hashtag row skipped", name, recLine))
			s.dataStart, s.dataLine = int64(pos), line
		}
		break
	}
	if len(t.Header) > input.MaxColumns {
		return nil, ErrFallback // the reference reader refuses it, naming the line
	}
	p, err := responses.NewPlan(q, t, opt, into)
	if err != nil {
		// The reference reader reports a CSV error anywhere in the file
		// before a header's: let it say which comes first.
		return nil, ErrFallback
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

// loneCR reports whether b holds a carriage return that does not end a
// line ("\r\n"): classic Mac OS line ends, or a stray one, which the
// reference reader reads as a line end.
func loneCR(b []byte) bool {
	for {
		i := bytes.IndexByte(b, '\r')
		if i < 0 {
			return false
		}
		if i+1 < len(b) && b[i+1] != '\n' {
			return true
		}
		b = b[i+1:]
	}
}
