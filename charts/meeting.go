package charts

import (
	"fmt"
	"image/color"
	"io"
	"strings"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/synthese-project/synthese/internal/fonts"
	"github.com/synthese-project/synthese/internal/i18n"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/tally"
)

// MeetingSpec is one meeting's answers against all meetings pooled.
type MeetingSpec struct {
	Questionnaire *form.Questionnaire
	Questions     []form.Question // the reported questions, in order
	Meeting       Scope
	Rows          []tally.Result
	Languages     []string
	Numbers       map[string]int // question name -> its number in the report
	Pad           int            // white pixel columns added on the right (see writePNG)
	// MaxHeight and Part: a chart of more answers than fit is drawn in
	// parts of whole questions (MeetingParts says how many), as Spec's.
	MaxHeight vg.Length
	Part      int
}

// DrawMeeting writes a meeting's chart as PNG: one row per answer of each
// question, the meeting's share with its interval (filled, in the answer's
// colour) and the pooled share (hollow); small cells are not drawn.
func DrawMeeting(w io.Writer, spec MeetingSpec) error {
	register()
	cats, err := catalogs(spec.Languages)
	if err != nil {
		return err
	}
	type key struct{ scope, question, answer string }
	rows := map[key]tally.Result{}
	for _, r := range spec.Rows {
		rows[key{r.Scope, r.Question, r.Answer}] = r
	}
	type line struct {
		label     string
		here, all tally.Result
		colour    color.NRGBA
		ok, allOK bool
		question  int
	}
	var lines []line
	for qi, qu := range spec.Questions {
		for i, c := range spec.Questionnaire.Choices(qu) {
			labels := make([]string, len(spec.Languages))
			for k, lang := range spec.Languages {
				// Number and label in logical order, reordered together: in an
				// Arabic label the number comes first, at the right.
				labels[k] = fmt.Sprintf("%d · %s", spec.Numbers[qu.Name], Shorten(spec.Questionnaire.ChoiceLabel(qu, c.Name, lang), 48/len(spec.Languages)))
			}
			here, ok := rows[key{spec.Meeting.ID, qu.Name, c.Name}]
			all, allOK := rows[key{tally.AllScope, qu.Name, c.Name}]
			lines = append(lines, line{bilingual(labels, spec.Languages),
				here, all, AnswerColor(i), ok && !here.Small, allOK && !all.Small, qi})
		}
	}
	if len(lines) == 0 {
		return fmt.Errorf("meeting %s: no question to draw", spec.Meeting.ID)
	}
	questionOf := make([]int, len(lines))
	for i, ln := range lines {
		questionOf[i] = ln.question
	}
	lay, err := layoutMeeting(spec, cats, questionOf)
	if err != nil {
		return err
	}
	if spec.Part < 0 || spec.Part >= len(lay.parts) {
		return fmt.Errorf("meeting %s: part %d of a chart in %d", spec.Meeting.ID, spec.Part, len(lay.parts))
	}
	lines = lines[lay.parts[spec.Part][0]:lay.parts[spec.Part][1]]
	n := len(lines)
	titleLines := lay.title
	if spec.Part > 0 {
		titleLines = lay.continued
	}
	p := newPlot()
	axis := make([]string, len(cats))
	for i, c := range cats {
		axis[i] = c.T("axis_share")
	}
	p.Title.Text = strings.Join(titleLines, "\n")
	p.Title.TextStyle.Font = font.Font{Typeface: typeface, Weight: 700, Size: titleSize}
	percentAxis(p, bilingual(axis, spec.Languages), labelSize-0.5)
	p.Add(&plotter.Grid{Vertical: draw.LineStyle{Color: color.Gray{Y: 225}, Width: vg.Points(0.5)}})
	names := make([]string, n)
	var allXYs plotter.XYs
	for i, ln := range lines {
		y := float64(n - 1 - i)
		names[n-1-i] = ln.label
		if ln.ok {
			xy := plotter.XYs{{X: 100 * ln.here.Share, Y: y}}
			eb, err := plotter.NewXErrorBars(struct {
				plotter.XYs
				plotter.XErrors
			}{xy, plotter.XErrors{{Low: 100 * (ln.here.Share - ln.here.CILow), High: 100 * (ln.here.CIHigh - ln.here.Share)}}})
			if err != nil {
				return err
			}
			eb.LineStyle = draw.LineStyle{Color: ln.colour, Width: vg.Points(1.4)}
			eb.CapWidth = vg.Points(4)
			sc, err := plotter.NewScatter(xy)
			if err != nil {
				return err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: ln.colour, Radius: vg.Points(3.2), Shape: draw.CircleGlyph{}}
			p.Add(eb, sc)
		}
		if ln.allOK {
			allXYs = append(allXYs, plotter.XY{X: 100 * ln.all.Share, Y: y})
		}
	}
	pooled, err := plotter.NewScatter(allXYs)
	if err != nil {
		return err
	}
	pooled.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(4.2), Shape: draw.RingGlyph{}}
	p.Add(pooled)
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
	h := meetingHeight(n, len(titleLines))
	return finish(w, pixelSize(Width, h, spec.Pad), func(w io.Writer) error {
		img := newCanvas(Width, h)
		p.Draw(draw.Crop(draw.New(img), vg.Points(6), -vg.Points(10), vg.Points(4), -vg.Points(4)))
		return writePNG(w, img, spec.Pad)
	})
}

// Shorten cuts a label longer than max characters at a word boundary and
// marks the cut with an ellipsis (at the logical end, so at the left of
// Arabic text).
func Shorten(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	cut := max
	for cut > max/2 && r[cut] != ' ' {
		cut--
	}
	return strings.TrimRight(string(r[:cut]), " ,;:") + "…"
}

// meetingLayout is the geometry of a meeting's chart: its title's lines
// (and a part's after the first) and the answers' lines of each part.
type meetingLayout struct {
	title, continued []string
	parts            [][2]int // [from, to) in the chart's lines
}

// meetingHeight is the height of a meeting's chart of n answers' lines
// under a title of titleLines.
func meetingHeight(n, titleLines int) vg.Length {
	return vg.Length(n)*vg.Points(15) + vg.Points(60) + vg.Length(titleLines)*vg.Points(titleSize*leading)
}

// layoutMeeting splits the chart's lines (questionOf: each line's question)
// into parts of whole questions that fit MaxHeight (a question longer than
// a part is cut where the part is full).
func layoutMeeting(spec MeetingSpec, cats []*i18n.Catalog, questionOf []int) (meetingLayout, error) {
	var m meetingLayout
	for i, lang := range spec.Languages {
		title := cats[i].T("meeting_chart_title", spec.Meeting.Label.In(lang, "fr"))
		m.title = append(m.title, wrap(title, lang, fonts.StyleBold, titleSize, Width-2*vg.Centimeter)...)
		m.continued = append(m.continued, wrap(title+" "+cats[i].T("chart_continued"), lang, fonts.StyleBold, titleSize, Width-2*vg.Centimeter)...)
	}
	n := len(questionOf)
	per := n
	if spec.MaxHeight > 0 {
		per = int((spec.MaxHeight - meetingHeight(0, max(len(m.title), len(m.continued)))) / vg.Points(15))
		if per < 1 {
			return m, fmt.Errorf("meeting %s: a chart %.0f mm tall at most cannot hold one answer", spec.Meeting.ID, spec.MaxHeight.Points()*25.4/72)
		}
	}
	for from := 0; from < n; {
		to := min(n, from+per)
		if to < n {
			// Back to the start of the question cut, unless it is the
			// part's only one.
			cut := to
			for cut > from && questionOf[cut] == questionOf[cut-1] {
				cut--
			}
			if cut > from {
				to = cut
			}
		}
		m.parts = append(m.parts, [2]int{from, to})
		from = to
	}
	return m, nil
}

// MeetingParts is the number of parts the spec's chart is drawn in.
func MeetingParts(spec MeetingSpec) (int, error) {
	cats, err := catalogs(spec.Languages)
	if err != nil {
		return 0, err
	}
	var questionOf []int
	for qi, qu := range spec.Questions {
		for range spec.Questionnaire.Choices(qu) {
			questionOf = append(questionOf, qi)
		}
	}
	m, err := layoutMeeting(spec, cats, questionOf)
	return len(m.parts), err
}
