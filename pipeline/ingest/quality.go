package ingest

import (
	"encoding/json"
	"fmt"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/redact"
	"github.com/synthese-project/synthese/pipeline/responses"
	"io"
	"sort"
)

// Quality accounts for every row and cell ingest was given: what was read,
// kept, rejected and why, and which raw spellings were read as which choice.
// It is written as quality.json; the report's data-quality annex prints it.
// What users typed shows redacted (package redact): the raw spellings of
// normalised, the ignored columns' headers.
type Quality struct {
	Responses struct {
		Files           []responses.FileCount     `json:"files"`
		RowsRead        int                       `json:"rows_read"`
		Respondents     int                       `json:"respondents"`
		RowsRejected    map[string]int            `json:"rows_rejected"`  // by reason code
		CellsRejected   map[string]int            `json:"cells_rejected"` // by reason code
		Duplicates      int                       `json:"duplicates"`
		ColumnsIgnored  []string                  `json:"columns_ignored"`
		ExplicitMissing int                       `json:"explicit_missing"`
		Normalised      []responses.Normalisation `json:"normalised"`
		// Columns: the response files' columns by kind (responses.Column…).
		Columns map[string]int `json:"columns,omitempty"`
		// NotInExport: counted questions no response file has a column for.
		NotInExport []string `json:"questions_not_in_export,omitempty"`
	} `json:"responses"`
	Participants struct {
		RowsRead     int            `json:"rows_read"`
		Rows         int            `json:"rows"`
		RowsRejected map[string]int `json:"rows_rejected"`
	} `json:"participants"`
	Narrative struct {
		form.Coverage
		RowsRejected int `json:"rows_rejected"`
	} `json:"narrative"`
	RejectedByReason map[string]int `json:"rejected_by_reason"`
	Notes            []string       `json:"notes"`
	// Redacted counts the e-mail addresses, phone numbers and long digit
	// runs replaced by a marker in rejects.csv and quality.json.
	Redacted int `json:"redacted,omitempty"`
}

// Quality summarises an ingest.
func (in *Ingested) Quality() *Quality {
	q := &Quality{RejectedByReason: map[string]int{}}
	r := &q.Responses
	r.Files = append([]responses.FileCount{}, in.Responses.Files...)
	r.RowsRead = in.Responses.RowsRead
	r.Respondents = int(in.Responses.Kept)
	r.RowsRejected, r.CellsRejected = map[string]int{}, map[string]int{}
	r.Duplicates = in.Responses.Duplicates
	r.ExplicitMissing = in.Responses.ExplicitMissing
	r.NotInExport = in.NotInExport
	r.Columns = in.Responses.Columns
	r.Normalised, q.Redacted = redactNormalised(in.Responses.Normalisations())
	if r.Normalised == nil {
		r.Normalised = []responses.Normalisation{}
	}
	r.ColumnsIgnored = []string{}
	for _, rj := range in.Responses.Rejects {
		q.RejectedByReason[rj.Code]++
		switch rj.Code {
		case input.RejectNoMeeting, input.RejectDuplicate, input.RejectFieldCount:
			r.RowsRejected[rj.Code]++
		case input.RejectUnknownColumn:
			h, n := redact.Text(rj.Column)
			q.Redacted += n
			r.ColumnsIgnored = append(r.ColumnsIgnored, fmt.Sprintf("%s: %s", rj.File, h))
		default:
			r.CellsRejected[rj.Code]++
		}
	}
	p := &q.Participants
	p.RowsRejected = map[string]int{}
	p.Rows = len(in.Attendance)
	for _, rj := range in.AttendanceRejects {
		q.RejectedByReason[rj.Code]++
		p.RowsRejected[rj.Code]++
	}
	p.RowsRead = p.Rows + len(in.AttendanceRejects)
	q.Narrative.Coverage = in.Coverage
	if q.Narrative.Missing == nil {
		q.Narrative.Missing = map[string]int{}
	}
	q.Narrative.RowsRejected = len(in.NarrativeRejects)
	for _, rj := range in.NarrativeRejects {
		q.RejectedByReason[rj.Code]++
	}
	q.Notes = append([]string{}, in.Responses.Notes...)
	sort.Strings(r.ColumnsIgnored)
	for _, rj := range in.Rejects() { // as rejects.csv writes them
		_, n := rj.Redacted()
		q.Redacted += n
	}
	return q
}

// redactNormalised redacts the raw spellings (a select_multiple cell
// read in part keeps its unknown parts in its raw text), merging those
// that become the same, and says how many values it replaced.
func redactNormalised(ns []responses.Normalisation) ([]responses.Normalisation, int) {
	total := 0
	for i := range ns {
		var n int
		ns[i].Raw, n = redact.Text(ns[i].Raw)
		total += n
	}
	if total == 0 {
		return ns, 0
	}
	sort.SliceStable(ns, func(a, b int) bool {
		return ns[a].Before(ns[b])
	})
	out := ns[:0]
	for _, n := range ns {
		if k := len(out) - 1; k >= 0 && out[k].Question == n.Question && out[k].Choice == n.Choice && out[k].Raw == n.Raw {
			out[k].Count += n.Count
			out[k].Folded = out[k].Folded || n.Folded
			continue
		}
		out = append(out, n)
	}
	return out, total
}

// WriteQuality writes quality.json (keys sorted, so identical ingests give
// identical files).
func WriteQuality(w io.Writer, q *Quality) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(q)
}

// ReadQuality reads quality.json.
func ReadQuality(r io.Reader) (*Quality, error) {
	var q Quality
	if err := json.NewDecoder(r).Decode(&q); err != nil {
		return nil, fmt.Errorf("reading quality.json: %w", err)
	}
	return &q, nil
}
