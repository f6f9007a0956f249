// Package reports typesets the synthesis PDF from result rows, charts and
// the project's texts. It knows nothing of files: Build takes everything in
// memory and returns the document's bytes and outline.
//
// Bilingual scheme: a bilingual cover, then one complete part per language
// in the manifest's order. A right-to-left part is mirrored: text is
// right-aligned and tables read from the right (first column on the right).
// Every line is broken by package rtl before maroto sees it, because maroto
// neither shapes Arabic nor wraps right-to-left text.
package reports

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"math"
	"math/rand"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/johnfercher/maroto/v2/pkg/repository"
	"github.com/phpdave11/gofpdf"

	"github.com/synthese-project/synthese/charts"
	"github.com/synthese-project/synthese/internal/fonts"
	"github.com/synthese-project/synthese/internal/i18n"
	"github.com/synthese-project/synthese/internal/rtl"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/ingest"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/people"
	"github.com/synthese-project/synthese/pipeline/responses"
	"github.com/synthese-project/synthese/pipeline/tally"
)

// Input is everything the report shows. Every number comes from Results
// (results.parquet) or is a count of Attendance rows (attendance.parquet).
type Input struct {
	Project    *form.Project
	Results    []tally.Result
	Attendance []form.Attendance
	Quality    *ingest.Quality      // quality.json, for the data-quality annex; nil leaves it out
	Tests      []tally.Independence // tests.parquet: one sentence per question
	Narrative  *form.Narrative      // recommendations (the meetings' contexts are in Project.Meetings)
	// MeetingCharts holds each meeting's chart against all meetings (PNG),
	// by "<meeting id>/<language>".
	MeetingCharts map[string][]byte
	// People (participants.parquet) and Participation (participation.parquet)
	// give the participation section and the participants annex.
	People        []people.Person
	Participation []people.ParticipationRow
	Mix           []byte            // the stakeholder-mix chart (PNG)
	Cities        *people.Cities    // names of places in each language
	Charts        map[string][]byte // question name -> PNG
	// ChartParts holds, by question, the parts after the first of a chart
	// too tall for a page (drawn in parts, at most ChartMaxHeight each).
	ChartParts map[string][][]byte
	// MeetingChartParts and MixParts likewise, by meeting/language and of
	// the stakeholder chart.
	MeetingChartParts map[string][][]byte
	MixParts          [][]byte
	Date              time.Time // document date (SOURCE_DATE_EPOCH)
	Version           string
	InputDigest       string // of the inputs (pipeline.DigestOf): written in the document information

	// Final, when set, is called once the PDF is made, before it is
	// finished: the charts given until then may be placeholders (PNG
	// headers: sizes only, see charts.PlaceholderPNG), and Final puts the
	// drawn ones in (see standIns). The caller draws the charts meanwhile.
	Final func(*Input) error

	broken map[lineKey][]string // lines broken by earlier builds of the same input
}

// Document is a built report.
type Document struct {
	PDF           []byte
	Pages         int
	Outline       []Entry
	MissingGlyphs []rune // characters drawn that the font lacks; empty when all is well

	raw     []byte // the PDF as gofpdf wrote it (before finish)
	swapped bool   // made with stand-ins for the charts (tests)
}

// maroto names images with random UUIDs and sorts them by name when the
// catalog is sorted: a seeded source makes names, and so bytes, repeatable.
var buildMu sync.Mutex

// Build typesets the report. The table of contents needs the pages of the
// headings, so the document is built again, with the contents of the
// previous build, until the pages no longer move (two or three builds).
func Build(in Input) (*Document, error) {
	buildMu.Lock()
	defer buildMu.Unlock()
	gofpdf.SetDefaultCatalogSort(true)
	gofpdf.SetDefaultCreationDate(in.Date)
	gofpdf.SetDefaultModificationDate(in.Date)
	// With Final, the charts are placeholders (sizes only) until the PDF
	// is made: the PDF is made with stand-ins (see standIns) while they
	// are drawn.
	var st *standIns
	if in.Final == nil {
		if err := distinctCharts(&in); err != nil {
			return nil, err
		}
	} else {
		var err error
		if st, err = useStandIns(&in); err != nil {
			return nil, err
		}
	}
	// The layout tracks pages itself, so the contents' page numbers settle
	// without making a PDF: a first layout finds the headings, a second one
	// places them with the contents in. The PDF is made with that outline;
	// if the contents moved a heading after all, the layout runs again.
	in.broken = map[lineKey][]string{}
	d, err := buildOnce(in, nil, false, false)
	if err != nil {
		return nil, err
	}
	toc := d.Outline
	if d, err = generate(in, toc); err != nil {
		return nil, err
	}
	if st == nil {
		return d.finish(in, nil)
	}
	if err := in.Final(&in); err != nil {
		return nil, err
	}
	sw, err := st.swap(&in)
	if errors.Is(err, errNotDrawn) {
		return nil, err // no PDF can be made of it
	}
	if err == nil {
		if out, err := d.finish(in, sw); err == nil {
			return out, nil
		}
	}
	// The drawn charts do not fit their stand-ins: the PDF is made from
	// them, as without Final.
	if err := distinctCharts(&in); err != nil {
		return nil, err
	}
	if d, err = generate(in, toc); err != nil {
		return nil, err
	}
	return d.finish(in, nil)
}

// generate lays the document out with the contents from toc, then makes the
// PDF, until its outline is the one its contents were made from (at most
// four times).
func generate(in Input, toc []Entry) (*Document, error) {
	for pass := 0; ; pass++ {
		d, err := buildOnce(in, toc, true, pass >= 1)
		if err != nil {
			return nil, err
		}
		if pass >= 1 && sameOutline(d.Outline, toc) || pass == 4 {
			return d, nil
		}
		toc = d.Outline
	}
}

// finish makes the PDF gofpdf wrote final (see finishPDF), the stand-ins'
// images swapped for the drawn charts when sw is set.
func (d *Document) finish(in Input, sw *imageSwap) (*Document, error) {
	pdf, err := finishPDF(d.raw, in.Project.Manifest.Languages[0], in.InputDigest, sw)
	if err != nil {
		return nil, err
	}
	out := *d
	out.PDF, out.raw = pdf, nil
	out.swapped = sw != nil
	return &out, nil
}

// distinctCharts makes the charts' widths distinct, in a fixed order (see
// distinctWidths).
func distinctCharts(in *Input) error {
	widths := distinctWidths{}
	for _, s := range ownCharts(in) {
		b, err := widths.fix(s.get(in))
		if err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
		s.set(in, b)
	}
	return nil
}

func sameOutline(a, b []Entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// buildOnce typesets the document once; withTOC adds the table of contents
// made from toc (the previous build's outline). Without generate it only
// lays the document out (pages and outline), without making the PDF.
func buildOnce(in Input, toc []Entry, withTOC, generate bool) (*Document, error) {
	uuid.SetRand(rand.New(rand.NewSource(1)))
	defer uuid.SetRand(nil)
	b, err := newBuilder(in, generate)
	if err != nil {
		return nil, err
	}
	if withTOC {
		b.toc = toc
		if b.toc == nil {
			b.toc = []Entry{}
		}
	}
	b.cover()
	for _, lang := range b.langs {
		if err := b.part(lang); err != nil {
			return nil, err
		}
	}
	if !generate {
		return &Document{Pages: b.l.page, Outline: b.l.outline}, nil
	}
	doc, err := b.m.Generate()
	if err != nil {
		return nil, fmt.Errorf("generating the PDF: %w", err)
	}
	out := &Document{raw: doc.GetBytes(), Pages: b.l.page, Outline: b.l.outline}
	for r := range b.g.missing {
		out.MissingGlyphs = append(out.MissingGlyphs, r)
	}
	sort.Slice(out.MissingGlyphs, func(i, j int) bool { return out.MissingGlyphs[i] < out.MissingGlyphs[j] })
	return out, nil
}

// contents prints the table of contents of one language part. Contents
// that would run a little past their page (Arabic lines are taller: the
// 10M-row report's left two entries alone on a second page) are set up to
// a sixth tighter to fit on it.
func (b *builder) contents(lang string) {
	if b.toc == nil {
		return
	}
	l, c := b.l, b.cats[lang]
	l.heading(0, lang, c.T("contents"), sH1, 20)
	type item struct {
		e      Entry
		st     style
		indent float64
		lines  []string
	}
	var items []item
	var rows []tocRow
	for _, e := range b.toc {
		if e.Lang != lang || e.Level < 1 || e.Level > 2 {
			continue
		}
		it := item{e: e, st: l.st(sBody)}
		if e.Level == 1 {
			it.st = l.st(sTOC1)
		} else {
			it.indent = 6
		}
		it.lines = l.lines(e.Title, it.st, contentW*52/gridSize-it.indent)
		items = append(items, it)
		rows = append(rows, tocRow{lines: len(it.lines), lineH: it.st.lineHeight()})
	}
	f := fitSpacing(rows, l.avail-safety-l.used, 5.0/6)
	for _, it := range items {
		st := it.st.tightened(f)
		h := float64(len(it.lines))*st.lineHeight() + tocGap
		title := col.New(52)
		for k, ln := range it.lines {
			p := st.props(l.alignment(), 0.6+float64(k)*st.lineHeight())
			if l.dir == rtl.RTL {
				p.Right = it.indent
			} else {
				p.Left = it.indent
			}
			title.Add(b.g.text(ln, p))
		}
		pageAlign := align.Right
		if l.dir == rtl.RTL {
			pageAlign = align.Left
		}
		page := b.g.textCol(8, fmt.Sprint(it.e.Page), st.props(pageAlign, 0.6))
		if l.dir == rtl.RTL {
			l.add(h, page, title)
		} else {
			l.add(h, title, page)
		}
	}
}

// tocGap is the space under each entry of the contents (mm).
const tocGap = 1.2

// tocRow is an entry of the contents: its lines and their height (mm).
type tocRow struct {
	lines int
	lineH float64
}

// fitSpacing is the factor (1, or down to least) by which the line spacing
// of the rows must shrink for them to fit in room (mm), as layout.add
// stacks them; 1 when they fit as they are or would not fit even at least.
func fitSpacing(rows []tocRow, room, least float64) float64 {
	height := func(f float64) float64 {
		h := 0.0
		for _, r := range rows {
			h += quantize(float64(r.lines)*r.lineH*f + tocGap)
		}
		return h
	}
	if height(1) <= room || height(least) > room {
		return 1
	}
	lo, hi := least, 1.0 // height(lo) fits, height(hi) does not
	for range 30 {
		mid := (lo + hi) / 2
		if height(mid) <= room {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

type builder struct {
	in      Input
	p       *form.Project
	q       *form.Questionnaire
	langs   []string
	cats    map[string]*i18n.Catalog
	m       core.Maroto
	l       *layout
	g       *glyphs
	results map[string][]tally.Result // question -> rows
	toc     []Entry                   // the previous build's outline; nil: no contents
}

// newBuilder prepares a build; without generate the layout only counts
// pages (no PDF document behind it).
func newBuilder(in Input, generate bool) (*builder, error) {
	p := in.Project
	b := &builder{in: in, p: p, q: p.Questionnaire, langs: p.Manifest.Languages, g: &glyphs{missing: map[rune]bool{}, broken: in.broken},
		cats: map[string]*i18n.Catalog{}, results: map[string][]tally.Result{}}
	for _, l := range b.langs {
		c, err := i18n.For(l)
		if err != nil {
			return nil, err
		}
		b.cats[l] = c
	}
	for _, r := range in.Results {
		b.results[r.Question] = append(b.results[r.Question], r)
	}
	// The running header is added by the layout on every page but the cover.
	headerH := 0.0
	for _, r := range b.runningHeader() {
		headerH += r.GetHeight(nil, nil)
	}
	if !generate {
		b.l = newLayout(nil, b.g, headerH, b.runningHeader)
		return b, nil
	}
	customFonts, err := repository.New().
		AddUTF8FontFromBytes(fonts.Family, fontstyle.Normal, fonts.Regular).
		AddUTF8FontFromBytes(fonts.Family, fontstyle.Bold, fonts.Bold).
		AddUTF8FontFromBytes(fonts.ArabicFamily, fontstyle.Normal, fonts.ArabicRegular).
		AddUTF8FontFromBytes(fonts.ArabicFamily, fontstyle.Bold, fonts.ArabicBold).
		Load()
	if err != nil {
		return nil, fmt.Errorf("loading fonts: %w", err)
	}
	first := b.langs[0]
	title := b.title(first)
	var keywords []string
	for _, l := range b.langs {
		keywords = append(keywords, b.title(l))
	}
	cfg := config.NewBuilder().
		WithPageSize(pagesize.A4).
		WithLeftMargin(marginX).WithRightMargin(marginX).
		WithTopMargin(marginTop).WithBottomMargin(marginBottom).
		WithMaxGridSize(gridSize).
		WithCustomFonts(customFonts).
		WithDefaultFont(&props.Font{Family: fonts.Family, Size: sBody.size}).
		WithPageNumber(props.PageNumber{Pattern: "{current} / {total}", Place: props.Bottom,
			Family: fonts.Family, Size: 8, Color: grey}).
		// The streams are compressed afterwards (finishPDF).
		WithCompression(false).
		WithTitle(title, true).
		WithAuthor(p.Manifest.Organiser.In(first, b.q.DefaultLanguage), true).
		WithSubject(strings.Join(keywords, " / "), true).
		WithCreator("synthese "+in.Version, true).
		WithKeywords(strings.Join(append([]string{"synthese"}, b.langs...), ", "), true).
		WithCreationDate(in.Date).
		Build()
	b.m = maroto.New(cfg)
	b.l = newLayout(b.m, b.g, headerH, b.runningHeader)
	return b, nil
}

// title is the report title in lang: the manifest's, else the form's.
func (b *builder) title(lang string) string {
	if t := b.p.Manifest.Title.In(lang); t != "" {
		return t
	}
	return b.q.Title.In(lang, b.q.DefaultLanguage)
}

// runningHeader shows the title in the first two languages, each on its side.
func (b *builder) runningHeader() []core.Row {
	const h = 6.0
	half := gridSize / 2
	var cols []core.Col
	for i, lang := range b.langs {
		dir := i18n.Direction(lang)
		al := align.Left
		if i == len(b.langs)-1 && len(b.langs) > 1 || dir == rtl.RTL {
			al = align.Right
		}
		width := contentW / float64(len(b.langs))
		st := sRunning
		if lang == "ar" {
			st = arabicStyle(st)
		}
		ln := rtl.Layout(b.title(lang), dir, width-2, func(x string) float64 { return fonts.WidthMM(x, st.fontStyle(), st.size) })
		cols = append(cols, b.g.textCol(gridSize/len(b.langs), ln[0], st.props(al, 1)))
	}
	if len(b.langs) == 1 {
		cols = []core.Col{cols[0], col.New(half)}
		cols[0] = b.g.textCol(half, "", sRunning.props(align.Left, 1))
	}
	return []core.Row{
		row.New(h).Add(cols...),
		row.New(4).Add(line.NewCol(gridSize, props.Line{Color: ruleColor, Thickness: 0.2, SizePercent: 100})),
	}
}

func (b *builder) date(lang string, t time.Time) string {
	c := b.cats[lang]
	key := "date"
	if t.Day() == 1 {
		key = "date_first" // le 1er décembre
	}
	return c.T(key, t.Day(), c.T(fmt.Sprintf("month_%d", int(t.Month()))), t.Year())
}

// dates is "from start to end" (rangeKey), or "on start" (dayKey) when
// they are the same day.
func (b *builder) dates(lang, rangeKey, dayKey string, start, end time.Time) string {
	if start.Equal(end) {
		return b.cats[lang].T(dayKey, b.date(lang, start))
	}
	return b.cats[lang].T(rangeKey, b.date(lang, start), b.date(lang, end))
}

// period is the span of the meetings' dates.
func (b *builder) period(lang string) string {
	if len(b.p.Meetings) == 0 {
		return ""
	}
	start, end := b.p.Meetings[0].Start, b.p.Meetings[0].End
	for _, m := range b.p.Meetings {
		if m.Start.Before(start) {
			start = m.Start
		}
		if m.End.After(end) {
			end = m.End
		}
	}
	return b.dates(lang, "period_range", "period_date", start, end)
}

func (b *builder) cover() {
	l := b.l
	l.add(50, col.New(gridSize))
	for _, lang := range b.langs {
		l.dir, l.arabic = i18n.Direction(lang), lang == "ar"
		l.paragraph(b.title(lang), sTitle)
		l.space(6)
	}
	l.add(20, col.New(gridSize))
	for _, lang := range b.langs {
		l.dir, l.arabic = i18n.Direction(lang), lang == "ar"
		c := b.cats[lang]
		if org := b.p.Manifest.Organiser.In(lang, b.q.DefaultLanguage); org != "" {
			l.paragraph(c.T("label_value", c.T("organiser"), org), sBody)
		}
		l.paragraph(c.T("label_value", c.T("period"), b.period(lang)), sBody)
		l.space(5)
	}
	l.newPage()
}

// part typesets the whole report in one language.
func (b *builder) part(lang string) error {
	l, c := b.l, b.cats[lang]
	l.newPage()
	l.dir, l.arabic = i18n.Direction(lang), lang == "ar"
	if b.toc != nil {
		b.contents(lang)
		l.newPage()
	}
	l.heading(1, lang, c.T("key_figures"), sH1, 25)
	b.keyFigures(lang)
	if err := b.participationSection(lang); err != nil {
		return err
	}
	l.heading(1, lang, c.T("method"), sH1, 20)
	for _, k := range []string{"method_shares", "method_pct", "method_ci"} {
		l.paragraph(c.T(b.scoped(k)), sBody)
		l.space(2)
	}
	l.paragraph(c.T(b.scoped("method_small"), b.p.Manifest.SmallCell, b.p.Manifest.SmallCell), sBody)
	if w := b.p.Manifest.WeightColumn; w != "" {
		l.space(2)
		l.paragraph(c.T(b.scoped("method_weighted"), w), sBody)
	}
	if len(b.in.Tests) > 0 && b.p.Manifest.MeetingQuestion != "" {
		l.space(2)
		l.paragraph(c.T("method_test"), sBody)
	}
	l.newPage()
	l.heading(1, lang, c.T("results"), sH1, 60)
	number := 0
	for _, qu := range b.p.ReportedQuestions() {
		number++
		if err := b.question(lang, number, qu); err != nil {
			return err
		}
	}
	for _, m := range b.p.Meetings {
		if err := b.meetingChapter(lang, m); err != nil {
			return err
		}
	}
	b.conclusion(lang)
	b.qualityAnnex(lang)
	b.participantsAnnex(lang)
	return nil
}

// narrative prints a text of the data in lang, or in another language with
// a visible note when lang has none.
func (b *builder) narrative(lang string, t form.Text, st style) {
	s, used := t.InLanguage(lang, b.langs...)
	if s == "" {
		return
	}
	b.l.paragraph(s, st)
	if used != lang {
		c := b.cats[lang]
		b.l.paragraph(c.T("fallback_note", c.T("lang_"+used)), sSmall)
	}
}

// meetingChapter: dates, regions, context, participation, results against
// all meetings, and the working groups' recommendations.
func (b *builder) meetingChapter(lang string, m form.Meeting) error {
	l, c := b.l, b.cats[lang]
	l.newPage()
	city := m.City.In(lang, b.q.DefaultLanguage)
	l.heading(1, lang, c.T("meeting_title", city), sH1, 30)
	l.paragraph(b.dates(lang, "meeting_dates", "meeting_date", m.Start, m.End), sBody)
	if regions, _ := m.Regions.InLanguage(lang, b.langs...); regions != "" {
		l.paragraph(c.T("meeting_regions", strings.ReplaceAll(strings.ReplaceAll(regions, "; ", ", "), "؛ ", "، ")), sBody)
	}
	if len(m.Description) > 0 {
		l.heading(3, lang, c.T("meeting_context"), sH2, 15)
		b.narrative(lang, m.Description, sBody)
		if _, used := m.Description.InLanguage(lang, b.langs...); used == lang && m.Unreviewed[lang] {
			l.paragraph(c.T("translation_unreviewed"), sSmall)
		}
	}
	if len(b.in.Participation) > 0 {
		get := func(measure, category string) people.ParticipationRow {
			return b.participation(m.ID, measure, category)
		}
		l.heading(3, lang, c.T("meeting_participation"), sH2, 12)
		l.paragraph(c.T("meeting_participation_text", get("list_rows", "participant").Count, get("people", "").Count,
			get("cities", "").Count, get("respondents", "").Count, c.T("pct", wholePercent(get("response_rate", "").Share))), sBody)
	}
	if err := b.meetingResults(lang, m.ID); err != nil {
		return err
	}
	b.recommendations(lang, m.ID)
	return nil
}

// meetingResults compares the meeting's answers with all meetings' (results.parquet).
func (b *builder) meetingResults(lang, meeting string) error {
	l, c := b.l, b.cats[lang]
	var rows [][]cell
	for _, qu := range b.p.ReportedQuestions() {
		for i, ch := range b.q.Choices(qu) {
			here, ok := resultAt(b.results[qu.Name], meeting, ch.Name)
			all, _ := resultAt(b.results[qu.Name], tally.AllScope, ch.Name)
			if !ok {
				continue
			}
			question := ""
			if i == 0 {
				question = qu.Label.In(lang, b.q.DefaultLanguage)
			}
			st := sCellB
			st.color = answerColor(i)
			r := []cell{{question, sSmall}, {b.q.ChoiceLabel(qu, ch.Name, lang), st}}
			if here.Small {
				r = append(r, cell{c.T("small_cell", b.p.Manifest.SmallCell), sSmall}, cell{"", sSmall})
			} else {
				r = append(r, cell{c.T("pct", here.Pct), sCellB}, cell{c.T("ci_range", wholePercent(here.CILow), wholePercent(here.CIHigh)), sCell})
			}
			r = append(r, cell{c.T("pct", all.Pct), sCell})
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	chart := b.in.MeetingCharts[meeting+"/"+lang]
	chartH := 0.0
	if chart != nil {
		if cfg, err := png.DecodeConfig(bytes.NewReader(chart)); err == nil {
			chartH = chartWidth * float64(cfg.Height) / float64(cfg.Width)
		}
	}
	chartH = l.chartHeight(chartH, l.paragraphHeight(c.T("meeting_results"), sH2)+1.5)
	l.heading(3, lang, c.T("meeting_results"), sH2, max(30, chartH))
	if chartH > 0 {
		l.add(chartH, image.NewFromBytesCol(gridSize, chart, extension.Png, props.Rect{Center: true, Percent: 100}))
		if err := moreParts(l, b.in.MeetingChartParts[meeting+"/"+lang], "chart of meeting "+meeting); err != nil {
			return err
		}
		l.space(3)
	}
	header := []cell{{c.T("col_question"), sCellB}, {c.T("col_answer"), sCellB}, {c.T("col_this_meeting"), sCellB}, {c.T("pct", 95), sCellB}, {c.T("col_all"), sCellB}}
	l.addTable(l.newTable(header, rows, []int{24, 12, 8, 8, 8}))
	l.space(1.5)
	l.paragraph(c.T("meeting_results_note"), sSmall)
	return nil
}

// recommendations lists the working groups' recommendations and suggestions.
func (b *builder) recommendations(lang, meeting string) {
	n := b.in.Narrative
	if n == nil {
		return
	}
	l, c := b.l, b.cats[lang]
	var groups []string
	byGroup := map[string][]form.Recommendation{}
	for _, r := range n.Recommendations {
		if r.Meeting != meeting {
			continue
		}
		key, _ := r.Group.InLanguage(b.q.DefaultLanguage)
		if _, ok := byGroup[key]; !ok {
			groups = append(groups, key)
		}
		byGroup[key] = append(byGroup[key], r)
	}
	if len(groups) == 0 {
		return
	}
	l.heading(3, lang, c.T("meeting_recommendations"), sH2, 25)
	if n.Status[lang] == "unreviewed" {
		l.paragraph(c.T("translation_unreviewed"), sSmall)
		l.space(1)
	}
	for _, g := range groups {
		recs := byGroup[g]
		name, _ := recs[0].Group.InLanguage(lang, b.langs...)
		l.space(2)
		l.paragraphKeep(name, sGroup, l.st(sLabel).lineHeight()+2*l.st(sBody).lineHeight())
		for _, kind := range []string{"recommendation", "suggestion"} {
			first := true
			for _, r := range recs {
				if r.Kind != kind {
					continue
				}
				if first {
					l.paragraphKeep(c.T(kind+"s"), sLabel, 2*l.st(sBody).lineHeight())
					first = false
				}
				text, used := r.Text.InLanguage(lang, b.langs...)
				if used != lang {
					text += " (" + c.T("lang_"+used) + ")"
				}
				l.bullet(text, sBody)
			}
		}
	}
}

// conclusion gives the closing figures.
func (b *builder) conclusion(lang string) {
	if len(b.in.Participation) == 0 {
		return
	}
	l, c := b.l, b.cats[lang]
	all := func(measure, category string) int64 {
		return b.participation(tally.AllScope, measure, category).Count
	}
	var recs, sugg int
	if b.in.Narrative != nil {
		for _, r := range b.in.Narrative.Recommendations {
			if r.Kind == "suggestion" {
				sugg++
			} else {
				recs++
			}
		}
	}
	speakers := int64(0)
	for _, p := range b.in.People {
		for _, r := range p.Roles {
			if r == "speaker" {
				speakers++
			}
		}
	}
	l.newPage()
	l.heading(1, lang, c.T("conclusion"), sH1, 30)
	l.paragraph(c.T("conclusion_text", len(b.p.Meetings), all("participants", ""), all("cities", ""), speakers,
		all("respondents", ""), recs, sugg), sBody)
	l.space(4)
	b.keyFigures(lang)
}

// qualityAnnex prints quality.json: what was read, kept and set aside.
func (b *builder) qualityAnnex(lang string) {
	q := b.in.Quality
	if q == nil {
		return
	}
	l, c := b.l, b.cats[lang]
	sum := func(m map[string]int) (n int) {
		for _, v := range m {
			n += v
		}
		return n
	}
	folded := 0
	for _, n := range q.Responses.Normalised {
		if n.Folded {
			folded += n.Count
		}
	}
	r := q.Responses
	type item struct {
		key string
		n   int
	}
	items := []item{
		{"q_files", len(r.Files)},
		{"q_rows_read", r.RowsRead},
		{"q_respondents", r.Respondents},
		{"q_no_meeting", r.RowsRejected[input.RejectNoMeeting]},
		{"q_field_count", r.RowsRejected[input.RejectFieldCount]},
		{"q_duplicates", r.Duplicates},
		{"q_cells_rejected", sum(r.CellsRejected)},
		{"q_explicit_missing", r.ExplicitMissing},
		{"q_columns_ignored", len(r.ColumnsIgnored)},
		{"q_cols_counted", r.Columns[responses.ColumnCounted]},
		{"q_cols_not_summarised", r.Columns[responses.ColumnNotSummarised]},
		{"q_cols_repeat", r.Columns[responses.ColumnRepeat]},
		{"q_cols_metadata", r.Columns[responses.ColumnMetadata]},
		{"q_cols_unnamed", r.Columns[responses.ColumnUnnamed]},
		{"q_folded", folded},
		{"q_participants_read", q.Participants.RowsRead},
		{"q_participants_rejected", sum(q.Participants.RowsRejected)},
		{"q_narrative_missing", q.Narrative.Missing[lang]},
	}
	if len(b.p.Manifest.Participants) == 0 { // no lists: nothing read of them
		items = slices.DeleteFunc(items, func(it item) bool { return strings.HasPrefix(it.key, "q_participants_") })
	}
	// Columns of kinds an export may not have: shown when there are some.
	items = slices.DeleteFunc(items, func(it item) bool {
		return (it.key == "q_cols_repeat" || it.key == "q_cols_unnamed" || it.key == "q_cols_not_summarised") && it.n == 0
	})
	var rows [][]cell
	for _, it := range items {
		rows = append(rows, []cell{{c.T(it.key), sCell}, {c.Int(int64(it.n)), sCell}})
	}
	l.newPage()
	l.heading(1, lang, c.T("annex_quality"), sH1, 30)
	intro := "q_intro"
	if r.Columns[responses.ColumnNotSummarised]+r.Columns[responses.ColumnRepeat]+r.Columns[responses.ColumnUnknown]+r.Columns[responses.ColumnUnnamed] > 0 {
		intro = "q_intro_partial" // accounted for, not all of it summarised: said so
	}
	l.paragraph(c.T(intro), sBody)
	l.space(3)
	l.addTable(l.newTable([]cell{{c.T("q_item"), sCellB}, {c.T("q_count"), sCellB}}, rows, []int{48, 12}))
	// The encoding each text file was read in, and why (a workbook has none).
	var encodings []string
	for _, f := range r.Files {
		if f.Encoding != "" {
			encodings = append(encodings, c.T("q_enc_"+f.EncodingReason, f.File, strings.ToUpper(f.Encoding), c.Int(int64(f.InvalidSequences))))
		}
	}
	if len(encodings) > 0 {
		l.space(3)
		l.paragraph(c.T("q_encodings"), sCellB)
		for _, e := range encodings {
			l.paragraph(e, sSmall)
		}
	}
	if len(q.Notes) > 0 {
		l.space(3)
		l.paragraph(c.T("q_notes"), sCellB)
		for _, n := range q.Notes {
			l.paragraph(n, sSmall)
		}
	}
}

// participation returns a count of participation.parquet.
func (b *builder) participation(scope, measure, category string) people.ParticipationRow {
	for _, r := range b.in.Participation {
		if r.Scope == scope && r.Measure == measure && r.Category == category {
			return r
		}
	}
	return people.ParticipationRow{}
}

// scoped is a message's key for the project's scopes: key, or key_one when
// the survey is one scope (no meeting question: no meetings to speak of).
func (b *builder) scoped(key string) string {
	if b.p.Manifest.MeetingQuestion == "" {
		return key + "_one"
	}
	return key
}

// keyFigures shows the headline counts as rows of figures with captions.
func (b *builder) keyFigures(lang string) {
	l, c := b.l, b.cats[lang]
	// Respondents: every row of a question in scope all counts them (valid
	// and missing); the meeting question's when there is one.
	respondents := int64(0)
	source := b.p.Manifest.MeetingQuestion
	if source == "" {
		for _, qu := range b.p.ReportedQuestions() {
			if len(b.results[qu.Name]) > 0 {
				source = qu.Name
				break
			}
		}
	}
	for _, r := range b.results[source] {
		if r.Scope == tally.AllScope {
			respondents = r.ValidN + r.MissingN + r.NotAskedN
		}
	}
	questions := 0
	for _, qu := range b.p.ReportedQuestions() {
		if len(b.results[qu.Name]) > 0 {
			questions++
		}
	}
	type figure struct{ value, key string }
	figures := []figure{
		{c.Int(int64(len(b.p.Meetings))), "kf_meetings"},
		{c.Int(int64(b.participation(tally.AllScope, "participants", "").Count)), "kf_participants"},
		{c.Int(int64(b.participation(tally.AllScope, "people", "").Count)), "kf_people"},
		{c.Int(int64(b.participation(tally.AllScope, "cities", "").Count)), "kf_cities"},
		{c.Int(int64(respondents)), "kf_respondents"},
		{c.T("pct", wholePercent(b.participation(tally.AllScope, "response_rate", "").Share)), "kf_response_rate"},
		{c.Int(int64(questions)), "kf_questions"},
	}
	if len(b.in.Participation) == 0 { // no participant lists: survey figures only
		figures = []figure{figures[0], figures[4], figures[6]}
		if b.p.Manifest.MeetingQuestion == "" { // one scope: no meetings to count
			figures = figures[1:]
		}
	}
	const perRow = 4
	w := gridSize / perRow
	colW := contentW*float64(w)/gridSize - 4
	for start := 0; start < len(figures); start += perRow {
		height := 0.0
		var cols []core.Col
		for _, f := range figures[start:min(start+perRow, len(figures))] {
			cl := col.New(w)
			cl.Add(b.g.text(f.value, l.st(sFigure).props(align.Center, 1)))
			lines := l.lines(c.T(f.key), sSmall, colW)
			top := 1 + l.st(sFigure).lineHeight()
			for k, ln := range lines {
				cl.Add(b.g.text(ln, l.st(sSmall).props(align.Center, top+float64(k)*l.st(sSmall).lineHeight())))
			}
			height = max(height, top+float64(len(lines))*l.st(sSmall).lineHeight()+3)
			cols = append(cols, cl)
		}
		for len(cols) < perRow {
			cols = append(cols, col.New(w))
		}
		if l.dir == rtl.RTL {
			for a, z := 0, len(cols)-1; a < z; a, z = a+1, z-1 {
				cols[a], cols[z] = cols[z], cols[a]
			}
		}
		l.keep(height)
		l.add(height, cols...)
	}
	if b.in.Quality != nil && b.in.Quality.Responses.RowsRead == 0 {
		// A form before any response: the report says so before its empty results.
		l.space(2)
		l.paragraph(c.T("kf_no_response"), sBody)
	}
	l.space(4)
}

// participationSection: who came, per meeting, and the stakeholder mix.
func (b *builder) participationSection(lang string) error {
	if len(b.in.Participation) == 0 {
		return nil
	}
	l, c := b.l, b.cats[lang]
	all := func(measure, category string) int64 {
		return b.participation(tally.AllScope, measure, category).Count
	}
	l.heading(1, lang, c.T("participation"), sH1, 30)
	l.paragraph(c.T("participation_text", all("list_rows", "participant"), all("participants", ""), all("people", ""),
		all("cities", ""), all("repeat_people", "")), sBody)
	l.space(2)
	header := []cell{{c.T("col_meeting"), sCellB}, {c.T("col_participants"), sCellB}, {c.T("col_speakers"), sCellB},
		{c.T("col_people"), sCellB}, {c.T("col_cities"), sCellB}, {c.T("col_respondents"), sCellB}, {c.T("col_rate"), sCellB}}
	var rows [][]cell
	for _, scope := range tally.Scopes(b.q, b.p.Manifest.MeetingQuestion) {
		st := sCell
		if scope == tally.AllScope {
			st = sCellB
		}
		get := func(measure, category string) people.ParticipationRow {
			return b.participation(scope, measure, category)
		}
		rows = append(rows, []cell{
			{b.scopeLabel(lang, scope), st},
			{c.Int(int64(get("list_rows", "participant").Count)), st},
			{c.Int(int64(get("list_rows", "speaker").Count + get("list_rows", "facilitator").Count)), st},
			{c.Int(int64(get("people", "").Count)), st},
			{c.Int(int64(get("cities", "").Count)), st},
			{c.Int(int64(get("respondents", "").Count)), st},
			{c.T("pct", wholePercent(get("response_rate", "").Share)), st},
		})
	}
	l.addTable(l.newTable(header, rows, []int{12, 8, 8, 8, 8, 8, 8}))
	l.space(1.5)
	l.paragraph(c.T("participation_rate"), sSmall)
	if n := all("unclassified_orgs", ""); n > 0 {
		l.paragraph(c.T("participation_unclassified", n), sSmall)
	}
	if b.in.Mix != nil {
		cfg, err := png.DecodeConfig(bytes.NewReader(b.in.Mix))
		if err != nil {
			return fmt.Errorf("stakeholder chart: %w", err)
		}
		h := l.chartHeight(chartWidth*float64(cfg.Height)/float64(cfg.Width), l.st(sSmall).lineHeight())
		l.space(4)
		l.keep(h + l.st(sSmall).lineHeight())
		l.add(h, image.NewFromBytesCol(gridSize, b.in.Mix, extension.Png, props.Rect{Center: true, Percent: 100}))
		if err := moreParts(l, b.in.MixParts, "stakeholder chart"); err != nil {
			return err
		}
		l.paragraph(c.T("mix_caption"), sSmall)
	}
	return nil
}

// participantsAnnex lists the people of each meeting: name, organisation, city.
func (b *builder) participantsAnnex(lang string) {
	if len(b.in.People) == 0 {
		return
	}
	l, c := b.l, b.cats[lang]
	names := b.p.Manifest.ShowNames()
	l.newPage()
	l.heading(1, lang, c.T("annex_participants"), sH1, 30)
	if names {
		l.paragraph(c.T("annex_participants_note"), sSmall)
	} else {
		l.paragraph(c.T("annex_participants_anonymous"), sSmall)
	}
	l.space(2)
	for _, m := range b.p.Meetings {
		var people []people.Person
		for _, p := range b.in.People {
			for _, id := range p.Meetings {
				if id == m.ID {
					people = append(people, p)
				}
			}
		}
		sort.SliceStable(people, func(i, j int) bool { return input.Fold(people[i].Name) < input.Fold(people[j].Name) })
		header := []cell{{c.T("col_org"), sCellB}, {c.T("col_city"), sCellB}}
		widths := []int{40, 20}
		if names {
			header = append([]cell{{c.T("col_name"), sCellB}}, header...)
			widths = []int{18, 30, 12}
		}
		var rows [][]cell
		for _, p := range people {
			city := p.City
			if city == "" {
				city = p.Region
			}
			r := []cell{{p.Organisation, sCell}, {b.placeLabel(city, lang), sCell}}
			if names {
				r = append([]cell{{p.Name, sCell}}, r...)
			}
			rows = append(rows, r)
		}
		l.heading(3, lang, m.City.In(lang, b.q.DefaultLanguage)+" ("+c.Int(int64(len(people)))+")", sH2, 25)
		l.addTable(l.newTable(header, rows, widths))
		l.space(4)
	}
}

// placeLabel names a city in lang when the reference list has it.
func (b *builder) placeLabel(city, lang string) string {
	if b.in.Cities != nil {
		return b.in.Cities.Label(city, lang)
	}
	return city
}

// scopeLabel names a scope in lang.
func (b *builder) scopeLabel(lang, scope string) string {
	if scope == tally.AllScope {
		return b.cats[lang].T("all_scope")
	}
	m, _ := b.p.Meeting(scope)
	return m.City.In(lang, b.q.DefaultLanguage)
}

const chartWidth = 160.0 // mm

// moreParts places the parts after the first of a chart drawn in parts, a
// page each at most.
func moreParts(l *layout, parts [][]byte, what string) error {
	for k, part := range parts {
		cfg, err := png.DecodeConfig(bytes.NewReader(part))
		if err != nil {
			return fmt.Errorf("%s, part %d: %w", what, k+2, err)
		}
		h := l.chartHeight(chartWidth*float64(cfg.Height)/float64(cfg.Width), l.st(sSmall).lineHeight())
		l.space(2)
		l.keep(h)
		l.add(h, image.NewFromBytesCol(gridSize, part, extension.Png, props.Rect{Center: true, Percent: 100}))
	}
	return nil
}

// ChartMaxHeight (mm) is the tallest a question's chart, or each of its
// parts, is drawn at the chart width, so that it fits on a page under its
// heading; a taller chart is drawn in parts (charts.Spec.MaxHeight).
const ChartMaxHeight = 215.0

// question typesets one closed question: heading, chart, table, notes.
func (b *builder) question(lang string, number int, qu form.Question) error {
	l, c := b.l, b.cats[lang]
	rows := b.results[qu.Name]
	if len(rows) == 0 {
		return nil
	}
	chartH := 0.0
	chart := b.in.Charts[qu.Name]
	if chart != nil {
		cfg, err := png.DecodeConfig(bytes.NewReader(chart))
		if err != nil {
			return fmt.Errorf("chart of %q: %w", qu.Name, err)
		}
		chartH = chartWidth * float64(cfg.Height) / float64(cfg.Width)
	}
	// A label missing in lang: in another language of the report first,
	// then the form's default, with the note the narrative uses.
	label, used := qu.Label.InLanguage(lang, append(slices.Clone(b.langs), b.q.DefaultLanguage)...)
	// A long label (a consent script) heads the question by its beginning
	// (the contents too) and is printed whole under the heading.
	full := ""
	if r := []rune(label); len(r) > maxHeadingRunes {
		full, label = label, charts.Shorten(label, maxHeadingRunes)
	}
	title := fmt.Sprintf("%d. %s", number, label)
	chartH = l.chartHeight(chartH, l.paragraphHeight(title, sH2)+1.5+l.st(sSmall).lineHeight())
	tbl := l.newTable(b.questionTable(lang, qu, rows))
	// Heading, chart and table stay on one page when they fit on one.
	block := l.paragraphHeight(title, sH2) + 1.5 + chartH + l.st(sSmall).lineHeight() + 3 + tbl.height()
	if l.fits(block) {
		l.keep(block)
	}
	l.heading(2, lang, title, sH2, chartH+l.st(sSmall).lineHeight())
	if used != lang && used != "" && slices.Contains(form.SupportedLanguages, used) {
		l.paragraph(c.T("fallback_note", c.T("lang_"+used)), sSmall)
	}
	if full != "" {
		l.paragraph(full, sBody)
		l.space(2)
	}
	if chart != nil {
		l.keep(chartH)
		l.add(chartH, image.NewFromBytesCol(gridSize, chart, extension.Png, props.Rect{Center: true, Percent: 100}))
		if err := moreParts(l, b.in.ChartParts[qu.Name], "chart of "+qu.Name); err != nil {
			return err
		}
		l.paragraph(c.T(b.scoped("chart_caption")), sSmall)
		l.space(3)
	}
	l.addTable(tbl)
	l.space(1.5)
	l.paragraph(c.T("table_note"), sSmall)
	if qu.Type == form.SelectMultiple {
		l.paragraph(c.T("question_multiple"), sSmall)
	}
	if s := b.testSentence(lang, qu.Name); s != "" {
		l.space(1)
		l.paragraph(s, sBody)
	}
	if b.in.Quality != nil && slices.Contains(b.in.Quality.Responses.NotInExport, qu.Name) {
		l.paragraph(c.T("not_in_export_note"), sSmall) // not "no answer: everyone": it was never in the files
	} else if all, ok := resultAt(rows, tally.AllScope, b.q.Choices(qu)[0].Name); ok {
		if all.MissingN > 0 {
			l.paragraph(c.T("missing_note", all.MissingN, all.ValidN+all.MissingN+all.NotAskedN), sSmall)
		}
		if all.NotAskedN > 0 { // skip logic: not asked is neither an answer nor a missing one
			l.paragraph(c.T("not_asked_note", all.NotAskedN), sSmall)
		}
	}
	l.space(6)
	return nil
}

// wholePercent formats an interval bound, a share, as a whole percentage
// (rounded to nearest) for display.
func wholePercent(share float64) int { return int(math.Floor(share*100 + 0.5)) }

// columnWidths gives the meeting and n columns a fixed width and shares the
// rest among the answers.
func columnWidths(answers int, nWidth float64) []int {
	meeting, n := 14, 6
	if answers > 4 {
		meeting, n = 11, 4
	}
	// The n column widens for the widest count in bold (millions at a
	// national scale), the answers' columns giving up the room.
	n = max(n, int(math.Ceil((nWidth+2*cellPad+0.5)*gridSize/contentW)))
	each := (gridSize - meeting - n) / answers
	widths := []int{meeting + (gridSize - meeting - n - each*answers), n}
	for i := 0; i < answers; i++ {
		widths = append(widths, each)
	}
	return widths
}

func answerColor(i int) *props.Color {
	c := charts.AnswerColor(i)
	return &props.Color{Red: int(c.R), Green: int(c.G), Blue: int(c.B)}
}

// resultAt finds the row of a scope and an answer.
func resultAt(rows []tally.Result, scope, answer string) (tally.Result, bool) {
	for _, r := range rows {
		if r.Scope == scope && r.Answer == answer {
			return r, true
		}
	}
	return tally.Result{}, false
}

// questionTable is the table of one question: a row per scope with its n,
// then each answer's percentage and interval ("n < k" for small cells).
func (b *builder) questionTable(lang string, qu form.Question, rows []tally.Result) ([]cell, [][]cell, []int) {
	c := b.cats[lang]
	choices := b.q.Choices(qu)
	var scopes []string
	for _, r := range rows {
		if r.Answer == choices[0].Name {
			scopes = append(scopes, r.Scope)
		}
	}
	header := []cell{{c.T(b.scoped("col_meeting")), sCellB}, {c.T("col_n"), sCellB}}
	for i, ch := range choices {
		st := sCellB
		st.color = answerColor(i)
		header = append(header, cell{b.q.ChoiceLabel(qu, ch.Name, lang), st})
	}
	var body [][]cell
	nWidth := 0.0
	for _, s := range scopes {
		first, _ := resultAt(rows, s, choices[0].Name)
		st := sCell
		if s == tally.AllScope {
			st = sCellB
		}
		n := c.Int(first.ValidN)
		nWidth = max(nWidth, fonts.WidthMM(n, sCellB.fontStyle(), sCellB.size))
		r := []cell{{b.scopeLabel(lang, s), st}, {n, st}}
		for _, ch := range choices {
			res, _ := resultAt(rows, s, ch.Name)
			if res.Small {
				r = append(r, cell{c.T("small_cell", b.p.Manifest.SmallCell), sSmall})
				continue
			}
			r = append(r, cell{c.T("pct", res.Pct) + "\n" + c.T("ci_range", wholePercent(res.CILow), wholePercent(res.CIHigh)), st})
		}
		body = append(body, r)
	}
	return header, body, columnWidths(len(choices), nWidth)
}

// significance is the level at which the report calls a difference significant.
const significance = 0.05

// testSentence says, from tests.parquet, whether the meetings differ on a question.
func (b *builder) testSentence(lang, question string) string {
	if b.p.Manifest.MeetingQuestion == "" {
		return "" // one scope: no meetings to compare
	}
	c := b.cats[lang]
	for _, t := range b.in.Tests {
		if t.Question != question {
			continue
		}
		if t.Method == tally.MethodNotApplicable {
			return c.T("test_na", c.T("test_na_"+t.Note))
		}
		dec := c.Decimal
		p := "=\u00a0" + dec(t.PValue, 3) // no-break spaces: "p = 0,039" stays on one line
		if t.PValue < 0.001 {
			p = "<\u00a0" + dec(0.001, 3)
		}
		var detail string
		if t.Method == tally.MethodMonteCarlo {
			detail = c.T("test_monte_carlo", dec(t.Statistic, 1), t.DF, p, t.Simulations, dec(t.CramersV, 2))
		} else {
			detail = c.T("test_pearson", dec(t.Statistic, 1), t.DF, p, dec(t.CramersV, 2))
		}
		if t.PValue < significance {
			return c.T("test_significant", detail)
		}
		return c.T("test_not_significant", detail)
	}
	return ""
}

// maxHeadingRunes is the most characters of a question's label its heading
// shows (about two lines); a longer label follows the heading whole.
const maxHeadingRunes = 160
