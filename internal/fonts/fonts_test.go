package fonts

import (
	"math"
	"slices"
	"sync"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The remembered metrics give what the font says, measured again and from
// several goroutines at once: widths (the .notdef advance for a character
// without a glyph, nothing for one the font cannot map) and missing
// characters.
func TestMetricsAreTheFonts(t *testing.T) {
	texts := []string{"Rencontres régionales 2020 : synthèse", "الرباط، الدار البيضاء — 42 %", "Œuvre « ça » ½ ∑ ☃ 🙂 \U0010FFFF", "\t\n", ""}
	for st := range Style(len(faces)) {
		f := Font(st)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, s := range texts {
					WidthMM(s, st, 10)
					Missing(s, st)
				}
			}()
		}
		wg.Wait()
		for _, s := range texts {
			var buf sfnt.Buffer
			var total fixed.Int26_6
			var missing []rune
			for _, r := range s {
				gi, err := f.GlyphIndex(&buf, r)
				if (err != nil || gi == 0) && r != '\n' && r != '\t' {
					missing = append(missing, r)
				}
				if err != nil {
					continue
				}
				adv, err := f.GlyphAdvance(&buf, gi, fixed.I(int(f.UnitsPerEm())), font.HintingNone)
				if err == nil {
					total += adv
				}
			}
			want := float64(total) / 64 / float64(f.UnitsPerEm()) * 10 * 25.4 / 72
			if got := WidthMM(s, st, 10); math.Abs(got-want) > 1e-12 {
				t.Errorf("style %d, %q: width %v mm, the font says %v", st, s, got, want)
			}
			if got := Missing(s, st); !slices.Equal(got, missing) {
				t.Errorf("style %d, %q: missing %q, the font says %q", st, s, got, missing)
			}
		}
	}
	if len(Missing("🙂", StyleRegular)) != 1 || WidthMM("a", StyleRegular, 10) <= 0 {
		t.Fatal("the test texts do not reach a missing glyph or a width")
	}
}
