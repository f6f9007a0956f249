package stream

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"sort"
	"sync"
	"unsafe"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/ingest/internal/scan"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/responses"
	"github.com/synthese-project/synthese/pipeline/store"
	"github.com/synthese-project/synthese/pipeline/tally"
)

// source is a response file open for reading at any offset.
type source struct {
	name string
	r    io.ReaderAt
	size int64
	c    io.Closer
}

func openSource(p *form.Project, name string) (*source, error) {
	f, err := form.Open(p.FS, name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, &input.InputError{File: name, Msg: "cannot read", Err: err}
	}
	if ra, ok := f.(io.ReaderAt); ok {
		return &source{name, ra, st.Size(), f}, nil
	}
	b, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return nil, &input.InputError{File: name, Msg: "cannot read", Err: err}
	}
	return &source{name, bytes.NewReader(b), int64(len(b)), io.NopCloser(nil)}, nil
}

// StreamResponses reads the files with the streaming reader: a counting
// pass that also hashes every submission key; when two keys hash alike,
// the rows they were read on are read again to compare those keys
// exactly; when some are duplicates, a patcher takes them out of what the
// counting pass made (or, when it cannot, the counting pass runs again
// leaving them out).
func StreamResponses(p *form.Project, files []string, opt responses.IngestOptions) (*responses.Responses, error) {
	var srcs []*source
	defer func() {
		for _, s := range srcs {
			s.c.Close()
		}
	}()
	var total int64
	for _, name := range files {
		s, err := openSource(p, name)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, s)
		total += s.size
	}
	spill := &fpSpill{}
	defer spill.close()
	res, err := countPass(p, srcs, opt, nil, spill, total)
	if err != nil {
		return nil, err
	}
	suspects, tags, err := spill.suspects()
	if err != nil || len(suspects) == 0 {
		return res, err
	}
	skip, dups, err := resolvePass(p, srcs, suspects, spill.chunks, tags)
	if err != nil || len(skip) == 0 {
		return res, err
	}
	pt := newPatcher(p, opt, res, spill.chunks)
	defer pt.close()
	if done, err := pt.patch(srcs, skip, dups); done || err != nil {
		return res, err
	}
	return countPass(p, srcs, opt, skip, nil, total)
}

// openAll opens the stream of each file for one pass.
func streamOf(p *form.Project, src *source, into *responses.Responses) (*streamFile, error) {
	s, err := openStream(p.Questionnaire, src.name, src.r, src.size, p.ResponseOptions(), into)
	if err != nil {
		return nil, err
	}
	t, err := tally.NewTally(p.Questionnaire, p.Manifest.MeetingQuestion, p.Manifest.WeightColumn != "")
	if err != nil {
		return nil, err
	}
	s.tally = t
	s.hasID, s.hasTime = s.plan.IdCol >= 0, s.plan.TimeCol >= 0
	for i := range s.plan.Cols {
		c := &s.plan.Cols[i]
		if c.IsMeta || !c.Q.Closed() {
			continue
		}
		sc := streamCol{c: c, field: c.Index, q: t.QuestionIdx[c.Q.Name]}
		if c.Choice != "" {
			sc.choicePos = t.Questions[sc.q].Index[c.Choice]
			if len(t.Questions[sc.q].Choices) > 64 {
				return nil, ErrFallback
			}
		}
		s.cols = append(s.cols, sc)
		for len(s.closed) <= c.Index {
			s.closed = append(s.closed, false)
		}
		s.closed[c.Index] = true
	}
	s.meetingQ = -1 // one scope: every row in the implicit meeting 0
	if mq, ok := t.QuestionIdx[p.Manifest.MeetingQuestion]; ok && p.Manifest.MeetingQuestion != "" {
		s.meetingQ = mq
	}
	for _, name := range store.ResponseQuestions(p.Questionnaire, p.Manifest.MeetingQuestion) {
		s.answerQ = append(s.answerQ, t.QuestionIdx[name])
	}
	s.fast = newFastPlan(s)
	return s, nil
}

// countPass counts every file; skip holds the duplicates to leave out (by
// file, then offset), spill receives the submission fingerprints.
func countPass(p *form.Project, srcs []*source, opt responses.IngestOptions, skip []map[int64]string, spill *fpSpill, total int64) (*responses.Responses, error) {
	res := &responses.Responses{Normalised: map[[3]string]int{}, Folded: map[[3]string]bool{}}
	var err error
	if res.Tally, err = tally.NewTally(p.Questionnaire, p.Manifest.MeetingQuestion, p.Manifest.WeightColumn != ""); err != nil {
		return nil, err
	}
	var rw *store.ResponsesWriter
	if opt.Responses != nil {
		w, err := opt.Responses()
		if err != nil {
			return nil, err
		}
		rw = store.NewResponsesWriter(w, p.Questionnaire, p.Manifest.MeetingQuestion, opt.Meta...)
		res.Written = rw
	}
	var done int64
	for fi, src := range srcs {
		s, err := streamOf(p, src, res)
		if err != nil {
			return nil, err
		}
		s.rw, s.collectFP = rw, spill != nil
		if skip != nil {
			s.skip = skip[fi]
		}
		if spill != nil {
			s.firstChunk = len(spill.chunks)
		}
		lines, rows := s.dataLine, 0
		err = s.pass(func(o *chunkOut) error {
			var sp *chunkSpan
			if spill != nil {
				spill.chunks = append(spill.chunks, chunkSpan{file: fi, k: o.k, start: o.start, end: o.end, line: lines, lines: o.lines, marks: o.marks,
					kept: o.kept, group: -1})
				sp = &spill.chunks[len(spill.chunks)-1]
			}
			for _, r := range o.rejects {
				r.Line += lines
				res.Rejects = append(res.Rejects, r)
			}
			res.RowsRead += o.rowsRead
			res.FastRows += o.fast
			rows += o.rowsRead
			res.Duplicates += o.dups
			res.ExplicitMissing += o.missing
			for k, n := range o.norm {
				res.Normalised[k] += n
				res.Folded[k] = o.folded[k]
			}
			res.Tally.Merge(o.tally)
			g := o.group
			for i := range g.Lines {
				g.Lines[i] += int64(lines)
			}
			g.FirstID = res.Kept + 1
			res.Kept += o.kept
			if rw != nil {
				if sp != nil && g.Rows() > 0 {
					sp.group = len(rw.Pw.Groups)
				}
				if err := rw.WriteGroup(g); err != nil {
					return err
				}
				s.recycle(g)
			}
			if spill != nil {
				if err := spill.addSorted(o.fps, &o.fpEnds); err != nil {
					return err
				}
				s.recycleFPs(o.fps)
			}
			lines += o.lines
			if opt.Progress != nil {
				opt.Progress(done+o.end, total)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		done += src.size
		res.Files = append(res.Files, responses.FileCount{File: src.name, Rows: rows, Encoding: string(input.EncodingUTF8),
			EncodingWhy: s.encodingWhy, EncodingReason: s.encodingReason})
	}
	if rw != nil {
		if err := rw.Close(); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// resolvePass compares the exact keys of the rows whose fingerprints were
// seen twice, in file order, reading again only those rows (tags: where
// the fingerprints were read, fpChunkOf and fpLineOf), and returns the
// duplicates: by file, the offset of the row and where its first
// submission is, and each one's offset, line and chunk.
func resolvePass(p *form.Project, srcs []*source, suspects map[uint64]bool, chunks []chunkSpan, tags []uint64) ([]map[int64]string, [][]dupRow, error) {
	// The lines to read again, by chunk (a tag names a chunk and a line
	// modulo 2^8 and 2^16: each chunk and line it may be).
	wanted := map[int][]int{}
	for _, tag := range tags {
		for g := fpChunkOf(tag); g < len(chunks); g += 1 << fpChunkBits {
			// (A last record without a newline begins on the line after
			// the chunk's lines.)
			for l := fpLineOf(tag); l <= chunks[g].lines+1; l += 1 << fpLineBits {
				if l > 0 {
					wanted[g] = append(wanted[g], l)
				}
			}
		}
	}
	skip := make([]map[int64]string, len(srcs))
	dups := make([][]dupRow, len(srcs))
	seen := map[string]string{}
	found := false
	for fi, src := range srcs {
		skip[fi] = map[int64]string{}
		var gs []int
		for g, sp := range chunks {
			if sp.file == fi && len(wanted[g]) > 0 && len(sp.marks) > 0 { // no mark: no record begins there
				gs = append(gs, g)
				slices.Sort(wanted[g])
				wanted[g] = slices.Compact(wanted[g])
			}
		}
		if len(gs) == 0 {
			continue
		}
		var scratch responses.Responses
		s, err := streamOf(p, src, &scratch)
		if err != nil {
			return nil, nil, err
		}
		s.suspects = suspects
		err = s.readChunks(len(gs), func(w *streamWorker, i int) *chunkOut {
			o := &chunkOut{k: chunks[gs[i]].k}
			o.err = w.rowsAt(o, chunks[gs[i]], wanted[gs[i]])
			return o
		}, false, func(i int, o *chunkOut) error {
			g := gs[i]
			for _, c := range o.cands {
				if first, dup := seen[c.key]; dup {
					skip[fi][c.off] = first
					dups[fi] = append(dups[fi], dupRow{off: c.off, line: chunks[g].line + c.line, chunk: g})
					found = true
					continue
				}
				seen[c.key] = fmt.Sprintf("%s:%d", src.name, chunks[g].line+c.line)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	if !found {
		return nil, nil, nil
	}
	return skip, dups, nil
}

// dupRow is a duplicate: its offset in its file, its line and its chunk
// (its place in the pass's chunks).
type dupRow struct {
	off   int64
	line  int
	chunk int
}

// rowsAt reads into o the records of chunk sp that begin on lines
// (relative to the chunk, ascending); a line that begins no record
// (inside a quoted field, or empty) is passed over. Each is found from the
// chunk's mark before it: the lines between two marks are read at once.
func (w *streamWorker) rowsAt(o *chunkOut, sp chunkSpan, lines []int) error {
	s := w.s
	w.begin(o)
	marks := sp.marks
	if len(marks) == 0 || marks[0].line != 1 || marks[0].off != 0 {
		return fmt.Errorf("internal error: chunk %d of %s has no first mark", sp.k, s.name)
	}
	for len(lines) > 0 {
		m := sort.Search(len(marks), func(i int) bool { return int(marks[i].line) > lines[0] }) - 1
		from, end, next := sp.start+int64(marks[m].off), sp.end, math.MaxInt
		if m+1 < len(marks) {
			end, next = sp.start+int64(marks[m+1].off), int(marks[m+1].line)
		}
		n := 0
		for n < len(lines) && lines[n] < next {
			n++
		}
		cands := len(o.cands)
		for size := end - from + 4<<10; ; size *= 2 { // (the fast path looks a little past a record)
			buf, err := s.readAt(w.buf[:0], from, int(min(size, s.size-from)))
			if err != nil {
				return err
			}
			w.buf = buf
			k := 2 * scan.StopWords(len(buf))
			w.stops = slices.Grow(w.stops[:0], k)[:k]
			scan.MarkStops(buf, s.comma, w.stops)
			scan.QuoteParity(w.stops)
			o.cands = o.cands[:cands]
			done, err := w.linesIn(o, from, sp.end, int(marks[m].line), lines[:n])
			if err != nil {
				return err
			}
			if done || from+size >= s.size {
				break
			}
		}
		lines = lines[n:]
	}
	w.flushChunk(o)
	return nil
}

// linesIn reads into o the records that begin on lines (ascending)
// before limit in w.buf, which begins line first at base in the file,
// between records; done is false when the buffer ends before one of them
// does.
func (w *streamWorker) linesIn(o *chunkOut, base, limit int64, first int, lines []int) (done bool, err error) {
	buf := w.buf
	pos, line := 0, first // where line begins
	for _, l := range lines {
		for line < l && pos >= 0 {
			if i := bytes.IndexByte(buf[pos:], '\n'); i >= 0 {
				pos += i + 1
				line++
			} else {
				pos = -1
			}
		}
		if pos < 0 || pos >= len(buf) {
			// The buffer ends before line l begins: done if it holds the
			// chunk (no record begins there), else read more.
			return base+int64(len(buf)) >= min(limit, w.s.size), nil
		}
		if base+int64(pos) >= limit {
			return true, nil // past the chunk's last record
		}
		if buf[pos] == '\n' || buf[pos] == '\r' || pos > 0 && w.stops[2*((pos-1)/64)+1]>>((pos-1)%64)&1 != 0 {
			continue // empty, or the newline before it is inside quotes
		}
		ok, err := w.recordAt(o, pos, base, l)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// recordAt reads into o the record that begins at pos of w.buf (its maps
// made; the buffer at base in the file), on line; ok is false, and nothing
// read, when the buffer ends before the record does.
func (w *streamWorker) recordAt(o *chunkOut, pos int, base int64, line int) (ok bool, err error) {
	s := w.s
	if s.fast != nil {
		if _, ok, err := w.fastRow(o, pos, base+int64(pos), line); err != nil || ok {
			return true, err
		}
	}
	switch _, st := input.ScanRecordAt(w.buf, pos, base+int64(len(w.buf)) >= s.size, s.comma, &w.rec); st {
	case input.ScanMore:
		return false, nil
	case input.ScanRecord:
		return true, w.row(o, base+int64(w.rec.Start), line+w.rec.Skip)
	}
	return true, nil // no record there
}

// Submission fingerprints carry in their low fpTagBits bits where they
// were read: the line in its chunk (modulo 2^16) and the chunk's place in
// the pass (modulo 2^8); the hash keeps the other 40 bits (its key). When
// two keys agree, only the rows they may have been read on are read again
// to compare the submissions exactly.
const (
	fpLineBits  = 16
	fpChunkBits = 8
	fpTagBits   = fpLineBits + fpChunkBits
	fpTagMask   = 1<<fpTagBits - 1
)

// fpKey is a fingerprint without its tag.
func fpKey(fp uint64) uint64 { return fp &^ fpTagMask }

// withLine tags fingerprint h with the line it was read on.
func withLine(h uint64, line int) uint64 { return fpKey(h) | uint64(line)&(1<<fpLineBits-1) }

// withChunk tags fingerprint fp with its chunk's place in the pass.
func withChunk(fp uint64, chunk int) uint64 {
	const mask = (1<<fpChunkBits - 1) << fpLineBits
	return fp&^mask | uint64(chunk)<<fpLineBits&mask
}

// fpLineOf and fpChunkOf read a fingerprint's tag.
func fpLineOf(fp uint64) int  { return int(fp & (1<<fpLineBits - 1)) }
func fpChunkOf(fp uint64) int { return int(fp >> fpLineBits & (1<<fpChunkBits - 1)) }

// fpSpill keeps submission fingerprints in a temporary file, in 256
// partitions by their top byte, so memory stays flat however many rows
// there are; suspects then reads a group of partitions at a time.
type fpSpill struct {
	f       *os.File
	off     int64
	parts   [256][]uint64 // held in memory, not written yet
	flushes []spillFlush
	held    int
	chunks  []chunkSpan // the pass's chunks, in order (a fingerprint's tag names its chunk's place here)
}

// spillFlush is one write to the spill: at off, the partitions one after
// the other, partition i from word start[i] to start[i+1].
type spillFlush struct {
	off   int64
	start [257]int64
}

// spillHeld is the number of fingerprints held in memory before a flush
// (tests make it small).
var spillHeld = 1 << 18

// spillGroup is the most bytes suspects reads for a group of partitions
// (tests make it small): a read from each flush.
var spillGroup = 512 << 10

// addSorted adds fingerprints sorted by partition, partition p ending at
// ends[p] (sortByPartition).
func (s *fpSpill) addSorted(fps []uint64, ends *[256]int32) error {
	start := 0
	for p, end := range ends {
		if int(end) > start {
			s.parts[p] = append(s.parts[p], fps[start:end]...)
			start = int(end)
		}
	}
	if s.held += len(fps); s.held >= spillHeld {
		return s.flush()
	}
	return nil
}

// sortByPartition orders fingerprints by their top byte (a counting
// sort, done by the workers so that the merge only copies runs), tags
// them with their chunk's place in the pass (withChunk) and says where
// each partition ends.
func sortByPartition(fps, scratch []uint64, ends *[256]int32, chunk int) ([]uint64, []uint64) {
	var count [257]int
	for _, fp := range fps {
		count[fp>>56+1]++
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	scratch = slices.Grow(scratch[:0], len(fps))[:len(fps)]
	for _, fp := range fps {
		scratch[count[fp>>56]] = withChunk(fp, chunk)
		count[fp>>56]++
	}
	for p := range ends {
		ends[p] = int32(count[p])
	}
	return scratch, fps
}

func (s *fpSpill) flush() error {
	if s.f == nil {
		f, err := os.CreateTemp("", "synthese-keys-*")
		if err != nil {
			return err
		}
		os.Remove(f.Name()) // gone when closed
		s.f = f
	}
	// The partitions in one write (each write is a system call, several
	// µs here: they were one a partition).
	fl := spillFlush{off: s.off}
	var bufs [][]byte
	n := 0
	for i, part := range s.parts {
		fl.start[i] = int64(n)
		n += len(part)
		if len(part) > 0 {
			bufs = append(bufs, wordBytes(part))
		}
	}
	fl.start[256] = int64(n)
	if err := writeVectorAt(s.f, bufs, s.off); err != nil {
		return err
	}
	s.flushes = append(s.flushes, fl)
	s.off += 8 * int64(n)
	for i := range s.parts {
		s.parts[i] = s.parts[i][:0]
	}
	s.held = 0
	return nil
}

// wordBytes is the memory of w as bytes (the file is read back by the
// same process: the machine's byte order, no encoding).
func wordBytes(w []uint64) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(w))), 8*len(w))
}

// suspects returns the fingerprints seen more than once (fpKey) and the
// tags of each time they were seen (the low fpTagBits bits). Partitions
// are taken in groups of consecutive ones of at most spillGroup bytes (or
// one larger partition), read with one read from each flush.
func (s *fpSpill) suspects() (map[uint64]bool, []uint64, error) {
	type group struct{ first, last int } // partitions first to last-1
	var groups []group
	for p := 0; p < 256; {
		g, size := group{first: p}, 0
		for p < 256 {
			n := len(s.parts[p])
			for _, fl := range s.flushes {
				n += int(fl.start[p+1] - fl.start[p])
			}
			if p > g.first && 8*(size+n) > spillGroup {
				break
			}
			size += n
			p++
		}
		g.last = p
		groups = append(groups, g)
	}
	out, tags := map[uint64]bool{}, map[uint64]bool{}
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	next := make(chan group)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf, set, zeros, found []uint64
			base := make([]int, len(s.flushes)) // where each flush's part of the group is in buf
			for g := range next {
				buf = buf[:0]
				for k, fl := range s.flushes {
					base[k] = len(buf)
					n := int(fl.start[g.last] - fl.start[g.first])
					buf = slices.Grow(buf, n)[:len(buf)+n]
					if _, err := s.f.ReadAt(wordBytes(buf[base[k]:]), fl.off+8*fl.start[g.first]); err != nil {
						mu.Lock()
						firstErr = err
						mu.Unlock()
						return
					}
				}
				for p := g.first; p < g.last; p++ {
					// The partition's pieces: held, then one a flush.
					pieces := [][]uint64{s.parts[p]}
					n := len(s.parts[p])
					for k, fl := range s.flushes {
						from := base[k] + int(fl.start[p]-fl.start[g.first])
						to := from + int(fl.start[p+1]-fl.start[p])
						pieces = append(pieces, buf[from:to])
						n += to - from
					}
					set, zeros, found = repeatsIn(pieces, n, set, zeros, found[:0])
					if len(found) > 0 {
						mu.Lock()
						for _, fp := range found {
							out[fpKey(fp)] = true
							tags[fp&fpTagMask] = true
						}
						mu.Unlock()
					}
				}
			}
		}()
	}
	for _, g := range groups {
		next <- g
	}
	close(next)
	wg.Wait()
	return out, slices.Sorted(maps.Keys(tags)), firstErr
}

// repeatsIn appends to found the fingerprints whose key (fpKey) is met
// more than once in pieces (n fingerprints in all), each such one at
// least once with every tag it was met with; a hash set of n keys (0
// marks an empty slot: keys 0 are gathered apart); set and zeros are
// scratch space, returned for the next call.
func repeatsIn(pieces [][]uint64, n int, set, zeros, found []uint64) (_, _, _ []uint64) {
	size := 64
	for size < 2*n {
		size *= 2
	}
	set = slices.Grow(set[:0], size)[:size]
	clear(set)
	zeros = zeros[:0]
	for _, piece := range pieces {
		for _, fp := range piece {
			key := fpKey(fp)
			if key == 0 {
				zeros = append(zeros, fp)
				continue
			}
			for k := int(key>>fpTagBits) & (size - 1); ; k = (k + 1) & (size - 1) {
				if set[k] == 0 {
					set[k] = fp
					break
				}
				if fpKey(set[k]) == key {
					found = append(found, set[k], fp)
					break
				}
			}
		}
	}
	if len(zeros) > 1 {
		found = append(found, zeros...)
	}
	return set, zeros, found
}

func (s *fpSpill) close() {
	if s.f != nil {
		s.f.Close()
	}
}
