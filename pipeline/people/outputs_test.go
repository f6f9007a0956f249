package people_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/people"
	"github.com/synthese-project/synthese/pipeline/store"
)

// Contact details in a list never reach an output: the attendance and
// participants tables and merges.csv (written by store) carry none.
func TestContactDetailsNeverWritten(t *testing.T) {
	list := "meeting_id,full_name,organisation,org_city,role,email,phone\nm1,Ali CHADMI,Ass. X,Oujda,participant,ali@example.org,+212 600 000 000\n"
	rows, _, err := form.ReadAttendance("p.csv", strings.NewReader(list), people.TestMeetings, input.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	persons, merges := people.PeopleCount(t, rows, nil)
	var a, p, m bytes.Buffer
	if err := store.WriteAttendance(&a, rows); err != nil {
		t.Fatal(err)
	}
	if err := store.WritePeople(&p, persons); err != nil {
		t.Fatal(err)
	}
	store.WriteMerges(&m, merges)
	for _, b := range [][]byte{a.Bytes(), p.Bytes(), m.Bytes()} {
		if bytes.Contains(b, []byte("example.org")) || bytes.Contains(b, []byte("600 000")) {
			t.Error("an e-mail or phone number reached an output")
		}
	}
}
