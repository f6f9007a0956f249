package ingest

import (
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/responses"
	"strings"
	"testing"
)

// A header with many separators is resolved in parts once each (every
// way to split it, tried without remembering, took 13 s for 700 bytes):
// the question at the end of a long group path is found, and the parts
// tried stay within the square of its separators.
func TestHeaderWithManySeparators(t *testing.T) {
	p, err := form.LoadProject(fuzzProject([]byte("ville\n")))
	if err != nil {
		t.Fatal(err)
	}
	matchers := map[string]*responses.Matcher{}
	for _, qu := range p.Questionnaire.Questions {
		if qu.Closed() {
			matchers[qu.Name] = responses.NewMatcher(p.Questionnaire.Choices(qu), p.Questionnaire.DefaultLanguage)
		}
	}
	r := responses.NewHeaderResolver(p.Questionnaire, form.DefaultGroupSeparators, matchers)
	seps := 0
	h := strings.Repeat("24/11/2020 10:05:00-x.y/", 12)
	for _, sep := range form.DefaultGroupSeparators {
		seps += strings.Count(h, sep)
	}
	qu, choice, ok := r.Resolve(h + "Ville de la rencontre")
	if !ok || qu.Name != "ville" || choice != "" {
		t.Fatalf("%v %q %v", qu.Name, choice, ok)
	}
	if _, _, ok := r.Resolve(h + "nothing"); ok {
		t.Fatal("a header of no question resolved")
	}
	if len(r.Memo) > (seps+2)*(seps+2) {
		t.Fatalf("%d parts tried for %d separators", len(r.Memo), seps)
	}
}
