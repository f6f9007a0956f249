package store

import (
	"bytes"
	"testing"

	"github.com/synthese-project/synthese/pipeline/people"
)

// TestWriteMergesNeutralises: a spelling from a participant list that a
// spreadsheet would run is written with a quote in front; the score, a
// plain number, as it is.
func TestWriteMergesNeutralises(t *testing.T) {
	var b bytes.Buffer
	err := WriteMerges(&b, []people.MergeRecord{
		{PersonID: "P1", Canonical: "Ali BENANI", Variant: `=HYPERLINK("http://x","y")`, MatchedWith: "@Ali BENANI", Score: 0.9, Evidence: "+cmd", Forced: true},
		{PersonID: "P2", Canonical: "-Sara ALAOUI", Variant: "\tSara ALAOUI", MatchedWith: "Sara ALAOUI", Score: 1, Evidence: "same city"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `person_id,canonical_name,variant,matched_with,score,evidence,forced
P1,Ali BENANI,"'=HYPERLINK(""http://x"",""y"")",'@Ali BENANI,0.900,'+cmd,true
P2,'-Sara ALAOUI,'	Sara ALAOUI,Sara ALAOUI,1.000,same city,false
`
	if b.String() != want {
		t.Errorf("merges.csv:\n%s\nwant\n%s", b.String(), want)
	}
}
