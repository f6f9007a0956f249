package input

import (
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
		once := Fold(s)
		if twice := Fold(once); twice != once {
			t.Fatalf("Fold not idempotent: %q -> %q -> %q", s, once, twice)
		}
		if strings.Contains(once, "  ") || strings.TrimSpace(once) != once {
			t.Fatalf("Fold(%q) = %q keeps extra spaces", s, once)
		}
	})
}
