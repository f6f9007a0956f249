package store

import (
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/provenance"
	"io"
	"slices"
	"strings"
)

// RowGroup is a batch of kept respondents, in order: one row group of
// responses.parquet. Answers hold one column per reported question, its
// texts (choice names, space-separated for a select_multiple question; ""
// for a question not asked) as a dictionary and a code per row (-1: no
// answer).
type RowGroup struct {
	FirstID int64 // id of the first respondent (1-based, in reading order)
	File    string
	Lines   []int64
	Meeting []int32 // position in the meeting list
	Weight  []float64
	Answers []AnswerColumn

	Body []columnChunk // meeting, weight and answers, encoded ahead (by a reading worker)
}

// AnswerColumn is one question's answers in a row group.
type AnswerColumn struct {
	Dict  []string
	Codes []int32
}

// Rows is the number of respondents in the group.
func (g *RowGroup) Rows() int { return len(g.Lines) }

// ResponsesWriter writes responses.parquet one row group at a time: one
// row per kept respondent, with its id, source file and line, meeting,
// weight (1 without a weight column), then one optional text column per
// reported closed question. Rows are sorted by respondent.
type ResponsesWriter struct {
	Pw        *pqWriter
	Meetings  []string
	Questions []string
}

// Fixed columns of responses.parquet; one optional string column per closed
// question follows, holding the chosen choice names (space-separated for a
// select_multiple question, as XLSForm does), null when unanswered, the
// empty string when the respondent was not asked it (skip logic).
const (
	colRespondent = "respondent"
	colFile       = "source_file"
	colLine       = "source_line"
	colMeeting    = "meeting"
	colWeight     = "weight"
)

// ResponseQuestions are the questions with a column in responses.parquet.
func ResponseQuestions(q *form.Questionnaire, meetingQuestion string) []string {
	fixed := map[string]bool{colRespondent: true, colFile: true, colLine: true, colMeeting: true, colWeight: true}
	var out []string
	for _, qu := range q.Questions {
		if qu.Closed() && qu.Name != meetingQuestion && !fixed[qu.Name] {
			fixed[qu.Name] = true
			out = append(out, qu.Name)
		}
	}
	return out
}

// NewResponsesWriter starts responses.parquet on w; meta goes into the
// file's key-value metadata.
func NewResponsesWriter(w io.Writer, q *form.Questionnaire, meetingQuestion string, meta ...[2]string) *ResponsesWriter {
	rw := &ResponsesWriter{Questions: ResponseQuestions(q, meetingQuestion)}
	mq, _ := q.Question(meetingQuestion)
	for _, c := range q.Choices(mq) {
		rw.Meetings = append(rw.Meetings, c.Name)
	}
	if meetingQuestion == "" {
		rw.Meetings = []string{""} // one scope
	}
	cols := []pqColumn{{name: colRespondent, typ: pqInt64}, {name: colFile, typ: pqByteArray, utf8: true},
		{name: colLine, typ: pqInt64}, {name: colMeeting, typ: pqByteArray, utf8: true}, {name: colWeight, typ: pqDouble}}
	for _, name := range rw.Questions {
		cols = append(cols, pqColumn{name: name, typ: pqByteArray, optional: true, utf8: true})
	}
	rw.Pw = newPQWriter(w, cols)
	rw.Pw.sorting = []int{0}
	rw.Pw.meta = meta
	return rw
}

// EncodeBody encodes the columns that do not depend on the group's place
// in the file; safe to call from several goroutines.
func (rw *ResponsesWriter) EncodeBody(g *RowGroup) {
	used := make([]bool, len(rw.Meetings))
	for _, m := range g.Meeting {
		used[m] = true
	}
	// The meeting dictionary holds the meetings present, in list order.
	remap := make([]int32, len(rw.Meetings))
	var dict []string
	for i, u := range used {
		if u {
			remap[i] = int32(len(dict))
			dict = append(dict, rw.Meetings[i])
		}
	}
	codes := borrowCodes(len(g.Meeting))
	for i, m := range g.Meeting {
		(*codes)[i] = remap[m]
	}
	body := []columnChunk{rw.Pw.dictChunk(dict, *codes, false), rw.Pw.doubleDictChunk(g.Weight)}
	codeBuffers.Put(codes)
	for _, a := range g.Answers {
		body = append(body, rw.Pw.dictChunk(a.Dict, a.Codes, true))
	}
	g.Body = body
}

// WriteGroup appends a row group; groups must come in respondent order.
func (rw *ResponsesWriter) WriteGroup(g *RowGroup) error {
	if g.Rows() == 0 {
		return nil
	}
	if g.Body == nil {
		rw.EncodeBody(g)
	}
	files := borrowCodes(g.Rows()) // one file: all code 0
	clear(*files)
	chunks := append([]columnChunk{rw.Pw.countChunk(g.FirstID, g.Rows()), rw.Pw.dictChunk([]string{g.File}, *files, false),
		rw.Pw.deltaChunk(g.Lines)}, g.Body...)
	codeBuffers.Put(files)
	return rw.Pw.writeGroup(int64(g.Rows()), chunks)
}

// Close writes the footer.
func (rw *ResponsesWriter) Close() error {
	if d := provenance.CurrentInputDigest("responses"); d != "" {
		rw.Pw.meta = append(slices.Clip(rw.Pw.meta), [2]string{provenance.InputDigestKey, d})
	}
	return rw.Pw.close()
}

// responsesGroupRows is the size of the row groups the reference reader's
// respondents are written in.
const responsesGroupRows = 1 << 16

// WriteResponses writes responses.parquet from respondents in memory, in
// respondent order (a row group per file and 65,536 rows).
func WriteResponses(w io.Writer, q *form.Questionnaire, meetingQuestion string, respondents []form.Respondent, meta ...[2]string) error {
	rw := NewResponsesWriter(w, q, meetingQuestion, meta...)
	meetingIdx := map[string]int32{}
	for i, m := range rw.Meetings {
		meetingIdx[m] = int32(i)
	}
	for start := 0; start < len(respondents); {
		end := start + 1
		for end < len(respondents) && end-start < responsesGroupRows && respondents[end].File == respondents[start].File {
			end++
		}
		batch := respondents[start:end]
		g := &RowGroup{FirstID: int64(batch[0].ID), File: batch[0].File}
		dicts := make([]map[string]int32, len(rw.Questions))
		g.Answers = make([]AnswerColumn, len(rw.Questions))
		for i := range dicts {
			dicts[i] = map[string]int32{}
		}
		for _, r := range batch {
			g.Lines = append(g.Lines, int64(r.Line))
			g.Meeting = append(g.Meeting, meetingIdx[r.Meeting])
			g.Weight = append(g.Weight, r.Weight)
			for i, name := range rw.Questions {
				code := int32(-1)
				_, notAsked := slices.BinarySearch(r.NotAsked, name)
				if ans := r.Answers[name]; len(ans) > 0 || notAsked {
					text := strings.Join(ans, " ") // "" when not asked
					c, ok := dicts[i][text]
					if !ok {
						c = int32(len(g.Answers[i].Dict))
						dicts[i][text] = c
						g.Answers[i].Dict = append(g.Answers[i].Dict, text)
					}
					code = c
				}
				g.Answers[i].Codes = append(g.Answers[i].Codes, code)
			}
		}
		if err := rw.WriteGroup(g); err != nil {
			return err
		}
		start = end
	}
	return rw.Close()
}

// CopyGroup writes again a row group that another writer wrote to from
// (g, its place there), its respondents numbered from firstID.
func (rw *ResponsesWriter) CopyGroup(from io.ReaderAt, g GroupMeta, firstID int64) error {
	chunks := make([]columnChunk, len(g.chunks))
	for i, m := range g.chunks {
		if i == 0 { // the respondent numbers
			ids := make([]int64, g.rows)
			for j := range ids {
				ids[j] = firstID + int64(j)
			}
			chunks[0] = rw.Pw.deltaChunk(ids)
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
	return rw.Pw.writeGroup(g.rows, chunks)
}
