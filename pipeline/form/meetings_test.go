package form

import (
	"errors"
	"github.com/synthese-project/synthese/pipeline/input"
	"strings"
	"testing"
)

// A meeting that ends before it starts is an input error naming the file,
// the line and the end date's column; a meeting of one day is read.
func TestMeetingDates(t *testing.T) {
	const head = "meeting_id,city_fr,start_date,end_date\n"
	ms, err := ReadMeetings("meetings.csv", strings.NewReader(head+"oujda,Oujda,2020-11-24,2020-11-24\nsafi,Safi,2020-12-01,2020-12-03\n"), input.ReadOptions{})
	if err != nil || len(ms) != 2 || !ms[0].Start.Equal(ms[0].End) || !ms[1].End.After(ms[1].Start) {
		t.Fatalf("one-day and three-day meetings: %v, %v", ms, err)
	}
	_, err = ReadMeetings("meetings.csv", strings.NewReader(head+"oujda,Oujda,2020-11-24,2020-11-26\nsafi,Safi,2020-12-03,2020-12-01\n"), input.ReadOptions{})
	var ie *input.InputError
	if !errors.As(err, &ie) || ie.File != "meetings.csv" || ie.Line != 3 || ie.Column != 4 ||
		!strings.Contains(ie.Msg, "2020-12-01") || !strings.Contains(ie.Msg, "before start_date 2020-12-03") {
		t.Fatalf("a meeting ending before it starts: %v (want meetings.csv, line 3, column 4)", err)
	}
}

// A participant list's row cut short, or holding text past the header's
// last named column, is a field_count reject, not an attendance row.
func TestAttendanceRowsLineUp(t *testing.T) {
	list := "meeting_id,full_name,organisation,org_city,role\n" +
		"m1,Ali CHADMI,Ass. X,Oujda,participant\n" +
		"m1,Karim BENNANI,Association Amal, Safi,Safi,participant\n" +
		"m1,Samira ALAOUI\n" +
		"m1,Nadia TAZI,Coop Argan,Essaouira,participant,,\n"
	rows, rejects, err := ReadAttendance("p.csv", strings.NewReader(list), []Meeting{{ID: "m1"}}, input.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Name != "Ali CHADMI" || rows[1].Name != "Nadia TAZI" {
		t.Errorf("rows %+v: want Ali CHADMI and Nadia TAZI", rows)
	}
	if len(rejects) != 2 || rejects[0].Code != input.RejectFieldCount || rejects[0].Line != 3 || rejects[0].Value != "participant" ||
		rejects[1].Code != input.RejectFieldCount || rejects[1].Line != 4 {
		t.Errorf("rejects %+v: want field_count on lines 3 and 4", rejects)
	}
}
