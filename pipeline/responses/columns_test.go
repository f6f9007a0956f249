package responses_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/responses"
)

// The columns real exports add are read as what they are: pandas's index
// ("Unnamed: 0"), Kobo's geopoint parts in a group (grp/gps/_gps_latitude),
// ODK Central's DeviceID beside the form's own deviceid question: none is
// an unknown column, none an error.
func TestExportsOwnColumns(t *testing.T) {
	const survey = "type,name,label\nselect_one ville,ville,Ville\ndeviceid,deviceid,\nbegin_group,grp,G\ngeopoint,gps,GPS\nselect_one oui_non,q1,Q1\nend_group,,\n"
	const choices = "list_name,name,label\nville,a,A\noui_non,oui,Oui\noui_non,non,Non\n"
	q, err := form.ReadQuestionnaire("survey.csv", strings.NewReader(survey), "choices.csv", strings.NewReader(choices), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	const export = "Unnamed: 0,ville,deviceid,grp-gps-Latitude,grp/gps/_gps_latitude,grp/gps/_gps_longitude,grp/q1,DeviceID,SubmissionDate\n" +
		"0,a,dev1,33.1,33.1,-6.8,oui,dev1,2024-01-01\n1,a,dev2,33.2,33.2,-6.9,non,dev2,2024-01-02\n"
	var r responses.Responses
	if err := responses.ReadResponses(q, "r.csv", strings.NewReader(export), &r, form.ResponseOptions{MeetingQuestion: "ville"}); err != nil {
		t.Fatal(err)
	}
	if len(r.Respondents) != 2 {
		t.Fatalf("%d respondents kept, want 2", len(r.Respondents))
	}
	// Metadata: the form's deviceid question, Central's DeviceID and
	// SubmissionDate, Kobo's two geopoint parts.
	want := map[string]int{responses.ColumnUnnamed: 1, responses.ColumnCounted: 2, responses.ColumnMetadata: 5, responses.ColumnUnknown: 1}
	if !reflect.DeepEqual(r.Columns, want) {
		t.Errorf("columns %v, want %v (grp-gps-Latitude, not a Kobo column, is the one unknown)", r.Columns, want)
	}
}

// A labels export of a form whose labels hold markup or ${} references
// (as written in the form) is matched: headers and values by the label as
// written, as well as by the plain label the report shows.
func TestLabelsAsWritten(t *testing.T) {
	const survey = "type,name,label\nselect_one ville,ville,Ville\nselect_one oui_non,q1,**Êtes-vous** membre de ${ville} ?\n"
	const choices = "list_name,name,label\nville,a,A\noui_non,oui,*Oui*\noui_non,non,<span>Non</span>\n"
	q, err := form.ReadQuestionnaire("survey.csv", strings.NewReader(survey), "choices.csv", strings.NewReader(choices), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	const export = "Ville,**Êtes-vous** membre de ${ville} ?\nA,*Oui*\nA,<span>Non</span>\nA,Oui\n"
	var r responses.Responses
	if err := responses.ReadResponses(q, "r.csv", strings.NewReader(export), &r, form.ResponseOptions{MeetingQuestion: "ville"}); err != nil {
		t.Fatal(err)
	}
	if len(r.Rejects) != 0 || len(r.Respondents) != 3 {
		t.Fatalf("rejects %+v, %d respondents; want none and 3", r.Rejects, len(r.Respondents))
	}
	for i, want := range []string{"oui", "non", "oui"} {
		if got := r.Respondents[i].Answers["q1"]; len(got) != 1 || got[0] != want {
			t.Errorf("row %d: q1 = %v, want %s", i+1, got, want)
		}
	}
}

// Two questions of one label in a labels export: the columns headed by it
// are read in the form's order, and a note says so (it was an error).
func TestSharedLabelsByPosition(t *testing.T) {
	const survey = "type,name,label\nselect_one ville,ville,Ville\nselect_one oui_non,avant,Satisfait ?\nselect_one oui_non,apres,Satisfait ?\n"
	const choices = "list_name,name,label\nville,a,A\noui_non,oui,Oui\noui_non,non,Non\n"
	q, err := form.ReadQuestionnaire("survey.csv", strings.NewReader(survey), "choices.csv", strings.NewReader(choices), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var r responses.Responses
	if err := responses.ReadResponses(q, "r.csv", strings.NewReader("Ville,Satisfait ?,Satisfait ?\nA,Oui,Non\n"), &r, form.ResponseOptions{MeetingQuestion: "ville"}); err != nil {
		t.Fatal(err)
	}
	got := r.Respondents[0].Answers
	if a, b := got["avant"], got["apres"]; len(a) != 1 || a[0] != "oui" || len(b) != 1 || b[0] != "non" {
		t.Errorf("answers %v: want avant oui, apres non", got)
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), "label of several questions") {
		t.Errorf("notes %q: want one on the shared label", r.Notes)
	}
}
