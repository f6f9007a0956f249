package store

import (
	"fmt"
	"github.com/synthese-project/synthese/pipeline/people"
	"github.com/synthese-project/synthese/pipeline/redact"
	"io"
	"strconv"
)

// personRow is one row of participants.parquet. No contact details.
type personRow struct {
	ID           string   `parquet:"person_id"`
	Name         string   `parquet:"name"`
	Variants     []string `parquet:"variants,list"`
	Meetings     []string `parquet:"meetings,list"`
	Roles        []string `parquet:"roles,list"`
	Organisation string   `parquet:"organisation"`
	OrgType      string   `parquet:"org_type,dict"`
	City         string   `parquet:"city,dict"`
	Region       string   `parquet:"region,dict"`
	ListRows     int64    `parquet:"list_rows"`
}

// WritePeople writes participants.parquet: one row per person.
func WritePeople(w io.Writer, people []people.Person) error {
	out := make([]personRow, len(people))
	for i, p := range people {
		out[i] = personRow{p.ID, p.Name, p.Variants, p.Meetings, p.Roles, p.Organisation, p.OrgType, p.City, p.Region, int64(len(p.Rows))}
	}
	return writeRows(w, out, "participants")
}

// ReadPeople reads participants.parquet (without the attendance row indexes).
func ReadPeople(r io.ReaderAt, size int64) ([]people.Person, error) {
	rows, err := readRows[personRow](r, size, "participants")
	if err != nil {
		return nil, err
	}
	out := make([]people.Person, len(rows))
	for i, p := range rows {
		out[i] = people.Person{ID: p.ID, Name: p.Name, Variants: p.Variants, Meetings: p.Meetings, Roles: p.Roles,
			Organisation: p.Organisation, OrgType: p.OrgType, City: p.City, Region: p.Region}
	}
	return out, nil
}

// WriteParticipation writes participation.parquet.
func WriteParticipation(w io.Writer, rows []people.ParticipationRow) error {
	return writeRows(w, rows, "participation")
}

// ReadParticipation reads participation.parquet.
func ReadParticipation(r io.ReaderAt, size int64) ([]people.ParticipationRow, error) {
	return readRows[people.ParticipationRow](r, size, "participation")
}

// WriteMerges writes merges.csv: each spelling merged into a person, the
// spelling it matched, the score and the evidence; each cell through
// redact.Cell (no cell a spreadsheet would run).
func WriteMerges(w io.Writer, merges []people.MergeRecord) error {
	cw := redact.NewCSVWriter(w)
	cw.Write([]string{"person_id", "canonical_name", "variant", "matched_with", "score", "evidence", "forced"})
	for _, m := range merges {
		cw.Write([]string{m.PersonID, m.Canonical, m.Variant, m.MatchedWith, strconv.FormatFloat(m.Score, 'f', 3, 64), m.Evidence, fmt.Sprint(m.Forced)})
	}
	cw.Flush()
	return cw.Error()
}
