package charts

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/people"
	"github.com/synthese-project/synthese/pipeline/tally"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/")

// smallCase: two meetings, one of them below the small-cell threshold.
func smallCase(t *testing.T) Spec {
	t.Helper()
	q, err := form.ReadQuestionnaire("survey.csv", strings.NewReader(
		"type,name,label::Français (fr),label::العربية (ar)\n"+
			"select_one ville,ville,Ville,المدينة\n"+
			"select_one accord,q1,Les pouvoirs publics ont un rôle leader,للسلطات العمومية دور ريادي\n"),
		"choices.csv", strings.NewReader("list_name,name,label::Français (fr),label::العربية (ar)\n"+
			"ville,oujda,Oujda,وجدة\nville,safi,Safi,آسفي\naccord,oui,En accord,موافق\naccord,non,En désaccord,غير موافق\n"), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var rs []form.Respondent
	for i, a := range []string{"oui", "oui", "non", "oui", "non", "non", "oui", "oui"} {
		m := "oujda"
		if i >= 6 {
			m = "safi" // 2 respondents: a small cell
		}
		rs = append(rs, form.Respondent{ID: i + 1, Meeting: m, Answers: map[string][]string{"ville": {m}, "q1": {a}}})
	}
	rows, err := tally.Aggregate(q, "ville", rs, 5)
	if err != nil {
		t.Fatal(err)
	}
	qu, _ := q.Question("q1")
	var qrows []tally.Result
	for _, r := range rows {
		if r.Question == "q1" {
			qrows = append(qrows, r)
		}
	}
	return Spec{Questionnaire: q, Question: qu, Rows: qrows, Languages: []string{"fr", "ar"}, SmallCell: 5,
		Scopes: []Scope{{"oujda", form.Text{"fr": "Oujda", "ar": "وجدة"}}, {"safi", form.Text{"fr": "Safi", "ar": "آسفي"}},
			{tally.AllScope, form.Text{"fr": "Ensemble", "ar": "المجموع"}}}}
}

// differingPixels is the share of pixels whose colour differs noticeably.
func differingPixels(a, b image.Image) float64 {
	if a.Bounds() != b.Bounds() {
		return 1
	}
	diff, total := 0, 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			total++
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			d := absDiff(r1, r2) + absDiff(g1, g2) + absDiff(b1, b2)
			if d > 3*0x2000 {
				diff++
			}
		}
	}
	return float64(diff) / float64(total)
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// TestChartGolden draws the small case and compares it with the reviewed
// image, with a tolerance for rasteriser differences. go test ./charts -update
// rewrites it; look at testdata/small_cell.png before committing.
func TestChartGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := Draw(&buf, smallCase(t)); err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if w := got.Bounds().Dx(); w != 945 { // 16 cm at 150 dpi
		t.Errorf("width = %d px, want 945", w)
	}
	golden := filepath.Join("testdata", "small_cell.png")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(golden)
	if err != nil {
		t.Fatalf("%v (go test ./charts -update creates it)", err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if d := differingPixels(got, want); d > 0.002 {
		t.Errorf("%.2f%% of pixels differ from %s", 100*d, golden)
	}
	var again bytes.Buffer
	if err := Draw(&again, smallCase(t)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two draws of the same spec differ")
	}
}

// A small cell is not drawn: the chart with Safi small differs from one
// where Safi's rows are marked reliable, in Safi's band only.
func TestSmallCellNotDrawn(t *testing.T) {
	spec := smallCase(t)
	var small, forced bytes.Buffer
	if err := Draw(&small, spec); err != nil {
		t.Fatal(err)
	}
	for i := range spec.Rows {
		spec.Rows[i].Small = false
	}
	if err := Draw(&forced, spec); err != nil {
		t.Fatal(err)
	}
	a, _ := png.Decode(&small)
	b, _ := png.Decode(&forced)
	if d := differingPixels(a, b); d == 0 {
		t.Error("marking Safi small changed nothing in the chart")
	}
}

func TestShorten(t *testing.T) {
	for in, want := range map[string]string{
		"Oui": "Oui",
		"Découvrir les leviers pour l’accélération du mouvement": "Découvrir les leviers pour…",
		"اكتشاف رافعات تسريع حركة الابتكار الاجتماعي بالمغرب":    "اكتشاف رافعات تسريع حركة…",
	} {
		if got := Shorten(in, 30); got != want {
			t.Errorf("Shorten(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMeasureIsTheDrawnSize: a chart measured without drawing has the size
// it is drawn at, and its placeholder header says so.
func TestMeasureIsTheDrawnSize(t *testing.T) {
	spec := smallCase(t)
	spec.Pad = 3
	var m Measure
	if err := Draw(&m, spec); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Draw(&buf, spec); err != nil {
		t.Fatal(err)
	}
	drawn, err := png.DecodeConfig(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if m.Size.X != drawn.Width || m.Size.Y != drawn.Height || m.Size.X != 948 {
		t.Fatalf("measured %v, drawn %dx%d (want 945+3 wide)", m.Size, drawn.Width, drawn.Height)
	}
	ph, err := png.DecodeConfig(bytes.NewReader(PlaceholderPNG(m.Size)))
	if err != nil || ph.Width != drawn.Width || ph.Height != drawn.Height {
		t.Fatalf("placeholder: %v %v", ph, err)
	}
	// The measured layout, rendered, is the chart Draw makes.
	var rendered bytes.Buffer
	if err := m.Render(&rendered); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(rendered.Bytes(), buf.Bytes()) {
		t.Fatal("Render of a measured chart differs from Draw")
	}
	var unmeasured Measure
	if err := unmeasured.Render(&rendered); err == nil {
		t.Fatal("Render without a measure: no error")
	}
}

// TestEncodeRGBIsTheImage: the PNG decodes to the image's colours exactly,
// white in the padding, whatever the widths (odd, even, one pixel) and
// bytes (random: every borrow of the Up filter's subtraction).
func TestEncodeRGBIsTheImage(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for _, size := range []struct{ w, h, pad int }{{1, 1, 0}, {1, 3, 2}, {2, 2, 0}, {3, 4, 1}, {17, 9, 3}, {64, 5, 0}, {945, 7, 11}} {
		img := image.NewRGBA(image.Rect(0, 0, size.w, size.h))
		for i := range img.Pix {
			img.Pix[i] = byte(rng.Uint32())
		}
		decodesTo(t, size, img, size.pad)
	}
}

// decodesTo encodes img with pad white columns and checks that the PNG
// decodes to its colours exactly, white in the padding.
func decodesTo(t *testing.T, what any, img *image.RGBA, pad int) {
	t.Helper()
	var buf bytes.Buffer
	if err := encodeRGB(&buf, img, pad); err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("%+v: %v", what, err)
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if b := got.Bounds(); b.Dx() != w+pad || b.Dy() != h {
		t.Fatalf("%+v: decoded %v", what, b)
	}
	for y := range h {
		for x := range w + pad {
			r, g, b, _ := got.At(x, y).RGBA()
			want := [3]byte{0xff, 0xff, 0xff}
			if x < w {
				p := img.PixOffset(x, y)
				want = [3]byte{img.Pix[p], img.Pix[p+1], img.Pix[p+2]}
			}
			if [3]byte{byte(r >> 8), byte(g >> 8), byte(b >> 8)} != want {
				t.Fatalf("%+v: pixel (%d, %d) = %d %d %d, want %v", what, x, y, r>>8, g>>8, b>>8, want)
			}
		}
	}
}

// TestChartParts: a chart of more meetings than fit MaxHeight is drawn in
// parts of consecutive meetings, each at most MaxHeight tall, every meeting
// in one part, the parts differing by one meeting at most; without a limit,
// or when the meetings fit, one part; a limit that holds no meeting is an
// error.
func TestChartParts(t *testing.T) {
	spec := smallCase(t)
	all := spec.Scopes[len(spec.Scopes)-1]
	spec.Scopes = nil
	for i := range 25 {
		spec.Scopes = append(spec.Scopes, Scope{fmt.Sprintf("m%d", i), form.Text{"fr": fmt.Sprintf("Ville %d", i), "ar": "مدينة"}})
	}
	spec.Scopes = append(spec.Scopes, all)
	if n, err := Parts(spec); err != nil || n != 1 {
		t.Fatalf("no limit: %d parts, %v", n, err)
	}
	for _, limit := range []vg.Length{215 * vg.Millimeter, 120 * vg.Millimeter, 400 * vg.Millimeter} {
		spec.MaxHeight = limit
		n, err := Parts(spec)
		if err != nil {
			t.Fatal(err)
		}
		cats, _ := catalogs(spec.Languages)
		lay, _ := layoutQuestion(spec, cats, spec.Questionnaire.Choices(spec.Question))
		next, sizes := 0, map[int]bool{}
		for _, p := range lay.parts {
			if p[0] != next || p[1] <= p[0] {
				t.Fatalf("limit %v: parts %v", limit, lay.parts)
			}
			next = p[1]
			sizes[p[1]-p[0]] = true
		}
		if next != len(spec.Scopes) || len(lay.parts) != n || len(sizes) > 2 {
			t.Fatalf("limit %v: parts %v of %d meetings", limit, lay.parts, len(spec.Scopes))
		}
		for k := range n {
			spec.Part = k
			if h := measuredMM(t, func(m *Measure) error { return Draw(m, spec) }); h > limit.Points()*25.4/72 {
				t.Errorf("limit %v: part %d is %.0f mm tall", limit, k, h)
			}
		}
		spec.Part = n
		if err := Draw(&bytes.Buffer{}, spec); err == nil {
			t.Errorf("limit %v: part %d of %d drawn", limit, n, n)
		}
		spec.Part = 0
		if limit == 400*vg.Millimeter && n != 1 || limit == 120*vg.Millimeter && n < 3 {
			t.Errorf("limit %v: %d parts", limit, n)
		}
	}
	spec.MaxHeight = 20 * vg.Millimeter
	if _, err := Parts(spec); err == nil {
		t.Error("a limit holding no meeting: no error")
	}
}

// TestMeetingChartParts: a meeting's chart of more answers than fit
// MaxHeight is drawn in parts of whole questions, each at most MaxHeight
// tall, every answer in one part; without a limit, one part.
func TestMeetingChartParts(t *testing.T) {
	s := smallCase(t)
	spec := MeetingSpec{Questionnaire: s.Questionnaire, Meeting: s.Scopes[0], Rows: s.Rows, Languages: s.Languages,
		Numbers: map[string]int{s.Question.Name: 1}}
	for range 60 {
		spec.Questions = append(spec.Questions, s.Question) // 2 answers each
	}
	if n, err := MeetingParts(spec); err != nil || n != 1 {
		t.Fatalf("no limit: %d parts, %v", n, err)
	}
	spec.MaxHeight = 215 * vg.Millimeter
	cats, _ := catalogs(spec.Languages)
	var questionOf []int
	for qi := range spec.Questions {
		questionOf = append(questionOf, qi, qi)
	}
	lay, err := layoutMeeting(spec, cats, questionOf)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := MeetingParts(spec); n != len(lay.parts) || n < 2 {
		t.Fatalf("%d parts for 120 answers, layout %v", n, lay.parts)
	}
	next := 0
	for k, p := range lay.parts {
		if p[0] != next || p[1] <= p[0] || p[1] < len(questionOf) && questionOf[p[1]] == questionOf[p[1]-1] {
			t.Fatalf("parts %v: part %d does not end with a whole question", lay.parts, k)
		}
		next = p[1]
		spec.Part = k
		if h := measuredMM(t, func(m *Measure) error { return DrawMeeting(m, spec) }); h > 215 {
			t.Errorf("part %d is %.0f mm tall", k, h)
		}
	}
	if next != len(questionOf) {
		t.Fatalf("parts %v cover %d of %d answers", lay.parts, next, len(questionOf))
	}
}

// TestMixParts: the stakeholder chart of more meetings than fit MaxHeight
// is drawn in parts of consecutive meetings, each at most MaxHeight tall.
func TestMixParts(t *testing.T) {
	spec := MixSpec{Languages: []string{"fr", "ar"}}
	for i := range 40 {
		id := fmt.Sprintf("m%d", i)
		spec.Scopes = append(spec.Scopes, Scope{id, form.Text{"fr": id, "ar": "مدينة"}})
		spec.Rows = append(spec.Rows, people.ParticipationRow{Scope: id, Measure: "org_type", Category: people.OrgTypeNames[i%3], Count: 4, Share: 1})
	}
	if n, err := MixParts(spec); err != nil || n != 1 {
		t.Fatalf("no limit: %d parts, %v", n, err)
	}
	spec.MaxHeight = 215 * vg.Millimeter
	n, err := MixParts(spec)
	if err != nil || n < 2 {
		t.Fatalf("40 meetings: %d parts, %v", n, err)
	}
	for k := range n {
		spec.Part = k
		if h := measuredMM(t, func(m *Measure) error { return DrawMix(m, spec) }); h > 215 {
			t.Errorf("part %d is %.0f mm tall", k, h)
		}
	}
	if got := len(mixTypes(spec)); got != 3 {
		t.Errorf("legend of %d types, want 3", got)
	}
}

// measuredMM is the height in mm of the chart draw lays out.
func measuredMM(t *testing.T, draw func(*Measure) error) float64 {
	t.Helper()
	var m Measure
	if err := draw(&m); err != nil {
		t.Fatal(err)
	}
	return float64(m.Size.Y) / dpi * 25.4
}

// inkBands returns the runs of rows in [from, to) of img that hold a pixel
// darker than grey 160: lines of text, when they do not touch.
func inkBands(img image.Image, from, to int) [][2]int {
	var bands [][2]int
	in := false
	b := img.Bounds()
	for y := from; y < to && y < b.Max.Y; y++ {
		ink := false
		for x := b.Min.X; x < b.Max.X && !ink; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			ink = (r+g+bl)/3 < 160*257
		}
		switch {
		case ink && !in:
			bands = append(bands, [2]int{y, y + 1})
		case ink:
			bands[len(bands)-1][1] = y + 1
		}
		in = ink
	}
	return bands
}

// A title over several lines in French and Arabic: each line apart from
// the next (gonum/plot set them one em apart, and the Arabic line's dots
// touched the French descenders above), within the height laid out.
func TestTitleLinesApart(t *testing.T) {
	spec := smallCase(t)
	spec.Question.Label = form.Text{
		"fr": "Pensez-vous que l’écosystème dispose d’assez de ressources pédagogiques sur les différentes questions liées à l’IS ?",
		"ar": "هل تعتقدون أن المنظومة تتوفر على ما يكفي من الموارد البيداغوجية حول مختلف القضايا المرتبطة بالابتكار الاجتماعي؟",
	}
	img := drawn(t, func(w io.Writer) error { return Draw(w, spec) })
	cats, err := catalogs(spec.Languages)
	if err != nil {
		t.Fatal(err)
	}
	lay, err := layoutQuestion(spec, cats, spec.Questionnaire.Choices(spec.Question))
	if err != nil {
		t.Fatal(err)
	}
	if len(lay.title) < 4 {
		t.Fatalf("title on %d lines, want at least 4 for this test", len(lay.title))
	}
	px := func(pt float64) int { return int(pt * dpi / 72) }
	// The title's box: the canvas's top margin, its lines, its padding.
	end := px(10 + float64(len(lay.title))*titleSize*leading)
	bands := inkBands(img, 0, end)
	if len(bands) != len(lay.title) {
		t.Fatalf("%d runs of ink in the title's %d px, want one a line (%d): %v", len(bands), end, len(lay.title), bands)
	}
	t.Logf("title lines (rows of ink): %v", bands)
	for i := 1; i < len(bands); i++ {
		if gap := bands[i][0] - bands[i-1][1]; gap < 2 {
			t.Errorf("title lines %d and %d %d px apart", i, i+1, gap)
		}
	}
}

// The stakeholder chart's legend, every organisation type in French and
// Arabic: no label runs past the chart (the widest, "Individuel, non
// précisé · بصفة فردية أو غير محدد", ran off its right edge: the second
// column started past the middle), each on one line; the chart is as tall
// as measured.
func TestMixLegendFits(t *testing.T) {
	spec := MixSpec{Languages: []string{"fr", "ar"}, Scopes: []Scope{{"a", form.Text{"fr": "Oujda", "ar": "وجدة"}}}}
	for _, typ := range people.OrgTypeNames {
		spec.Rows = append(spec.Rows, people.ParticipationRow{Scope: "a", Measure: "org_type", Category: typ, Count: 1, Share: 1 / float64(len(people.OrgTypeNames))})
	}
	img := drawn(t, func(w io.Writer) error { return DrawMix(w, spec) })
	b := img.Bounds()
	// The right margin holds no ink.
	for x := b.Max.X - int(mixLegendRight*dpi/72); x < b.Max.X; x++ {
		if n := inkBandsColumn(img, x); n > 0 {
			t.Fatalf("column %d of %d holds ink in %d rows: a label runs past the chart", x, b.Max.X, n)
		}
	}
	cats, err := catalogs(spec.Languages)
	if err != nil {
		t.Fatal(err)
	}
	legend := newMixLegend(cats, spec.Languages, mixTypes(spec))
	for i, n := range legend.lines {
		if n != 1 {
			t.Errorf("label %q on %d lines, want one", legend.labels[i], n)
		}
	}
	if legend.second > Width.Points()/2 {
		t.Errorf("second column at %.0f pt of %.0f: past the middle", legend.second, Width.Points())
	}
	if h, want := measuredMM(t, func(m *Measure) error { return DrawMix(m, spec) }), float64(b.Dy())*25.4/dpi; h < want-0.5 || h > want+0.5 {
		t.Errorf("measured %.1f mm, drawn %.1f mm", h, want)
	}
}

// A legend label too wide for any column puts each language on its own
// line (its row alone taller); labels that fit stay on one; the second
// column starts at the middle, or further left when its widest label needs
// the room and the first column leaves it.
func TestMixLegendLayout(t *testing.T) {
	langs := []string{"fr", "ar"}
	short := [][]string{{"Associatif", "جمعوي"}, {"Média", "إعلام"}, {"Privé", "خاص"}}
	l := layMixLegend(short, langs)
	if l.second != Width.Points()/2 || !slices.Equal(l.lines, []int{1, 1, 1}) || len(l.rows) != 2 || l.rows[0] != l.rows[1] {
		t.Errorf("short labels: second column at %v, lines %v, rows %v", l.second, l.lines, l.rows)
	}
	// Too wide for a column at the middle, narrow enough beside short ones.
	mid := [][]string{{"Associatif", "جمعوي"}, {"Média", "إعلام"}, {"Organisation non gouvernementale", "منظمة غير حكومية"}}
	l = layMixLegend(mid, langs)
	if l.second >= Width.Points()/2 || !slices.Equal(l.lines, []int{1, 1, 1}) {
		t.Errorf("a wide label in the second column: second column at %.0f pt, lines %v (want it moved left, one line each)", l.second, l.lines)
	}
	long := strings.Repeat("Organisation non gouvernementale ", 3)
	l = layMixLegend([][]string{{"Associatif", "جمعوي"}, {"Média", "إعلام"}, {long, "منظمة غير حكومية"}}, langs)
	if !slices.Equal(l.lines, []int{1, 1, 2}) || !strings.Contains(l.labels[2], "\n") {
		t.Fatalf("a label wider than the chart: lines %v, label %q", l.lines, l.labels[2])
	}
	if l.rows[0] <= l.rows[1] {
		t.Errorf("rows %v: the row of the two-line label is not the taller", l.rows)
	}
}

// inkBandsColumn counts the pixels of column x darker than grey 160.
func inkBandsColumn(img image.Image, x int) int {
	n := 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		r, g, b, _ := img.At(x, y).RGBA()
		if (r+g+b)/3 < 160*257 {
			n++
		}
	}
	return n
}

// drawn decodes the PNG draw writes.
func drawn(t *testing.T, draw func(io.Writer) error) image.Image {
	t.Helper()
	var buf bytes.Buffer
	if err := draw(&buf); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// A list of many answers (a list of countries) is drawn on a page: a
// meeting's band takes what the page leaves, in parts of one meeting if
// need be, never "cannot hold one meeting".
func TestManyAnswersFit(t *testing.T) {
	var survey, choices strings.Builder
	survey.WriteString("type,name,label::Français (fr),label::العربية (ar)\nselect_one ville,ville,Ville,المدينة\nselect_one pays,q9,Pays,البلد\n")
	choices.WriteString("list_name,name,label::Français (fr),label::العربية (ar)\nville,oujda,Oujda,وجدة\nville,safi,Safi,آسفي\n")
	for i := range 30 {
		fmt.Fprintf(&choices, "pays,p%d,Pays %d,بلد %d\n", i, i, i)
	}
	q, err := form.ReadQuestionnaire("survey.csv", strings.NewReader(survey.String()), "choices.csv", strings.NewReader(choices.String()), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var rs []form.Respondent
	for i := range 60 {
		m := []string{"oujda", "safi"}[i%2]
		rs = append(rs, form.Respondent{ID: i + 1, Meeting: m, Answers: map[string][]string{"ville": {m}, "q9": {fmt.Sprintf("p%d", i%30)}}})
	}
	rows, err := tally.Aggregate(q, "ville", rs, 5)
	if err != nil {
		t.Fatal(err)
	}
	qu, _ := q.Question("q9")
	spec := Spec{Questionnaire: q, Question: qu, Rows: rows, Languages: []string{"fr", "ar"}, SmallCell: 1, MaxHeight: 215 * vg.Millimeter,
		Scopes: []Scope{{"oujda", form.Text{"fr": "Oujda", "ar": "وجدة"}}, {"safi", form.Text{"fr": "Safi", "ar": "آسفي"}},
			{tally.AllScope, form.Text{"fr": "Ensemble", "ar": "المجموع"}}}}
	n, err := Parts(spec)
	if err != nil {
		t.Fatalf("30 answers: %v", err)
	}
	for k := range n {
		spec.Part = k
		if h := measuredMM(t, func(m *Measure) error { return Draw(m, spec) }); h > 215.5 {
			t.Errorf("part %d of %d is %.0f mm tall", k, n, h)
		}
	}
}

// A label of a thousand characters (a consent script) and long answers:
// the chart keeps their beginnings and fits its page.
func TestLongLabelsFit(t *testing.T) {
	spec := smallCase(t)
	long := strings.Repeat("Je confirme avoir lu la fiche d'information et j'accepte de participer. ", 18)
	spec.Question.Label = form.Text{"fr": long, "ar": strings.Repeat("نص طويل ", 150)}
	list := spec.Questionnaire.Lists[spec.Question.List]
	for i := range list {
		list[i].Label = form.Text{"fr": strings.Repeat("réponse longue ", 40), "ar": strings.Repeat("إجابة طويلة ", 40)}
	}
	spec.MaxHeight = 215 * vg.Millimeter
	n, err := Parts(spec)
	if err != nil {
		t.Fatalf("a long label: %v", err)
	}
	for k := range n {
		spec.Part = k
		if h := measuredMM(t, func(m *Measure) error { return Draw(m, spec) }); h > 215.5 {
			t.Errorf("part %d is %.0f mm tall", k, h)
		}
	}
}
