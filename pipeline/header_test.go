package pipeline

import (
	"strings"
	"testing"
)

// A header with many separators is resolved in parts once each (every
// way to split it, tried without remembering, took 13 s for 700 bytes):
// the question at the end of a long group path is found, and the parts
// tried stay within the square of its separators.
func TestHeaderWithManySeparators(t *testing.T) {
	p, err := LoadProject(fuzzProject([]byte("ville\n")))
	if err != nil {
		t.Fatal(err)
	}
	matchers := map[string]*matcher{}
	for _, qu := range p.Questionnaire.Questions {
		if qu.Closed() {
			matchers[qu.Name] = newMatcher(p.Questionnaire.Choices(qu), p.Questionnaire.DefaultLanguage)
		}
	}
	r := newHeaderResolver(p.Questionnaire, DefaultGroupSeparators, matchers)
	seps := 0
	h := strings.Repeat("24/11/2020 10:05:00-x.y/", 12)
	for _, sep := range DefaultGroupSeparators {
		seps += strings.Count(h, sep)
	}
	qu, choice, ok := r.resolve(h + "Ville de la rencontre")
	if !ok || qu.Name != "ville" || choice != "" {
		t.Fatalf("%v %q %v", qu.Name, choice, ok)
	}
	if _, _, ok := r.resolve(h + "nothing"); ok {
		t.Fatal("a header of no question resolved")
	}
	if len(r.memo) > (seps+2)*(seps+2) {
		t.Fatalf("%d parts tried for %d separators", len(r.memo), seps)
	}
}
