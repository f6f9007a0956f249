package stage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime/debug"
	"strings"
	"sync"

	"gonum.org/v1/plot/vg"

	"github.com/synthese-project/synthese/charts"
	"github.com/synthese-project/synthese/internal/par"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/ingest"
	"github.com/synthese-project/synthese/pipeline/people"
	"github.com/synthese-project/synthese/pipeline/provenance"
	"github.com/synthese-project/synthese/pipeline/responses"
	"github.com/synthese-project/synthese/pipeline/store"
	"github.com/synthese-project/synthese/pipeline/tally"
	"github.com/synthese-project/synthese/reports"
)

// Ingest is the ingest stage: the responses and lists read, and
// responses.parquet, attendance.parquet, rejects.csv and quality.json
// written.
func Ingest(e *Env) error { return readInputs(e, true) }

// ingestGCPercent is the heap growth between collections while responses
// are counted.
const ingestGCPercent = 100

// Count reads the responses into counts only: results.parquet and
// tests.parquet straight from the export, without responses.parquet,
// charts or the PDF (a first look at a large export).
func Count(e *Env) error {
	if err := readInputs(e, false); err != nil {
		return err
	}
	return counts(e)
}

// readInputs reads the responses and lists; with withParquet it writes
// responses.parquet as the responses are read, to a temporary file renamed
// at the end.
func readInputs(e *Env, withParquet bool) error {
	p := e.Project
	opt := responses.IngestOptions{}
	var rf Pending
	if withParquet {
		var err error
		if rf, err = e.Out.Create("parquet/responses.parquet"); err != nil {
			return err
		}
		defer rf.Abort()
		opt.Responses = rf.Reset
	}
	update, done := e.progress("reading responses")
	opt.Progress = update
	// Counting only, the streaming reader's memory does not grow with the
	// rows; collecting when the heap has doubled (not tripled, the run's
	// setting) keeps it near what is live (unless the user set GOGC). A
	// memory limit would do it too, until what is live nears the limit:
	// then the collector runs without end. The figures are in
	// BENCHMARKS.md.
	if !withParquet && e.CountingGC {
		defer debug.SetGCPercent(debug.SetGCPercent(ingestGCPercent))
	}
	in, err := ingest.Ingest(p, opt)
	done()
	if err != nil {
		return err
	}
	if err := ingest.CheckRowsKept(p, &in.Responses); err != nil {
		return err // nothing published: responses.parquet is dropped
	}
	if rf != nil {
		if err := rf.Commit(); err != nil {
			return err
		}
	}
	e.tally = in.Responses.Tally
	if err := e.Out.Write("parquet/attendance.parquet", func(b *bytes.Buffer) error {
		return store.WriteAttendance(b, in.Attendance)
	}); err != nil {
		return err
	}
	if err := e.Out.Write("rejects.csv", func(b *bytes.Buffer) error {
		return ingest.WriteRejects(b, in.Rejects())
	}); err != nil {
		return err
	}
	if err := e.Out.Write("quality.json", func(b *bytes.Buffer) error {
		return ingest.WriteQuality(b, in.Quality())
	}); err != nil {
		return err
	}
	e.logf("ingest: %d response rows read, %d respondents kept, %d duplicates, %d attendance rows, %d rejects (see %s, %s)",
		in.Responses.RowsRead, in.Responses.Kept, in.Responses.Duplicates, len(in.Attendance), len(in.Rejects()),
		e.Out.Path("rejects.csv"), e.Out.Path("quality.json"))
	for _, n := range in.Responses.Notes {
		e.logf("ingest: note: %s", n)
	}
	return nil
}

// Aggregate is the aggregate stage: results.parquet and tests.parquet from
// the counts, participants.parquet, participation.parquet and merges.csv
// from the lists.
func Aggregate(e *Env) error {
	if err := counts(e); err != nil {
		return err
	}
	return participants(e, e.tally)
}

// counts writes results.parquet and tests.parquet.
func counts(e *Env) error {
	p := e.Project
	// Counts come from ingest when it ran in this process, else from
	// responses.parquet.
	t := e.tally
	if t == nil {
		var err error
		t, err = load(e, "parquet/responses.parquet", "ingest", func(r io.ReaderAt, n int64) (*tally.Tally, error) {
			return store.TallyResponsesParquet(r, n, p.Questionnaire, p.Manifest.MeetingQuestion, p.Manifest.WeightColumn != "")
		})
		if err != nil {
			return err
		}
	}
	rows := t.Results(p.Manifest.MeetingQuestion, p.Manifest.SmallCell)
	if err := e.Out.Write("parquet/results.parquet", func(b *bytes.Buffer) error {
		return store.WriteResults(b, rows)
	}); err != nil {
		return err
	}
	tests := t.Independence(p.Manifest.MeetingQuestion)
	if err := e.Out.Write("parquet/tests.parquet", func(b *bytes.Buffer) error {
		return store.WriteTests(b, tests)
	}); err != nil {
		return err
	}
	e.logf("aggregate: %d result rows for %d respondents, %d tests of independence", len(rows), t.Kept(), len(tests))
	e.tally = t
	return nil
}

// participants resolves the lists into people and counts participation.
func participants(e *Env, respondents *tally.Tally) error {
	p := e.Project
	attendance, err := load(e, "parquet/attendance.parquet", "ingest", store.ReadAttendanceParquet)
	if err != nil {
		return err
	}
	orgs, cities, rules, err := people.ParticipantRules(p)
	if err != nil {
		return err
	}
	persons, merges := people.ResolvePeople(attendance, p.Meetings, rules, orgs, cities)
	// Without participant lists there is no participation to count: its
	// table stays empty, and the report and charts leave it out (rather
	// than show lists of zero people and a response rate of 0%).
	var counts []people.ParticipationRow
	if len(p.Manifest.Participants) > 0 {
		counts = people.Participation(persons, attendance, respondents, p.Meetings)
	}
	if err := e.Out.Write("parquet/participants.parquet", func(b *bytes.Buffer) error {
		return store.WritePeople(b, persons)
	}); err != nil {
		return err
	}
	if err := e.Out.Write("parquet/participation.parquet", func(b *bytes.Buffer) error {
		return store.WriteParticipation(b, counts)
	}); err != nil {
		return err
	}
	if err := e.Out.Write("merges.csv", func(b *bytes.Buffer) error {
		return store.WriteMerges(b, merges)
	}); err != nil {
		return err
	}
	e.logf("aggregate: %d list rows resolved to %d people (%d spellings merged, see %s)",
		len(attendance), len(persons), len(merges), e.Out.Path("merges.csv"))
	return nil
}

// Report is the report stage: synthese.pdf from the tables and charts (in
// a run, from the charts being drawn: see Charts).
func Report(e *Env) error {
	p := e.Project
	if e.pending != nil {
		defer e.pending.wait() // no chart left half-written, whatever happens here
	}
	rows, err := e.results()
	if err != nil {
		return err
	}
	attendance, err := load(e, "parquet/attendance.parquet", "ingest", store.ReadAttendanceParquet)
	if err != nil {
		return err
	}
	qr, err := e.Out.Read("quality.json", "ingest")
	if err != nil {
		return err
	}
	quality, err := ingest.ReadQuality(qr)
	if err != nil {
		return err
	}
	// In run, the charts are still being drawn: the layout starts from
	// their sizes and the drawn charts go in before the PDF is made.
	chartsOf := func(in *reports.Input, final bool) error {
		get := func(path string) ([]byte, error) {
			if e.pending != nil {
				return e.pending.get(path, final)
			}
			r, err := e.Out.Read(path, "charts")
			if err != nil {
				return nil, err
			}
			return readAll(r), nil
		}
		in.Charts, in.MeetingCharts = map[string][]byte{}, map[string][]byte{}
		jobs, err := e.chartJobs()
		if err != nil {
			return err
		}
		in.ChartParts, in.MeetingChartParts, in.MixParts = map[string][][]byte{}, map[string][][]byte{}, nil
		for _, j := range jobs {
			b, err := get(j.name)
			if err != nil {
				if j.kind == meetingChart {
					continue // a meeting's chart is optional (no answers there)
				}
				return err
			}
			switch {
			case j.kind == questionChart && j.part == 0:
				in.Charts[j.key] = b
			case j.kind == questionChart:
				in.ChartParts[j.key] = append(in.ChartParts[j.key], b)
			case j.kind == mixChart && j.part == 0:
				in.Mix = b
			case j.kind == mixChart:
				in.MixParts = append(in.MixParts, b)
			case j.part == 0:
				in.MeetingCharts[j.key] = b
			default:
				in.MeetingChartParts[j.key] = append(in.MeetingChartParts[j.key], b)
			}
		}
		return nil
	}
	persons, err := load(e, "parquet/participants.parquet", "aggregate", store.ReadPeople)
	if err != nil {
		return err
	}
	counts, err := load(e, "parquet/participation.parquet", "aggregate", store.ReadParticipation)
	if err != nil {
		return err
	}
	_, cities, _, err := people.ParticipantRules(p)
	if err != nil {
		return err
	}
	tests, err := load(e, "parquet/tests.parquet", "aggregate", store.ReadTests)
	if err != nil {
		return err
	}
	narrative, _, err := p.Narrative()
	if err != nil {
		return err
	}
	in := reports.Input{Project: p, Results: rows, Attendance: attendance, Quality: quality, Tests: tests, Narrative: narrative,
		People: persons, Participation: counts, Cities: cities, Date: e.Now, Version: e.Version}
	digests, err := e.Digests()
	if err != nil {
		return err
	}
	in.InputDigest = digests[provenance.StageReport] // the whole run's
	if err := chartsOf(&in, false); err != nil {
		return err
	}
	if e.pending != nil {
		in.Final = func(in *reports.Input) error { return chartsOf(in, true) }
	}
	doc, err := reports.Build(in)
	if e.pending != nil {
		if werr := e.pending.wait(); err == nil {
			err = werr
		}
	}
	if err != nil {
		return err
	}
	if err := e.Out.WriteBytes("synthese.pdf", doc.PDF); err != nil {
		return err
	}
	e.logf("report: %d pages, %d KiB", doc.Pages, len(doc.PDF)/1024)
	if !e.Quiet {
		fmt.Fprintf(e.Stdout, "PDF: %s\n", e.Out.Path("synthese.pdf"))
	}
	return nil
}

// results reads results.parquet, in Aggregate's order.
func (e *Env) results() ([]tally.Result, error) {
	r, err := e.Out.Read("parquet/results.parquet", "aggregate")
	if err != nil {
		return nil, err
	}
	rows, err := store.ReadResults(r, r.Size())
	if err != nil {
		return nil, err
	}
	tally.SortResults(e.Project.Questionnaire, e.Project.Manifest.MeetingQuestion, rows)
	return rows, nil
}

// chartKind says which of the report's charts a chartJob is.
type chartKind int

const (
	questionChart chartKind = iota // key: the question's name
	mixChart                       // the stakeholder chart
	meetingChart                   // key: meeting/language
)

// chartJob is a chart of the report: where it goes, which it is (a chart
// too tall for a page comes in parts, part 0 first), how to draw it.
type chartJob struct {
	name string // in the output folder
	kind chartKind
	key  string
	part int
	draw func(io.Writer) error
}

// chartJobs lists the report's charts in the order it places them; each
// gets a distinct pad (extra white columns), so that the PDF's images all
// differ in width and keep their order (see reports.distinctWidth).
func (e *Env) chartJobs() ([]chartJob, error) {
	if e.jobs != nil {
		return e.jobs, nil
	}
	p := e.Project
	rows, err := e.results()
	if err != nil {
		return nil, err
	}
	scopes, err := charts.Scopes(p)
	if err != nil {
		return nil, err
	}
	counts, err := load(e, "parquet/participation.parquet", "aggregate", store.ReadParticipation)
	if err != nil {
		return nil, err
	}
	maxHeight := vg.Length(reports.ChartMaxHeight) * vg.Millimeter
	var jobs []chartJob
	// add lists a chart of the given parts, part k drawn by draw(k, pad).
	add := func(parts int, name string, kind chartKind, key string, draw func(part, pad int) func(io.Writer) error) {
		for k := range parts {
			jobs = append(jobs, chartJob{"charts/" + partName(name, k), kind, key, k, draw(k, len(jobs))})
		}
	}
	questionStems, err := questionChartStems(p)
	if err != nil {
		return nil, err
	}
	for i, qu := range p.ReportedQuestions() {
		spec := charts.Spec{Questionnaire: p.Questionnaire, Question: qu, Scopes: scopes,
			Rows: resultsOf(rows, qu.Name), Languages: p.Manifest.Languages, SmallCell: p.Manifest.SmallCell, MaxHeight: maxHeight}
		parts, err := charts.Parts(spec)
		if err != nil {
			return nil, err
		}
		add(parts, questionStems[i], questionChart, qu.Name, func(part, pad int) func(io.Writer) error {
			spec := spec
			spec.Part, spec.Pad = part, pad
			return func(w io.Writer) error { return charts.Draw(w, spec) }
		})
	}
	// The stakeholder chart only for a project with participant lists
	// (participation.parquet is empty without: see participants).
	if len(counts) > 0 {
		mix := charts.MixSpec{Scopes: scopes, Rows: counts, Languages: p.Manifest.Languages, MaxHeight: maxHeight}
		parts, err := charts.MixParts(mix)
		if err != nil {
			return nil, err
		}
		add(parts, "stakeholders", mixChart, "", func(part, pad int) func(io.Writer) error {
			mix := mix
			mix.Part, mix.Pad = part, pad
			return func(w io.Writer) error { return charts.DrawMix(w, mix) }
		})
	}
	// A meeting's chart has one row per answer: its labels would not fit in
	// two languages, so it is drawn once per report language.
	questions := p.ReportedQuestions()
	var ids []string
	for _, s := range scopes {
		if s.ID != tally.AllScope {
			ids = append(ids, s.ID)
		}
	}
	stems, err := chartStems(ids, nil)
	if err != nil {
		return nil, err
	}
	meetingStem := map[string]string{}
	for i, id := range ids {
		meetingStem[id] = stems[i]
	}
	for _, s := range scopes {
		if s.ID == tally.AllScope || len(questions) == 0 {
			continue
		}
		for _, lang := range p.Manifest.Languages {
			spec := charts.MeetingSpec{Questionnaire: p.Questionnaire, Questions: questions, Meeting: s, Rows: rows,
				Languages: []string{lang}, Numbers: p.QuestionNumbers(), MaxHeight: maxHeight}
			parts, err := charts.MeetingParts(spec)
			if err != nil {
				return nil, err
			}
			add(parts, "meeting-"+meetingStem[s.ID]+"-"+lang, meetingChart, s.ID+"/"+lang, func(part, pad int) func(io.Writer) error {
				spec := spec
				spec.Part, spec.Pad = part, pad
				return func(w io.Writer) error { return charts.DrawMeeting(w, spec) }
			})
		}
	}
	if err := checkChartNames(jobs); err != nil {
		return nil, err
	}
	e.jobs = jobs
	return jobs, nil
}

// FirstChart is the file the charts stage writes first, whatever the
// results ("" when it writes none), in the charts folder: the Makefile's
// sign that the stage's outputs are still there (see synthese deps).
func FirstChart(p *form.Project) string {
	if stems, err := questionChartStems(p); err == nil && len(stems) > 0 {
		return partName(stems[0], 0)
	}
	if len(p.Manifest.Participants) > 0 {
		return partName("stakeholders", 0)
	}
	return ""
}

// Chart files are named after the questionnaire's names and the meeting
// ids: charts/<question>.png, charts/meeting-<id>-<lang>.png. Those are
// the user's text, so each is first made a file name (a stem) that stays in
// the charts folder whatever it holds: a name that is one already (ASCII
// letters, digits, "_", "-" and ".", not "." first nor "..", at most
// maxKeptStem bytes) is kept as it is; any other becomes the slug of its
// safe characters (at most maxSlug bytes), "-" and the first 8 hex digits
// of its SHA-256 ("../../x" → "x-…", a name of 300 letters → 60 of them
// and the hash). Stems are distinct ignoring case (a file system may
// ignore it): a name whose stem is taken already (Q1 after q1) gets the
// hashed form, and a question's stem never takes a name of the other charts
// (stakeholders, meeting-…).
const (
	maxKeptStem = 100
	maxSlug     = 60
)

// questionChartStems are the stems of the reported questions' charts, in
// the questionnaire's order.
func questionChartStems(p *form.Project) ([]string, error) {
	var names []string
	for _, qu := range p.ReportedQuestions() {
		names = append(names, qu.Name)
	}
	return chartStems(names, func(folded string) bool {
		return folded == "stakeholders" || strings.HasPrefix(folded, "meeting-")
	})
}

// chartStems gives each name a distinct stem (ignoring case), in order; a
// kept stem for which reserved (given it in lower case) is true is hashed
// instead.
func chartStems(names []string, reserved func(folded string) bool) ([]string, error) {
	taken := map[string]bool{}
	out := make([]string, len(names))
	for i, name := range names {
		for k := 0; ; k++ {
			var stem string
			if k == 0 {
				if !keptStem(name) || reserved != nil && reserved(strings.ToLower(name)) {
					continue
				}
				stem = name
			} else {
				stem = hashedStem(name, k)
			}
			if f := strings.ToLower(stem); !taken[f] {
				taken[f], out[i] = true, stem
				break
			}
			if k > 8 {
				return nil, fmt.Errorf("chart of %q: no free file name", name) // not with SHA-256
			}
		}
	}
	return out, nil
}

// keptStem reports whether name is a file name already, kept as it is.
func keptStem(name string) bool {
	if name == "" || len(name) > maxKeptStem || name[0] == '.' || strings.Contains(name, "..") {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !stemByte(name[i]) {
			return false
		}
	}
	return true
}

func stemByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.'
}

// hashedStem is the slug of name's safe characters (each run of others
// one "_", no "..", at most maxSlug bytes), "-" and 8 hex digits of the
// SHA-256 of name (of name after "k:" for the k-th try beyond the first).
func hashedStem(name string, k int) string {
	var slug []byte
	for i := 0; i < len(name) && len(slug) < maxSlug; i++ {
		c := name[i]
		if !stemByte(c) {
			c = '_'
		}
		if n := len(slug); n > 0 && (c == '_' || c == '.') && slug[n-1] == c || n == 0 && !isAlnum(c) {
			continue
		}
		slug = append(slug, c)
	}
	key := name
	if k > 1 {
		key = fmt.Sprintf("%d:%s", k, name)
	}
	sum := sha256.Sum256([]byte(key))
	h := hex.EncodeToString(sum[:4])
	if s := strings.TrimRight(string(slug), "_.-"); s != "" {
		return s + "-" + h
	}
	return h
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// checkChartNames is the last guard before charts are written: each name
// is one file in the charts folder (no "..", no other folder, not
// absolute, only the stems' characters and "+"), of a length every file
// system takes, and no two are the same ignoring case.
func checkChartNames(jobs []chartJob) error {
	seen := map[string]bool{}
	for _, j := range jobs {
		file, ok := strings.CutPrefix(j.name, "charts/")
		ok = ok && file != "" && file[0] != '.' && !strings.Contains(file, "..") && len(file) <= 255
		for i := 0; ok && i < len(file); i++ {
			ok = stemByte(file[i]) || file[i] == '+'
		}
		if !ok {
			return fmt.Errorf("chart file name %q: expected a file in charts/ (a name not made safe: a bug)", j.name)
		}
		f := strings.ToLower(j.name)
		if seen[f] {
			return fmt.Errorf("chart file name %q: given to two charts (a bug)", j.name)
		}
		seen[f] = true
	}
	return nil
}

// partName is the file of part k (from 0) of a chart whose stem is name:
// name.png, then name+2.png and on ("+" is not in a stem).
func partName(name string, k int) string {
	if k == 0 {
		return name + ".png"
	}
	return fmt.Sprintf("%s+%d.png", name, k+1)
}

// Charts is the charts stage: a PNG per chart of the report, drawn on
// every core. In a run (Env.Pipeline) it returns while they are drawn:
// Report starts from their sizes.
func Charts(e *Env) error {
	jobs, err := e.chartJobs()
	if err != nil {
		return err
	}
	// Charts are independent: draw them on every core. In run, the report
	// starts from their sizes while they are drawn (see pendingCharts).
	pc := &pendingCharts{placeholders: map[string][]byte{}, drawn: map[string][]byte{}}
	// In run, each chart is laid out first (on every core): the report
	// starts from the sizes, and the layouts are then drawn as they are.
	var measured []charts.Measure
	if e.Pipeline {
		measured = make([]charts.Measure, len(jobs))
		if err := onEveryCore(len(jobs), func(i int) error {
			if err := jobs[i].draw(&measured[i]); err != nil {
				return fmt.Errorf("%s: %w", e.Out.Path(jobs[i].name), err)
			}
			return nil
		}); err != nil {
			return err
		}
		for i, j := range jobs {
			pc.placeholders[j.name] = charts.PlaceholderPNG(measured[i].Size)
		}
	}
	pc.wg.Add(1)
	go func() {
		defer pc.wg.Done()
		pc.err = onEveryCore(len(jobs), func(i int) error {
			var png []byte
			err := e.Out.Write(jobs[i].name, func(b *bytes.Buffer) error {
				var err error
				if measured != nil {
					err = measured[i].Render(b)
				} else {
					err = jobs[i].draw(b)
				}
				png = b.Bytes()
				return err
			})
			pc.mu.Lock()
			pc.drawn[jobs[i].name] = png
			pc.mu.Unlock()
			return err
		})
		if pc.err == nil {
			pc.err = removeStaleCharts(e, jobs)
		}
	}()
	if e.Pipeline {
		e.pending = pc
		e.logf("charts: drawing %d charts in %s", len(jobs), e.Out.Path("charts"))
		return nil
	}
	if err := pc.wait(); err != nil {
		return err
	}
	e.logf("charts: %d charts in %s", len(jobs), e.Out.Path("charts"))
	return nil
}

// removeStaleCharts removes, once this run's charts are drawn, the charts of
// an earlier run that this one does not draw (a chart in fewer parts, a
// meeting gone): they would be taken for its own.
func removeStaleCharts(e *Env, jobs []chartJob) error {
	drawn := map[string]bool{}
	for _, j := range jobs {
		drawn[j.name] = true
	}
	old, err := fs.Glob(e.Out.FS(), "charts/*.png")
	if err != nil {
		return err
	}
	for _, f := range old {
		if !drawn[f] {
			if err := e.Out.Remove(f); err != nil {
				return err
			}
		}
	}
	return nil
}

// pendingCharts are charts being drawn: their sizes are known (as
// placeholder PNG headers) before their pixels.
type pendingCharts struct {
	placeholders map[string][]byte
	mu           sync.Mutex
	drawn        map[string][]byte
	wg           sync.WaitGroup
	err          error
}

func (pc *pendingCharts) wait() error {
	pc.wg.Wait()
	return pc.err
}

// get returns a chart: its placeholder, or once drawn (final) its PNG.
func (pc *pendingCharts) get(path string, final bool) ([]byte, error) {
	if !final {
		if b, ok := pc.placeholders[path]; ok {
			return b, nil
		}
		return nil, fmt.Errorf("%s: no such chart", path)
	}
	if err := pc.wait(); err != nil {
		return nil, err
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if b, ok := pc.drawn[path]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("%s: no such chart", path)
}

func resultsOf(rows []tally.Result, question string) []tally.Result {
	var out []tally.Result
	for _, r := range rows {
		if r.Question == question {
			out = append(out, r)
		}
	}
	return out
}

// readAll returns the bytes of an output read back.
func readAll(r *bytes.Reader) []byte {
	b := make([]byte, r.Len())
	r.Read(b)
	return b
}

// load reads an output of an earlier stage with its reader.
func load[T any](e *Env, name, stage string, read func(io.ReaderAt, int64) (T, error)) (T, error) {
	r, err := e.Out.Read(name, stage)
	if err != nil {
		var zero T
		return zero, err
	}
	return read(r, r.Size())
}

// onEveryCore calls f(0) … f(n-1) on every core and returns their
// errors, joined.
func onEveryCore(n int, f func(int) error) error {
	return errors.Join(par.Do(n, func() func(int) error { return f })...)
}
