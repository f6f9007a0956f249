package charts

import (
	"fmt"
	"image/color"
	"io"

	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/synthese-project/synthese/internal/fonts"
	"github.com/synthese-project/synthese/internal/i18n"
	"github.com/synthese-project/synthese/pipeline/people"
)

// MixSpec is a stakeholder-mix chart: for each scope, the shares of its
// people by organisation type, as one 100% bar.
type MixSpec struct {
	Scopes    []Scope
	Rows      []people.ParticipationRow // measure org_type
	Languages []string
	Pad       int // white pixel columns added on the right (see writePNG)
	// MaxHeight and Part: a chart of more meetings than fit is drawn in
	// parts of consecutive meetings (MixParts says how many), as Spec's.
	MaxHeight vg.Length
	Part      int
}

// mixTitle is the chart's title: its languages side by side on one line
// when they fit, else each on its own lines.
func mixTitle(title, langs []string) []string {
	if line := bilingual(title, langs); fonts.WidthMM(line, fonts.StyleBold, titleSize) <= (Width-2*vg.Centimeter).Points()*25.4/72 {
		return []string{line}
	}
	var lines []string
	for i, lang := range langs {
		lines = append(lines, wrap(title[i], lang, fonts.StyleBold, titleSize, Width-2*vg.Centimeter)...)
	}
	return lines
}

// mixHeights are the heights of a stakeholder chart's plot of n meetings
// and of its legend.
func mixHeights(n int, legend mixLegend) (plotH, legendH vg.Length) {
	legendH = vg.Points(6)
	for _, h := range legend.rows {
		legendH += vg.Points(h)
	}
	return vg.Length(n)*vg.Points(24) + vg.Points(60), legendH
}

// The stakeholder legend's measures (points): its left margin, a
// thumbnail and the space after it, the gap between its columns, the
// right margin.
const (
	mixLegendLeft   = 8
	mixLegendThumb  = 20 + 4
	mixLegendGutter = 12
	mixLegendRight  = 4
)

// mixLegend is the legend of a stakeholder chart: a label an organisation
// type, in two columns (the first half of the labels, then the others),
// the height of each row of the columns, and where the second column
// starts (points).
type mixLegend struct {
	labels []string
	lines  []int
	rows   []float64
	second float64
}

// newMixLegend lays the legend of the types out (see layMixLegend).
func newMixLegend(cats []*i18n.Catalog, langs []string, types []int) mixLegend {
	texts := make([][]string, len(types))
	for j, k := range types {
		texts[j] = make([]string, len(cats))
		for i, c := range cats {
			texts[j][i] = c.T("orgtype_" + people.OrgTypeNames[k])
		}
	}
	return layMixLegend(texts, langs)
}

// layMixLegend lays out labels (one text a language each) in two columns,
// the languages side by side. The second column starts at the middle, or
// further left when its widest label needs the room and the first column
// leaves it; a label that still does not fit its column puts each language
// on its own line, and its row is that much taller.
func layMixLegend(texts [][]string, langs []string) mixLegend {
	l := mixLegend{second: Width.Points() / 2}
	widths := make([]float64, len(texts))
	for j, t := range texts {
		l.labels = append(l.labels, bilingual(t, langs))
		l.lines = append(l.lines, 1)
		widths[j] = fonts.WidthMM(l.labels[j], fonts.StyleRegular, legendSize) * 72 / 25.4
	}
	per := (len(texts) + 1) / 2
	first, second := 0.0, 0.0
	for j, w := range widths {
		if j < per {
			first = max(first, w)
		} else {
			second = max(second, w)
		}
	}
	if right := Width.Points() - mixLegendRight - mixLegendThumb - second; right < l.second {
		l.second = max(right, mixLegendLeft+mixLegendThumb+first+mixLegendGutter)
	}
	for j, t := range texts {
		room := l.second - mixLegendGutter - mixLegendLeft - mixLegendThumb
		if j >= per {
			room = Width.Points() - mixLegendRight - l.second - mixLegendThumb
		}
		if widths[j] > room && len(langs) > 1 {
			vis := make([]string, len(langs))
			for i, lang := range langs {
				vis[i] = visual(t[i], lang)
			}
			l.labels[j], l.lines[j] = strings.Join(vis, "\n"), len(langs)
		}
	}
	for r := range per {
		lines := l.lines[r]
		if r+per < len(l.lines) {
			lines = max(lines, l.lines[r+per])
		}
		h := legendSize * 1.5
		if lines > 1 {
			h = legendSize*leading*float64(lines) + legendSize*entryGap
		}
		l.rows = append(l.rows, h)
	}
	return l
}

// mixTitles are the chart's title lines, and a part's after the first.
func mixTitles(cats []*i18n.Catalog, langs []string) (first, continued []string) {
	title, more := make([]string, len(cats)), make([]string, len(cats))
	for i, c := range cats {
		title[i] = c.T("mix_title")
		more[i] = title[i] + " " + c.T("chart_continued")
	}
	return mixTitle(title, langs), mixTitle(more, langs)
}

// mixParts splits the spec's meetings into parts that fit MaxHeight with a
// legend of entries types under titles of at most titleLines, spread
// evenly.
func mixParts(spec MixSpec, legend mixLegend, titleLines int) ([][2]int, error) {
	n := len(spec.Scopes)
	per := max(n, 1)
	if spec.MaxHeight > 0 {
		plotH, legendH := mixHeights(0, legend)
		plotH += vg.Length(titleLines-1) * vg.Points(titleSize*leading)
		per = int((spec.MaxHeight - plotH - legendH) / vg.Points(24))
		if per < 1 {
			return nil, fmt.Errorf("stakeholder chart: %.0f mm tall at most cannot hold one meeting", spec.MaxHeight.Points()*25.4/72)
		}
	}
	return spread(n, per), nil
}

// MixParts is the number of parts the spec's chart is drawn in.
func MixParts(spec MixSpec) (int, error) {
	cats, err := catalogs(spec.Languages)
	if err != nil {
		return 0, err
	}
	first, continued := mixTitles(cats, spec.Languages)
	legend := newMixLegend(cats, spec.Languages, mixTypes(spec))
	parts, err := mixParts(spec, legend, max(len(first), len(continued)))
	return len(parts), err
}

// mixTypes are the organisation types with people in some meeting (the
// legend's entries, the same in every part), by their index in
// pipeline.OrgTypeNames.
func mixTypes(spec MixSpec) []int {
	var types []int
	for k, typ := range people.OrgTypeNames {
		for _, r := range spec.Rows {
			if r.Measure == "org_type" && r.Category == typ && r.Share > 0 && hasScope(spec.Scopes, r.Scope) {
				types = append(types, k)
				break
			}
		}
	}
	return types
}

func hasScope(scopes []Scope, id string) bool {
	for _, s := range scopes {
		if s.ID == id {
			return true
		}
	}
	return false
}

// DrawMix writes the stakeholder-mix chart as PNG.
func DrawMix(w io.Writer, spec MixSpec) error {
	register()
	cats, err := catalogs(spec.Languages)
	if err != nil {
		return err
	}
	share := map[[2]string]float64{}
	attendees := map[string]int64{}
	for _, r := range spec.Rows {
		if r.Measure == "org_type" {
			share[[2]string{r.Scope, r.Category}] = r.Share
			attendees[r.Scope] += r.Count
		}
	}
	types := mixTypes(spec)
	legend := newMixLegend(cats, spec.Languages, types)
	first, continued := mixTitles(cats, spec.Languages)
	parts, err := mixParts(spec, legend, max(len(first), len(continued)))
	if err != nil {
		return err
	}
	if spec.Part < 0 || spec.Part >= len(parts) {
		return fmt.Errorf("stakeholder chart: part %d of a chart in %d", spec.Part, len(parts))
	}
	scopes := spec.Scopes[parts[spec.Part][0]:parts[spec.Part][1]]
	n := len(scopes)
	p := newPlot()
	title := first
	if spec.Part > 0 {
		title = continued
	}
	axis := make([]string, len(cats))
	for i, c := range cats {
		axis[i] = c.T("mix_axis")
	}
	p.Title.Text = strings.Join(title, "\n")
	p.Title.TextStyle.Font = font.Font{Typeface: typeface, Weight: 700, Size: titleSize}
	percentAxis(p, bilingual(axis, spec.Languages), labelSize)
	names := make([]string, n)
	for i, s := range scopes {
		labels := make([]string, len(spec.Languages))
		for k, lang := range spec.Languages {
			labels[k] = s.Label.In(lang, "fr")
		}
		names[n-1-i] = bilingual(labels, spec.Languages) + "  " + cats[0].T("n_eq", attendees[s.ID])
	}
	type entry struct {
		text  string
		thumb plot.Thumbnailer
	}
	var entries []entry
	var below *plotter.BarChart
	for j, k := range types {
		typ := people.OrgTypeNames[k]
		vals := make(plotter.Values, n)
		for i, s := range scopes {
			vals[n-1-i] = 100 * share[[2]string{s.ID, typ}]
		}
		bars, err := plotter.NewBarChart(vals, vg.Points(16))
		if err != nil {
			return err
		}
		bars.Horizontal = true
		bars.Color = OrgTypeColor(k)
		bars.LineStyle.Width = 0
		if below != nil {
			bars.StackOn(below)
		}
		below = bars
		p.Add(bars)
		entries = append(entries, entry{legend.labels[j], bars})
	}
	p.NominalY(names...)
	if len(entries) == 0 { // no bars to set the range: every meeting's row shown
		p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	}
	plotH, legendH := mixHeights(n, legend)
	plotH += vg.Length(strings.Count(p.Title.Text, "\n")) * vg.Points(titleSize*leading)
	return finish(w, pixelSize(Width, plotH+legendH, spec.Pad), func(w io.Writer) error {
		img := newCanvas(Width, plotH+legendH)
		dc := draw.New(img)
		p.Draw(draw.Crop(dc, vg.Points(6), -vg.Points(10), legendH, -vg.Points(4)))
		// Two legend columns under the plot, each entry at the top of its
		// row (a row is as tall as its taller label).
		per := len(legend.rows)
		for i, e := range entries {
			col, row := i/per, i%per
			top := plotH
			for _, h := range legend.rows[:row] {
				top += vg.Points(h)
			}
			l := newLegend()
			l.TextStyle.Font = font.Font{Typeface: typeface, Size: legendSize}
			l.Top, l.Left = true, true
			l.Add(e.text, e.thumb)
			left := vg.Points(mixLegendLeft)
			if col > 0 {
				left = vg.Points(legend.second)
			}
			l.Draw(draw.Crop(dc, left, 0, 0, -top))
		}
		return writePNG(w, img, spec.Pad)
	})
}

// orgPalette gives each organisation type one colour in every chart.
var orgPalette = []color.NRGBA{
	{0x00, 0x72, 0xB2, 0xFF}, {0x00, 0x9E, 0x73, 0xFF}, {0xCC, 0x79, 0xA7, 0xFF}, {0xD5, 0x5E, 0x00, 0xFF},
	{0xE6, 0x9F, 0x00, 0xFF}, {0x56, 0xB4, 0xE9, 0xFF}, {0xF0, 0xE4, 0x42, 0xFF}, {0xA0, 0xA0, 0xA0, 0xFF}, {0x40, 0x40, 0x40, 0xFF},
}

// OrgTypeColor is the colour of the k-th organisation type of pipeline.OrgTypeNames.
func OrgTypeColor(k int) color.NRGBA { return orgPalette[k%len(orgPalette)] }
