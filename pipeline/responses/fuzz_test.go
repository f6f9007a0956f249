package responses

import (
	"strings"
	"testing"

	"github.com/synthese-project/synthese/pipeline/form"
)

// FuzzSplitMultiple: splitting a select_multiple cell never panics and only
// returns known choice names, each once.
func FuzzSplitMultiple(f *testing.F) {
	choices := []form.Choice{
		{Name: "leviers", Label: form.Text{"fr": "Découvrir les leviers, vite", "ar": "اكتشاف رافعات"}},
		{Name: "etat", Label: form.Text{"fr": "Découvrir l’état", "en": "State"}},
		{Name: "autre", Label: form.Text{"fr": "Autre"}},
	}
	m := NewMatcher(choices, "fr")
	for _, s := range []string{"Découvrir les leviers, vite, Découvrir l’état", "leviers etat", "autre;State", ",,;", "inconnu, etat"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		names, _ := m.many(s)
		seen := map[string]bool{}
		for _, n := range names {
			if _, ok := m.order[n]; !ok || seen[n] {
				t.Fatalf("many(%q) = %v: unknown or repeated name", s, names)
			}
			seen[n] = true
		}
	})
}

func TestSplitMultipleKeepsCommasInLabels(t *testing.T) {
	m := NewMatcher([]form.Choice{
		{Name: "leviers", Label: form.Text{"fr": "Découvrir les leviers, vite"}},
		{Name: "etat", Label: form.Text{"fr": "Découvrir l’état"}},
	}, "fr")
	names, unknown := m.many("Découvrir l'état, DECOUVRIR LES LEVIERS, VITE, n'importe quoi")
	if strings.Join(names, " ") != "leviers etat" {
		t.Errorf("names = %v, want [leviers etat] in list order", names)
	}
	if len(unknown) != 1 || unknown[0] != "n'importe quoi" {
		t.Errorf("unknown = %q, want [\"n'importe quoi\"]", unknown)
	}
}
