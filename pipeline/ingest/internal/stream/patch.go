package stream

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"runtime"
	"slices"
	"sync"

	"github.com/parquet-go/parquet-go"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/ingest/internal/scan"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/responses"
	"github.com/synthese-project/synthese/pipeline/store"
	"github.com/synthese-project/synthese/pipeline/tally"
)

// A patcher leaves the duplicates out of what the counting pass made
// without reading the files whole again. Counts and rejects: each
// duplicate's row is read alone, counted as the counting pass counted it
// and as a duplicate, and the difference applied. responses.parquet (when
// the counting pass wrote one it can read back): the row groups holding a
// duplicate are read back from it, the duplicates' rows taken out, and
// encoded again; the other row groups are copied (their respondents
// numbered anew). The outcome is the same, byte for byte, as a counting
// pass leaving the duplicates out (TestPatchIsARecount).
type patcher struct {
	p      *form.Project
	opt    responses.IngestOptions
	res    *responses.Responses
	chunks []chunkSpan
	// cannot: a counting pass leaving the duplicates out must run (the
	// counting pass's responses.parquet cannot be read back).
	cannot bool
	old    io.ReaderAt       // the counting pass's responses.parquet (nil: none)
	groups []store.GroupMeta // its row groups
	// Once writing again: the old file kept aside (whole: the groups'
	// offsets hold) and read back, the new one, the next chunk to write
	// and the respondents written.
	from *os.File
	file *parquet.File // from, read back
	rw   *store.ResponsesWriter
	next int
	kept int64
	// The groups with duplicates taken out, in order, read back and
	// encoded on every core (at most GOMAXPROCS at once).
	pending []*pendingGroup
	slots   chan struct{}
}

// pendingGroup is chunk g's row group, being read back, stripped of its
// duplicates and encoded until done closes.
type pendingGroup struct {
	g    int
	grp  *store.RowGroup
	err  error
	done chan struct{}
}

// Patching is false when the duplicates are left out by a whole counting
// pass (tests compare the two).
var Patching = true

func newPatcher(p *form.Project, opt responses.IngestOptions, res *responses.Responses, chunks []chunkSpan) *patcher {
	pt := &patcher{p: p, opt: opt, res: res, chunks: chunks, cannot: !Patching, slots: make(chan struct{}, runtime.GOMAXPROCS(0))}
	if res.Written != nil {
		if ra, ok := res.Written.Pw.W.(io.ReaderAt); ok {
			pt.old, pt.groups = ra, res.Written.Pw.Groups
		} else {
			pt.cannot = true
		}
	}
	return pt
}

func (pt *patcher) close() {
	for _, pg := range pt.pending {
		<-pg.done
	}
	if pt.from != nil {
		pt.from.Close()
	}
}

// chunk takes the duplicates' rows (lines: theirs in the file, ascending)
// out of the row group of chunk g (its place in chunks), read back from
// the counting pass's file: on another core, while the next is taken.
func (pt *patcher) chunk(g int, lines []int) error {
	if pt.chunks[g].group < 0 {
		return fmt.Errorf("internal error: chunk %d holds a duplicate but no row group", g)
	}
	if pt.rw == nil {
		if err := pt.start(); err != nil {
			return err
		}
	}
	pg := &pendingGroup{g: g, done: make(chan struct{})}
	pt.slots <- struct{}{}
	go func() {
		defer func() { close(pg.done); <-pt.slots }()
		grp, err := pt.readGroup(pt.chunks[g].group)
		if err != nil {
			pg.err = err
			return
		}
		dropRows(grp, lines)
		if grp.Rows() > 0 {
			pt.rw.EncodeBody(grp)
		}
		pg.grp = grp
	}()
	pt.pending = append(pt.pending, pg)
	return pt.writeDone(false)
}

// readGroup reads row group gi of the counting pass's responses.parquet
// back as it was handed to the writer: each answer's dictionary in the
// order its texts were first used (the dictionary page's order), meetings
// by their place in the list.
func (pt *patcher) readGroup(gi int) (*store.RowGroup, error) {
	rg := pt.file.RowGroups()[gi]
	n := int(rg.NumRows())
	cc := rg.ColumnChunks()
	var d store.GroupTally // its valueIDs reads a column chunk
	g := &store.RowGroup{Answers: make([]store.AnswerColumn, len(pt.rw.Questions))}
	if _, err := d.ValueIDs(cc[1], n, func(v parquet.Value) (int32, error) { g.File = string(v.ByteArray()); return 0, nil }); err != nil {
		return nil, err
	}
	g.Lines = make([]int64, 0, n)
	if _, err := d.ValueIDs(cc[2], n, func(v parquet.Value) (int32, error) { g.Lines = append(g.Lines, v.Int64()); return 0, nil }); err != nil {
		return nil, err
	}
	meetings := map[string]int32{}
	for i, m := range pt.rw.Meetings {
		meetings[m] = int32(i)
	}
	ids, err := d.ValueIDs(cc[3], n, func(v parquet.Value) (int32, error) {
		m, ok := meetings[string(v.ByteArray())]
		if !ok {
			return 0, fmt.Errorf("internal error: meeting %q of responses.parquet not in the list", v.ByteArray())
		}
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	g.Meeting = slices.Clone(ids)
	var weights []float64
	if ids, err = d.ValueIDs(cc[4], n, func(v parquet.Value) (int32, error) {
		weights = append(weights, v.Double())
		return int32(len(weights) - 1), nil
	}); err != nil {
		return nil, err
	}
	g.Weight = make([]float64, n)
	for i, id := range ids {
		g.Weight[i] = weights[id]
	}
	for a := range g.Answers {
		col := &g.Answers[a]
		if ids, err = d.ValueIDs(cc[5+a], n, func(v parquet.Value) (int32, error) {
			col.Dict = append(col.Dict, string(v.ByteArray()))
			return int32(len(col.Dict) - 1), nil
		}); err != nil {
			return nil, err
		}
		col.Codes = slices.Clone(ids)
	}
	if len(g.Lines) != n {
		return nil, fmt.Errorf("internal error: row group %d of responses.parquet read back with %d lines for %d rows", gi, len(g.Lines), n)
	}
	return g, nil
}

// writeDone writes the pending groups encoded already, in order (all of
// them, waiting, when wait).
func (pt *patcher) writeDone(wait bool) error {
	for len(pt.pending) > 0 {
		pg := pt.pending[0]
		if !wait {
			select {
			case <-pg.done:
			default:
				return nil
			}
		}
		<-pg.done
		pt.pending = pt.pending[1:]
		if pg.err != nil {
			return pg.err
		}
		if err := pt.copyUpTo(pg.g); err != nil {
			return err
		}
		pg.grp.FirstID = pt.kept + 1
		if err := pt.rw.WriteGroup(pg.grp); err != nil {
			return err
		}
		pt.kept += int64(pg.grp.Rows())
		pt.next = pg.g + 1
	}
	return nil
}

// start keeps the counting pass's responses.parquet aside and starts the
// new one.
func (pt *patcher) start() error {
	size := pt.res.Written.Pw.Off // the whole file, its footer written
	f, err := os.CreateTemp("", "synthese-responses-*")
	if err != nil {
		return err
	}
	os.Remove(f.Name()) // gone when closed
	pt.from = f
	if _, err := io.Copy(f, io.NewSectionReader(pt.old, 0, size)); err != nil {
		return err
	}
	if pt.file, err = parquet.OpenFile(f, size); err != nil {
		return err
	}
	w, err := pt.opt.Responses()
	if err != nil {
		return err
	}
	pt.rw = store.NewResponsesWriter(w, pt.p.Questionnaire, pt.p.Manifest.MeetingQuestion, pt.opt.Meta...)
	pt.res.Written = pt.rw
	return nil
}

// copyUpTo copies the row groups of the chunks before g not written yet.
func (pt *patcher) copyUpTo(g int) error {
	for ; pt.next < g; pt.next++ {
		sp := pt.chunks[pt.next]
		if sp.group >= 0 {
			if err := pt.rw.CopyGroup(pt.from, pt.groups[sp.group], pt.kept+1); err != nil {
				return err
			}
		}
		pt.kept += sp.kept
	}
	return nil
}

// dropRows takes out of g its rows read on lines (ascending, as g.Lines
// counts them), each answer's dictionary kept to the texts still used, in
// the order they are first used (as reading without those rows makes it).
func dropRows(g *store.RowGroup, lines []int) {
	var drop []int // rows, ascending
	for _, l := range lines {
		if i, ok := slices.BinarySearch(g.Lines, int64(l)); ok {
			drop = append(drop, i)
		}
	}
	if len(drop) == 0 {
		return
	}
	g.Lines = dropAt(g.Lines, drop)
	g.Meeting = dropAt(g.Meeting, drop)
	g.Weight = dropAt(g.Weight, drop)
	for a := range g.Answers {
		col := &g.Answers[a]
		// The dictionary changes only when a row taken out was the first
		// to use a text (a text's first use is most often near the top).
		first := make([]int, len(col.Dict))
		for i := range first {
			first[i] = -1
		}
		left := len(first)
		for i := 0; left > 0 && i < len(col.Codes); i++ {
			if c := col.Codes[i]; c >= 0 && first[c] < 0 {
				first[c] = i
				left--
			}
		}
		same := left == 0
		for _, i := range drop {
			if c := col.Codes[i]; c >= 0 && first[c] == i {
				same = false
			}
		}
		col.Codes = dropAt(col.Codes, drop)
		if same {
			continue
		}
		remap := make([]int32, len(col.Dict))
		for i := range remap {
			remap[i] = -1
		}
		var dict []string
		for i, c := range col.Codes {
			if c >= 0 {
				if remap[c] < 0 {
					remap[c] = int32(len(dict))
					dict = append(dict, col.Dict[c])
				}
				col.Codes[i] = remap[c]
			}
		}
		col.Dict = dict
	}
	g.Body = nil // encoded again
}

// dropAt takes the elements at drop (ascending) out of s.
func dropAt[T any](s []T, drop []int) []T {
	n := drop[0]
	for k, i := range drop {
		end := len(s)
		if k+1 < len(drop) {
			end = drop[k+1]
		}
		n += copy(s[n:], s[i+1:end])
	}
	return s[:n]
}

// patch leaves the duplicates out of res (and ends responses.parquet);
// done is false, and res unchanged, when it cannot: a counting pass
// leaving the duplicates out must then run. That is also so when a
// weighted sum of the duplicates' rows holds an infinity or a NaN (which
// cannot be taken out again).
func (pt *patcher) patch(srcs []*source, skip []map[int64]string, dups [][]dupRow) (done bool, err error) {
	if pt.cannot {
		return false, nil
	}
	res := pt.res
	// Each duplicate's row alone, as counted (minus) and as left out (plus).
	var minus, plus *chunkSums
	added := make([][]input.Reject, len(srcs)) // by file, the duplicates' rejects
	taken := map[string]map[int]bool{}         // by file, the duplicates' lines
	for fi, rows := range dups {
		if len(rows) == 0 {
			continue
		}
		slices.SortFunc(rows, func(a, b dupRow) int { return int(a.off - b.off) })
		counted, left, err := pt.rowsAlone(srcs[fi], rows, skip[fi])
		if err != nil {
			return false, err
		}
		for k := range counted {
			if minus == nil {
				minus, plus = newChunkSums(res.Tally), newChunkSums(res.Tally)
			}
			minus.add(counted[k])
			plus.add(left[k])
			added[fi] = append(added[fi], left[k].rejects...)
		}
		taken[srcs[fi].name] = map[int]bool{}
		for _, r := range rows {
			taken[srcs[fi].name][r.line] = true
		}
	}
	if minus == nil || !minus.tally.Finite() {
		return false, nil
	}
	// responses.parquet: the row groups holding duplicates read back and
	// written again without them.
	if pt.old != nil {
		holding := map[int][]int{} // chunk -> its duplicates' lines
		for _, rows := range dups {
			for _, r := range rows {
				holding[r.chunk] = append(holding[r.chunk], r.line)
			}
		}
		for _, g := range slices.Sorted(maps.Keys(holding)) {
			slices.Sort(holding[g])
			if err := pt.chunk(g, holding[g]); err != nil {
				return true, err
			}
		}
	}
	if pt.rw != nil {
		if err := pt.writeDone(true); err != nil {
			return true, err
		}
		if err := pt.copyUpTo(len(pt.chunks)); err != nil {
			return true, err
		}
		if err := pt.rw.Close(); err != nil {
			return true, err
		}
	}

	// The rejects: those of the duplicates' rows (their cells') out, the
	// duplicates in, each file's in line order.
	var rejects []input.Reject
	start := 0
	for fi, src := range srcs {
		end := start
		for end < len(res.Rejects) && res.Rejects[end].File == src.name {
			end++
		}
		old, in := res.Rejects[start:end], added[fi]
		for len(old) > 0 || len(in) > 0 {
			if len(in) == 0 || len(old) > 0 && old[0].Line < in[0].Line {
				if !taken[src.name][old[0].Line] {
					rejects = append(rejects, old[0])
				}
				old = old[1:]
				continue
			}
			rejects = append(rejects, in[0])
			in = in[1:]
		}
		start = end
	}
	if start != len(res.Rejects) {
		return true, fmt.Errorf("internal error: rejects of %q out of the files' order", res.Rejects[start].File)
	}
	res.Rejects = rejects
	res.Tally.Merge(plus.tally)
	res.Tally.Subtract(minus.tally)
	res.Kept += plus.kept - minus.kept
	res.Duplicates += plus.dups - minus.dups
	res.ExplicitMissing += plus.missing - minus.missing
	for k, n := range plus.norm {
		res.Normalised[k] += n
		res.Folded[k] = plus.folded[k]
	}
	for k, n := range minus.norm {
		if res.Normalised[k] -= n; res.Normalised[k] == 0 {
			delete(res.Normalised, k)
			delete(res.Folded, k)
		}
	}
	for _, rows := range dups {
		res.Patched += len(rows)
	}
	if pt.rw != nil && pt.kept != res.Kept || res.Tally.Kept() != res.Kept {
		return true, fmt.Errorf("internal error: %d respondents after leaving the duplicates out, %d written, %d counted", res.Kept, pt.kept, res.Tally.Kept())
	}
	return true, nil
}

// rowsAlone reads each of rows (a file's duplicates, by offset) alone, on
// every core: counted as the counting pass counted it (counted), and
// left out as a duplicate (left: skip holds it); in parts, in order.
func (pt *patcher) rowsAlone(src *source, rows []dupRow, skip map[int64]string) (counted, left []*chunkOut, err error) {
	nw := min(runtime.GOMAXPROCS(0), len(rows))
	counted, left = make([]*chunkOut, nw), make([]*chunkOut, nw)
	errs := make([]error, nw)
	var wg sync.WaitGroup
	for k := range nw {
		part := rows[k*len(rows)/nw : (k+1)*len(rows)/nw]
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[k] = func() error {
				var scratch [2]responses.Responses
				sc, err := streamOf(pt.p, src, &scratch[0])
				if err != nil {
					return err
				}
				sl, err := streamOf(pt.p, src, &scratch[1])
				if err != nil {
					return err
				}
				sl.skip = skip
				wc, wl := sc.newWorker(), sl.newWorker()
				oc, ol := &chunkOut{}, &chunkOut{}
				wc.begin(oc)
				wl.begin(ol)
				var buf []byte
				var stops []uint64
				for _, r := range part {
					// A window at the row, larger until it holds the row.
					for size := 4 << 10; ; size *= 4 {
						if buf, err = sc.readAt(buf[:0], r.off, size); err != nil {
							return err
						}
						n := 2 * scan.StopWords(len(buf))
						stops = slices.Grow(stops[:0], n)[:n]
						scan.MarkStops(buf, sc.comma, stops)
						scan.QuoteParity(stops)
						wc.buf, wc.stops, wl.buf, wl.stops = buf, stops, buf, stops
						ok, err := wc.recordAt(oc, 0, r.off, r.line)
						if err != nil {
							return err
						}
						if !ok {
							continue
						}
						if _, err := wl.recordAt(ol, 0, r.off, r.line); err != nil {
							return err
						}
						break
					}
				}
				wc.flushChunk(oc)
				wl.flushChunk(ol)
				counted[k], left[k] = oc, ol
				return nil
			}()
		}()
	}
	wg.Wait()
	return counted, left, errors.Join(errs...)
}

// chunkSums adds up what chunks give.
type chunkSums struct {
	tally         *tally.Tally
	kept          int64
	dups, missing int
	norm          map[[3]string]int
	folded        map[[3]string]bool
}

func newChunkSums(t *tally.Tally) *chunkSums {
	return &chunkSums{tally: t.Empty(), norm: map[[3]string]int{}, folded: map[[3]string]bool{}}
}

func (c *chunkSums) add(o *chunkOut) {
	c.tally.Merge(o.tally)
	c.kept += o.kept
	c.dups += o.dups
	c.missing += o.missing
	for k, n := range o.norm {
		c.norm[k] += n
		c.folded[k] = o.folded[k]
	}
}
