package reports_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"image"
	"image/png"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/synthese-project/synthese/charts"
	"github.com/synthese-project/synthese/data"
	"github.com/synthese-project/synthese/internal/i18n"
	"github.com/synthese-project/synthese/pipeline/ingest"
	"github.com/synthese-project/synthese/pipeline/people"
	"github.com/synthese-project/synthese/pipeline/tally"
	"github.com/synthese-project/synthese/reports"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// referenceInput runs the pipeline on the embedded project, in memory.
func referenceInput(t testing.TB) reports.Input {
	t.Helper()
	p, in, rows, err := ingest.Analyse(data.FS)
	if err != nil {
		t.Fatal(err)
	}
	scopes, err := charts.Scopes(p)
	if err != nil {
		t.Fatal(err)
	}
	pngs := map[string][]byte{}
	for _, qu := range p.ReportedQuestions() {
		var qrows []tally.Result
		for _, r := range rows {
			if r.Question == qu.Name {
				qrows = append(qrows, r)
			}
		}
		var b bytes.Buffer
		spec := charts.Spec{Questionnaire: p.Questionnaire, Question: qu, Scopes: scopes, Rows: qrows,
			Languages: p.Manifest.Languages, SmallCell: p.Manifest.SmallCell}
		if err := charts.Draw(&b, spec); err != nil {
			t.Fatal(err)
		}
		pngs[qu.Name] = b.Bytes()
	}
	orgs, cities, rules, err := people.ParticipantRules(p)
	if err != nil {
		t.Fatal(err)
	}
	persons, _ := people.ResolvePeople(in.Attendance, p.Meetings, rules, orgs, cities)
	counts := people.Participation(persons, in.Attendance, in.Responses.Tally, p.Meetings)
	var mix bytes.Buffer
	if err := charts.DrawMix(&mix, charts.MixSpec{Scopes: scopes, Rows: counts, Languages: p.Manifest.Languages}); err != nil {
		t.Fatal(err)
	}
	tests := in.Responses.Tally.Independence(p.Manifest.MeetingQuestion)
	narrative, _, err := p.Narrative()
	if err != nil {
		t.Fatal(err)
	}
	questions := p.ReportedQuestions()
	meetingCharts := map[string][]byte{}
	for _, s := range scopes[:len(scopes)-1] {
		for _, lang := range p.Manifest.Languages {
			var b bytes.Buffer
			if err := charts.DrawMeeting(&b, charts.MeetingSpec{Questionnaire: p.Questionnaire, Questions: questions, Meeting: s,
				Rows: rows, Languages: []string{lang}, Numbers: p.QuestionNumbers()}); err != nil {
				t.Fatal(err)
			}
			meetingCharts[s.ID+"/"+lang] = b.Bytes()
		}
	}
	return reports.Input{Project: p, Results: rows, Attendance: in.Attendance, Quality: in.Quality(), Charts: pngs, Tests: tests, Narrative: narrative, MeetingCharts: meetingCharts,
		People: persons, Participation: counts, Mix: mix.Bytes(), Cities: cities,
		Date: time.Date(2020, 12, 24, 0, 0, 0, 0, time.UTC), Version: "test"}
}

func build(t testing.TB, in reports.Input) *reports.Document {
	t.Helper()
	doc, err := reports.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestOutlineGolden: the document's structure (headings, languages, pages)
// against testdata/outline.golden.json; go test ./reports -update rewrites it.
func TestOutlineGolden(t *testing.T) {
	doc := build(t, referenceInput(t))
	got, err := json.MarshalIndent(struct {
		Pages   int             `json:"pages"`
		Outline []reports.Entry `json:"outline"`
	}{doc.Pages, doc.Outline}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "outline.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("outline differs from %s:\n%s", golden, got)
	}
	// The document language, which gofpdf cannot write, is in the last catalog revision.
	if i := bytes.LastIndex(doc.PDF, []byte("/Type /Catalog")); i < 0 || !bytes.Contains(doc.PDF[i:], []byte("/Lang (fr)")) {
		t.Error("the catalog does not declare /Lang (fr)")
	}
	if len(doc.MissingGlyphs) > 0 {
		t.Errorf("the font lacks glyphs for %q", string(doc.MissingGlyphs))
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	in := referenceInput(t)
	a, b := build(t, in), build(t, in)
	if !bytes.Equal(a.PDF, b.PDF) {
		t.Error("two builds of the same input differ")
	}
}

var bidiControls = regexp.MustCompile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

// normalise makes extracted and expected text comparable: presentation
// forms back to letters (NFKC), bidi controls dropped, spaces collapsed.
func normalise(s string) string {
	s = bidiControls.ReplaceAllString(norm.NFKC.String(s), "")
	return strings.Join(strings.Fields(s), " ")
}

// letters keeps the letters and single spaces of normalised text: pdftotext
// rebuilds logical order with its own bidi pass, which places digits and
// punctuation of right-to-left lines its own way (our order is checked
// against HarfBuzz in package rtl).
func letters(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return ' '
	}, normalise(s))
	return strings.Join(strings.Fields(s), " ")
}

// found reports whether heading is in text: in order for left-to-right
// languages; for right-to-left ones every word, as pdftotext may swap
// right-to-left runs around punctuation when it rebuilds logical order.
func found(text, heading, lang string) bool {
	t := letters(text)
	if lang != "ar" {
		return strings.Contains(t, letters(heading))
	}
	words := map[string]bool{}
	for _, w := range strings.Fields(t) {
		words[w] = true
	}
	for _, w := range strings.Fields(letters(heading)) {
		if !words[w] {
			return false
		}
	}
	return true
}

// renderedPages reads the PDF back with poppler's pdftotext, one text a
// page, and checks that it has the pages the layout counted and every
// heading on the page the layout says (the table of contents relies on it).
func renderedPages(t *testing.T, doc *reports.Document) []string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext missing in CI: .ci/run installs poppler-utils")
		}
		t.Skip("pdftotext not installed (make deps installs poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "synthese.pdf")
	if err := os.WriteFile(path, doc.PDF, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext cannot read the PDF: %v", err)
	}
	if pages := strings.Count(string(out), "\f"); pages != doc.Pages {
		t.Errorf("pdftotext sees %d pages, the layout counted %d", pages, doc.Pages)
	}
	pages := strings.Split(string(out), "\f")
	for _, e := range doc.Outline {
		if e.Page < 1 || e.Page > len(pages) || !found(pages[e.Page-1], e.Title, e.Lang) {
			t.Errorf("heading %q (%s) is not on page %d", e.Title, e.Lang, e.Page)
		}
	}
	return pages
}

// TestRenderedText reads the PDF back with poppler's pdftotext and finds the
// headings of each language, and the page count.
func TestRenderedText(t *testing.T) {
	in := referenceInput(t)
	doc := build(t, in)
	pages := renderedPages(t, doc)
	out := []byte(strings.Join(pages, "\f"))
	for _, lang := range in.Project.Manifest.Languages {
		c, _ := i18n.For(lang)
		want := []string{c.T("key_figures"), c.T("participation"), c.T("method"), c.T("results"), c.T("conclusion"),
			c.T("annex_quality"), c.T("annex_participants"), c.T("meeting_recommendations")}
		for _, m := range in.Project.Meetings {
			want = append(want, c.T("meeting_title", m.City[lang]))
		}
		for _, qu := range in.Project.ReportedQuestions() {
			want = append(want, qu.Label[lang])
		}
		for _, w := range want {
			if !found(string(out), w, lang) {
				t.Errorf("%s: heading %q not found in the PDF's text", lang, w)
			}
		}
	}
	// The significance sentences: q4 and q5 differ between meetings, the
	// other single-answer questions do not (tests.parquet).
	for _, lang := range in.Project.Manifest.Languages {
		c, _ := i18n.For(lang)
		lead := letters(strings.Split(c.T("test_significant"), "(")[0])
		if n := strings.Count(letters(string(out)), lead); n != 2 {
			t.Errorf("%s: %d questions stated as significant, want 2 (q4, q5)", lang, n)
		}
	}
	for _, figure := range []string{"148", "161"} {
		if !strings.Contains(normalise(string(out)), figure) {
			t.Errorf("key figure %s not found in the PDF's text", figure)
		}
	}
}

// placeholders returns in with each chart replaced by its placeholder (a
// PNG header: its size only), as run gives them while the charts are drawn.
func placeholders(t *testing.T, in reports.Input) reports.Input {
	t.Helper()
	ph := func(b []byte) []byte {
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return charts.PlaceholderPNG(image.Pt(cfg.Width, cfg.Height))
	}
	out := in
	out.Charts, out.MeetingCharts = map[string][]byte{}, map[string][]byte{}
	for k, b := range in.Charts {
		out.Charts[k] = ph(b)
	}
	for k, b := range in.MeetingCharts {
		out.MeetingCharts[k] = ph(b)
	}
	out.ChartParts = map[string][][]byte{}
	for k, parts := range in.ChartParts {
		for _, b := range parts {
			out.ChartParts[k] = append(out.ChartParts[k], ph(b))
		}
	}
	out.Mix = ph(in.Mix)
	out.MixParts = nil
	for _, b := range in.MixParts {
		out.MixParts = append(out.MixParts, ph(b))
	}
	return out
}

// TestStandInsMakeTheSamePDF: with Final (the charts drawn while the PDF is
// made), the PDF made with stand-ins and the drawn charts swapped in at the
// end is, byte for byte, the one made from the drawn charts (among them
// charts of the same width, padded to distinct widths); a drawn chart that
// does not fit its placeholder makes the PDF again from the drawn charts.
func TestStandInsMakeTheSamePDF(t *testing.T) {
	in := referenceInput(t)
	// A chart in parts (two more, here other questions' charts).
	qs := in.Project.ReportedQuestions()
	in.ChartParts = map[string][][]byte{qs[0].Name: {in.Charts[qs[1].Name], in.Charts[qs[2].Name]}}
	in.MixParts = [][]byte{in.Charts[qs[3].Name]}
	want := build(t, in)
	drawn := func(x *reports.Input) error {
		x.Charts, x.MeetingCharts, x.Mix, x.ChartParts, x.MixParts = in.Charts, in.MeetingCharts, in.Mix, in.ChartParts, in.MixParts
		return nil
	}
	ph := placeholders(t, in)
	ph.Final = drawn
	got := build(t, ph)
	if !reports.Swapped(got) {
		t.Error("the PDF was not made with stand-ins")
	}
	if !bytes.Equal(got.PDF, want.PDF) {
		t.Errorf("PDF with stand-ins swapped (%d bytes) differs from the PDF of the drawn charts (%d bytes)", len(got.PDF), len(want.PDF))
	}
	if got.Pages != want.Pages || !slices.Equal(got.Outline, want.Outline) {
		t.Errorf("pages %d, want %d; outline differs: %v", got.Pages, want.Pages, !slices.Equal(got.Outline, want.Outline))
	}

	// A placeholder a pixel narrower than the chart drawn.
	narrow := placeholders(t, in)
	narrow.Final = drawn
	cfg, _ := png.DecodeConfig(bytes.NewReader(in.Mix))
	narrow.Mix = charts.PlaceholderPNG(image.Pt(cfg.Width-1, cfg.Height))
	again := build(t, narrow)
	if reports.Swapped(again) {
		t.Error("a chart drawn wider than its placeholder was swapped in")
	}
	if !bytes.Equal(again.PDF, want.PDF) {
		t.Error("the PDF made again from the drawn charts differs from theirs")
	}
}

// TestNationalScalePages: with counts in the millions and a chart taller
// than a page (a question with many meetings), the PDF still has the pages
// the layout counted and every heading where the contents say: the chart
// is shown smaller, whole, on one page. (It once ran past its page, gofpdf
// added pages of its own, and the contents pointed pages too early.)
func TestNationalScalePages(t *testing.T) {
	in := referenceInput(t)
	in.Results = slices.Clone(in.Results)
	for i := range in.Results {
		r := &in.Results[i]
		r.Count, r.ValidN, r.MissingN = r.Count*10_000+7, r.ValidN*10_000+7, r.MissingN*10_000
	}
	q := in.Project.ReportedQuestions()[0].Name
	tall := image.NewGray(image.Rect(0, 0, 951, 4200))
	for i := range tall.Pix {
		tall.Pix[i] = 0xff
	}
	var b bytes.Buffer
	if err := png.Encode(&b, tall); err != nil {
		t.Fatal(err)
	}
	in.Charts = maps.Clone(in.Charts)
	in.Charts[q] = b.Bytes()
	doc := build(t, in)
	pages := renderedPages(t, doc)
	if len(doc.MissingGlyphs) > 0 {
		t.Errorf("the font lacks glyphs for %q", string(doc.MissingGlyphs))
	}
	// Counts in the millions are grouped by three (narrow no-break spaces,
	// spaces once normalised), in both languages' tables.
	fr, _ := i18n.For("fr")
	text := normalise(strings.Join(pages, " "))
	for _, r := range in.Results {
		if r.Question == q && r.Scope == tally.AllScope {
			want := normalise(fr.Int(r.ValidN))
			if got := strings.Count(text, want); got < 2 || !strings.Contains(want, " ") {
				t.Errorf("the count %d is printed %d times as %q", r.ValidN, got, want)
			}
			break
		}
	}
}

// TestStandInGivenBack: a Final that leaves a chart's stand-in in place of
// the drawn chart is an error, not a PDF with a marker for an image.
func TestStandInGivenBack(t *testing.T) {
	in := referenceInput(t)
	ph := placeholders(t, in)
	ph.Final = func(x *reports.Input) error {
		mix := x.Mix // the stand-in, as Build gave it
		x.Charts, x.MeetingCharts, x.Mix = in.Charts, in.MeetingCharts, mix
		return nil
	}
	if _, err := reports.Build(ph); err == nil || !strings.Contains(err.Error(), "stand-in") {
		t.Errorf("a stand-in given back: %v", err)
	}
}

// A meeting of one day is dated once ("Le 24 novembre 2020", "يوم 24
// نونبر 2020"), not "Du 24 novembre 2020 au 24 novembre 2020"; the first
// of a month is "1er" in French; the cover's period follows its colon in
// lower case.
func TestMeetingDatesInReport(t *testing.T) {
	in := referenceInput(t)
	oujda := &in.Project.Meetings[0]
	if oujda.ID != "oujda" || in.Project.Meetings[1].Start.Day() != 1 {
		t.Fatalf("the reference meetings changed: %s first, %s second", oujda.ID, in.Project.Meetings[1].Start)
	}
	oujda.End = oujda.Start
	doc := build(t, in)
	pages := renderedPages(t, doc)
	text := normalise(strings.Join(pages, " "))
	for _, want := range []string{"Le 24 novembre 2020", "Du 1er décembre 2020 au 3 décembre 2020", "Période : du 24 novembre 2020 au 24 décembre 2020"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q not in the report", want)
		}
	}
	if strings.Contains(text, "au 24 novembre 2020") {
		t.Error("a meeting of one day is dated from that day to that day")
	}
	ar, _ := i18n.For("ar")
	for _, e := range doc.Outline {
		if e.Lang == "ar" && e.Title == ar.T("meeting_title", oujda.City["ar"]) {
			page := letters(pages[e.Page-1])
			if !strings.Contains(page, "يوم نونبر") || strings.Count(page, "نونبر") != 1 {
				t.Errorf("the Arabic chapter of Oujda does not date it once (يوم 24 نونبر 2020): %.200s", page)
			}
			return
		}
	}
	t.Error("no Arabic chapter for Oujda")
}
