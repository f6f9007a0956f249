package rtl

import (
	"bytes"
	"fmt"
	"sort"
	"testing"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"

	"github.com/synthese-project/synthese/internal/fonts"
)

// oneFace resolves every rune to the same face.
type oneFace struct{ f *font.Face }

func (o oneFace) ResolveFace(rune) *font.Face { return o.f }

// mixedSentences mix Arabic with Latin words, digits, percentages and brackets.
var mixedSentences = []string{
	"الابتكار الاجتماعي",
	"لا إلى الأمام",
	"شارك 38 مشاركا في لقاء Oujda سنة 2020",
	"نسبة الموافقة 94% في ورزازات (n = 31)",
	"مؤسسة Fondation OCP Casablanca شريك في اللقاء الجهوي للابتكار الاجتماعي بجهة الشرق",
	"هل تعتقدون أن المنظومة تتوفر على ما يكفي من الموارد البيداغوجية حول مختلف القضايا المرتبطة بالابتكار الاجتماعي؟",
	"فترة الثقة 95% (Wilson) بين 7 و 35 بالمائة، أي [7–35] حسب اللقاء Tanger-Tétouan-Al Hoceïma",
	"Rencontres Régionales de l’Innovation Sociale 2020 اللقاءات الجهوية",
}

// harfbuzzLines shapes and wraps s with go-text (bidi segmentation, HarfBuzz
// shaping, UAX#14 wrapping, visual run order) and returns, per line, its
// logical rune range and its glyph ids in visual order, spaces left out.
func harfbuzzLines(t *testing.T, face *font.Face, s string, maxWidth int) ([][2]int, [][]font.GID) {
	t.Helper()
	text := []rune(s)
	in := shaping.Input{
		Text: text, RunStart: 0, RunEnd: len(text),
		Direction: di.DirectionRTL, Face: face, Size: fixed.I(16),
		Script: language.Arabic, Language: language.NewLanguage("ar"),
	}
	var seg shaping.Segmenter
	inputs := seg.Split(in, oneFace{face})
	var shaper shaping.HarfbuzzShaper
	outs := make([]shaping.Output, len(inputs))
	for i, inp := range inputs {
		outs[i] = shaper.Shape(inp)
	}
	var wrapper shaping.LineWrapper
	lines, _ := wrapper.WrapParagraph(shaping.WrapConfig{Direction: di.DirectionRTL}, maxWidth, text, shaping.NewSliceIterator(outs))
	space, _ := face.NominalGlyph(' ')
	var ranges [][2]int
	var glyphs [][]font.GID
	for _, line := range lines {
		runs := append(shaping.Line(nil), line...)
		sort.Slice(runs, func(a, b int) bool { return runs[a].VisualIndex < runs[b].VisualIndex })
		lo, hi := len(text), 0
		var ids []font.GID
		for _, run := range runs {
			lo = min(lo, run.Runes.Offset)
			hi = max(hi, run.Runes.Offset+run.Runes.Count)
			for _, g := range run.Glyphs {
				if g.GlyphID != space {
					ids = append(ids, g.GlyphID)
				}
			}
		}
		ranges = append(ranges, [2]int{lo, hi})
		glyphs = append(glyphs, ids)
	}
	return ranges, glyphs
}

func ourGlyphs(face *font.Face, s string) []font.GID {
	var ids []font.GID
	for _, r := range s {
		if r == ' ' {
			continue
		}
		g, _ := face.NominalGlyph(r)
		ids = append(ids, g)
	}
	return ids
}

// TestAgainstHarfBuzz compares our shaping and reordering, glyph for glyph,
// with go-text's HarfBuzz port, on one line and wrapped over several lines.
func TestAgainstHarfBuzz(t *testing.T) {
	face, err := font.ParseTTF(bytes.NewReader(fonts.Regular))
	if err != nil {
		t.Fatal(err)
	}
	for _, width := range []int{100000, 260, 160} {
		for _, s := range mixedSentences {
			t.Run(fmt.Sprintf("w%d/%s", width, s), func(t *testing.T) {
				ranges, want := harfbuzzLines(t, face, s, width)
				if width == 160 && len([]rune(s)) > 40 && len(ranges) < 2 {
					t.Fatalf("expected the oracle to wrap %q, got one line", s)
				}
				for i, rg := range ranges {
					got := ourGlyphs(face, VisualRange(s, RTL, rg[0], rg[1]))
					if fmt.Sprint(got) != fmt.Sprint(want[i]) {
						t.Errorf("line %d %q:\n ours      %v\n harfbuzz  %v", i, string([]rune(s)[rg[0]:rg[1]]), got, want[i])
					}
				}
			})
		}
	}
}
