package pipeline

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
)

// patchPass leaves the duplicates (skip) out of what the counting pass
// made without reading the files again: only the chunks holding one are
// read, twice (counted as the counting pass counted them, and leaving the
// duplicates out), and the difference is applied to res; the rejects of
// those chunks are replaced. responses.parquet is written again from the
// one the counting pass wrote: the row groups of the other chunks copied
// (their respondent numbers moved down), those chunks' encoded anew. The
// outcome is the same, byte for byte, as a counting pass leaving the
// duplicates out (TestPatchIsARecount).
//
// done is false, and nothing was changed, when it cannot: responses.parquet
// went to a writer it cannot be read back from (not an io.ReaderAt), or
// a weighted sum of those chunks holds an infinity or a NaN (which cannot
// be taken out again). That counting pass must then run.
func (p *Project) patchPass(srcs []*source, opt IngestOptions, res *Responses, chunks []chunkSpan, skip []map[int64]string) (done bool, err error) {
	if !patching {
		return false, nil
	}
	var old io.ReaderAt
	if res.written != nil {
		ra, ok := res.writtenTo.(io.ReaderAt)
		if !ok {
			return false, nil
		}
		old = ra
	}
	// The chunks holding a duplicate (their places in chunks), by file.
	affected := make([][]int, len(srcs))
	for fi := range srcs {
		offs := slices.Sorted(maps.Keys(skip[fi]))
		for g, sp := range chunks {
			if sp.file != fi {
				continue
			}
			if i, _ := slices.BinarySearch(offs, sp.start); i < len(offs) && offs[i] < sp.end {
				affected[fi] = append(affected[fi], g)
			}
		}
	}
	// reread reads file fi's chunks gs again, leaving out skipped's rows
	// and making row groups for rw (when not nil).
	reread := func(fi int, gs []int, skipped map[int64]string, rw *ResponsesWriter, merge func(int, *chunkOut) error) error {
		var scratch Responses
		s, err := p.streamOf(srcs[fi], &scratch)
		if err != nil {
			return err
		}
		s.skip, s.rw = skipped, rw
		spans := make([]chunkSpan, len(gs))
		for i, g := range gs {
			spans[i] = chunks[g]
		}
		return s.passSpans(spans, func(i int, o *chunkOut) error {
			if err := merge(i, o); err != nil {
				return err
			}
			if rw != nil {
				s.recycle(o.group)
			}
			return nil
		})
	}

	// What the counting pass counted in them.
	minus := newChunkSums(res.Tally)
	for fi, gs := range affected {
		if len(gs) > 0 {
			if err := reread(fi, gs, nil, nil, func(_ int, o *chunkOut) error { minus.add(o); return nil }); err != nil {
				return false, err
			}
		}
	}
	if !minus.tally.finite() {
		return false, nil
	}

	// responses.parquet: what the counting pass wrote, kept aside (from its
	// first byte, so that the row groups' offsets hold) before it is
	// written again.
	var rw *ResponsesWriter
	var from *os.File
	var groups []pqGroupMeta
	if res.written != nil {
		groups = res.written.pw.groups
		end := int64(4)
		if n := len(groups); n > 0 {
			end = groups[n-1].start + groups[n-1].size
		}
		if from, err = os.CreateTemp("", "synthese-responses-*"); err != nil {
			return false, err
		}
		os.Remove(from.Name()) // gone when closed
		defer from.Close()
		if _, err := io.Copy(from, io.NewSectionReader(old, 0, end)); err != nil {
			return false, err
		}
		w, err := opt.Responses()
		if err != nil {
			return true, err
		}
		rw = NewResponsesWriter(w, p.Questionnaire, p.Manifest.MeetingQuestion, opt.Meta...)
		res.written, res.writtenTo = rw, w
	}

	// The chunks in order: the others as they were, those leaving the
	// duplicates out.
	plus := newChunkSums(res.Tally)
	var kept int64 // respondents before the next chunk
	var rejects []Reject
	next, cursor := 0, 0
	copyUpTo := func(g int) error {
		for ; next < g; next++ {
			if sp := chunks[next]; rw != nil && sp.group >= 0 {
				if err := rw.copyGroup(from, groups[sp.group], kept+1); err != nil {
					return err
				}
			}
			kept += chunks[next].kept
		}
		return nil
	}
	for fi, gs := range affected {
		if len(gs) == 0 {
			continue
		}
		err := reread(fi, gs, skip[fi], rw, func(i int, o *chunkOut) error {
			g := gs[i]
			sp := chunks[g]
			if err := copyUpTo(g); err != nil {
				return err
			}
			rejects = append(rejects, res.Rejects[cursor:sp.rejects]...)
			for _, r := range o.rejects {
				r.Line += sp.line
				rejects = append(rejects, r)
			}
			cursor = sp.rejectsEnd
			plus.add(o)
			if rw != nil {
				grp := o.group
				for j := range grp.Lines {
					grp.Lines[j] += int64(sp.line)
				}
				grp.FirstID = kept + 1
				if err := rw.WriteGroup(grp); err != nil {
					return err
				}
			}
			kept += o.kept
			next = g + 1
			return nil
		})
		if err != nil {
			return true, err
		}
	}
	if err := copyUpTo(len(chunks)); err != nil {
		return true, err
	}
	if rw != nil {
		if err := rw.Close(); err != nil {
			return true, err
		}
	}

	for _, gs := range affected {
		res.patched += len(gs)
	}
	res.Rejects = append(rejects, res.Rejects[cursor:]...)
	res.Tally.Merge(plus.tally)
	res.Tally.subtract(minus.tally)
	res.Kept += plus.kept - minus.kept
	res.Duplicates += plus.dups - minus.dups
	res.ExplicitMissing += plus.missing - minus.missing
	res.fastRows += plus.fast - minus.fast
	for k, n := range plus.norm {
		res.normalised[k] += n
		res.folded[k] = plus.folded[k]
	}
	for k, n := range minus.norm {
		if res.normalised[k] -= n; res.normalised[k] == 0 {
			delete(res.normalised, k)
			delete(res.folded, k)
		}
	}
	if kept != res.Kept || res.Tally.Kept() != res.Kept {
		return true, fmt.Errorf("internal error: %d respondents after leaving the duplicates out, %d written, %d counted", res.Kept, kept, res.Tally.Kept())
	}
	return true, nil
}

// patching is false when the duplicates are left out by a whole counting
// pass (tests compare the two).
var patching = true

// chunkSums adds up what chunks give.
type chunkSums struct {
	tally               *Tally
	kept                int64
	dups, missing, fast int
	norm                map[[3]string]int
	folded              map[[3]string]bool
}

func newChunkSums(t *Tally) *chunkSums {
	return &chunkSums{tally: t.Empty(), norm: map[[3]string]int{}, folded: map[[3]string]bool{}}
}

func (c *chunkSums) add(o *chunkOut) {
	c.tally.Merge(o.tally)
	c.kept += o.kept
	c.dups += o.dups
	c.missing += o.missing
	c.fast += o.fast
	for k, n := range o.norm {
		c.norm[k] += n
		c.folded[k] = o.folded[k]
	}
}

// copyGroup writes again a row group that another writer wrote to from
// (g, its place there), its respondents numbered from firstID.
func (rw *ResponsesWriter) copyGroup(from io.ReaderAt, g pqGroupMeta, firstID int64) error {
	chunks := make([]columnChunk, len(g.chunks))
	for i, m := range g.chunks {
		if i == 0 { // the respondent numbers
			ids := make([]int64, g.rows)
			for j := range ids {
				ids[j] = firstID + int64(j)
			}
			chunks[0] = rw.pw.deltaChunk(ids)
			continue
		}
		first := m.dataOff
		if m.hasDict {
			first = m.dictOff
		}
		b := make([]byte, m.compressed)
		if _, err := from.ReadAt(b, first); err != nil {
			return err
		}
		chunks[i] = columnChunk{pages: b, dictLen: int(m.dataOff - first), numValues: m.numValues, uncompressed: m.uncompressed, encodings: m.encodings}
	}
	return rw.pw.writeGroup(g.rows, chunks)
}
