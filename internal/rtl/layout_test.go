package rtl

import (
	"strings"
	"testing"

	"github.com/synthese-project/synthese/internal/fonts"
)

func measure(s string) float64 { return fonts.WidthMM(s, fonts.StyleRegular, 10) }

func TestLayoutFitsAndKeepsEveryWord(t *testing.T) {
	for _, s := range mixedSentences {
		for _, width := range []float64{25, 40, 80} {
			lines := Layout(s, RTL, width, measure)
			letters := 0
			for _, ln := range lines {
				if w := measure(ln); w > width+1e-9 && len(strings.Fields(ln)) > 1 {
					t.Errorf("%q at %.0f mm: line %q is %.1f mm wide", s, width, ln, w)
				}
				letters += len([]rune(strings.ReplaceAll(ln, " ", "")))
			}
			// Shaping only merges lam-alef pairs; nothing else may be lost.
			want := len([]rune(strings.ReplaceAll(Shape(s), " ", "")))
			if letters != want {
				t.Errorf("%q at %.0f mm: %d characters laid out, want %d", s, width, letters, want)
			}
		}
	}
}

func TestLatinParagraphUnchanged(t *testing.T) {
	s := "Part des réponses (n = 31) à Laâyoune, 2020"
	if got := Visual(s, LTR); got != s {
		t.Errorf("Visual(%q) = %q", s, got)
	}
	lines := Layout(s, LTR, 30, measure)
	if strings.Join(lines, " ") != s {
		t.Errorf("Layout broke the text: %q", lines)
	}
}

func TestRTLOrderAndMirroring(t *testing.T) {
	// Logical: alef-lam-ain (Arabic), then "(n = 5)". In an RTL paragraph the
	// parenthesised Latin group is displayed at the left, brackets mirrored.
	got := Visual("عدد (n = 5)", RTL)
	if !strings.HasPrefix(got, "(n = 5) ") {
		t.Errorf("Visual = %q, want the Latin group first, brackets in reading order", got)
	}
	// The Arabic word is reversed: ain (initial) rightmost, then dal (final);
	// the last dal cannot join (dal never joins forward) and stays isolated.
	if r := []rune(got); string(r[len(r)-3:]) != "\u062F\uFEAA\uFECB" {
		t.Errorf("Visual = %q (%U): want isolated dal, final dal, initial ain", got, []rune(got))
	}
	// Auto takes the direction of the first strong character; the final
	// period goes to the paragraph's end: the left in right-to-left text.
	if got := Visual("مرحبا Oujda.", Auto); !strings.HasPrefix(got, ".") {
		t.Errorf("Visual(Auto) = %q: an Arabic-first paragraph should be right to left", got)
	}
	if got := Visual("Oujda مرحبا.", Auto); !strings.HasSuffix(got, ".") {
		t.Errorf("Visual(Auto) = %q: a Latin-first paragraph should be left to right", got)
	}
}

func TestShapeLamAlef(t *testing.T) {
	// lam + alef isolated -> U+FEFB; after a joining letter -> U+FEFC.
	if got := Shape("لا"); got != "\uFEFB" {
		t.Errorf("Shape(lam alef) = %U", []rune(got))
	}
	if got := []rune(Shape("علا")); len(got) != 2 || got[1] != 0xFEFC || got[0] != 0xFECB {
		t.Errorf("Shape(ain lam alef) = %U", got)
	}
}

func TestShapeKeepsMarksInsideLamAlef(t *testing.T) {
	// lam, shadda, alef: the ligature forms across the mark, which is kept.
	got := []rune(Shape("دالّا"))
	for _, r := range got {
		if r == 0 || r == removed {
			t.Fatalf("Shape lost a character: %U", got)
		}
	}
	if len(got) != 4 || got[2] != 0xFEFB || got[3] != 0x0651 {
		t.Errorf("Shape = %U, want dal, alef, isolated lam-alef (alef never joins forward), shadda", got)
	}
}
