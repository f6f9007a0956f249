// Package charts draws the report's charts from result rows: for each closed
// question, every meeting's share of each answer with its 95% interval and
// its n. Labels come in the report's languages, Arabic shaped and in visual
// order (gonum/plot draws strings left to right as given). Output is PNG,
// written to an io.Writer; the fonts are embedded, so the pixels do not
// depend on the machine.
package charts

import (
	"fmt"
	"image/color"
	"io"
	"strings"
	"sync"

	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/synthese-project/synthese/internal/fonts"
	"github.com/synthese-project/synthese/internal/i18n"
	"github.com/synthese-project/synthese/internal/rtl"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/tally"
)

// palette gives each answer a colour by its position in its choice list, so
// an answer has the same colour in every chart and table (Okabe–Ito colours,
// distinguishable with the common colour-vision deficiencies).
var palette = []color.NRGBA{
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0x80, 0x80, 0x80, 0xFF}, // grey
	{0x00, 0x00, 0x00, 0xFF}, // black
}

// AnswerColor is the colour of the i-th answer of a choice list.
func AnswerColor(i int) color.NRGBA { return palette[i%len(palette)] }

// Scope is a row of the chart: a meeting, or all meetings pooled.
type Scope struct {
	ID    string
	Label form.Text
}

// Spec is everything one question's chart shows.
type Spec struct {
	Questionnaire *form.Questionnaire
	Question      form.Question
	Scopes        []Scope
	Rows          []tally.Result // this question's rows, any order
	Languages     []string       // one or two
	SmallCell     int
	Pad           int // white pixel columns added on the right (see writePNG)
	// MaxHeight, when set, is the tallest the chart may be: a chart of
	// more meetings than fit is drawn in parts of consecutive meetings
	// (Parts says how many), each with its title, axis and legend; Part
	// (from 0) is the one drawn.
	MaxHeight vg.Length
	Part      int
}

// Width is the drawn width of a chart; the PDF places it at this size.
const Width = 16 * vg.Centimeter

const (
	dpi        = 150
	typeface   = "DejaVu"
	titleSize  = 10.5
	labelSize  = 8.5
	legendSize = 8.5
)

var registerOnce sync.Once

func register() {
	registerOnce.Do(func() {
		var coll font.Collection
		for _, f := range []struct {
			data   []byte
			weight int
		}{{fonts.Regular, 400}, {fonts.Bold, 700}} {
			face, err := opentype.Parse(f.data)
			if err != nil {
				panic(fmt.Sprintf("charts: embedded font: %v", err))
			}
			fnt := font.Font{Typeface: typeface}
			if f.weight == 700 {
				fnt.Weight = 700
			}
			coll = append(coll, font.Face{Font: fnt, Face: face})
		}
		font.DefaultCache.Add(coll)
	})
}

// catalogs returns the catalogs of the spec's languages.
func catalogs(langs []string) ([]*i18n.Catalog, error) {
	var out []*i18n.Catalog
	for _, l := range langs {
		c, err := i18n.For(l)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// visual prepares one language's text for drawing.
func visual(s, lang string) string { return rtl.Visual(s, i18n.Direction(lang)) }

// wrap lays text out over lines no wider than width (points) at size.
func wrap(s, lang string, st fonts.Style, size float64, width vg.Length) []string {
	mm := width.Points() * 25.4 / 72
	return rtl.Layout(s, i18n.Direction(lang), mm, func(x string) float64 {
		return fonts.WidthMM(x, st, size)
	})
}

// bilingual joins one text per language on one line, each in its own
// direction, the first language on the left.
func bilingual(texts []string, langs []string) string {
	parts := make([]string, len(texts))
	for i, t := range texts {
		parts[i] = visual(t, langs[i])
	}
	return strings.Join(parts, "  ·  ")
}

// Draw writes the spec's chart as PNG.
func Draw(w io.Writer, spec Spec) error {
	register()
	cats, err := catalogs(spec.Languages)
	if err != nil {
		return err
	}
	choices := spec.Questionnaire.Choices(spec.Question)
	if len(choices) == 0 {
		return fmt.Errorf("question %q has no choices", spec.Question.Name)
	}
	type key struct{ scope, answer string }
	rows := map[key]tally.Result{}
	validN := map[string]int64{}
	for _, r := range spec.Rows {
		rows[key{r.Scope, r.Answer}] = r
		validN[r.Scope] = r.ValidN
	}

	lay, err := layoutQuestion(spec, cats, choices)
	if err != nil {
		return err
	}
	if spec.Part < 0 || spec.Part >= len(lay.parts) {
		return fmt.Errorf("question %q: part %d of a chart in %d", spec.Question.Name, spec.Part, len(lay.parts))
	}
	from, to := lay.parts[spec.Part][0], lay.parts[spec.Part][1]
	title := lay.title
	if spec.Part > 0 {
		title = lay.continued
	}

	p := newPlot()
	p.Title.TextStyle.Font = font.Font{Typeface: typeface, Weight: 700, Size: titleSize}
	p.Title.Text = strings.Join(title, "\n")
	p.Title.Padding = vg.Points(6)
	axis := make([]string, len(cats))
	for i, c := range cats {
		axis[i] = c.T("axis_share")
	}
	percentAxis(p, bilingual(axis, spec.Languages), labelSize)
	p.Add(&plotter.Grid{Vertical: draw.LineStyle{Color: color.Gray{Y: 225}, Width: vg.Points(0.5)}})

	n := to - from
	names := make([]string, n)
	var smallXYs plotter.XYs
	var smallLabels []string
	// Each meeting's band holds one interval per answer; bands grow with the
	// number of answers so intervals never overlap.
	step := 0.7 / float64(len(choices))
	if step > 0.22 {
		step = 0.22
	}
	legend := newLegend()
	legend.TextStyle.Font = font.Font{Typeface: typeface, Size: legendSize}
	legend.Padding = vg.Points(lay.legendGap())
	for j, c := range choices {
		var xys plotter.XYs
		var errs plotter.XErrors
		for i, s := range spec.Scopes[from:to] {
			y := float64(n-1-i) + (float64(len(choices)-1)/2-float64(j))*step
			r, ok := rows[key{s.ID, c.Name}]
			if !ok || r.Small {
				continue
			}
			xys = append(xys, plotter.XY{X: 100 * r.Share, Y: y})
			errs = append(errs, struct{ Low, High float64 }{100 * (r.Share - r.CILow), 100 * (r.CIHigh - r.Share)})
		}
		col := AnswerColor(j)
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3.2), Shape: draw.CircleGlyph{}}
		eb, err := plotter.NewXErrorBars(struct {
			plotter.XYs
			plotter.XErrors
		}{xys, errs})
		if err != nil {
			return err
		}
		eb.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.4)}
		eb.CapWidth = vg.Points(4)
		p.Add(eb, sc)
		labels := make([]string, len(spec.Languages))
		for i, lang := range spec.Languages {
			labels[i] = Shorten(spec.Questionnaire.ChoiceLabel(spec.Question, c.Name, lang), maxLegendRunes)
		}
		legend.Add(legendLabel(labels, spec.Languages), sc)
	}
	for i, s := range spec.Scopes[from:to] {
		labels := make([]string, len(spec.Languages))
		for k, lang := range spec.Languages {
			labels[k] = s.Label.In(lang, spec.Questionnaire.DefaultLanguage)
		}
		names[n-1-i] = bilingual(labels, spec.Languages) + "  " + cats[0].T("n_eq", validN[s.ID])
		if validN[s.ID] < int64(spec.SmallCell) {
			smallXYs = append(smallXYs, plotter.XY{X: 1.5, Y: float64(n - 1 - i)})
			small := make([]string, len(cats))
			for k, c := range cats {
				small[k] = c.T("small_cell", spec.SmallCell)
			}
			smallLabels = append(smallLabels, bilingual(small, spec.Languages))
		}
	}
	if len(smallXYs) > 0 {
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: smallXYs, Labels: smallLabels})
		if err != nil {
			return err
		}
		for i := range lb.TextStyle {
			lb.TextStyle[i].Font = font.Font{Typeface: typeface, Size: labelSize}
			lb.TextStyle[i].Color = color.Gray{Y: 90}
			lb.TextStyle[i].YAlign = draw.YCenter
		}
		p.Add(lb)
	}
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4

	plotH, legendH := lay.heights(len(title), n)
	return finish(w, pixelSize(Width, plotH+legendH, spec.Pad), func(w io.Writer) error {
		img := newCanvas(Width, plotH+legendH)
		dc := draw.New(img)
		top := draw.Crop(dc, vg.Points(6), -vg.Points(10), legendH, -vg.Points(4))
		p.Draw(top)
		bottom := draw.Crop(dc, vg.Points(8), 0, 0, -(plotH))
		legend.Top, legend.Left = true, true
		legend.Draw(bottom)
		return writePNG(w, img, spec.Pad)
	})
}

func legendLabel(labels, langs []string) string {
	// Long labels (a select_multiple's options) go one language per line.
	if len([]rune(strings.Join(labels, ""))) > 70 {
		out := make([]string, len(labels))
		for i := range labels {
			out[i] = visual(labels[i], langs[i])
		}
		return strings.Join(out, "\n")
	}
	return bilingual(labels, langs)
}

// percentAxis sets a chart's x axis: 0 to 100 %, labelled, in the charts'
// face; y tick labels at ySize.
func percentAxis(p *plot.Plot, label string, ySize float64) {
	p.X.Label.Text = label
	p.X.Label.TextStyle.Font = font.Font{Typeface: typeface, Size: labelSize}
	p.X.Tick.Label.Font = font.Font{Typeface: typeface, Size: labelSize}
	p.Y.Tick.Label.Font = font.Font{Typeface: typeface, Size: vg.Length(ySize)}
	p.X.Min, p.X.Max = 0, 100
	p.X.Tick.Marker = plot.ConstantTicks(percentTicks())
}

func percentTicks() []plot.Tick {
	var t []plot.Tick
	for v := 0; v <= 100; v += 10 {
		lbl := ""
		if v%20 == 0 {
			lbl = fmt.Sprint(v)
		}
		t = append(t, plot.Tick{Value: float64(v), Label: lbl})
	}
	return t
}

// Scopes are the rows of every chart of a project: each meeting, named by
// its city, then all meetings pooled.
func Scopes(p *form.Project) ([]Scope, error) {
	var out []Scope
	for _, id := range tally.Scopes(p.Questionnaire, p.Manifest.MeetingQuestion) {
		if id != tally.AllScope {
			m, _ := p.Meeting(id)
			out = append(out, Scope{ID: id, Label: m.City})
			continue
		}
		label := form.Text{}
		for _, l := range p.Manifest.Languages {
			c, err := i18n.For(l)
			if err != nil {
				return nil, err
			}
			label[l] = c.T("all_scope")
		}
		out = append(out, Scope{ID: id, Label: label})
	}
	return out, nil
}

// questionLayout is the geometry of a question's chart: its title's lines
// (and a part's after the first), the legend's lines an entry, the height
// of a meeting's band, and the meetings of each part.
type questionLayout struct {
	title, continued []string
	legendLines      int
	band             float64 // points
	answers          int
	parts            [][2]int // [from, to) in the spec's scopes
}

// heights returns the heights of the plot (title, bands of n meetings,
// axis) and of the legend below it.
func (q questionLayout) heights(titleLines, n int) (plotH, legendH vg.Length) {
	titleH := vg.Length(titleLines) * vg.Points(titleSize*leading)
	plotH = titleH + vg.Length(n)*vg.Points(q.band) + vg.Points(48)
	legendH = vg.Length(q.answers)*vg.Points(legendSize*leading*float64(q.legendLines)+q.legendGap()) + vg.Points(8)
	return plotH, legendH
}

// legendGap is the space between two legend entries (points), entryGap
// more when an entry takes lines.
func (q questionLayout) legendGap() float64 {
	if q.legendLines > 1 {
		return 2.5 + legendSize*entryGap
	}
	return 2.5
}

// layoutQuestion lays a question's chart out and splits its meetings into
// parts that fit spec.MaxHeight.
func layoutQuestion(spec Spec, cats []*i18n.Catalog, choices []form.Choice) (questionLayout, error) {
	q := questionLayout{legendLines: 1, answers: len(choices)}
	// Each meeting's band holds one interval per answer; bands grow with
	// the number of answers so intervals never overlap.
	q.band = max(26.0, 9.5*float64(len(choices)))
	for i, lang := range spec.Languages {
		// A consent script or a long instruction is the question's heading
		// in the report, whole; the chart's title keeps its beginning.
		label := Shorten(spec.Question.Label.In(lang, spec.Questionnaire.DefaultLanguage), maxTitleRunes)
		q.title = append(q.title, wrap(label, lang, fonts.StyleBold, titleSize, Width-2*vg.Centimeter)...)
		q.continued = append(q.continued, wrap(label+" "+cats[i].T("chart_continued"), lang, fonts.StyleBold, titleSize, Width-2*vg.Centimeter)...)
	}
	for _, c := range choices {
		labels := make([]string, len(spec.Languages))
		for i, lang := range spec.Languages {
			labels[i] = Shorten(spec.Questionnaire.ChoiceLabel(spec.Question, c.Name, lang), maxLegendRunes)
		}
		q.legendLines = max(q.legendLines, strings.Count(legendLabel(labels, spec.Languages), "\n")+1)
	}
	n := len(spec.Scopes)
	per := max(n, 1)
	if spec.MaxHeight > 0 {
		plotH, legendH := q.heights(max(len(q.title), len(q.continued)), 0)
		per = int((spec.MaxHeight - plotH - legendH) / vg.Points(q.band))
		if avail := float64(spec.MaxHeight - plotH - legendH); per < 1 && avail >= minAnswerStep*float64(len(choices)) {
			// Many answers (a list of countries): one meeting's band takes
			// what the page leaves, its intervals closer together.
			q.band, per = avail, 1
		}
		if per < 1 {
			return q, fmt.Errorf("question %q: a chart %.0f mm tall at most cannot hold one meeting", spec.Question.Name, spec.MaxHeight.Points()*25.4/72)
		}
	}
	q.parts = spread(n, per)
	return q, nil
}

// maxTitleRunes is the most characters of a question's label a chart's
// title shows (about three lines); maxLegendRunes an answer's in a legend.
const maxTitleRunes, maxLegendRunes = 240, 120

// minAnswerStep is the least height an answer's interval gets in a
// meeting's band, in points (the dots then overlap; the intervals stay apart).
const minAnswerStep = 2.5

// spread splits n rows into the fewest parts of at most per rows, the rows
// spread evenly (the first n % parts parts have one more).
func spread(n, per int) [][2]int {
	parts := max(1, (n+per-1)/per)
	var out [][2]int
	for k, from := 0, 0; k < parts; k++ {
		size := n / parts
		if k < n%parts {
			size++
		}
		out = append(out, [2]int{from, from + size})
		from += size
	}
	return out
}

// Parts is the number of parts the spec's chart is drawn in (see
// Spec.MaxHeight).
func Parts(spec Spec) (int, error) {
	cats, err := catalogs(spec.Languages)
	if err != nil {
		return 0, err
	}
	q, err := layoutQuestion(spec, cats, spec.Questionnaire.Choices(spec.Question))
	return len(q.parts), err
}
