package ingest

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/store"
	"github.com/synthese-project/synthese/pipeline/tally"
)

// plainResponse is a row of responses.parquet as another tool might write
// it: no dictionaries.
type plainResponse struct {
	Respondent int64   `parquet:"respondent,plain"`
	SourceFile string  `parquet:"source_file,plain"`
	SourceLine int64   `parquet:"source_line,plain"`
	Meeting    string  `parquet:"meeting,plain"`
	Weight     float64 `parquet:"weight,plain"`
	Q1         *string `parquet:"q1,optional,plain"`
	Q2         *string `parquet:"q2,optional,plain"`
}

// TestTallyResponsesParquet: responses.parquet counted on its own (the
// aggregate stage) gives the counts of the respondents it was written
// from, whether its columns are dictionary-encoded (as synthese writes
// them: indexes read, each dictionary entry looked up once) or plain
// (each row's text looked up), in row groups of any size, weighted or not.
func TestTallyResponsesParquet(t *testing.T) {
	q := testQuestionnaire(t)
	rng := rand.New(rand.NewPCG(7, 9))
	meetings := []string{"oujda", "laayoune"}
	q1 := []string{"", "oui", "non"}
	q2 := []string{"", "leviers", "etat", "leviers etat", "etat leviers"}
	var rs []form.Respondent
	for i := range 150_000 {
		r := form.Respondent{ID: i + 1, File: "r.csv", Line: i + 2, Meeting: meetings[rng.IntN(2)], Weight: float64(1+rng.IntN(8)) / 4,
			Answers: map[string][]string{}}
		r.Answers["ville"] = []string{r.Meeting}
		if a := q1[rng.IntN(len(q1))]; a != "" {
			r.Answers["q1"] = []string{a}
		}
		if a := q2[rng.IntN(len(q2))]; a != "" {
			r.Answers["q2"] = strings.Fields(a)
		}
		rs = append(rs, r)
	}
	for _, weighted := range []bool{false, true} {
		want, err := tally.TallyRespondents(q, "ville", rs, weighted)
		if err != nil {
			t.Fatal(err)
		}
		var dict bytes.Buffer
		if err := store.WriteResponses(&dict, q, "ville", rs); err != nil {
			t.Fatal(err)
		}
		var plain bytes.Buffer
		pw := parquet.NewGenericWriter[plainResponse](&plain, parquet.MaxRowsPerRowGroup(40_000), parquet.PageBufferSize(16<<10))
		for _, r := range rs {
			row := plainResponse{Respondent: int64(r.ID), SourceFile: r.File, SourceLine: int64(r.Line), Meeting: r.Meeting, Weight: r.Weight}
			if a := r.Answers["q1"]; len(a) > 0 {
				row.Q1 = &a[0]
			}
			if a := r.Answers["q2"]; len(a) > 0 {
				s := strings.Join(a, " ")
				row.Q2 = &s
			}
			if _, err := pw.Write([]plainResponse{row}); err != nil {
				t.Fatal(err)
			}
		}
		if err := pw.Close(); err != nil {
			t.Fatal(err)
		}
		for name, b := range map[string][]byte{"dictionary": dict.Bytes(), "plain": plain.Bytes()} {
			got, err := store.TallyResponsesParquet(bytes.NewReader(b), int64(len(b)), q, "ville", weighted)
			if err != nil {
				t.Fatalf("%s, weighted %v: %v", name, weighted, err)
			}
			if !reflect.DeepEqual(got.Results("ville", 5), want.Results("ville", 5)) {
				t.Errorf("%s, weighted %v: results differ from the respondents'", name, weighted)
			}
			if !reflect.DeepEqual(got.Respondents, want.Respondents) {
				t.Errorf("%s, weighted %v: respondents %v, want %v", name, weighted, got.Respondents, want.Respondents)
			}
		}
	}
}

// TestTallyResponsesParquetRefuses: a text that is not a choice is an
// error, in a dictionary or a plain column.
func TestTallyResponsesParquetRefuses(t *testing.T) {
	q := testQuestionnaire(t)
	rs := []form.Respondent{{ID: 1, File: "r.csv", Line: 2, Meeting: "oujda", Weight: 1, Answers: map[string][]string{"ville": {"oujda"}, "q1": {"peut-être"}}}}
	var dict bytes.Buffer
	if err := store.WriteResponses(&dict, q, "ville", rs); err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	bad := "peut-être"
	pw := parquet.NewGenericWriter[plainResponse](&plain)
	if _, err := pw.Write([]plainResponse{{Respondent: 1, SourceFile: "r.csv", SourceLine: 2, Meeting: "oujda", Weight: 1, Q1: &bad}}); err != nil {
		t.Fatal(err)
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"dictionary": dict.Bytes(), "plain": plain.Bytes()} {
		_, err := store.TallyResponsesParquet(bytes.NewReader(b), int64(len(b)), q, "ville", false)
		if err == nil || !strings.Contains(err.Error(), `"peut-être" is not a choice of "q1"`) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
