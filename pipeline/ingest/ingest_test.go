package ingest

import (
	"bytes"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/responses"
	"github.com/synthese-project/synthese/pipeline/store"
	"github.com/synthese-project/synthese/pipeline/tally"
	"strings"
	"testing"
)

const surveyCSV = `type,name,label::Français (fr),label::العربية (ar),label::English (en)
start,start,Horodateur,الطابع الزمني,Timestamp
select_one ville,ville,Ville de la rencontre,مدينة اللقاء,Meeting city
select_one oui_non,q1,Êtes-vous d’accord ?,هل توافق؟,Do you agree?
select_multiple etude,q2,Qu’avez-vous découvert ?,ماذا اكتشفتم؟,What did you discover?
text,commentaire,Commentaire,تعليق,Comment
`

const choicesCSV = `list_name,name,label::Francais (fr),label::Arabic (ar),label::English (en)
oui_non,oui,Oui,نعم,Yes
oui_non,non,Non,لا,No
ville,oujda,Oujda,وجدة,Oujda
ville,laayoune,Laâyoune,العيون,Laayoune
etude,leviers,"Les leviers, vite",الرافعات,Levers
etude,etat,L’état,الواقع,State
`

func testQuestionnaire(t *testing.T) *form.Questionnaire {
	t.Helper()
	q, err := form.ReadQuestionnaire("survey.csv", strings.NewReader(surveyCSV), "choices.csv", strings.NewReader(choicesCSV), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestQuestionnaireLanguagesByCode(t *testing.T) {
	q := testQuestionnaire(t)
	if got := strings.Join(q.Languages, ","); got != "fr,ar,en" {
		t.Errorf("languages = %s, want fr,ar,en (in column order)", got)
	}
	if q.DefaultLanguage != "fr" {
		t.Errorf("default language = %q, want the first one, fr", q.DefaultLanguage)
	}
	// choices.csv names its languages differently ("Francais", "Arabic"): the code decides.
	if got := q.ChoiceLabel(form.Question{List: "ville"}, "laayoune", "ar"); got != "العيون" {
		t.Errorf("Arabic label of laayoune = %q", got)
	}
	qu, _ := q.Question("q2")
	if qu.Type != form.SelectMultiple || qu.List != "etude" {
		t.Errorf("q2 = %+v", qu)
	}
}

// Headers in any language or by name; values by name or label in any
// language after folding; unknown values rejected with a suggestion.
func TestReadResponsesMatchesLabelsAndRejects(t *testing.T) {
	q := testQuestionnaire(t)
	csv := "\uFEFFTimestamp;مدينة اللقاء;q1;What did you discover?;Commentaire;Colonne inconnue\r\n" +
		"2020-11-24;  LAÂYOUNE ;نعم;\"Les leviers, vite; State\";ok;x\r\n" +
		"2020-11-24;oujda;Yes;etat leviers;;\r\n" +
		"2020-11-24;Oujda; non ;Les leviers, vite, inconnu;;\r\n" +
		"2020-11-24;Oujda;peut-être;;\"multi\nligne\";\r\n" +
		"2020-11-24;Casablanca;oui;;;\r\n"
	var got responses.Responses
	if err := responses.ReadResponses(q, "r.csv", strings.NewReader(csv), &got, form.ResponseOptions{MeetingQuestion: "ville"}); err != nil {
		t.Fatal(err)
	}
	if got.RowsRead != 5 || len(got.Respondents) != 4 {
		t.Fatalf("read %d rows, kept %d respondents; want 5 and 4", got.RowsRead, len(got.Respondents))
	}
	want := []struct {
		line    int
		meeting string
		q1, q2  string
	}{
		{2, "laayoune", "oui", "leviers etat"},
		{3, "oujda", "oui", "leviers etat"},
		{4, "oujda", "non", "leviers"},
		{5, "oujda", "", ""},
	}
	for i, w := range want {
		r := got.Respondents[i]
		if r.Line != w.line || r.Meeting != w.meeting || strings.Join(r.Answers["q1"], " ") != w.q1 || strings.Join(r.Answers["q2"], " ") != w.q2 {
			t.Errorf("respondent %d = line %d %s q1=%v q2=%v; want %+v", i+1, r.Line, r.Meeting, r.Answers["q1"], r.Answers["q2"], w)
		}
	}
	reasons := map[string]input.Reject{}
	for _, rj := range got.Rejects {
		reasons[rj.Value] = rj
	}
	for value, want := range map[string]struct {
		line   int
		column string
		reason string
	}{
		"Colonne inconnue": {1, "Colonne inconnue", "matches no question"},
		"inconnu":          {4, "What did you discover?", "closest is"},
		"peut-être":        {5, "q1", `closest is "Oui"`}, // its row spans lines 5-6
		"Casablanca":       {7, "مدينة اللقاء", "no valid meeting"},
	} {
		rj, ok := reasons[value]
		if !ok {
			t.Errorf("no reject for %q; rejects: %+v", value, got.Rejects)
			continue
		}
		if rj.Line != want.line || rj.Column != want.column || !strings.Contains(rj.Reason, want.reason) {
			t.Errorf("reject %q = %+v; want line %d column %q reason containing %q", value, rj, want.line, want.column, want.reason)
		}
	}
	if len(got.Rejects) != 4 {
		t.Errorf("%d rejects, want 4: %+v", len(got.Rejects), got.Rejects)
	}
}

func TestReadResponsesNeedsTheMeetingColumn(t *testing.T) {
	q := testQuestionnaire(t)
	err := responses.ReadResponses(q, "r.csv", strings.NewReader("q1\noui\n"), &responses.Responses{}, form.ResponseOptions{MeetingQuestion: "ville"})
	if !input.IsInputError(err) || !strings.Contains(err.Error(), "r.csv:1") || !strings.Contains(err.Error(), "مدينة اللقاء") {
		t.Errorf("err = %v; want an InputError at r.csv:1 listing the accepted headers", err)
	}
}

func TestQuestionnaireErrors(t *testing.T) {
	cases := map[string]struct{ survey, choices, want string }{
		"no type column":  {"name,label\nq1,Q\n", choicesCSV, `survey.csv:1: missing required column "type"`},
		"list undefined":  {"type,name,label\nselect_one nope,q1,Q\n", choicesCSV, `choice list "nope"`},
		"select w/o list": {"type,name,label\nselect_one,q1,Q\n", choicesCSV, "survey.csv:2:1"},
		"bad quote":       {"type,name,label\ntext,\"q1,Q\n", choicesCSV, "survey.csv:2:"},
	}
	for name, c := range cases {
		_, err := form.ReadQuestionnaire("survey.csv", strings.NewReader(c.survey), "choices.csv", strings.NewReader(c.choices), "", nil)
		if !input.IsInputError(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want an InputError containing %q", name, err, c.want)
		}
	}
}

func TestParquetRoundTrips(t *testing.T) {
	q := testQuestionnaire(t)
	respondents := []form.Respondent{
		{ID: 1, File: "a.csv", Line: 2, Meeting: "oujda", Answers: map[string][]string{"ville": {"oujda"}, "q1": {"oui"}, "q2": {"leviers", "etat"}}},
		{ID: 2, File: "a.csv", Line: 3, Meeting: "laayoune", Answers: map[string][]string{"ville": {"laayoune"}}},
	}
	var buf bytes.Buffer
	if err := store.WriteResponses(&buf, q, "ville", respondents); err != nil {
		t.Fatal(err)
	}
	back, err := store.ReadResponsesParquet(bytes.NewReader(buf.Bytes()), int64(buf.Len()), q, "ville")
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 2 {
		t.Fatalf("read back %d respondents", len(back))
	}
	for i := range respondents {
		a, b := respondents[i], back[i]
		if a.ID != b.ID || a.File != b.File || a.Line != b.Line || a.Meeting != b.Meeting || len(a.Answers) != len(b.Answers) {
			t.Errorf("respondent %d: wrote %+v, read %+v", i, a, b)
		}
		for k, v := range a.Answers {
			if strings.Join(v, " ") != strings.Join(b.Answers[k], " ") {
				t.Errorf("respondent %d %s: wrote %v, read %v", i, k, v, b.Answers[k])
			}
		}
	}
	rows, err := tally.Aggregate(q, "ville", respondents, 5)
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := store.WriteResults(&buf, rows); err != nil {
		t.Fatal(err)
	}
	rb, err := store.ReadResults(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(rb) != len(rows) {
		t.Fatalf("results: wrote %d rows, read %d", len(rows), len(rb))
	}
	for i := range rows {
		if rows[i] != rb[i] {
			t.Errorf("row %d: wrote %+v, read %+v", i, rows[i], rb[i])
		}
	}
}

// Small worked case for Aggregate: counts, missing, multiple choice, small cells.
func TestAggregateWorkedCase(t *testing.T) {
	q := testQuestionnaire(t)
	var rs []form.Respondent
	add := func(meeting string, q1 string, q2 ...string) {
		a := map[string][]string{"ville": {meeting}}
		if q1 != "" {
			a["q1"] = []string{q1}
		}
		if len(q2) > 0 {
			a["q2"] = q2
		}
		rs = append(rs, form.Respondent{ID: len(rs) + 1, Meeting: meeting, Answers: a})
	}
	add("oujda", "oui", "leviers", "etat")
	add("oujda", "oui", "etat")
	add("oujda", "non")
	add("oujda", "")
	add("laayoune", "non", "leviers")
	rows, err := tally.Aggregate(q, "ville", rs, 3)
	if err != nil {
		t.Fatal(err)
	}
	find := func(scope, question, answer string) tally.Result {
		for _, r := range rows {
			if r.Scope == scope && r.Question == question && r.Answer == answer {
				return r
			}
		}
		t.Fatalf("no row %s/%s/%s", scope, question, answer)
		return tally.Result{}
	}
	r := find("oujda", "q1", "oui")
	if r.Count != 2 || r.ValidN != 3 || r.MissingN != 1 || r.Pct != 67 || r.Small {
		t.Errorf("oujda q1 oui = %+v", r)
	}
	if r := find("oujda", "q1", "non"); r.Pct != 33 {
		t.Errorf("oujda q1 non pct = %d, want 33 (67 + 33 = 100)", r.Pct)
	}
	if r := find("laayoune", "q1", "non"); !r.Small || r.ValidN != 1 {
		t.Errorf("laayoune q1 = %+v, want small with valid_n 1", r)
	}
	// select_multiple: 2 of the 4 oujda respondents chose something; both chose etat.
	if r := find("oujda", "q2", "etat"); r.ValidN != 2 || r.MissingN != 2 || r.Count != 2 || r.Pct != 100 {
		t.Errorf("oujda q2 etat = %+v", r)
	}
	if r := find("all", "q2", "leviers"); r.ValidN != 3 || r.Count != 2 || r.Pct != 67 {
		t.Errorf("all q2 leviers = %+v", r)
	}
	if r := find("all", "ville", "oujda"); r.Count != 4 || r.ValidN != 5 {
		t.Errorf("all ville oujda = %+v", r)
	}
	for _, r := range rows {
		if r.Question == "ville" && r.Scope != "all" {
			t.Errorf("meeting question counted in scope %s", r.Scope)
		}
	}
}

func TestPlainLabelIsTheDefaultLanguage(t *testing.T) {
	q, err := form.ReadQuestionnaire("survey.csv", strings.NewReader("type,name,label\nselect_one yn,q1,Question\n"),
		"choices.csv", strings.NewReader("list_name,name,label\nyn,y,Yes\nyn,n,No\n"), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	qu, _ := q.Question("q1")
	if q.DefaultLanguage != "und" || qu.Label.In("fr", q.DefaultLanguage) != "Question" || q.ChoiceLabel(qu, "y", "ar") != "Yes" {
		t.Errorf("default %q, label %v, choice %q", q.DefaultLanguage, qu.Label, q.ChoiceLabel(qu, "y", "ar"))
	}
}
