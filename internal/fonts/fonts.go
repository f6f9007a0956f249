// Package fonts embeds the typefaces used by the charts and the PDF, so that
// output never depends on the fonts installed on the machine, and measures
// text the way the renderers will draw it.
//
// DejaVu Sans covers Latin, Arabic and the Arabic Presentation Forms that
// package rtl substitutes; it is the charts' face and the report's for
// Latin-script languages. Amiri, a typeface made for Arabic (Naskh) that
// also covers Latin, sets the report's Arabic part. Their licences are in
// LICENSES/ (DejaVu's also ships with github.com/go-fonts/dejavu).
package fonts

import (
	_ "embed"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Family is the name under which DejaVu is registered with renderers;
// ArabicFamily is Amiri's.
const (
	Family       = "dejavu"
	ArabicFamily = "amiri"
)

// Regular and Bold are DejaVu Sans; ArabicRegular and ArabicBold are Amiri.
var (
	Regular = dejavusans.TTF
	Bold    = dejavusansbold.TTF
	//go:embed amiri/Amiri-Regular.ttf
	ArabicRegular []byte
	//go:embed amiri/Amiri-Bold.ttf
	ArabicBold []byte
)

// Style selects a face.
type Style uint8

const (
	StyleRegular Style = iota
	StyleBold
	StyleArabic
	StyleArabicBold
)

// Face returns the style of a family ("dejavu" or "amiri") and weight.
func Face(family string, bold bool) Style {
	switch {
	case family == ArabicFamily && bold:
		return StyleArabicBold
	case family == ArabicFamily:
		return StyleArabic
	case bold:
		return StyleBold
	}
	return StyleRegular
}

type parsed struct {
	once sync.Once
	font *sfnt.Font
	err  error
	data []byte
}

var faces = [...]*parsed{StyleRegular: {data: Regular}, StyleBold: {data: Bold},
	StyleArabic: {data: ArabicRegular}, StyleArabicBold: {data: ArabicBold}}

func (p *parsed) get() (*sfnt.Font, error) {
	p.once.Do(func() { p.font, p.err = sfnt.Parse(p.data) })
	return p.font, p.err
}

// Font returns the parsed face for a style.
func Font(st Style) *sfnt.Font {
	f, err := faces[st].get()
	if err != nil { // the embedded fonts are known good: a failure is a build defect
		panic(fmt.Sprintf("fonts: embedded font does not parse: %v", err))
	}
	return f
}

// WidthMM returns the advance width in millimetres of s set at size points,
// without kerning (gofpdf does not kern either).
func WidthMM(s string, st Style, size float64) float64 {
	var total fixed.Int26_6
	for _, r := range s {
		adv, _ := glyph(st, r)
		total += adv
	}
	upem := float64(Font(st).UnitsPerEm())
	units := float64(total) / 64
	return units / upem * size * 25.4 / 72
}

// Missing returns the runes of s that the face has no glyph for.
func Missing(s string, st Style) []rune {
	var out []rune
	for _, r := range s {
		if r == '\n' || r == '\t' {
			continue
		}
		if _, ok := glyph(st, r); !ok {
			out = append(out, r)
		}
	}
	return out
}

// metrics remembers, per face and character below U+10000, its advance in
// font units and whether the face has a glyph for it: the layout measures
// the same few hundred characters hundreds of thousands of times.
var metrics [len(faces)][1 << 16]atomic.Int32

// glyph returns r's advance in font units (26.6; nothing when the face
// cannot map r) and whether the face has a glyph for it.
func glyph(st Style, r rune) (fixed.Int26_6, bool) {
	var slot *atomic.Int32
	if r >= 0 && r < 1<<16 {
		slot = &metrics[st][r]
		// Stored as advance<<1 | has glyph, plus one (zero: not known yet).
		if v := slot.Load(); v != 0 {
			v--
			return fixed.Int26_6(v >> 1), v&1 == 1
		}
	}
	f := Font(st)
	var buf sfnt.Buffer
	var adv fixed.Int26_6
	gi, err := f.GlyphIndex(&buf, r)
	if err == nil {
		// The advance of glyph 0 (.notdef) when r has none, as gofpdf sets it.
		if a, err := f.GlyphAdvance(&buf, gi, fixed.I(int(f.UnitsPerEm())), font.HintingNone); err == nil {
			adv = a
		}
	}
	ok := err == nil && gi != 0
	if slot != nil {
		v := int32(adv) << 1
		if ok {
			v |= 1
		}
		slot.Store(v + 1)
	}
	return adv, ok
}
