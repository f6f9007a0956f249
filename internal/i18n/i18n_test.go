package i18n

import (
	"fmt"
	"regexp"
	"strings"
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

// TestNumbers: counts are grouped by three from 10,000 (a narrow no-break
// space in French and Arabic, a comma in English), in T's integer arguments
// too; four digits stay together; decimals keep the language's separator.
func TestNumbers(t *testing.T) {
	fr, _ := For("fr")
	en, _ := For("en")
	ar, _ := For("ar")
	for _, c := range []struct {
		c    *Catalog
		n    int64
		want string
	}{
		{fr, 0, "0"}, {fr, 999, "999"}, {fr, 9999, "9999"}, {fr, 10000, "10\u202f000"},
		{fr, 1681231, "1\u202f681\u202f231"}, {fr, -123456, "-123\u202f456"}, {fr, 10000000, "10\u202f000\u202f000"},
		{en, 1681231, "1,681,231"}, {ar, 250000, "250\u202f000"},
	} {
		if got := c.c.Int(c.n); got != c.want {
			t.Errorf("%s: Int(%d) = %q, want %q", c.c.Lang, c.n, got, c.want)
		}
	}
	if got, want := fr.T("n_eq", int64(1681231)), "n = 1\u202f681\u202f231"; got != want {
		t.Errorf("T(n_eq) = %q, want %q", got, want)
	}
	if got, want := en.T("missing_note", 12345, 9876543), "No answer: 12,345 of 9,876,543 respondents."; got != want {
		t.Errorf("T(missing_note) = %q, want %q", got, want)
	}
	args := []any{123456}
	fr.T("n_eq", args...)
	if _, ok := args[0].(int); !ok {
		t.Error("T changed the caller's arguments")
	}
	for _, c := range []struct {
		c      *Catalog
		v      float64
		digits int
		want   string
	}{
		{fr, 335918.84, 1, "335\u202f918,8"}, {fr, 0.039, 3, "0,039"}, {en, 12345.5, 1, "12,345.5"}, {fr, 23.3, 1, "23,3"}, {fr, -0.04, 1, "-0,0"},
	} {
		if got := c.c.Decimal(c.v, c.digits); got != c.want {
			t.Errorf("%s: Decimal(%v, %d) = %q, want %q", c.c.Lang, c.v, c.digits, got, c.want)
		}
	}
}

// TestElision: French writes "de" as "d’" before a vowel sound, in the
// report's own phrases around a name; other languages are untouched.
func TestElision(t *testing.T) {
	fr, err := For("fr")
	if err != nil {
		t.Fatal(err)
	}
	en, err := For("en")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"Oujda":      "Rencontre d’Oujda",
		"Agadir":     "Rencontre d’Agadir",
		"El Jadida":  "Rencontre d’El Jadida",
		"Essaouira":  "Rencontre d’Essaouira",
		"Île-Rousse": "Rencontre d’Île-Rousse",
		"Ypres":      "Rencontre d’Ypres",
		"Ouarzazate": "Rencontre de Ouarzazate",
		"Laâyoune":   "Rencontre de Laâyoune",
		"Yaoundé":    "Rencontre de Yaoundé",
		"Hoceima":    "Rencontre de Hoceima",
		"Tanger":     "Rencontre de Tanger",
		"":           "Rencontre de ",
	} {
		if got := fr.T("meeting_title", name); got != want {
			t.Errorf("fr %q: %q, want %q", name, got, want)
		}
	}
	if got := en.T("meeting_title", "Oujda"); got != "Oujda meeting" {
		t.Errorf("en: %q", got)
	}
	// A number after "de" is not a name; "%%" stays a percent sign.
	for _, c := range []struct{ m, want string }{
		{"taux de %s", "taux de 8 %"},
		{"de %s, 100 %% de %s", "d’Agadir, 100 % d’Agadir"},
		{"code de %s", "code d’Agadir"},
		{"mode %s", "mode Agadir"},
	} {
		arg := "Agadir"
		if c.m == "taux de %s" {
			arg = "8 %"
		}
		args := []any{arg}
		if strings.Count(c.m, "%s") == 2 {
			args = append(args, arg)
		}
		if got := fmt.Sprintf(elide(c.m, args), args...); got != c.want {
			t.Errorf("%q: %q, want %q", c.m, got, c.want)
		}
	}
}
