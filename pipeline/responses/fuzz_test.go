package responses

import (
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/input"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzFold: folding never panics, is idempotent, and leaves no double or
// edge spaces.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"  LAÂYOUNE ", "Laâyoune", "العيون", "En désaccord", "l’état", "a\u00a0 b", "ـعـ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		once := input.Fold(s)
		if twice := input.Fold(once); twice != once {
			t.Fatalf("Fold not idempotent: %q -> %q -> %q", s, once, twice)
		}
		if strings.Contains(once, "  ") || strings.TrimSpace(once) != once {
			t.Fatalf("Fold(%q) = %q keeps extra spaces", s, once)
		}
	})
}

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
