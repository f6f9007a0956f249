package reports

import (
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/page"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"

	"github.com/synthese-project/synthese/internal/fonts"
	"github.com/synthese-project/synthese/internal/rtl"
)

// Page geometry, in millimetres (A4 portrait).
const (
	pageW        = 210.0
	pageH        = 297.0
	marginX      = 18.0
	marginTop    = 12.0
	marginBottom = 16.0
	contentW     = pageW - 2*marginX
	gridSize     = 60 // maroto columns per row: fine enough for tables
	ptToMM       = 25.4 / 72
	lineSpacing  = 1.38 // line height as a multiple of the font size
)

// style is a text style of the type scale.
type style struct {
	size  float64 // points
	bold  bool
	color *props.Color
	space float64 // space before, mm

	family   string  // "" is DejaVu Sans
	spacing  float64 // line height over size; 0 is lineSpacing
	adjusted bool    // already adapted to the layout's language (layout.st)
}

var (
	grey     = &props.Color{Red: 90, Green: 90, Blue: 90}
	darkBlue = &props.Color{Red: 16, Green: 52, Blue: 96}

	sTitle   = style{size: 22, bold: true, color: darkBlue}
	sH1      = style{size: 16, bold: true, color: darkBlue, space: 4}
	sH2      = style{size: 12.5, bold: true, color: darkBlue, space: 5}
	sBody    = style{size: 10}
	sSmall   = style{size: 8.5, color: grey}
	sCell    = style{size: 8.5}
	sCellB   = style{size: 8.5, bold: true}
	sFigure  = style{size: 22, bold: true, color: darkBlue}
	sGroup   = style{size: 10.5, bold: true, color: darkBlue}
	sTOC1    = style{size: 10.5, bold: true}
	sLabel   = style{size: 9, bold: true, color: grey}
	sRunning = style{size: 7, color: grey}
)

func (s style) lineHeight() float64 {
	spacing := lineSpacing
	if s.spacing > 0 {
		spacing = s.spacing
	}
	return s.size * ptToMM * spacing
}

// tightened is s with its line spacing times f.
func (s style) tightened(f float64) style {
	if f == 1 {
		return s
	}
	if s.spacing == 0 {
		s.spacing = lineSpacing
	}
	s.spacing *= f
	return s
}

func (s style) familyName() string {
	if s.family == "" {
		return fonts.Family
	}
	return s.family
}

func (s style) fontStyle() fonts.Style { return fonts.Face(s.familyName(), s.bold) }

// arabicStyle sets a style in Amiri: a tenth larger, as its letters are
// small for their size, with room for its tall ascenders and descenders.
func arabicStyle(s style) style {
	if s.adjusted {
		return s
	}
	s.family, s.size, s.spacing, s.adjusted = fonts.ArabicFamily, s.size*1.1, 1.55, true
	return s
}

func (s style) props(al align.Type, top float64) props.Text {
	fs := fontstyle.Normal
	if s.bold {
		fs = fontstyle.Bold
	}
	return props.Text{Family: s.familyName(), Style: fs, Size: s.size, Align: al, Top: top, Color: s.color}
}

// layout adds rows to a maroto document while keeping track of where they
// fall, so headings stay with what follows and the outline knows its pages.
// Every row has an explicit height; the page breaks happen exactly where
// maroto will put them.
type layout struct {
	*glyphs
	m       core.Maroto
	avail   float64 // usable height of a page
	header  float64 // height of the running header
	used    float64 // height used on the current page, header included
	page    int     // current page, 1-based
	dir     rtl.Direction
	arabic  bool // the part is set in Amiri
	outline []Entry
	// headerRows makes the running header put at the top of every page but the first.
	headerRows func() []core.Row
}

// st adapts a style to the layout's language.
func (l *layout) st(s style) style {
	if l.arabic {
		return arabicStyle(s)
	}
	return s
}

// Entry is one heading of the document and the page it is on.
type Entry struct {
	Level int    `json:"level"`
	Lang  string `json:"lang"`
	Title string `json:"title"`
	Page  int    `json:"page"`
}

// newLayout starts the first page, without the running header (the cover);
// every later page starts with headerRows, of height headerH.
func newLayout(m core.Maroto, g *glyphs, headerH float64, headerRows func() []core.Row) *layout {
	return &layout{glyphs: g, m: m, avail: pageH - marginTop - marginBottom, header: headerH, headerRows: headerRows, page: 1}
}

// quantize rounds a height up to a multiple of 1/64 mm. Such heights add
// up exactly in binary floating point, so maroto (summing from the top of
// the content) and gofpdf (from the top of the page) agree to the last bit
// on where a page ends; otherwise the filler row maroto adds before a break
// can overshoot gofpdf's trigger by a rounding error, and gofpdf inserts a
// page of its own.
func quantize(h float64) float64 { return math.Ceil(h*64) / 64 }

// safety keeps rows off the last half millimetre of a page: a row ending
// exactly at the bottom margin can make gofpdf break the page itself (float
// rounding), one row before maroto does, and the pages would drift apart.
const safety = 0.5

// add appends a row of height h, breaking the page first when it would
// come within safety of the bottom. Breaks are made explicitly, so maroto
// and the layout always agree on the page of every row.
func (l *layout) add(h float64, cols ...core.Col) {
	h = quantize(h)
	if l.used+h > l.avail-safety && l.used != l.header {
		l.newPage()
	}
	l.used += h
	if l.m != nil {
		l.m.AddRows(row.New(h).Add(cols...))
	}
}

// space adds vertical space, dropped at the top of a page.
func (l *layout) space(h float64) {
	if h <= 0 || l.used == l.header || l.used+h > l.avail-safety {
		return
	}
	l.add(h, col.New(gridSize))
}

// newPage starts a new page unless the current one is still empty.
func (l *layout) newPage() {
	if l.used == l.header {
		return
	}
	l.page++
	if l.m != nil {
		l.m.AddPages(page.New())
		for _, r := range l.headerRows() {
			l.m.AddRows(r)
		}
	}
	l.used = l.header
}

// keep makes sure h fits on the current page, else starts a new one.
func (l *layout) keep(h float64) {
	if l.used+h > l.avail-safety {
		l.newPage()
	}
}

// alignment is the text alignment of the layout's direction.
func (l *layout) alignment() align.Type {
	if l.dir == rtl.RTL {
		return align.Right
	}
	return align.Left
}

// lines breaks text for a width, in the layout's direction.
func (l *layout) lines(s string, st style, width float64) []string {
	st = l.st(st)
	k := lineKey{s, l.dir, width, st.fontStyle(), st.size}
	if lines, ok := l.broken[k]; ok {
		return slices.Clone(lines)
	}
	lines := rtl.Layout(s, l.dir, width-0.5, func(x string) float64 { return fonts.WidthMM(x, st.fontStyle(), st.size) })
	l.broken[k] = slices.Clone(lines)
	return lines
}

// paragraph adds text, one row per line, keeping at least two lines
// together at a page foot.
func (l *layout) paragraph(s string, st style) {
	l.paragraphAligned(s, st, l.alignment())
}

// paragraphKeep adds a short text (a label) kept on the page of the next
// next millimetres.
func (l *layout) paragraphKeep(s string, st style, next float64) {
	st = l.st(st)
	l.space(st.space)
	l.keep(float64(len(l.lines(s, st, contentW)))*st.lineHeight() + next)
	l.paragraphAligned(s, st, l.alignment())
}

func (l *layout) paragraphAligned(s string, st style, al align.Type) {
	st = l.st(st)
	lines := l.lines(s, st, contentW)
	lh := st.lineHeight()
	l.space(st.space)
	l.keep(lh * float64(min(2, len(lines))))
	for _, ln := range lines {
		l.add(lh, l.textCol(gridSize, ln, st.props(al, lh*0.12)))
	}
}

// bullet adds a list item: a dash at the margin and the text indented, its
// following lines aligned with its first (on the right in right-to-left text).
func (l *layout) bullet(s string, st style) {
	st = l.st(st)
	const indent = 4.0
	lines := l.lines(s, st, contentW-indent)
	lh := st.lineHeight()
	l.keep(lh * float64(min(2, len(lines))))
	for i, ln := range lines {
		p := st.props(l.alignment(), lh*0.12)
		if l.dir == rtl.RTL {
			p.Right = indent
		} else {
			p.Left = indent
		}
		c := col.New(gridSize).Add(l.text(ln, p))
		if i == 0 {
			c.Add(l.text("–", st.props(l.alignment(), lh*0.12)))
		}
		l.add(lh, c)
	}
}

// heading adds a heading kept on the same page as the next keepNext mm, and
// records it in the outline.
func (l *layout) heading(level int, lang, s string, st style, keepNext float64) {
	st = l.st(st)
	lines := l.lines(s, st, contentW)
	lh := st.lineHeight()
	l.space(st.space)
	l.keep(lh*float64(len(lines)) + keepNext)
	l.outline = append(l.outline, Entry{Level: level, Lang: lang, Title: s, Page: l.page})
	for _, ln := range lines {
		l.add(lh, l.textCol(gridSize, ln, st.props(l.alignment(), lh*0.12)))
	}
	l.space(1.5)
}

// cell is a table cell: its lines are laid out for its column width.
type cell struct {
	text  string
	style style
}

// table is a laid-out table whose header is repeated on every page it spans.
type table struct {
	header tableRow
	body   []tableRow
}

// height is the table's height when it does not break.
func (t *table) height() float64 {
	h := t.header.height
	for _, r := range t.body {
		h += r.height
	}
	return h
}

// newTable lays out a table. widths are grid units summing to gridSize, in
// reading order; right-to-left tables put the first column on the right. The
// first column is aligned with the text, the others centred.
func (l *layout) newTable(header []cell, rows [][]cell, widths []int) *table {
	t := &table{header: l.tableRow(header, widths, true)}
	for _, r := range rows {
		t.body = append(t.body, l.tableRow(r, widths, false))
	}
	return t
}

// addTable adds t, keeping its header with three rows at least (a short
// table whole) and repeating the header after each page break.
func (l *layout) addTable(t *table) {
	first := t.header.height
	for i := 0; i < len(t.body) && (i < 3 || len(t.body) <= 8); i++ {
		first += t.body[i].height
	}
	l.keep(first)
	t.header.add(l)
	for _, r := range t.body {
		if l.used+r.height > l.avail-safety {
			l.newPage()
			t.header.add(l)
		}
		r.add(l)
	}
}

// paragraphHeight is the height paragraph will take.
func (l *layout) paragraphHeight(s string, st style) float64 {
	st = l.st(st)
	return float64(len(l.lines(s, st, contentW)))*st.lineHeight() + st.space
}

// chartHeight is the height of a chart h mm tall at the chart width, or
// less when it would not fit on a page with above mm of heading and caption:
// it is then shown smaller, whole, on one page (maroto fits the image to its
// row), instead of running past the page's foot.
func (l *layout) chartHeight(h, above float64) float64 {
	return min(h, l.avail-safety-l.header-above-1)
}

// fits reports whether h fits on an empty page.
func (l *layout) fits(h float64) bool { return l.header+h <= l.avail-safety }

type tableRow struct {
	height float64
	cols   []core.Col
}

var (
	headerFill = &props.Color{Red: 232, Green: 236, Blue: 242}
	ruleColor  = &props.Color{Red: 200, Green: 200, Blue: 200}
)

// cellPad is a table cell's padding, each side.
const cellPad = 1.2

func (l *layout) tableRow(cells []cell, widths []int, header bool) tableRow {
	const pad = cellPad
	type laid struct {
		lines []string
		st    style
	}
	laidOut := make([]laid, len(cells))
	height := 0.0
	sizes := make([]style, len(cells))
	smallest := 0.0
	for i, c := range cells {
		sizes[i] = fitWords(c.text, l.st(c.style), contentW*float64(widths[i])/gridSize-2*pad)
		if i == 0 || sizes[i].size < smallest {
			smallest = sizes[i].size
		}
	}
	for i, c := range cells {
		w := contentW*float64(widths[i])/gridSize - 2*pad
		st := sizes[i]
		if header { // one size for the whole header row
			st.size = min(l.st(c.style).size, smallest)
		}
		laidOut[i] = laid{l.lines(cutWords(c.text, st, w), st, w), st}
		height = max(height, float64(len(laidOut[i].lines))*st.lineHeight())
	}
	height += 2 * pad
	cols := make([]core.Col, len(cells))
	for i, c := range laidOut {
		al := align.Center
		if i == 0 {
			al = l.alignment()
		}
		lh := c.st.lineHeight()
		cl := col.New(widths[i])
		for k, ln := range c.lines {
			p := c.st.props(al, pad+float64(k)*lh+lh*0.12)
			p.Left, p.Right = pad, pad
			cl.Add(l.text(ln, p))
		}
		style := &props.Cell{BorderType: border.Bottom, BorderColor: ruleColor, BorderThickness: 0.2}
		if header {
			style.BackgroundColor = headerFill
		}
		cols[i] = cl.WithStyle(style)
	}
	if l.dir == rtl.RTL {
		for a, b := 0, len(cols)-1; a < b; a, b = a+1, b-1 {
			cols[a], cols[b] = cols[b], cols[a]
		}
	}
	return tableRow{height: height, cols: cols}
}

func (r tableRow) add(l *layout) { l.add(r.height, r.cols...) }

// minCellSize is the smallest type a table cell shrinks to.
const minCellSize = 5.5

// fitWords shrinks a cell's type until its longest word fits the column, so
// words are not cut (down to minCellSize; below that a word is cut).
func fitWords(s string, st style, width float64) style {
	longest := 0.0
	for _, w := range strings.Fields(s) {
		longest = max(longest, fonts.WidthMM(rtl.Shape(w), st.fontStyle(), st.size))
	}
	if longest <= width-0.5 {
		return st
	}
	st.size = max(minCellSize, math.Floor(st.size*(width-0.5)/longest*10)/10)
	return st
}

// cutWords cuts the words of s still wider than width (too long for their
// column even at minCellSize) into pieces that fit, a hyphen at a cut between
// two letters; the line breaker would cut them at the last letter that fits,
// without a hyphen. Words in right-to-left script are left whole.
func cutWords(s string, st style, width float64) string {
	fits := func(s string) bool { return fonts.WidthMM(s, st.fontStyle(), st.size) <= width-0.5 }
	lines := strings.Split(s, "\n")
	changed := false
	for l, line := range lines {
		words := strings.Split(line, " ")
		for i, w := range words {
			if fits(w) || hasRTL(w) {
				continue
			}
			var pieces []string
			rs := []rune(w)
			for len(rs) > 0 {
				k := len(rs)
				for k > 1 && !fits(cutPiece(rs, k)) {
					k--
				}
				if k < len(rs) && len(rs)-k < 3 && k > 3 {
					k = len(rs) - 3 // not two letters alone on the next line
				}
				pieces = append(pieces, cutPiece(rs, k))
				rs = rs[k:]
			}
			words[i], changed = strings.Join(pieces, " "), true
		}
		lines[l] = strings.Join(words, " ")
	}
	if !changed {
		return s
	}
	return strings.Join(lines, "\n")
}

// hasRTL reports whether s holds letters of a right-to-left script.
func hasRTL(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Arabic, unicode.Hebrew) {
			return true
		}
	}
	return false
}

// cutPiece is rs[:k] as a line, with a hyphen when the cut falls between
// two letters.
func cutPiece(rs []rune, k int) string {
	if k < len(rs) && unicode.IsLetter(rs[k-1]) && unicode.IsLetter(rs[k]) {
		return string(rs[:k]) + "-"
	}
	return string(rs[:k])
}

// glyphs checks every string drawn against the embedded font, so a missing
// glyph is a reported defect rather than an empty box in the PDF.
type glyphs struct {
	missing map[rune]bool
	broken  map[lineKey][]string // lines already broken, kept across builds
}

// lineKey identifies a text broken for a width in a font.
type lineKey struct {
	text  string
	dir   rtl.Direction
	width float64
	font  fonts.Style
	size  float64
}

func (g *glyphs) check(s, family string, st fontstyle.Type) {
	fs := fonts.Face(family, st == fontstyle.Bold)
	for _, r := range fonts.Missing(s, fs) {
		g.missing[r] = true
	}
}

func (g *glyphs) text(s string, p props.Text) core.Component {
	s = basicPlane(s)
	g.check(s, p.Family, p.Style)
	return text.New(s, p)
}

func (g *glyphs) textCol(size int, s string, p props.Text) core.Col {
	s = basicPlane(s)
	g.check(s, p.Family, p.Style)
	return text.NewCol(size, s, p)
}

// basicPlane replaces the characters past Unicode's basic plane (emoji,
// mathematical letters: user text holds them) by U+FFFD: gofpdf's font
// map holds the basic plane only, and panics on the others.
func basicPlane(s string) string {
	for _, r := range s {
		if r > 0xFFFF {
			return strings.Map(func(r rune) rune {
				if r > 0xFFFF {
					return '\uFFFD'
				}
				return r
			}, s)
		}
	}
	return s
}
