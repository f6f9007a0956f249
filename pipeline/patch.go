package pipeline

import (
	"fmt"
	"io"
	"os"
)

// patchPass leaves the duplicates (skip) out of what the counting pass
// made without reading the files whole again: the chunks that the search
// for them read again (read: by file, their places in chunks; counted:
// what they hold, as the counting pass counted it) are counted leaving
// the duplicates out, the difference is applied to res and their rejects
// replaced. responses.parquet is written again from the one the counting
// pass wrote: the row groups of the other chunks copied (their respondent
// numbers moved down), those chunks' encoded anew. The outcome is the
// same, byte for byte, as a counting pass leaving the duplicates out
// (TestPatchIsARecount).
//
// done is false, and nothing was changed, when it cannot: responses.parquet
// went to a writer it cannot be read back from (not an io.ReaderAt), or
// a weighted sum of those chunks holds an infinity or a NaN (which cannot
// be taken out again). That counting pass must then run.
func (p *Project) patchPass(srcs []*source, opt IngestOptions, res *Responses, chunks []chunkSpan, read [][]int, skip []map[int64]string, counted *chunkSums) (done bool, err error) {
	if !patching || !counted.tally.finite() {
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

	// The chunks in order: the others as they were, those read again
	// leaving the duplicates out.
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
	for fi, gs := range read {
		if len(gs) == 0 {
			continue
		}
		err := p.reread(srcs[fi], chunks, gs, func(s *streamFile) { s.skip, s.rw = skip[fi], rw }, func(g int, o *chunkOut) error {
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
			res.patched++
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

	res.Rejects = append(rejects, res.Rejects[cursor:]...)
	res.Tally.Merge(plus.tally)
	res.Tally.subtract(counted.tally)
	res.Kept += plus.kept - counted.kept
	res.Duplicates += plus.dups - counted.dups
	res.ExplicitMissing += plus.missing - counted.missing
	for k, n := range plus.norm {
		res.normalised[k] += n
		res.folded[k] = plus.folded[k]
	}
	for k, n := range counted.norm {
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
	tally         *Tally
	kept          int64
	dups, missing int
	norm          map[[3]string]int
	folded        map[[3]string]bool
}

func newChunkSums(t *Tally) *chunkSums {
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
