package ingest_test

import (
	"encoding/csv"
	"strconv"
	"testing"

	"github.com/synthese-project/synthese/data"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/ingest"
	"github.com/synthese-project/synthese/pipeline/tally"
)

func loadReference(t *testing.T) (*form.Project, *ingest.Ingested, []tally.Result) {
	t.Helper()
	p, in, rows, err := ingest.Analyse(data.FS)
	if err != nil {
		t.Fatal(err)
	}
	return p, in, rows
}

// TestReproducesPublished compares our pct with every figure printed in the
// 2020 report (published.csv).
func TestReproducesPublished(t *testing.T) {
	_, _, rows := loadReference(t)
	pct := map[[3]string]int64{}
	for _, r := range rows {
		pct[[3]string{r.Question, r.Answer, r.Scope}] = r.Pct
	}
	f, err := data.FS.Open("published.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header, checked := recs[0], 0
	for _, rec := range recs[1:] {
		for c := 2; c < len(rec); c++ {
			want, err := strconv.ParseInt(rec[c], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			key := [3]string{rec[0], rec[1], header[c]}
			got, ok := pct[key]
			if !ok {
				t.Errorf("%v: no row in results", key)
				continue
			}
			if got != want {
				t.Errorf("%v: pct = %d, published %d", key, got, want)
			}
			checked++
		}
	}
	if checked != 20 {
		t.Errorf("checked %d published figures, want 20", checked)
	}
}

func TestReferenceIngestAccountsForEveryRow(t *testing.T) {
	_, in, rows := loadReference(t)
	if got := in.Responses.Kept; got != 148 {
		t.Errorf("respondents = %d, want 148 (responses.csv has 148 rows)", got)
	}
	if in.Responses.RowsRead != 148 {
		t.Errorf("rows read = %d, want 148", in.Responses.RowsRead)
	}
	if len(in.Responses.Rejects) != 0 {
		t.Errorf("unexpected rejects on the reference data: %+v", in.Responses.Rejects)
	}
	if got := len(in.Attendance); got != 210 {
		t.Errorf("attendance rows = %d, want 210 (participants.csv)", got)
	}
	perMeeting := map[string]int{}
	for _, a := range in.Attendance {
		if a.Role == "participant" {
			perMeeting[a.Meeting]++
		}
	}
	want := map[string]int{"oujda": 38, "safi": 32, "tanger": 29, "ouarzazate": 31, "laayoune": 31}
	for m, n := range want {
		if perMeeting[m] != n {
			t.Errorf("participants at %s = %d, want %d", m, perMeeting[m], n)
		}
	}
	// Every select_one question's pct sums to 100 in every scope with answers.
	sums := map[[2]string]int64{}
	multi := map[string]bool{"q3_etude": true}
	for _, r := range rows {
		if !multi[r.Question] && r.ValidN > 0 {
			sums[[2]string{r.Question, r.Scope}] += r.Pct
		}
	}
	for k, s := range sums {
		if s != 100 {
			t.Errorf("%v: pct sums to %d", k, s)
		}
	}
}
