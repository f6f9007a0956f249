package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/synthese-project/synthese/pipeline/ingest"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/store"
)

// TestGeneratedProjectRuns: synthese gen writes the same bytes for the same
// seed, and a project that runs end to end, every row accounted for; count
// gives the results of run. With repeated rows (submissions sent twice),
// each repeat is left out as a duplicate, by run, count and ingest alike.
func TestGeneratedProjectRuns(t *testing.T) {
	for _, repeats := range []string{"0", "0.02"} {
		t.Run("repeats="+repeats, func(t *testing.T) { generatedProjectRuns(t, repeats) })
	}
	if code, _, stderr := run(t, nil, "gen", "--repeats", "1", t.TempDir()); code != exitBadInput || !strings.Contains(stderr, "--repeats") {
		t.Errorf("gen --repeats 1: exit %d, %q", code, stderr)
	}
}

func generatedProjectRuns(t *testing.T, repeats string) {
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, dir := range []string{a, b} {
		if code, _, stderr := run(t, nil, "gen", "--rows", "3000", "--cities", "7", "--seed", "4", "--repeats", repeats, dir); code != 0 {
			t.Fatalf("gen: exit %d: %s", code, stderr)
		}
	}
	if ha, hb := hashes(t, a), hashes(t, b); len(ha) != 6 || !equalMaps(ha, hb) {
		t.Fatalf("gen is not repeatable: %v vs %v", ha, hb)
	}
	out, counted := t.TempDir(), t.TempDir()
	if code, _, stderr := run(t, nil, "run", "--quiet", "--data", a, "--out", out); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, nil, "count", "--quiet", "--data", a, "--out", counted); code != 0 {
		t.Fatalf("count: exit %d: %s", code, stderr)
	}
	// The stages on their own: aggregate counts responses.parquet, not
	// ingest's counts in memory.
	staged := t.TempDir()
	for _, stage := range []string{"ingest", "aggregate"} {
		if code, _, stderr := run(t, nil, stage, "--quiet", "--data", a, "--out", staged); code != 0 {
			t.Fatalf("%s: exit %d: %s", stage, code, stderr)
		}
	}
	for _, f := range []string{"parquet/results.parquet", "parquet/tests.parquet", "quality.json"} {
		x, _ := os.ReadFile(filepath.Join(out, f))
		for _, other := range []string{counted, staged} {
			y, _ := os.ReadFile(filepath.Join(other, f))
			if len(x) == 0 || !bytes.Equal(x, y) {
				t.Errorf("%s differs between run and %s", f, other)
			}
		}
	}
	q, err := os.Open(filepath.Join(out, "quality.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	quality, err := ingest.ReadQuality(q)
	if err != nil {
		t.Fatal(err)
	}
	r := quality.Responses
	if r.RowsRead != 3000 || r.Respondents+r.RowsRejected[input.RejectNoMeeting]+r.Duplicates != 3000 {
		t.Errorf("rows read %d, kept %d, rejected %v: every generated row must be accounted for", r.RowsRead, r.Respondents, r.RowsRejected)
	}
	// Every repeated line, and only those, is a duplicate.
	csv, err := os.ReadFile(filepath.Join(a, "responses.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines, repeated := strings.Split(string(csv), "\n"), 0
	for i := 2; i < len(lines); i++ {
		if lines[i] != "" && lines[i] == lines[i-1] {
			repeated++
		}
	}
	if r.Duplicates != repeated || repeats != "0" && repeated < 30 {
		t.Errorf("%d duplicates, %d lines repeating the one before", r.Duplicates, repeated)
	}
	if r.ExplicitMissing == 0 || len(r.Normalised) == 0 {
		t.Errorf("the generator writes some NSP and lower-case answers: %d missing, %d normalised", r.ExplicitMissing, len(r.Normalised))
	}
	if code, _, stderr := run(t, nil, "gen", a, b); code != exitBadInput || !strings.Contains(stderr, "one argument") {
		t.Errorf("gen with two folders: exit %d, %q", code, stderr)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestProgressBar: drawn on a terminal once the work has taken a second,
// never on a pipe or in CI.
func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	if isTerminal(&buf) {
		t.Fatal("a buffer is not a terminal")
	}
	e := &env{stderr: &buf}
	b := e.newProgressBar("reading")
	b.update(50, 100)
	b.done()
	if buf.Len() != 0 {
		t.Fatalf("a bar on a pipe: %q", buf.String())
	}
	e.tty = true
	b = e.newProgressBar("reading")
	b.update(10, 100) // too early: nothing yet
	if buf.Len() != 0 {
		t.Fatalf("a bar before a second of work: %q", buf.String())
	}
	b.start = time.Now().Add(-2 * time.Second)
	b.update(50<<20, 100<<20)
	b.done()
	if got := buf.String(); !strings.Contains(got, " 50%") || !strings.Contains(got, "50 MiB / 100 MiB") || !strings.HasSuffix(got, "\r\033[K") {
		t.Fatalf("bar = %q", got)
	}
	if _, _, stderr := run(t, map[string]string{"CI": "true"}, "run", "--out", t.TempDir()); strings.Contains(stderr, "\r") {
		t.Fatalf("a bar in CI: %q", stderr)
	}
}

// TestTallChartsInParts: with 25 meetings a question's chart is too tall
// for a page and is drawn in parts (charts/<question>+2.png, …); run and the
// stages one after the other write the same files; a later run with fewer
// meetings into the same folder leaves no part of the earlier one behind.
func TestTallChartsInParts(t *testing.T) {
	many, few := filepath.Join(t.TempDir(), "many"), filepath.Join(t.TempDir(), "few")
	for dir, cities := range map[string]string{many: "25", few: "3"} {
		if code, _, stderr := run(t, nil, "gen", "--rows", "2000", "--cities", cities, "--seed", "5", dir); code != 0 {
			t.Fatalf("gen: exit %d: %s", code, stderr)
		}
	}
	env := map[string]string{"SOURCE_DATE_EPOCH": "1608768000"}
	out, staged := t.TempDir(), t.TempDir()
	if code, _, stderr := run(t, env, "run", "-q", "--data", many, "--out", out); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	for _, stage := range []string{"ingest", "aggregate", "charts", "report"} {
		if code, _, stderr := run(t, env, stage, "-q", "--data", many, "--out", staged); code != 0 {
			t.Fatalf("%s: exit %d: %s", stage, code, stderr)
		}
	}
	parts, _ := filepath.Glob(filepath.Join(out, "charts", "*+2.png"))
	if len(parts) == 0 {
		t.Fatal("no chart drawn in parts for 25 meetings")
	}
	if ha, hb := hashes(t, out), hashes(t, staged); !equalMaps(ha, hb) {
		for name, h := range ha {
			if hb[name] != h {
				t.Errorf("%s: run's differs from the stages'", name)
			}
		}
		t.Errorf("run wrote %d files, the stages %d", len(ha), len(hb))
	}
	if code, _, stderr := run(t, env, "run", "-q", "--data", few, "--out", out); code != 0 {
		t.Fatalf("run with 3 meetings: exit %d: %s", code, stderr)
	}
	if left, _ := filepath.Glob(filepath.Join(out, "charts", "*+2.png")); len(left) > 0 {
		t.Errorf("parts of the earlier run left behind: %v", left)
	}
	if left, _ := filepath.Glob(filepath.Join(out, "charts", "meeting-*")); len(left) != 3*2 {
		t.Errorf("%d meeting charts after a run with 3 meetings in 2 languages: %v", len(left), left)
	}
}

// TestWithoutParticipantLists: a project without participant lists (as
// synthese gen writes) has no participation to count: participation.parquet
// is empty, no stakeholder chart is drawn, and the report shows neither a
// participation section, nor zero people, nor a response rate of 0%, nor
// the lists' lines in the quality annex. The default project, with lists,
// has them all. deps names a chart the charts stage writes either way (the
// Makefile's sign that the stage's outputs are still there).
func TestWithoutParticipantLists(t *testing.T) {
	gen := filepath.Join(t.TempDir(), "gen")
	if code, _, stderr := run(t, nil, "gen", "--rows", "1500", "--cities", "4", "--seed", "6", gen); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, stderr)
	}
	pdftotext := true
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext missing in CI: .ci/run installs poppler-utils")
		}
		pdftotext = false
	}
	for _, c := range []struct {
		data  string // "" is the default project
		lists bool
	}{{gen, false}, {"", true}} {
		out := t.TempDir()
		args := []string{"run", "-q", "--out", out}
		if c.data != "" {
			args = append(args, "--data", c.data)
		}
		if code, _, stderr := run(t, nil, args...); code != 0 {
			t.Fatalf("run %v: exit %d: %s", args, code, stderr)
		}
		r, err := (&outputs{dir: out}).Read("parquet/participation.parquet", "aggregate")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := store.ReadParticipation(r, r.Size())
		if err != nil {
			t.Fatal(err)
		}
		mix, _ := filepath.Glob(filepath.Join(out, "charts", "stakeholders*.png"))
		if c.lists != (len(rows) > 0) || c.lists != (len(mix) > 0) {
			t.Errorf("lists %v: %d participation rows, stakeholder charts %v", c.lists, len(rows), mix)
		}
		dir := c.data
		if dir == "" {
			dir = "../../data"
		}
		code, deps, stderr := run(t, nil, "deps", "--data", dir)
		_, mark, found := strings.Cut(deps, "CHARTS_MARK := ")
		mark = strings.TrimSpace(mark)
		if code != 0 || !found || mark == "" {
			t.Fatalf("deps: exit %d, no chart named: %q %s", code, deps, stderr)
		}
		if _, err := os.Stat(filepath.Join(out, "charts", mark)); err != nil {
			t.Errorf("deps names %s, which the charts stage did not write: %v", mark, err)
		}
		if !pdftotext {
			continue
		}
		text, err := exec.Command("pdftotext", filepath.Join(out, "synthese.pdf"), "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"Participation", "participants distincts", "taux de réponse", "Lignes des listes de participants"} {
			if c.lists != strings.Contains(string(text), w) {
				t.Errorf("lists %v: %q in the PDF: %v", c.lists, w, !c.lists)
			}
		}
		if !strings.Contains(string(text), "répondants au") {
			t.Errorf("lists %v: the key figures have no respondents", c.lists)
		}
	}
}

// A project whose manifest names no response file yet (a form alone, or
// `responses: []`) validates and renders a report that says no response
// has come in.
func TestNoResponsesYet(t *testing.T) {
	dir := copyProject(t)
	editFile(t, filepath.Join(dir, "synthese.yaml"), func(s string) string {
		var kept []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.HasPrefix(l, "responses:") {
				kept = append(kept, l)
			}
		}
		return strings.Join(kept, "\n")
	})
	if code, stdout, stderr := run(t, nil, "validate", "--data", dir); code != 0 || !strings.Contains(stdout, "0 response rows read") {
		t.Fatalf("validate: exit %d: %s%s", code, stdout, stderr)
	}
	txt := runPDF(t, dir)
	if !strings.Contains(string(txt), "Aucune réponse n’est encore arrivée") {
		t.Error("the report does not say that no response has come in")
	}
}

// A survey without meeting_question is one scope: no meetings file is
// needed, every row is counted, results hold the pooled scope only, and
// the report speaks of no meetings.
func TestOneScopeWithoutMeetingQuestion(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"survey.csv", "choices.csv", "settings.csv", "responses.csv"} {
		b, err := os.ReadFile(filepath.Join("../../data", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "synthese.yaml"), []byte("title: {fr: Enquête, ar: استطلاع}\nlanguages: [fr, ar]\n"+
		"questionnaire: {survey: survey.csv, choices: choices.csv, settings: settings.csv}\nresponses: [responses.csv]\n"), 0o644)
	out := t.TempDir()
	if code, _, stderr := run(t, nil, "run", "-q", "--data", dir, "--out", out); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	r, err := (&outputs{dir: out}).Read("parquet/results.parquet", "aggregate")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := store.ReadResults(r, r.Size())
	if err != nil || len(rows) == 0 {
		t.Fatalf("results: %d rows, %v", len(rows), err)
	}
	for _, row := range rows {
		if row.Scope != "all" {
			t.Fatalf("a row of scope %q: want the pooled scope only", row.Scope)
		}
		if row.Question == "ville" && row.ValidN+row.MissingN != 148 {
			t.Errorf("ville: %d respondents, want the 148 rows", row.ValidN+row.MissingN)
		}
	}
	txt := pdfText(t, filepath.Join(out, "synthese.pdf"), "-f", "3", "-l", "3")
	if s := string(txt); !strings.Contains(s, "148") || strings.Contains(s, "rencontres régionales") || strings.Contains(s, "chaque rencontre") {
		t.Errorf("key figures and method of a one-scope survey:\n%s", s)
	}
}

// Characters past Unicode's basic plane (emoji, mathematical letters) in
// the title, a choice label or a participant's name are typeset, not a
// crash (gofpdf's font map holds the basic plane only).
func TestEmojiInUserText(t *testing.T) {
	dir := copyProject(t)
	editFile(t, filepath.Join(dir, "synthese.yaml"), func(s string) string { return strings.Replace(s, "Synthèse", "Synthèse 📊 𝐀", 1) })
	editFile(t, filepath.Join(dir, "choices.csv"), func(s string) string { return strings.Replace(s, "Oui", "Oui 😀", 1) })
	editFile(t, filepath.Join(dir, "participants.csv"), func(s string) string {
		lines := strings.SplitN(s, "\n", 3)
		f := strings.SplitN(lines[1], ",", 3)
		f[1] = "🌱 " + f[1]
		lines[1] = strings.Join(f, ",")
		return strings.Join(lines, "\n")
	})
	if code, _, stderr := run(t, nil, "run", "-q", "--data", dir, "--out", t.TempDir()); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
}

// editFile rewrites a file of a test's project with edit.
func editFile(t *testing.T, path string, edit func(string) string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(edit(string(b))), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A question the export has no column for: the report says so (not
// "no answer: every respondent").
func TestQuestionNotInExportReported(t *testing.T) {
	dir := copyProject(t)
	editFile(t, filepath.Join(dir, "responses.csv"), func(s string) string {
		recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		w := csv.NewWriter(&b)
		for _, r := range recs {
			w.Write(r[:len(r)-1]) // the last question's column left out
		}
		w.Flush()
		return b.String()
	})
	out := t.TempDir()
	if code, _, stderr := run(t, nil, "run", "-q", "--data", dir, "--out", out); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	q, err := os.ReadFile(filepath.Join(out, "quality.json"))
	if err != nil || !strings.Contains(string(q), `"questions_not_in_export"`) {
		t.Fatalf("quality.json lists no question not in the export: %v", err)
	}
	txt := pdfText(t, filepath.Join(out, "synthese.pdf"))
	if !strings.Contains(string(txt), "n’a pas de colonne dans les fichiers de réponses") {
		t.Error("the report does not say the question is not in the export")
	}
}

// Columns the report does not summarise (here one matching no question)
// are counted in the quality annex, whose introduction then says that
// not everything is summarised.
func TestAnnexSaysWhatIsNotSummarised(t *testing.T) {
	dir := copyProject(t)
	editFile(t, filepath.Join(dir, "responses.csv"), func(s string) string {
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		for i := range lines {
			lines[i] = strings.TrimRight(lines[i], "\r") + map[bool]string{true: ",Remarque libre", false: ",rien"}[i == 0]
		}
		return strings.Join(lines, "\n") + "\n"
	})
	txt := runPDF(t, dir)
	if !strings.Contains(string(txt), "mais tout n’est pas résumé") {
		t.Error("the annex claims everything is counted while a column is not summarised")
	}
}

// A question without an English label is headed in the English part by
// its label in the report's other language, with the visible note the
// narrative uses.
func TestMissingTranslationFallsBack(t *testing.T) {
	dir := copyProject(t)
	editFile(t, filepath.Join(dir, "survey.csv"), func(s string) string {
		recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs[1:] {
			if strings.HasPrefix(r[0], "select_one") && r[1] != "ville" {
				r[4] = "" // its English label
				break
			}
		}
		var b strings.Builder
		w := csv.NewWriter(&b)
		w.WriteAll(recs)
		return b.String()
	})
	out := t.TempDir()
	if code, _, stderr := run(t, nil, "run", "-q", "--data", dir, "--out", out, "--languages", "fr,en"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	txt := pdfText(t, filepath.Join(out, "synthese.pdf"))
	if !strings.Contains(strings.Join(strings.Fields(string(txt)), " "), "Text not available in English: it is given in French") {
		t.Error("the English part does not say the label is given in French")
	}
}

// pdfText is a PDF's text (pdftotext); the test is skipped without it.
func pdfText(t *testing.T, pdf string, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (make deps)")
	}
	txt, err := exec.Command("pdftotext", append(args, pdf, "-")...).Output()
	if err != nil {
		t.Fatal(err)
	}
	return txt
}

// runPDF runs the stages of project dir into a new output folder and
// returns the PDF's text (skipping the test without pdftotext).
func runPDF(t *testing.T, dir string, flags ...string) []byte {
	t.Helper()
	out := t.TempDir()
	if code, _, stderr := run(t, nil, append([]string{"run", "-q", "--data", dir, "--out", out}, flags...)...); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	return pdfText(t, filepath.Join(out, "synthese.pdf"))
}
