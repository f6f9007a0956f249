package i18n

import (
	"regexp"
	"testing"

	"github.com/synthese-project/synthese/internal/fonts"
	"github.com/synthese-project/synthese/internal/rtl"
)

// Every key exists in every catalog, with the same format verbs, and every
// message can be drawn with the embedded font.
func TestCatalogsComplete(t *testing.T) {
	langs := Languages()
	if len(langs) < 3 {
		t.Fatalf("catalogs = %v, want fr, ar and en", langs)
	}
	verbs := regexp.MustCompile(`%(\[\d\])?[dsvf]`)
	ref, err := For("fr")
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]bool{}
	for _, l := range langs {
		c, _ := For(l)
		for _, k := range c.Keys() {
			all[k] = true
		}
	}
	for _, l := range langs {
		c, err := For(l)
		if err != nil {
			t.Fatal(err)
		}
		for k := range all {
			m, ok := c.messages[k]
			if !ok || m == "" {
				t.Errorf("%s: missing key %q", l, k)
				continue
			}
			if got, want := len(verbs.FindAllString(m, -1)), len(verbs.FindAllString(ref.messages[k], -1)); got != want {
				t.Errorf("%s: %q has %d format verbs, fr has %d", l, k, got, want)
			}
			face := fonts.StyleRegular
			if l == "ar" {
				face = fonts.StyleArabic // the Arabic part is set in Amiri
			}
			if miss := fonts.Missing(rtl.Shape(m), face); len(miss) > 0 {
				t.Errorf("%s: %q uses characters the font lacks: %q", l, k, string(miss))
			}
		}
	}
}
