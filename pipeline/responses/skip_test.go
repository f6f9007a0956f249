package responses_test

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/responses"
	"github.com/synthese-project/synthese/pipeline/store"
	"github.com/synthese-project/synthese/pipeline/tally"
)

// skipSurvey has two levels of relevance: the group asso is asked of members
// only, and within it q_besoins of those aged 30 or more; q_avis reads a
// question of the group; q_date's expression is one ODK alone evaluates.
const skipSurvey = `type,name,label,relevant
select_one ville,ville,Ville,
select_one oui_non,membre,Membre d'une association ?,
integer,age,Âge,
begin_group,asso,Association,${membre} = 'oui'
select_one oui_non,q_fin,Financement ?,
select_multiple besoins,q_besoins,Besoins,${age} >= 30
end_group,,,
select_one oui_non,q_avis,Avis,"selected(${q_besoins}, 'formation') or ${membre} = 'non'"
select_one oui_non,q_date,Date,today() > 0
select_one oui_non,q_all,Toujours,
`

const skipChoices = `list_name,name,label
ville,a,A
ville,b,B
oui_non,oui,Oui
oui_non,non,Non
besoins,formation,Formation
besoins,finance,Finance
besoins,reseau,Réseau
`

// skipExport: line 3 answers q_avis though not asked (a member under 30:
// no q_besoins); line 5 answers the group though not a member; line 7's
// NSP is a non-answer to a question asked.
const skipExport = `ville,membre,age,asso/q_fin,asso/q_besoins,q_avis,q_date,q_all
a,oui,35,oui,formation finance,oui,oui,oui
a,oui,25,non,,non,non,non
a,non,40,,,oui,,oui
b,non,50,oui,reseau,,,non
b,,,,,,,
b,oui,,NSP,,,oui,
b,oui,30,oui,reseau formation,non,,oui
`

func skipProject(t *testing.T) (*form.Questionnaire, *responses.Responses) {
	t.Helper()
	q, err := form.ReadQuestionnaire("survey.csv", strings.NewReader(skipSurvey), "choices.csv", strings.NewReader(skipChoices), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var r responses.Responses
	if err := responses.ReadResponses(q, "r.csv", strings.NewReader(skipExport), &r, form.ResponseOptions{MeetingQuestion: "ville"}); err != nil {
		t.Fatal(err)
	}
	return q, &r
}

// expectedNotAsked evaluates the skip logic of skipSurvey on a row of
// skipExport by hand, without the relevance package: which questions the
// respondent was not asked.
func expectedNotAsked(row map[string]string) map[string]bool {
	no := map[string]bool{}
	inAsso := row["membre"] == "oui"
	age, err := strconv.ParseFloat(row["age"], 64)
	old := err == nil && age >= 30
	if !inAsso {
		no["q_fin"], no["q_besoins"] = true, true
	}
	if !inAsso || !old {
		no["q_besoins"] = true
	}
	besoins := row["asso/q_besoins"]
	if no["q_besoins"] {
		besoins = "" // not asked: read as unanswered
	}
	if !slices.Contains(strings.Fields(besoins), "formation") && row["membre"] != "non" {
		no["q_avis"] = true
	}
	return no
}

// TestSkipLogicNotAsked: a question whose relevance (its own and its
// group's) is false for a respondent is counted in not_asked_n, neither
// valid nor missing; not_asked_n per question and meeting is the one
// computed by hand; valid_n + missing_n + not_asked_n is the scope's
// respondents in every row.
func TestSkipLogicNotAsked(t *testing.T) {
	q, r := skipProject(t)
	if len(r.Respondents) != 7 {
		t.Fatalf("kept %d respondents, want 7", len(r.Respondents))
	}
	// Expected counts, from the export and the hand evaluation.
	lines := strings.Split(strings.TrimSpace(skipExport), "\n")
	header := strings.Split(lines[0], ",")
	questions := []string{"q_fin", "q_besoins", "q_avis", "q_date", "q_all"}
	type key struct{ scope, question string }
	wantNotAsked, wantValid, total := map[key]int64{}, map[key]int64{}, map[string]int64{}
	for _, l := range lines[1:] {
		row := map[string]string{}
		for i, v := range strings.Split(l, ",") {
			row[header[i]] = v
		}
		no := expectedNotAsked(row)
		for _, scope := range []string{row["ville"], tally.AllScope} {
			total[scope]++
			for _, qn := range questions {
				col := qn
				if qn == "q_fin" || qn == "q_besoins" {
					col = "asso/" + qn
				}
				switch v := row[col]; {
				case no[qn]:
					wantNotAsked[key{scope, qn}]++
				case v != "" && v != "NSP":
					wantValid[key{scope, qn}]++
				}
			}
		}
	}
	results, err := tally.Aggregate(q, "ville", r.Respondents, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[key]bool{}
	for _, res := range results {
		if res.ValidN+res.MissingN+res.NotAskedN != total[res.Scope] {
			t.Errorf("%s %s %s: valid %d + missing %d + not asked %d != %d respondents", res.Scope, res.Question, res.Answer,
				res.ValidN, res.MissingN, res.NotAskedN, total[res.Scope])
		}
		k := key{res.Scope, res.Question}
		if !slices.Contains(questions, res.Question) {
			continue
		}
		seen[k] = true
		if res.NotAskedN != wantNotAsked[k] || res.ValidN != wantValid[k] {
			t.Errorf("%s %s: not asked %d, valid %d; want %d, %d", res.Scope, res.Question, res.NotAskedN, res.ValidN, wantNotAsked[k], wantValid[k])
		}
	}
	if len(seen) != 3*len(questions) {
		t.Errorf("%d question × scope rows checked, want %d", len(seen), 3*len(questions))
	}
	weighted, err := tally.Aggregate(q, "ville", r.Respondents, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range weighted {
		if res.Weighted && (res.NotAskedN != wantNotAsked[key{res.Scope, res.Question}] || res.ValidN+res.MissingN+res.NotAskedN != total[res.Scope]) {
			t.Errorf("weighted %s %s: valid %d, missing %d, not asked %d", res.Question, res.Answer, res.ValidN, res.MissingN, res.NotAskedN)
		}
	}
	// Worth checking by eye: q_besoins was asked of 2 respondents of 7.
	if n := wantNotAsked[key{tally.AllScope, "q_besoins"}]; n != 5 {
		t.Errorf("hand evaluation: q_besoins not asked of %d, want 5", n)
	}
	if r.ExplicitMissing != 1 {
		t.Errorf("explicit non-answers %d, want 1 (line 7's NSP, asked)", r.ExplicitMissing)
	}
	if got := r.Respondents[4].NotAsked; !slices.Equal(got, []string{"q_avis", "q_besoins", "q_fin"}) {
		t.Errorf("line 6 not asked %v", got)
	}
}

// TestSkipLogicRejectsAnswerNotAsked: a valid answer to a question not
// relevant for the respondent is a not_relevant reject, and not counted.
func TestSkipLogicRejectsAnswerNotAsked(t *testing.T) {
	_, r := skipProject(t)
	var got []string
	for _, rj := range r.Rejects {
		if rj.Code == input.RejectNotRelevant {
			got = append(got, rj.Column+"@"+strconv.Itoa(rj.Line)+"="+rj.Value)
			if !strings.Contains(rj.Reason, "not asked") || !strings.Contains(rj.Reason, "${membre}") {
				t.Errorf("reason %q does not name the condition", rj.Reason)
			}
		}
	}
	slices.Sort(got)
	want := []string{"asso/q_besoins@5=reseau", "asso/q_fin@5=oui", "q_avis@3=non"}
	if !slices.Equal(got, want) {
		t.Errorf("not_relevant rejects %v, want %v", got, want)
	}
	for _, resp := range r.Respondents {
		for _, name := range resp.NotAsked {
			if _, ok := resp.Answers[name]; ok {
				t.Errorf("line %d: %s not asked but counted", resp.Line, name)
			}
		}
	}
}

// TestSkipLogicNotUnderstood: an expression Parse refuses leaves its
// question counted without skip logic, and a note names the form row and
// the part not understood.
func TestSkipLogicNotUnderstood(t *testing.T) {
	q, r := skipProject(t)
	var note string
	for _, n := range r.Notes {
		if strings.Contains(n, "q_date") {
			note = n
		}
	}
	if !strings.Contains(note, "survey row 10") || !strings.Contains(note, "`today(") || !strings.Contains(note, "counted without skip logic") {
		t.Errorf("note %q", note)
	}
	results, err := tally.Aggregate(q, "ville", r.Respondents, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range results {
		if res.Question == "q_date" && (res.NotAskedN != 0 || res.Scope == tally.AllScope && res.ValidN != 3) {
			t.Errorf("q_date %s: valid %d, not asked %d; want 3 valid in all, none not asked", res.Scope, res.ValidN, res.NotAskedN)
		}
	}
	// A second file: the note is given once.
	if err := responses.ReadResponses(q, "r2.csv", strings.NewReader(skipExport), r, form.ResponseOptions{MeetingQuestion: "ville"}); err != nil {
		t.Fatal(err)
	}
	notes := 0
	for _, n := range r.Notes {
		if strings.Contains(n, "q_date") {
			notes++
		}
	}
	if notes != 1 {
		t.Errorf("%d notes on q_date for two files, want 1", notes)
	}
}

// TestSkipLogicSurvivesResponsesParquet: not asked is written to
// responses.parquet ("", not null) and read back, by the re-tally and by
// the reader of respondents, so the aggregate stage alone counts the same.
func TestSkipLogicSurvivesResponsesParquet(t *testing.T) {
	q, r := skipProject(t)
	want, err := tally.Aggregate(q, "ville", r.Respondents, 0)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := store.WriteResponses(&buf, q, "ville", r.Respondents); err != nil {
		t.Fatal(err)
	}
	rd := bytes.NewReader(buf.Bytes())
	tl, err := store.TallyResponsesParquet(rd, int64(buf.Len()), q, "ville", false)
	if err != nil {
		t.Fatal(err)
	}
	back, err := store.ReadResponsesParquet(rd, int64(buf.Len()), q, "ville")
	if err != nil {
		t.Fatal(err)
	}
	again, err := tally.Aggregate(q, "ville", back, 0)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]tally.Result{"TallyResponsesParquet": tl.Results("ville", 0), "ReadResponsesParquet": again} {
		if !slices.Equal(got, want) {
			t.Errorf("%s: results differ from the reader's", name)
		}
	}
	for i, resp := range back {
		if !slices.Equal(resp.NotAsked, r.Respondents[i].NotAsked) {
			t.Errorf("respondent %d: not asked %v read back as %v", i+1, r.Respondents[i].NotAsked, resp.NotAsked)
		}
	}
}

// A condition on a question the export has no column for (a consent
// question left out of an anonymised export) is not evaluated as
// "unanswered" (every respondent would be not asked): its question is
// counted without skip logic, and noted.
func TestSkipLogicOnAColumnTheExportLacks(t *testing.T) {
	q, err := form.ReadQuestionnaire("survey.csv", strings.NewReader(skipSurvey), "choices.csv", strings.NewReader(skipChoices), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	// The export without the membre column: asso's questions depend on it.
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(skipExport), "\n") {
		f := strings.Split(l, ",")
		lines = append(lines, strings.Join(append(f[:1:1], f[2:]...), ","))
	}
	var r responses.Responses
	if err := responses.ReadResponses(q, "r.csv", strings.NewReader(strings.Join(lines, "\n")+"\n"), &r, form.ResponseOptions{MeetingQuestion: "ville"}); err != nil {
		t.Fatal(err)
	}
	for _, rj := range r.Rejects {
		if rj.Code == input.RejectNotRelevant && rj.Column == "asso/q_fin" {
			t.Errorf("q_fin's answer rejected as not asked on line %d, though membre is not in the export", rj.Line)
		}
	}
	note := strings.Join(r.Notes, "\n")
	if !strings.Contains(note, "refers to membre") || !strings.Contains(note, "q_fin") {
		t.Errorf("notes %q: want one saying q_fin's relevant refers to membre, which r.csv lacks", note)
	}
}
