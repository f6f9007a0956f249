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

// Fixed columns of responses.parquet; one optional string column per closed
// question follows, holding the chosen choice names (space-separated for a
// select_multiple question, as XLSForm does), null when unanswered.
const (
	colRespondent = "respondent"
	colFile       = "source_file"
	colLine       = "source_line"
	colMeeting    = "meeting"
	colWeight     = "weight"
)

func responsesSchema(q *Questionnaire, meetingQuestion string) (*parquet.Schema, []string) {
	g := parquet.Group{
		colRespondent: parquet.Int(64),
		colFile:       parquet.String(),
		colLine:       parquet.Int(64),
		colMeeting:    parquet.String(),
		colWeight:     parquet.Leaf(parquet.DoubleType),
	}
	var questions []string
	for _, qu := range q.Questions {
		if qu.Closed() && qu.Name != meetingQuestion {
			if _, clash := g[qu.Name]; clash {
				continue
			}
			g[qu.Name] = parquet.Optional(parquet.String())
			questions = append(questions, qu.Name)
		}
	}
	return parquet.NewSchema("responses", g), questions
}

// WriteResponses writes responses.parquet: one row per respondent, in
// respondent order.
func WriteResponses(w io.Writer, q *Questionnaire, meetingQuestion string, respondents []Respondent) error {
	schema, _ := responsesSchema(q, meetingQuestion)
	cols := schema.Columns() // leaf paths, in the schema's (sorted) order
	pw := parquet.NewWriter(w, append(writerOptions(), schema)...)
	rows := make([]parquet.Row, 0, len(respondents))
	for _, r := range respondents {
		row := make(parquet.Row, len(cols))
		for i, path := range cols {
			switch name := path[0]; name {
			case colRespondent:
				row[i] = parquet.Int64Value(int64(r.ID)).Level(0, 0, i)
			case colLine:
				row[i] = parquet.Int64Value(int64(r.Line)).Level(0, 0, i)
			case colFile:
				row[i] = parquet.ByteArrayValue([]byte(r.File)).Level(0, 0, i)
			case colMeeting:
				row[i] = parquet.ByteArrayValue([]byte(r.Meeting)).Level(0, 0, i)
			case colWeight:
				row[i] = parquet.DoubleValue(r.Weight).Level(0, 0, i)
			default:
				if ans := r.Answers[name]; len(ans) > 0 {
					row[i] = parquet.ByteArrayValue([]byte(strings.Join(ans, " "))).Level(0, 1, i)
				} else {
					row[i] = parquet.NullValue().Level(0, 0, i)
				}
			}
		}
		rows = append(rows, row)
	}
	if _, err := pw.WriteRows(rows); err != nil {
		return fmt.Errorf("writing responses: %w", err)
	}
	return pw.Close()
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
