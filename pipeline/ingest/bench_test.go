package ingest

import (
	"bytes"
	"fmt"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/responses"
	"github.com/synthese-project/synthese/pipeline/tally"
	"math/rand/v2"
	"strings"
	"testing"
)

// syntheticResponses is a Google-Forms-like export of n respondents for the
// shapes form (labels, joined multiple choices).
func syntheticResponses(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.WriteString("Horodateur,Ville de la rencontre,L'innovation sociale est-elle un levier ?,Qu'avez-vous découvert ?,Les pouvoirs publics ont un rôle leader\n")
	cities := []string{"Oujda", "Laâyoune"}
	yes := []string{"Oui", "Non", " OUI ", "NSP"}
	multi := []string{"\"Les leviers, pour accélérer, L’état des lieux\"", "Les principes", ""}
	agree := []string{"En accord", "En désaccord"}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "24/11/2020 10:%02d:%02d,%s,%s,%s,%s\n", i/60%60, i%60, cities[rng.IntN(2)], yes[rng.IntN(4)], multi[rng.IntN(3)], agree[rng.IntN(2)])
	}
	return b.Bytes()
}

func benchForm(b *testing.B) *form.Questionnaire {
	b.Helper()
	q, err := form.ReadQuestionnaire("survey.csv", strings.NewReader(surveyShapes), "choices.csv", strings.NewReader(choicesShapes), "", nil)
	if err != nil {
		b.Fatal(err)
	}
	return q
}

const surveyShapes = `type,name,label::Français (fr),label::العربية (ar)
start,start,Horodateur,الطابع الزمني
select_one ville,ville,Ville de la rencontre,مدينة اللقاء
select_one oui_non,q1,L’innovation sociale est-elle un levier ?,هل الابتكار الاجتماعي رافعة؟
select_multiple etude,q2,Qu’avez-vous découvert ?,ماذا اكتشفتم؟
select_one accord,q3,Les pouvoirs publics ont un rôle leader,للسلطات العمومية دور ريادي
`

const choicesShapes = `list_name,name,label::Français (fr),label::العربية (ar)
ville,oujda,Oujda,وجدة
ville,laayoune,Laâyoune,العيون
oui_non,oui,Oui,نعم
oui_non,non,Non,لا
etude,leviers,"Les leviers, pour accélérer",الرافعات
etude,etat,L’état des lieux,الواقع
etude,principes,Les principes,المبادئ
accord,accord,En accord,موافق
accord,desaccord,En désaccord,غير موافق
`

// BenchmarkReadResponses: ingest of a 10,000-row export (matching headers
// and values by label, splitting multiple choices, duplicate detection).
func BenchmarkReadResponses(b *testing.B) {
	q := benchForm(b)
	data := syntheticResponses(10000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var r responses.Responses
		if err := responses.ReadResponses(q, "r.csv", bytes.NewReader(data), &r, form.ResponseOptions{MeetingQuestion: "ville"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAggregate: results for 100,000 respondents.
func BenchmarkAggregate(b *testing.B) {
	q := benchForm(b)
	var r responses.Responses
	if err := responses.ReadResponses(q, "r.csv", bytes.NewReader(syntheticResponses(100000)), &r, form.ResponseOptions{MeetingQuestion: "ville"}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tally.Aggregate(q, "ville", r.Respondents, 5); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTestIndependence: tests for 10,000 respondents, one question
// simulated (2,000 tables).
func BenchmarkTestIndependence(b *testing.B) {
	q := benchForm(b)
	var r responses.Responses
	if err := responses.ReadResponses(q, "r.csv", bytes.NewReader(syntheticResponses(10000)), &r, form.ResponseOptions{MeetingQuestion: "ville"}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		tally.TestIndependence(q, "ville", r.Respondents)
	}
}
