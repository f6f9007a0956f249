package pipeline

import (
	"encoding/csv"
	"errors"
	"io"
	"io/fs"
	"strconv"
)

// Ingested is what the ingest stage reads from a project.
type Ingested struct {
	Responses         Responses
	Attendance        []Attendance
	AttendanceRejects []Reject
	Narrative         *Narrative
	NarrativeRejects  []Reject
	Coverage          Coverage
}

// Rejects returns every reject of the ingest, responses first.
func (in *Ingested) Rejects() []Reject {
	out := append(append([]Reject{}, in.Responses.Rejects...), in.AttendanceRejects...)
	return append(out, in.NarrativeRejects...)
}

// Ingest reads the response files and the participant lists named in the
// manifest. Response files in CSV and UTF-8 are read by the streaming
// reader (one pass, every core, flat memory), others by the reference
// reader; see IngestOptions.
func Ingest(p *Project, options ...IngestOptions) (*Ingested, error) {
	var opt IngestOptions
	if len(options) > 0 {
		opt = options[0]
	}
	in := &Ingested{}
	res, err := readResponses(p, opt)
	if err != nil {
		return nil, err
	}
	in.Responses = *res
	lists, err := p.expand("participants", p.Manifest.Participants)
	if err != nil {
		return nil, err
	}
	for _, name := range lists {
		f, err := open(p.FS, name)
		if err != nil {
			return nil, err
		}
		rows, rejects, err := ReadAttendance(name, f, p.Meetings, ReadOptions{})
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
	in.Coverage = NarrativeCoverage(p.Meetings, in.Narrative, SupportedLanguages)
	return in, nil
}

// WriteRejects writes rejects.csv: file, line, column, value, reason.
func WriteRejects(w io.Writer, rejects []Reject) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"file", "line", "column", "value", "reason"}); err != nil {
		return err
	}
	for _, r := range rejects {
		if err := cw.Write([]string{r.File, strconv.Itoa(r.Line), r.Column, r.Value, r.Reason}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Analyse loads a project folder, ingests it and aggregates its answers, in
// memory: the first two stages without their files.
func Analyse(fsys fs.FS) (*Project, *Ingested, []Result, error) {
	p, err := LoadProject(fsys)
	if err != nil {
		return nil, nil, nil, err
	}
	in, err := Ingest(p)
	if err != nil {
		return nil, nil, nil, err
	}
	return p, in, in.Responses.Tally.Results(p.Manifest.MeetingQuestion, p.Manifest.SmallCell), nil
}

// readResponses reads the response files into a tally (and responses.parquet).
func readResponses(p *Project, opt IngestOptions) (*Responses, error) {
	files, err := p.expand("responses", p.Manifest.Responses)
	if err != nil {
		return nil, err
	}
	if !opt.Reference {
		res, err := streamResponses(p, files, opt)
		if !errors.Is(err, errFallback) {
			return res, err
		}
	}
	res := &Responses{}
	for _, name := range files {
		f, err := open(p.FS, name)
		if err != nil {
			return nil, err
		}
		err = ReadResponses(p.Questionnaire, name, f, res, p.ResponseOptions())
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	res.Kept = int64(len(res.Respondents))
	if res.Tally, err = TallyRespondents(p.Questionnaire, p.Manifest.MeetingQuestion, res.Respondents, p.Manifest.WeightColumn != ""); err != nil {
		return nil, err
	}
	if opt.Responses != nil {
		w, err := opt.Responses()
		if err != nil {
			return nil, err
		}
		if err := WriteResponses(w, p.Questionnaire, p.Manifest.MeetingQuestion, res.Respondents, opt.Meta...); err != nil {
			return nil, err
		}
	}
	return res, nil
}
