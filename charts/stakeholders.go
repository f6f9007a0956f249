package charts

import (
	"image/color"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/synthese-project/synthese/pipeline"
)

// MixSpec is a stakeholder-mix chart: for each scope, the shares of its
// people by organisation type, as one 100% bar.
type MixSpec struct {
	Scopes    []Scope
	Rows      []pipeline.ParticipationRow // measure org_type
	Languages []string
	Pad       int // white pixel columns added on the right (see writePNG)
}

// DrawMix writes the stakeholder-mix chart as PNG.
func DrawMix(w io.Writer, spec MixSpec) error {
	register()
	cats, err := catalogs(spec.Languages)
	if err != nil {
		return err
	}
	share := map[[2]string]float64{}
	people := map[string]int64{}
	for _, r := range spec.Rows {
		if r.Measure == "org_type" {
			share[[2]string{r.Scope, r.Category}] = r.Share
			people[r.Scope] += r.Count
		}
	}
	n := len(spec.Scopes)
	p := newPlot()
	title := make([]string, len(cats))
	axis := make([]string, len(cats))
	for i, c := range cats {
		title[i] = c.T("mix_title")
		axis[i] = c.T("mix_axis")
	}
	p.Title.Text = bilingual(title, spec.Languages)
	p.Title.TextStyle.Font = font.Font{Typeface: typeface, Weight: 700, Size: titleSize}
	percentAxis(p, bilingual(axis, spec.Languages), labelSize)
	names := make([]string, n)
	for i, s := range spec.Scopes {
		labels := make([]string, len(spec.Languages))
		for k, lang := range spec.Languages {
			labels[k] = s.Label.In(lang, "fr")
		}
		names[n-1-i] = bilingual(labels, spec.Languages) + "  " + cats[0].T("n_eq", people[s.ID])
	}
	type entry struct {
		text  string
		thumb plot.Thumbnailer
	}
	var entries []entry
	var below *plotter.BarChart
	for k, typ := range pipeline.OrgTypeNames {
		vals := make(plotter.Values, n)
		any := false
		for i, s := range spec.Scopes {
			vals[n-1-i] = 100 * share[[2]string{s.ID, typ}]
			any = any || vals[n-1-i] > 0
		}
		if !any {
			continue
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
		labels := make([]string, len(cats))
		for i, c := range cats {
			labels[i] = c.T("orgtype_" + typ)
		}
		entries = append(entries, entry{bilingual(labels, spec.Languages), bars})
	}
	p.NominalY(names...)
	rows := (len(entries) + 1) / 2
	plotH := vg.Length(n)*vg.Points(24) + vg.Points(60)
	legendH := vg.Length(rows)*vg.Points(legendSize*1.5) + vg.Points(6)
	return finish(w, pixelSize(Width, plotH+legendH, spec.Pad), func(w io.Writer) error {
		img := newCanvas(Width, plotH+legendH)
		dc := draw.New(img)
		p.Draw(draw.Crop(dc, vg.Points(6), -vg.Points(10), legendH, -vg.Points(4)))
		// Two legend columns under the plot.
		for col := 0; col < 2; col++ {
			l := plot.NewLegend()
			l.TextStyle.Font = font.Font{Typeface: typeface, Size: legendSize}
			l.Padding = vg.Points(2)
			l.Top, l.Left = true, true
			for i := col * rows; i < min(len(entries), (col+1)*rows); i++ {
				l.Add(entries[i].text, entries[i].thumb)
			}
			left := vg.Points(8) + vg.Length(col)*Width/2
			l.Draw(draw.Crop(dc, left, -(Width - left - Width/2), 0, -plotH))
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
