package people

import (
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/tally"
	"sort"
)

// ParticipationRow is one row of participation.parquet: a count (and, for
// stakeholder mix and response rate, a share) of one measure in one scope.
//
// Measures: "list_rows" by role (rows of the lists), "people" (distinct
// people, any role), "participants" (distinct people with the role
// participant), "repeat_people" (people at two meetings or more, scope all),
// "cities" (distinct cities of origin of the people), "org_type" by type
// (distinct people; share of the scope's people), "unclassified_orgs"
// (distinct organisations no rule classified, scope all), "respondents",
// and "response_rate" (respondents over participant rows; share).
type ParticipationRow struct {
	Scope    string  `parquet:"scope,dict"`
	Measure  string  `parquet:"measure,dict"`
	Category string  `parquet:"category,dict"`
	Count    int64   `parquet:"count"`
	Share    float64 `parquet:"share"`
}

// Participation counts who came, per meeting and overall.
func Participation(people []Person, rows []form.Attendance, respondents *tally.Tally, meetings []form.Meeting) []ParticipationRow {
	var out []ParticipationRow
	scopes := make([]string, 0, len(meetings)+1)
	for _, m := range meetings {
		scopes = append(scopes, m.ID)
	}
	scopes = append(scopes, tally.AllScope)
	in := func(scope string, p Person) bool {
		if scope == tally.AllScope {
			return true
		}
		for _, m := range p.Meetings {
			if m == scope {
				return true
			}
		}
		return false
	}
	participantRole := func(scope string, p Person) bool {
		for _, ri := range p.Rows {
			if rows[ri].Role == "participant" && (scope == tally.AllScope || rows[ri].Meeting == scope) {
				return true
			}
		}
		return false
	}
	roles := map[string]bool{}
	for _, a := range rows {
		roles[a.Role] = true
	}
	roleNames := make([]string, 0, len(roles))
	for r := range roles {
		roleNames = append(roleNames, r)
	}
	sort.Strings(roleNames)
	for _, scope := range scopes {
		listRows := map[string]int64{}
		for _, a := range rows {
			if scope == tally.AllScope || a.Meeting == scope {
				listRows[a.Role]++
			}
		}
		for _, r := range roleNames {
			out = append(out, ParticipationRow{Scope: scope, Measure: "list_rows", Category: r, Count: listRows[r]})
		}
		var nPeople, nParticipants int64
		cities := map[string]bool{}
		types := map[string]int64{}
		for _, p := range people {
			if !in(scope, p) {
				continue
			}
			nPeople++
			if participantRole(scope, p) {
				nParticipants++
			}
			if p.City != "" {
				cities[p.City] = true
			}
			types[p.OrgType]++
		}
		out = append(out,
			ParticipationRow{Scope: scope, Measure: "people", Count: nPeople},
			ParticipationRow{Scope: scope, Measure: "participants", Count: nParticipants},
			ParticipationRow{Scope: scope, Measure: "cities", Count: int64(len(cities))})
		for _, t := range OrgTypeNames {
			share := 0.0
			if nPeople > 0 {
				share = float64(types[t]) / float64(nPeople)
			}
			out = append(out, ParticipationRow{Scope: scope, Measure: "org_type", Category: t, Count: types[t], Share: share})
		}
		resp := respondents.Kept()
		if scope != tally.AllScope {
			resp = 0
			if m := respondents.MeetingIndex(scope); m >= 0 {
				resp = respondents.Respondents[m]
			}
		}
		rate := 0.0
		if listRows["participant"] > 0 {
			rate = float64(resp) / float64(listRows["participant"])
		}
		out = append(out, ParticipationRow{Scope: scope, Measure: "respondents", Count: resp},
			ParticipationRow{Scope: scope, Measure: "response_rate", Count: resp, Share: rate})
		if scope == tally.AllScope {
			var repeat int64
			unclassified := map[string]bool{}
			for _, p := range people {
				if len(p.Meetings) > 1 {
					repeat++
				}
				if p.OrgType == "unclassified" {
					unclassified[input.Fold(p.Organisation)] = true
				}
			}
			out = append(out, ParticipationRow{Scope: scope, Measure: "repeat_people", Count: repeat},
				ParticipationRow{Scope: scope, Measure: "unclassified_orgs", Count: int64(len(unclassified))})
		}
	}
	return out
}
