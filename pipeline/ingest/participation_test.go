package ingest

import (
	"github.com/synthese-project/synthese/pipeline/people"
	"os"
	"testing"
)

// TestReferenceParticipation: the 2020 lists, as the README of the data
// describes them: 161 participant rows, about 152 distinct participants.
func TestReferenceParticipation(t *testing.T) {
	p, in, _, err := Analyse(os.DirFS("../../data"))
	if err != nil {
		t.Fatal(err)
	}
	orgs, cities, rules, err := people.ParticipantRules(p)
	if err != nil {
		t.Fatal(err)
	}
	persons, _ := people.ResolvePeople(in.Attendance, p.Meetings, rules, orgs, cities)
	counts := people.Participation(persons, in.Attendance, in.Responses.Tally, p.Meetings)
	get := func(scope, measure, category string) people.ParticipationRow {
		for _, r := range counts {
			if r.Scope == scope && r.Measure == measure && r.Category == category {
				return r
			}
		}
		t.Fatalf("no %s/%s/%s", scope, measure, category)
		return people.ParticipationRow{}
	}
	if n := get("all", "list_rows", "participant").Count; n != 161 {
		t.Errorf("participant rows = %d, want 161", n)
	}
	if n := get("all", "participants", "").Count; n < 148 || n > 154 {
		t.Errorf("distinct participants = %d, want near 152", n)
	}
	if n := get("all", "cities", "").Count; n != 22 {
		t.Errorf("cities of origin = %d, want 22", n)
	}
	if r := get("oujda", "response_rate", ""); r.Count != 34 || r.Share < 0.894 || r.Share > 0.895 {
		t.Errorf("Oujda response rate = %+v, want 34/38", r)
	}
	var mix float64
	for _, typ := range people.OrgTypeNames {
		mix += get("safi", "org_type", typ).Share
	}
	if mix < 0.999 || mix > 1.001 {
		t.Errorf("Safi's stakeholder mix sums to %v", mix)
	}
	if n := get("all", "unclassified_orgs", "").Count; n != 0 {
		t.Errorf("%d organisations unclassified by data/org_types.csv", n)
	}
}
