package charts

import (
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// leading is the distance between the baselines of a text's lines, in
// ems: what the layout gives each line of a title or a legend entry.
// gonum/plot's plain handler sets lines one em apart, so that a French
// line's descenders touched the dots and marks of the Arabic line below it.
const leading = 1.35

// entryGap is the extra space between legend entries of several lines,
// in ems: more than between an entry's own lines, so that each label reads
// with its own mark.
const entryGap = 0.6

// follows marks the lines after the first of a text, for Box: gonum/plot
// measures a text's height line by line (ascent and descent) and puts the
// font's line gap between them; a following line is measured with what
// the leading adds to that.
const follows = "\x00"

// leaded is gonum/plot's plain text handler with lines `leading` ems
// apart. A text of one line is measured and drawn exactly as plain's.
type leaded struct{ text.Plain }

var lineHandler = leaded{text.Plain{Fonts: font.DefaultCache}}

// Lines splits a text into lines, marking those after the first.
func (h leaded) Lines(txt string) []string {
	lines := h.Plain.Lines(txt)
	for i := 1; i < len(lines); i++ {
		lines[i] = follows + lines[i]
	}
	return lines
}

// Box measures one line; a following line is taller by what the leading
// adds to the font's own line height.
func (h leaded) Box(line string, fnt font.Font) (width, height, depth vg.Length) {
	rest, following := strings.CutPrefix(line, follows)
	width, height, depth = h.Plain.Box(rest, fnt)
	if following {
		height += h.extra(fnt)
	}
	return width, height, depth
}

// extra is what the leading adds to the font's height (ascent, descent and
// line gap) between two lines.
func (h leaded) extra(fnt font.Font) vg.Length {
	e := h.Extents(fnt)
	return max(0, leading*fnt.Size-e.Height)
}

// Draw draws the text's lines `leading` ems apart, in the box Box measured.
func (h leaded) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	txt = strings.TrimRight(txt, "\n")
	lines := h.Plain.Lines(txt)
	if len(lines) < 2 || sty.Rotation != 0 {
		h.Plain.Draw(c, txt, sty, pt)
		return
	}
	fnt := h.Fonts.Lookup(sty.Font, sty.Font.Size)
	e := fnt.Extents()
	c.SetColor(sty.Color)
	// The last line's baseline is where plain puts a single line's in a
	// box as tall as one line; the others are a step above each other.
	ht := sty.Height(txt)
	step := e.Height + h.extra(sty.Font)
	y := pt.Y + ht*vg.Length(sty.YAlign) - e.Ascent + sty.Font.Size
	for i, line := range lines {
		x := pt.X + vg.Length(sty.XAlign)*fnt.Width(line)
		c.FillString(fnt, vg.Point{X: x, Y: y + vg.Length(len(lines)-1-i)*step}, line)
	}
}

// newLegend is gonum/plot's legend with the charts' line handler.
func newLegend() plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Handler = lineHandler
	return l
}
