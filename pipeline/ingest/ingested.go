package ingest

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/ingest/internal/stream"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/redact"
	"github.com/synthese-project/synthese/pipeline/responses"
	"github.com/synthese-project/synthese/pipeline/store"
	"github.com/synthese-project/synthese/pipeline/tally"
)

// Ingested is what the ingest stage reads from a project.
type Ingested struct {
	Responses         responses.Responses
	Attendance        []form.Attendance
	AttendanceRejects []input.Reject
	Narrative         *form.Narrative
	NarrativeRejects  []input.Reject
	Coverage          form.Coverage
	// NotInExport are the counted questions no response file has a column
	// for (responses.Responses.Absent).
	NotInExport []string
}

// Rejects returns every reject of the ingest, responses first.
func (in *Ingested) Rejects() []input.Reject {
	out := append(append([]input.Reject{}, in.Responses.Rejects...), in.AttendanceRejects...)
	return append(out, in.NarrativeRejects...)
}

// Ingest reads the response files and the participant lists named in the
// manifest. Response files in CSV and UTF-8 are read by the streaming
// reader (one pass, every core, flat memory), others by the reference
// reader; see IngestOptions.
func Ingest(p *form.Project, options ...responses.IngestOptions) (*Ingested, error) {
	var opt responses.IngestOptions
	if len(options) > 0 {
		opt = options[0]
	}
	in := &Ingested{}
	res, err := readResponses(p, opt)
	if err != nil {
		return nil, err
	}
	in.Responses = *res
	in.NotInExport = res.Absent(p.Questionnaire, p.Manifest.MeetingQuestion)
	var repeated []string
	for _, qu := range p.Questionnaire.Questions {
		if qu.InRepeat() {
			repeated = append(repeated, qu.Name)
		}
	}
	if len(repeated) > 0 {
		names := strings.Join(repeated[:min(len(repeated), 8)], ", ")
		if len(repeated) > 8 {
			names += ", …"
		}
		in.Responses.Notes = append(in.Responses.Notes, fmt.Sprintf("%d select question(s) inside repeats (answered once per item, not once per respondent) not counted: %s", len(repeated), names))
	}
	lists, err := p.Expand("participants", p.Manifest.Participants)
	if err != nil {
		return nil, err
	}
	for _, name := range lists {
		f, err := form.Open(p.FS, name)
		if err != nil {
			return nil, err
		}
		rows, rejects, err := form.ReadAttendance(name, f, p.Meetings, input.ReadOptions{})
		f.Close()
		if err != nil {
			return nil, err
		}
		in.Attendance = append(in.Attendance, rows...)
		in.AttendanceRejects = append(in.AttendanceRejects, rejects...)
	}
	if in.Narrative, in.NarrativeRejects, err = p.Narrative(); err != nil {
		return nil, err
	}
	in.Coverage = form.NarrativeCoverage(p.Meetings, in.Narrative, form.SupportedLanguages)
	return in, nil
}

// CheckRowsKept fails a run whose response rows were read but none kept,
// or more than the manifest's max_rejected_share of them left out
// (duplicates aside: a submission sent twice is counted once, not lost):
// such numbers are not to be published (the stages call it before they
// write anything; Validate lists it). A project without responses yet (no
// rows) passes. The error names the main reasons; `synthese validate`
// lists every row.
func CheckRowsKept(p *form.Project, res *responses.Responses) error {
	read := int64(res.RowsRead)
	if read == 0 {
		return nil
	}
	lost := read - res.Kept - int64(res.Duplicates)
	limit := p.Manifest.RejectedShareLimit()
	if res.Kept > 0 && float64(lost) <= limit*float64(read) {
		return checkCellsKept(p, res, limit)
	}
	byReason := map[string]int{}
	for _, r := range res.Rejects {
		if r.Code == input.RejectNoMeeting || r.Code == input.RejectFieldCount {
			byReason[r.Code]++
		}
	}
	var reasons []string
	for _, code := range slices.Sorted(maps.Keys(byReason)) {
		reasons = append(reasons, fmt.Sprintf("%d %s", byReason[code], rejectWords[code]))
	}
	what := fmt.Sprintf("%d of the %d response rows read were left out (%s)", lost, read, strings.Join(reasons, ", "))
	if res.Kept == 0 {
		return &input.InputError{File: form.ManifestName, Msg: "no respondent kept: " + what +
			"; nothing is published. List them with `synthese validate`"}
	}
	return &input.InputError{File: form.ManifestName, Msg: fmt.Sprintf("%s: more than max_rejected_share (%g%%); nothing is published. "+
		"List them with `synthese validate`, correct the files, or raise max_rejected_share in %s", what, 100*limit, form.ManifestName)}
}

// checkCellsKept fails a run whose kept rows had more than limit of their
// answers rejected (values matching no choice, bytes that are not text):
// the rows are there, their answers are not.
func checkCellsKept(p *form.Project, res *responses.Responses, limit float64) error {
	rejected := map[string]int{}
	cells := 0
	for _, r := range res.Rejects {
		if r.Code == input.RejectUnknownValue || r.Code == input.RejectBadText {
			rejected[r.Code]++
			cells++
		}
	}
	if cells == 0 || res.Tally == nil {
		return nil
	}
	answers := int64(res.ExplicitMissing)
	for _, qt := range res.Tally.Questions {
		if qt.Question.Name == p.Manifest.MeetingQuestion {
			continue // its rows were kept: it was read
		}
		for _, v := range qt.Valid {
			answers += v
		}
	}
	total := answers + int64(cells)
	if float64(cells) <= limit*float64(total) {
		return nil
	}
	var reasons []string
	for _, code := range slices.Sorted(maps.Keys(rejected)) {
		reasons = append(reasons, fmt.Sprintf("%d %s", rejected[code], rejectWords[code]))
	}
	return &input.InputError{File: form.ManifestName, Msg: fmt.Sprintf("%d of the %d answers read in the kept rows were left out (%s): more than max_rejected_share (%g%%); nothing is published. "+
		"List them with `synthese validate` (is it the right questionnaire, or the right encoding?), or raise max_rejected_share in %s",
		cells, total, strings.Join(reasons, ", "), 100*limit, form.ManifestName)}
}

// rejectWords name the reasons a whole row is left out, in messages.
var rejectWords = map[string]string{
	input.RejectNoMeeting:  "without a valid meeting",
	input.RejectFieldCount: "whose fields do not line up with the header",
	// Cells, in checkCellsKept's message.
	input.RejectUnknownValue: "matching no choice",
	input.RejectBadText:      "not text in the file's encoding",
	input.RejectNotRelevant:  "answering a question not asked (its relevant false)",
}

// WriteRejects writes rejects.csv: file, line, column, value, reason. Each
// reject is written Redacted (e-mail addresses, phone numbers and long
// digit runs replaced by a marker), each cell through redact.Cell (no
// cell a spreadsheet would run).
func WriteRejects(w io.Writer, rejects []input.Reject) error {
	cw := redact.NewCSVWriter(w)
	if err := cw.Write([]string{"file", "line", "column", "value", "reason"}); err != nil {
		return err
	}
	for _, r := range rejects {
		r, _ = r.Redacted()
		row := []string{r.File, strconv.Itoa(r.Line), r.Column, clip(r.Value), r.Reason}
		for i := range row {
			row[i] = strings.ToValidUTF8(row[i], "\uFFFD") // rejects.csv is UTF-8 whatever the inputs were
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// MaxRejectValue is the most characters of a value written to rejects.csv
// (the file and line say where the whole of it is).
const MaxRejectValue = 1000

// clip cuts a value longer than MaxRejectValue characters, saying so.
func clip(v string) string {
	n := 0
	for i := range v {
		if n == MaxRejectValue {
			return v[:i] + fmt.Sprintf("… (%d bytes in all)", len(v))
		}
		n++
	}
	return v
}

// Analyse loads a project folder, ingests it and aggregates its answers, in
// memory: the first two stages without their files.
func Analyse(fsys fs.FS) (*form.Project, *Ingested, []tally.Result, error) {
	p, err := form.LoadProject(fsys)
	if err != nil {
		return nil, nil, nil, err
	}
	in, err := Ingest(p)
	if err != nil {
		return nil, nil, nil, err
	}
	return p, in, in.Responses.Tally.Results(p.Manifest.MeetingQuestion, p.Manifest.SmallCell), nil
}

// readResponses reads the response files into a tally (and
// responses.parquet). Two readers give the same Responses: the streaming
// reader (ingest/internal/stream: UTF-8 CSV, in chunks on every core)
// takes the files first and hands them all back (stream.ErrFallback) when
// one is not for it (a workbook, UTF-16, Windows-1252, bytes that are not
// UTF-8, a CSV error to locate); the reference reader (package responses,
// through input.ReadTables' formats) then reads them, as it does always
// with opt.Reference.
func readResponses(p *form.Project, opt responses.IngestOptions) (*responses.Responses, error) {
	files, err := p.Expand("responses", p.Manifest.Responses)
	if err != nil {
		return nil, err
	}
	if !opt.Reference {
		res, err := stream.StreamResponses(p, files, opt)
		if !errors.Is(err, stream.ErrFallback) {
			return res, err
		}
	}
	res := &responses.Responses{}
	for _, name := range files {
		f, err := form.Open(p.FS, name)
		if err != nil {
			return nil, err
		}
		err = responses.ReadResponses(p.Questionnaire, name, f, res, p.ResponseOptions())
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	res.Kept = int64(len(res.Respondents))
	if res.Tally, err = tally.TallyRespondents(p.Questionnaire, p.Manifest.MeetingQuestion, res.Respondents, p.Manifest.WeightColumn != ""); err != nil {
		return nil, err
	}
	if opt.Responses != nil {
		w, err := opt.Responses()
		if err != nil {
			return nil, err
		}
		if err := store.WriteResponses(w, p.Questionnaire, p.Manifest.MeetingQuestion, res.Respondents, opt.Meta...); err != nil {
			return nil, err
		}
	}
	return res, nil
}
