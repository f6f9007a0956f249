package rtl

import (
	"strings"
	"unicode"

	"github.com/go-text/typesetting/bidi"
)

// Direction is a paragraph's base direction.
type Direction uint8

const (
	// Auto takes the direction of the first strong character (UAX #9 P2, P3).
	Auto Direction = iota
	// LTR is a left-to-right paragraph (French, English).
	LTR
	// RTL is a right-to-left paragraph (Arabic).
	RTL
)

// Measure returns the drawn width of a string in the caller's unit.
type Measure func(s string) float64

// paragraph is a text prepared for line breaking: its logical runes, their
// shaped forms and their resolved embedding levels.
type paragraph struct {
	text   []rune
	shaped []rune
	levels []bidi.Level
	base   bidi.Level
}

func newParagraph(s string, dir Direction) paragraph {
	text := []rune(s)
	p := paragraph{text: text, shaped: shape(text), levels: make([]bidi.Level, len(text))}
	var d bidi.Direction
	switch dir {
	case LTR:
		d = bidi.LeftToRight
	case RTL:
		d = bidi.RightToLeft
	default:
		d = bidi.Neutral
	}
	if len(text) == 0 {
		return p
	}
	var bp bidi.Paragraph
	runs := bp.Segment(text, d)
	for i := 0; i < runs.NumRuns(); i++ {
		run := runs.Run(i)
		for j := run.Start; j < run.End; j++ {
			p.levels[j] = run.Level
		}
	}
	switch dir {
	case LTR:
		p.base = 0
	case RTL:
		p.base = 1
	default:
		p.base = firstStrongLevel(text)
	}
	return p
}

// firstStrongLevel is the paragraph level of rule P2/P3: 1 when the first
// strong character is right to left.
func firstStrongLevel(text []rune) bidi.Level {
	for _, r := range text {
		switch {
		case unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko):
			if unicode.IsLetter(r) {
				return 1
			}
		case unicode.IsLetter(r):
			return 0
		}
	}
	return 0
}

// visual returns the runes in [start, end) reordered for display, shaped,
// with ligature placeholders dropped and mirrored brackets in RTL runs.
func (p paragraph) visual(start, end int) string {
	n := end - start
	if n <= 0 {
		return ""
	}
	levels := make([]bidi.Level, n)
	copy(levels, p.levels[start:end])
	// L1: whitespace at the end of the line takes the paragraph level.
	for i := n - 1; i >= 0 && unicode.IsSpace(p.text[start+i]); i-- {
		levels[i] = p.base
	}
	order := make([]int, n)
	var highest, lowestOdd bidi.Level = 0, 125
	for i := range order {
		order[i] = start + i
		if levels[i] > highest {
			highest = levels[i]
		}
		if levels[i]%2 == 1 && levels[i] < lowestOdd {
			lowestOdd = levels[i]
		}
	}
	// L2: from the highest level down to the lowest odd level, reverse every
	// maximal run at that level or higher.
	for lvl := highest; lvl >= lowestOdd && lvl > 0; lvl-- {
		for i := 0; i < n; {
			if levels[i] < lvl {
				i++
				continue
			}
			j := i
			for j < n && levels[j] >= lvl {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				order[a], order[b] = order[b], order[a]
				levels[a], levels[b] = levels[b], levels[a]
			}
			i = j
		}
	}
	var b strings.Builder
	for _, k := range order {
		r := p.shaped[k]
		if r == removed {
			continue
		}
		if p.levels[k]%2 == 1 { // L4: mirrored glyphs in right-to-left runs
			r = mirror(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

var mirrors = map[rune]rune{
	'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<',
	'«': '»', '»': '«', '‹': '›', '›': '‹',
}

func mirror(r rune) rune {
	if m, ok := mirrors[r]; ok {
		return m
	}
	return r
}

// Visual returns one line of text shaped and in visual order.
func Visual(s string, dir Direction) string {
	p := newParagraph(s, dir)
	return p.visual(0, len(p.text))
}

// Layout breaks s into lines no wider than width (as measured on the shaped
// text) and returns each line shaped and in visual order. Lines break at
// spaces, in logical order; a word wider than the line is cut between
// characters. Explicit newlines start a new paragraph.
func Layout(s string, dir Direction, width float64, measure Measure) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		p := newParagraph(para, dir)
		for _, ln := range p.breakLines(width, measure) {
			out = append(out, p.visual(ln[0], ln[1]))
		}
	}
	return out
}

// VisualRange returns the logical rune range [start, end) of paragraph s as
// one displayed line, with the levels resolved on the whole paragraph.
func VisualRange(s string, dir Direction, start, end int) string {
	p := newParagraph(s, dir)
	return p.visual(start, end)
}

// shapedWidth measures the shaped runes of [start, end).
func (p paragraph) shapedWidth(start, end int, measure Measure) float64 {
	var b strings.Builder
	for _, r := range p.shaped[start:end] {
		if r != removed {
			b.WriteRune(r)
		}
	}
	return measure(b.String())
}

// breakLines breaks the paragraph greedily at spaces.
func (p paragraph) breakLines(width float64, measure Measure) [][2]int {
	n := len(p.text)
	if n == 0 {
		return [][2]int{{0, 0}}
	}
	var lines [][2]int
	start := 0
	for start < n {
		for start < n && p.text[start] == ' ' {
			start++
		}
		if start >= n {
			break
		}
		end := start // end of the last word that fits
		i := start
		for i < n {
			// next word: [i, j)
			j := i
			for j < n && p.text[j] != ' ' {
				j++
			}
			if p.shapedWidth(start, j, measure) > width {
				break
			}
			end = j
			for j < n && p.text[j] == ' ' {
				j++
			}
			i = j
		}
		if end == start { // a single word wider than the line: cut it
			end = start + 1
			for end < n && p.text[end] != ' ' && p.shapedWidth(start, end+1, measure) <= width {
				end++
			}
		}
		lines = append(lines, [2]int{start, end})
		start = end
	}
	if len(lines) == 0 {
		lines = append(lines, [2]int{0, 0})
	}
	return lines
}
