package pipeline

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// Version is written into the files we make (Parquet created_by, PDF
// producer); the command sets it from the build.
var Version = "dev"

// writerOptions make Parquet output byte-identical for identical rows: the
// creator is pinned (no build hash) and pages are zstd-compressed.
func writerOptions() []parquet.WriterOption {
	return []parquet.WriterOption{
		parquet.CreatedBy("synthese", Version, ""),
		parquet.Compression(&parquet.Zstd),
	}
}

// writeRows writes rows of a struct type, in the given order.
func writeRows[T any](w io.Writer, rows []T, what string) error {
	pw := parquet.NewGenericWriter[T](w, writerOptions()...)
	if _, err := pw.Write(rows); err != nil {
		return fmt.Errorf("writing %s: %w", what, err)
	}
	return pw.Close()
}

// WriteResults writes results.parquet. Rows are written in the given order
// (Aggregate's order).
func WriteResults(w io.Writer, rows []Result) error { return writeRows(w, rows, "results") }

// readRows reads a whole file of a struct type.
func readRows[T any](r io.ReaderAt, size int64, what string) ([]T, error) {
	rows, err := parquet.Read[T](r, size)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	return rows, nil
}

// ReadResults reads results.parquet.
func ReadResults(r io.ReaderAt, size int64) ([]Result, error) {
	return readRows[Result](r, size, "results")
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
func WriteAttendance(w io.Writer, rows []Attendance) error {
	out := make([]attendanceRow, len(rows))
	for i, a := range rows {
		out[i] = attendanceRow{a.Meeting, a.Name, a.Organisation, a.City, a.Role, a.File, int64(a.Line)}
	}
	return writeRows(w, out, "attendance")
}

// ReadAttendanceParquet reads attendance.parquet.
func ReadAttendanceParquet(r io.ReaderAt, size int64) ([]Attendance, error) {
	rows, err := readRows[attendanceRow](r, size, "attendance")
	if err != nil {
		return nil, err
	}
	out := make([]Attendance, len(rows))
	for i, a := range rows {
		out[i] = Attendance{a.Meeting, a.Name, a.Organisation, a.City, a.Role, a.File, int(a.Line)}
	}
	return out, nil
}

// ReadResponsesParquet reads responses.parquet back into respondents.
func ReadResponsesParquet(r io.ReaderAt, size int64, q *Questionnaire, meetingQuestion string) ([]Respondent, error) {
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
	var out []Respondent
	buf := make([]parquet.Row, 64)
	for {
		n, err := pr.ReadRows(buf)
		for _, row := range buf[:n] {
			resp := Respondent{Answers: map[string][]string{}}
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
				case closed[name]:
					resp.Answers[name] = strings.Fields(string(v.ByteArray()))
				}
			}
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
// the aggregate stage's input when it runs on its own.
func TallyResponsesParquet(r io.ReaderAt, size int64, q *Questionnaire, meetingQuestion string, weighted bool) (*Tally, error) {
	f, err := parquet.OpenFile(r, size)
	if err != nil {
		return nil, fmt.Errorf("reading responses: %w", err)
	}
	t, err := NewTally(q, meetingQuestion, weighted)
	if err != nil {
		return nil, err
	}
	cols := f.Schema().Columns()
	colQ := make([]int, len(cols)) // tally question of each column, -1 for the fixed ones
	for i, path := range cols {
		colQ[i] = -1
		if qi, ok := t.questionIdx[path[0]]; ok && path[0] != meetingQuestion {
			colQ[i] = qi
		}
	}
	meetingQ := t.questionIdx[meetingQuestion]
	codes := make([]map[string][]int, len(t.Questions)) // text -> choice positions, per question
	for i := range codes {
		codes[i] = map[string][]int{}
	}
	lookup := func(qi int, text string) ([]int, error) {
		if c, ok := codes[qi][text]; ok {
			return c, nil
		}
		var c []int
		for _, name := range strings.Fields(text) {
			k, ok := t.Questions[qi].index[name]
			if !ok {
				return nil, fmt.Errorf("reading responses: %q is not a choice of %q", name, t.Questions[qi].Question.Name)
			}
			c = append(c, k)
		}
		codes[qi][text] = c
		return c, nil
	}
	pr := parquet.NewReader(f)
	defer pr.Close()
	buf := make([]parquet.Row, 1024)
	type answer struct {
		q     int
		codes []int
	}
	var answers []answer
	for {
		n, err := pr.ReadRows(buf)
		for _, row := range buf[:n] {
			m, w := -1, 1.0
			answers = answers[:0]
			for _, v := range row {
				switch name := cols[v.Column()][0]; {
				case name == colMeeting:
					m = t.MeetingIndex(string(v.ByteArray()))
				case name == colWeight:
					w = v.Double()
				case v.IsNull() || colQ[v.Column()] < 0:
				default:
					qi := colQ[v.Column()]
					c, err := lookup(qi, string(v.ByteArray()))
					if err != nil {
						return nil, err
					}
					answers = append(answers, answer{qi, c})
				}
			}
			if m < 0 {
				return nil, fmt.Errorf("reading responses: a row without a known meeting")
			}
			t.Respondents[m]++
			t.Questions[meetingQ].add(m, []int{t.Questions[meetingQ].index[t.Meetings[m]]}, w, weighted)
			for _, a := range answers {
				t.Questions[a.q].add(m, a.codes, w, weighted)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading responses: %w", err)
		}
	}
	return t, nil
}
