package store

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/provenance"
	"github.com/synthese-project/synthese/pipeline/tally"
)

// Version is written into the files we make (Parquet created_by, PDF
// producer); the command sets it from the build.
var Version = "dev"

// writerOptions make Parquet output byte-identical for identical rows: the
// creator is pinned (no build hash) and pages are zstd-compressed.
func writerOptions(file string) []parquet.WriterOption {
	opts := []parquet.WriterOption{
		parquet.CreatedBy("synthese", Version, ""),
		parquet.Compression(&parquet.Zstd),
	}
	if d := provenance.CurrentInputDigest(file); d != "" {
		opts = append(opts, parquet.KeyValueMetadata(provenance.InputDigestKey, d))
	}
	return opts
}

// writeRows writes rows of a struct type, in the given order.
func writeRows[T any](w io.Writer, rows []T, what string) error {
	pw := parquet.NewGenericWriter[T](w, writerOptions(what)...)
	if _, err := pw.Write(rows); err != nil {
		return fmt.Errorf("writing %s: %w", what, err)
	}
	return pw.Close()
}

// WriteResults writes results.parquet. Rows are written in the given order
// (Aggregate's order).
func WriteResults(w io.Writer, rows []tally.Result) error { return writeRows(w, rows, "results") }

// readRows reads a whole file of a struct type.
func readRows[T any](r io.ReaderAt, size int64, what string) ([]T, error) {
	rows, err := parquet.Read[T](r, size)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	return rows, nil
}

// ReadResults reads results.parquet.
func ReadResults(r io.ReaderAt, size int64) ([]tally.Result, error) {
	return readRows[tally.Result](r, size, "results")
}

// attendanceRow is one row of attendance.parquet.
type attendanceRow struct {
	Meeting      string `parquet:"meeting,dict"`
	Name         string `parquet:"full_name"`
	Organisation string `parquet:"organisation"`
	City         string `parquet:"org_city,dict"`
	Role         string `parquet:"role,dict"`
	File         string `parquet:"source_file,dict"`
	Line         int64  `parquet:"source_line"`
}

// WriteAttendance writes attendance.parquet: the participant lists as read,
// one row per person per meeting and role, without contact details.
func WriteAttendance(w io.Writer, rows []form.Attendance) error {
	out := make([]attendanceRow, len(rows))
	for i, a := range rows {
		out[i] = attendanceRow{a.Meeting, a.Name, a.Organisation, a.City, a.Role, a.File, int64(a.Line)}
	}
	return writeRows(w, out, "attendance")
}

// ReadAttendanceParquet reads attendance.parquet.
func ReadAttendanceParquet(r io.ReaderAt, size int64) ([]form.Attendance, error) {
	rows, err := readRows[attendanceRow](r, size, "attendance")
	if err != nil {
		return nil, err
	}
	out := make([]form.Attendance, len(rows))
	for i, a := range rows {
		out[i] = form.Attendance{Meeting: a.Meeting, Name: a.Name, Organisation: a.Organisation, City: a.City, Role: a.Role, File: a.File, Line: int(a.Line)}
	}
	return out, nil
}

// ReadResponsesParquet reads responses.parquet back into respondents.
func ReadResponsesParquet(r io.ReaderAt, size int64, q *form.Questionnaire, meetingQuestion string) ([]form.Respondent, error) {
	f, err := parquet.OpenFile(r, size)
	if err != nil {
		return nil, fmt.Errorf("reading responses: %w", err)
	}
	cols := f.Schema().Columns()
	closed := map[string]bool{}
	for _, qu := range q.Questions {
		if qu.Closed() {
			closed[qu.Name] = true
		}
	}
	pr := parquet.NewReader(f)
	defer pr.Close()
	var out []form.Respondent
	buf := make([]parquet.Row, 64)
	for {
		n, err := pr.ReadRows(buf)
		for _, row := range buf[:n] {
			resp := form.Respondent{Answers: map[string][]string{}}
			for _, v := range row {
				name := cols[v.Column()][0]
				switch {
				case name == colRespondent:
					resp.ID = int(v.Int64())
				case name == colLine:
					resp.Line = int(v.Int64())
				case name == colFile:
					resp.File = string(v.ByteArray())
				case name == colMeeting:
					resp.Meeting = string(v.ByteArray())
				case name == colWeight:
					resp.Weight = v.Double()
				case v.IsNull():
				case closed[name] && len(v.ByteArray()) == 0: // not asked
					resp.NotAsked = append(resp.NotAsked, name)
				case closed[name]:
					resp.Answers[name] = strings.Fields(string(v.ByteArray()))
				}
			}
			slices.Sort(resp.NotAsked)
			if meetingQuestion != "" {
				resp.Answers[meetingQuestion] = []string{resp.Meeting}
			}
			out = append(out, resp)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading responses: %w", err)
		}
	}
	return out, nil
}

// TallyResponsesParquet counts responses.parquet without holding its rows:
// the aggregate stage's input when it runs on its own. Row groups are read
// column by column, on every core, each into its own tally (counts and
// exact sums add up in any order).
func TallyResponsesParquet(r io.ReaderAt, size int64, q *form.Questionnaire, meetingQuestion string, weighted bool) (*tally.Tally, error) {
	f, err := parquet.OpenFile(r, size)
	if err != nil {
		return nil, fmt.Errorf("reading responses: %w", err)
	}
	t, err := tally.NewTally(q, meetingQuestion, weighted)
	if err != nil {
		return nil, err
	}
	cols := f.Schema().Columns()
	colIndex := map[string]int{}
	for i, path := range cols {
		colIndex[path[0]] = i
	}
	if _, ok := colIndex[colMeeting]; !ok {
		return nil, fmt.Errorf("reading responses: no %s column", colMeeting)
	}
	groups := f.RowGroups()
	next := make(chan int)
	tallies := make([]*tally.Tally, min(runtime.GOMAXPROCS(0), max(len(groups), 1)))
	errs := make([]error, len(tallies))
	var wg sync.WaitGroup
	for w := range tallies {
		tallies[w] = t.Empty()
		wg.Add(1)
		go func() {
			defer wg.Done()
			tg := &GroupTally{t: tallies[w], cols: cols, colIndex: colIndex, meetingQuestion: meetingQuestion, weighted: weighted}
			for g := range next {
				if errs[w] == nil {
					errs[w] = tg.read(groups[g])
				}
			}
		}()
	}
	for g := range groups {
		next <- g
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("reading responses: %w", err)
	}
	for _, part := range tallies {
		t.Merge(part)
	}
	return t, nil
}

// GroupTally counts row groups of responses.parquet into t.
type GroupTally struct {
	t               *tally.Tally
	cols            [][]string
	colIndex        map[string]int
	meetingQuestion string
	weighted        bool
	texts           []map[string]int32 // per question: text -> id
	chosen          [][][]int          // per question, by text id: the choices' positions
	buf             []parquet.Value
	dictIDs         []int32 // the chunk's dictionary entries' ids (-1: not looked up yet)
	ids             []int32
	meeting         []int
	weight          []float64
	weights         []float64 // the weight column's values, by id
}

// ValueIDs gives each row of column chunk cc the id of its value (-1:
// null) in g.ids[:n]; id returns the id of a value. A dictionary-encoded
// chunk (as synthese writes them) has each dictionary entry looked up
// once, then its rows read as indexes; any other has each row's value
// looked up.
func (g *GroupTally) ValueIDs(cc parquet.ColumnChunk, n int, id func(parquet.Value) (int32, error)) ([]int32, error) {
	if g.buf == nil {
		g.buf = make([]parquet.Value, 4096)
	}
	out := slices.Grow(g.ids[:0], n)[:n]
	g.ids = out
	pages := cc.Pages()
	defer pages.Close()
	var dict parquet.Dictionary
	i := 0
	for {
		page, err := pages.ReadPage()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		rows := int(page.NumRows())
		if rows > n-i {
			return nil, fmt.Errorf("column %d has more values than its row group's %d rows", cc.Column(), n)
		}
		data := page.Data()
		if d := page.Dictionary(); d != nil && data.Kind() == encoding.Int32 {
			if d != dict {
				dict, g.dictIDs = d, slices.Grow(g.dictIDs[:0], d.Len())[:d.Len()]
				for k := range g.dictIDs {
					g.dictIDs[k] = -1
				}
			}
			idx, levels := data.Int32(), page.DefinitionLevels()
			k := 0
			for r := range rows {
				if levels != nil && levels[r] == 0 {
					out[i+r] = -1
					continue
				}
				if k >= len(idx) || idx[k] < 0 || int(idx[k]) >= len(g.dictIDs) {
					return nil, fmt.Errorf("column %d: a dictionary index out of range", cc.Column())
				}
				x := &g.dictIDs[idx[k]]
				if *x < 0 {
					if *x, err = id(d.Index(idx[k])); err != nil {
						return nil, err
					}
				}
				out[i+r] = *x
				k++
			}
			if k != len(idx) {
				return nil, fmt.Errorf("column %d: %d values for %d rows present", cc.Column(), len(idx), k)
			}
			i += rows
			parquet.Release(page)
			continue
		}
		vr := page.Values()
		for {
			m, err := vr.ReadValues(g.buf)
			if m > n-i {
				return nil, fmt.Errorf("column %d has more values than its row group's %d rows", cc.Column(), n)
			}
			for _, v := range g.buf[:m] {
				out[i] = -1
				if !v.IsNull() {
					if out[i], err = id(v); err != nil {
						return nil, err
					}
				}
				i++
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, err
			}
		}
		parquet.Release(page)
	}
	if i != n {
		return nil, fmt.Errorf("column %d has %d values for %d rows", cc.Column(), i, n)
	}
	return out, nil
}

func (g *GroupTally) read(rg parquet.RowGroup) error {
	t := g.t
	if g.texts == nil {
		g.texts = make([]map[string]int32, len(t.Questions))
		g.chosen = make([][][]int, len(t.Questions))
		for i := range g.texts {
			g.texts[i] = map[string]int32{}
		}
	}
	n := int(rg.NumRows())
	chunks := rg.ColumnChunks()
	g.meeting, g.weight = slices.Grow(g.meeting[:0], n)[:n], slices.Grow(g.weight[:0], n)[:n]
	for i := range g.weight {
		g.weight[i] = 1
	}
	ids, err := g.ValueIDs(chunks[g.colIndex[colMeeting]], n, func(v parquet.Value) (int32, error) {
		b := v.ByteArray()
		m := t.MeetingIndex(string(b))
		if m < 0 {
			return 0, fmt.Errorf("%q is not a meeting", b)
		}
		return int32(m), nil
	})
	if err != nil {
		return err
	}
	for i, m := range ids {
		if m < 0 {
			return fmt.Errorf("row %d of a row group has no meeting", i+1)
		}
		g.meeting[i] = int(m)
	}
	if wc, ok := g.colIndex[colWeight]; ok {
		weights := g.weights[:0]
		ids, err := g.ValueIDs(chunks[wc], n, func(v parquet.Value) (int32, error) {
			weights = append(weights, v.Double())
			return int32(len(weights) - 1), nil
		})
		if err != nil {
			return err
		}
		for i, k := range ids {
			g.weight[i] = 0 // null
			if k >= 0 {
				g.weight[i] = weights[k]
			}
		}
		g.weights = weights
	}
	mq := t.QuestionIdx[g.meetingQuestion]
	choice := make([][]int, len(t.Meetings)) // the meeting question's answer: the meeting
	for m, id := range t.Meetings {
		choice[m] = []int{t.Questions[mq].Index[id]}
	}
	for i, m := range g.meeting {
		t.Respondents[m]++
		t.Questions[mq].Add(m, choice[m], g.weight[i], g.weighted)
	}
	for c, path := range g.cols {
		qi, ok := t.QuestionIdx[path[0]]
		if !ok || path[0] == g.meetingQuestion {
			continue
		}
		qt := t.Questions[qi]
		texts := g.texts[qi]
		ids, err := g.ValueIDs(chunks[c], n, func(v parquet.Value) (int32, error) {
			b := v.ByteArray()
			if id, ok := texts[string(b)]; ok {
				return id, nil
			}
			var c []int
			for _, name := range strings.Fields(string(b)) {
				k, ok := qt.Index[name]
				if !ok {
					return 0, fmt.Errorf("%q is not a choice of %q", name, qt.Question.Name)
				}
				c = append(c, k)
			}
			id := int32(len(texts))
			texts[string(b)] = id
			g.chosen[qi] = append(g.chosen[qi], c)
			return id, nil
		})
		if err != nil {
			return err
		}
		chosen := g.chosen[qi]
		for i, id := range ids {
			switch {
			case id < 0:
			case len(chosen[id]) == 0: // "": not asked
				qt.AddNotAsked(g.meeting[i])
			default:
				qt.Add(g.meeting[i], chosen[id], g.weight[i], g.weighted)
			}
		}
	}
	return nil
}
