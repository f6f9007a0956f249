package reports

import (
	"fmt"
	"strings"
	"testing"

	"github.com/synthese-project/synthese/internal/fonts"
)

// TestCountsColumnFits: a question's counts' column is wide enough for the
// widest count in bold at the cells' size (millions at a national scale:
// they were shrunk to the smallest size and still cut over two lines),
// whatever the number of answers; the columns fill the grid.
func TestCountsColumnFits(t *testing.T) {
	for answers := 1; answers <= 9; answers++ {
		for _, n := range []int64{7, 148, 99_999, 1_460_007, 9_590_186, 123_456_789} {
			s := fmt.Sprint(n)
			w := fonts.WidthMM(s, sCellB.fontStyle(), sCellB.size)
			widths := columnWidths(answers, w)
			total := 0
			for _, x := range widths {
				total += x
			}
			if total != gridSize || len(widths) != answers+2 {
				t.Fatalf("%d answers: widths %v", answers, widths)
			}
			if room := contentW*float64(widths[1])/gridSize - 2*cellPad - 0.5; room < w {
				t.Errorf("%d answers, n = %s: %.1f mm of room for %.1f mm", answers, s, room, w)
			}
			if each := widths[len(widths)-1]; each < 3 {
				t.Errorf("%d answers, n = %s: answers %d columns wide", answers, s, each)
			}
		}
	}
}

// TestCutWords: a word too long for its column is cut into pieces that fit,
// a hyphen where the cut falls between letters, at least three letters
// carried over; words that fit, and right-to-left words, are left alone.
func TestCutWords(t *testing.T) {
	st := sCellB
	st.size = minCellSize
	width := contentW*6/gridSize - 2*cellPad
	fits := func(s string) bool { return fonts.WidthMM(s, st.fontStyle(), st.size) <= width-0.5 }
	for _, s := range []string{"Institutionnel", "Coopération internationale", "Porteur de projet",
		"12345678901234567890", "anticonstitutionnellement", "x", "التعاون", "20 %\n[10–37]", "Institutionnel\n[1–9]"} {
		got := cutWords(s, st, width)
		var joined []string
		for _, w := range strings.Fields(got) {
			if !fits(w) && !hasRTL(w) {
				t.Errorf("%q: piece %q does not fit %.1f mm", s, w, width)
			}
			joined = append(joined, w)
		}
		// The pieces of a word, hyphens dropped, give the word back.
		back := strings.ReplaceAll(strings.Join(joined, " "), "- ", "")
		for _, w := range strings.Fields(s) {
			if fits(w) || hasRTL(w) {
				if !strings.Contains(got, w) {
					t.Errorf("%q: word %q that fits was changed: %q", s, w, got)
				}
				continue
			}
			if !strings.Contains(strings.ReplaceAll(back, " ", ""), w) {
				t.Errorf("%q: %q is not %q cut", s, got, w)
			}
			for _, p := range strings.Fields(got) {
				if r := []rune(strings.TrimSuffix(p, "-")); strings.Contains(w, string(r)) && len(r) < 3 && len([]rune(w)) > 5 {
					t.Errorf("%q: piece %q too short", s, p)
				}
			}
		}
	}
	for s, want := range map[string]string{"Institutionnel": "Institution- nel", "20 %\n[10–37]": "20 %\n[10–37]",
		"Institutionnel\n[1–9]": "Institution- nel\n[1–9]"} {
		if got := cutWords(s, st, width); got != want {
			t.Errorf("%q cut as %q, want %q", s, got, want)
		}
	}
}

// fitSpacing tightens contents that run a little past their room just
// enough to fit (as layout.add stacks rows), and leaves alone contents that
// fit, or that would not fit even at the least spacing.
func TestFitSpacing(t *testing.T) {
	rows := make([]tocRow, 38)
	for i := range rows {
		rows[i] = tocRow{lines: 1 + i%5/4, lineH: 5.7} // a title on two lines every fifth entry
	}
	stacked := func(f float64) float64 {
		h := 0.0
		for _, r := range rows {
			h += quantize(float64(r.lines)*r.lineH*f + tocGap)
		}
		return h
	}
	natural := stacked(1)
	if f := fitSpacing(rows, natural, 5.0/6); f != 1 {
		t.Errorf("contents that fit exactly: spacing ×%v, want 1", f)
	}
	room := natural * 0.93
	f := fitSpacing(rows, room, 5.0/6)
	if f >= 1 || f < 5.0/6 {
		t.Fatalf("contents 7%% too tall: spacing ×%v, want within [5/6, 1)", f)
	}
	if h := stacked(f); h > room {
		t.Errorf("tightened ×%v they take %.2f mm of %.2f", f, h, room)
	}
	if h := stacked(f + 0.01); h <= room {
		t.Errorf("tightened ×%v when ×%v fits too: tighter than needed", f, f+0.01)
	}
	if f := fitSpacing(rows, natural*0.6, 5.0/6); f != 1 {
		t.Errorf("contents far too tall for one page: spacing ×%v, want 1 (they go on over pages)", f)
	}
}
