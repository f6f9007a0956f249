package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"gopkg.in/yaml.v3"

	"github.com/synthese-project/synthese/pipeline/provenance"
)

func sha(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func readManifest(t *testing.T, out string) provenance.RunManifest {
	t.Helper()
	var m provenance.RunManifest
	b, err := os.ReadFile(filepath.Join(out, provenance.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// ranProject runs a copy of the reference project into a new folder.
func ranProject(t *testing.T) (proj, out string) {
	t.Helper()
	proj, out = copyProject(t), t.TempDir()
	if code, _, stderr := run(t, nil, "run", "-q", "--data", proj, "--out", out); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	return proj, out
}

// TestProvenanceManifest: out/manifest.json lists every input the manifest
// names and every output, with their true SHA-256; the Parquet files and
// the PDF carry their stage's input digest.
func TestProvenanceManifest(t *testing.T) {
	proj, out := ranProject(t)
	m := readManifest(t, out)
	var inputs []string
	for _, f := range m.Inputs {
		inputs = append(inputs, f.Path)
		if got := sha(t, filepath.Join(proj, f.Path)); got != f.SHA256 {
			t.Errorf("input %s: manifest says %s, file is %s", f.Path, f.SHA256, got)
		}
	}
	for _, want := range []string{"synthese.yaml", "survey.csv", "choices.csv", "responses.csv", "participants.csv", "meetings.csv", "recommendations.csv", "org_types.csv"} {
		if !slices.Contains(inputs, want) {
			t.Errorf("input %s missing from manifest.json (%v)", want, inputs)
		}
	}
	if slices.Contains(inputs, "published.csv") {
		t.Error("manifest.json lists published.csv, which the manifest does not name")
	}
	var outputs []string
	for _, f := range m.Outputs {
		outputs = append(outputs, f.Path)
		if got := sha(t, filepath.Join(out, f.Path)); got != f.SHA256 {
			t.Errorf("output %s: manifest says %s, file is %s", f.Path, f.SHA256, got)
		}
	}
	for _, want := range []string{"synthese.pdf", "parquet/responses.parquet", "parquet/results.parquet", "charts/stakeholders.png", "rejects.csv"} {
		if !slices.Contains(outputs, want) {
			t.Errorf("output %s missing from manifest.json", want)
		}
	}
	if m.Version != version || m.InputDigest != m.Stages[provenance.StageReport] || len(m.Stages) != 4 {
		t.Errorf("manifest: version %q, digest %q, stages %v", m.Version, m.InputDigest, m.Stages)
	}
	for file, stage := range map[string]string{"responses": provenance.StageIngest, "results": provenance.StageAggregate, "tests": provenance.StageAggregate} {
		b, _ := os.ReadFile(filepath.Join(out, "parquet", file+".parquet"))
		f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := f.Lookup(provenance.InputDigestKey); d != m.Stages[stage] || d == "" {
			t.Errorf("%s.parquet carries %q, want the %s digest %q", file, d, stage, m.Stages[stage])
		}
	}
	pdf, _ := os.ReadFile(filepath.Join(out, "synthese.pdf"))
	if d := provenance.PDFDigestOf(pdf); d != m.InputDigest {
		t.Errorf("the PDF carries %q, want %q", d, m.InputDigest)
	}
}

// TestCheck: check passes on a fresh run, and fails (exit 1) naming the
// file when an input changes, the stage when an output comes from other
// inputs, and the output when one was edited; --report checks a PDF.
func TestCheck(t *testing.T) {
	proj, out := ranProject(t)
	check := func(args ...string) (int, string) {
		code, stdout, stderr := run(t, nil, append([]string{"check", "--data", proj, "--out", out}, args...)...)
		return code, stdout + stderr
	}
	if code, msg := check(); code != 0 || !strings.Contains(msg, "up to date") {
		t.Fatalf("fresh run: exit %d: %s", code, msg)
	}
	pdf := filepath.Join(out, "synthese.pdf")
	committed := filepath.Join(t.TempDir(), "committed.pdf")
	os.WriteFile(committed, must(os.ReadFile(pdf)), 0o644)

	rec := filepath.Join(proj, "recommendations.csv")
	orig := must(os.ReadFile(rec))
	os.WriteFile(rec, bytes.Replace(orig, []byte("Encourager"), []byte("Soutenir"), 1), 0o644)
	code, msg := check()
	if code != 1 || !strings.Contains(msg, "input recommendations.csv changed") || !strings.Contains(msg, "run `synthese report` again") {
		t.Fatalf("after an input changed: exit %d: %s", code, msg)
	}
	if code, msg := check("--report", committed); code != 1 || !strings.Contains(msg, "was made from other inputs") {
		t.Fatalf("--report after an input changed: exit %d: %s", code, msg)
	}
	os.WriteFile(rec, orig, 0o644)
	if code, msg := check("--report", committed); code != 0 {
		t.Fatalf("--report with the data restored: exit %d: %s", code, msg)
	}
	f, _ := os.OpenFile(filepath.Join(out, "rejects.csv"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("edited by hand\n")
	f.Close()
	if code, msg := check(); code != 1 || !strings.Contains(msg, "output rejects.csv was changed after the run") {
		t.Fatalf("after an output was edited: exit %d: %s", code, msg)
	}
	if code, msg := check("--report", filepath.Join(proj, "published.csv")); code != 2 || !strings.Contains(msg, "carries no input digest") {
		t.Fatalf("--report on a file that is not a report: exit %d: %s", code, msg)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestValidatePrintsEveryProblem: two response files, each wrong in its
// own way, and a bad value: validate names all three at once (exit 2),
// makes nothing; the reference project validates clean.
func TestValidatePrintsEveryProblem(t *testing.T) {
	if code, stdout, stderr := run(t, nil, "validate"); code != 0 || !strings.Contains(stdout, "ready for a report: 148 response rows read") {
		t.Fatalf("reference project: exit %d: %s%s", code, stdout, stderr)
	}
	proj := copyProject(t)
	manifest := must(os.ReadFile(filepath.Join(proj, "synthese.yaml")))
	manifest = bytes.Replace(manifest, []byte("responses: [responses.csv]"), []byte("responses: [responses.csv, late.csv, broken.csv]"), 1)
	os.WriteFile(filepath.Join(proj, "synthese.yaml"), manifest, 0o644)
	resp := string(must(os.ReadFile(filepath.Join(proj, "responses.csv"))))
	lines := strings.SplitAfter(resp, "\n")
	// late.csv: no meeting column.
	header := strings.Split(strings.TrimSpace(lines[0]), ",")
	os.WriteFile(filepath.Join(proj, "late.csv"), []byte(strings.Join(append(header[:1:1], header[2:]...), ",")+"\n"), 0o644)
	// broken.csv: a quote that never closes.
	os.WriteFile(filepath.Join(proj, "broken.csv"), []byte(lines[0]+"\"Oujda,x\n"), 0o644)
	// responses.csv: a value no choice matches.
	lines[3] = strings.Replace(lines[3], "Oui", "Peut-être", 1)
	os.WriteFile(filepath.Join(proj, "responses.csv"), []byte(strings.Join(lines, "")), 0o644)
	out := t.TempDir()
	code, _, stderr := run(t, nil, "validate", "--data", proj, "--out", out)
	if code != 2 {
		t.Fatalf("exit %d, want 2: %s", code, stderr)
	}
	for _, want := range []string{"late.csv", "broken.csv:2:", "responses.csv:4:", "Peut-être", "2 error(s)"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("validate does not mention %q:\n%s", want, stderr)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("validate wrote into the output folder: %v", entries)
	}
	// With --allow-rejects the bad value alone does not fail.
	os.WriteFile(filepath.Join(proj, "synthese.yaml"), bytes.Replace(manifest, []byte(", late.csv, broken.csv"), nil, 1), 0o644)
	if code, _, stderr := run(t, nil, "validate", "--data", proj, "--allow-rejects"); code != 0 || !strings.Contains(stderr, "Peut-être") {
		t.Fatalf("--allow-rejects: exit %d: %s", code, stderr)
	}
	if code, _, _ := run(t, nil, "validate", "--data", proj); code != 2 {
		t.Fatalf("a reject without --allow-rejects: exit %d, want 2", code)
	}
}

// TestInitRendersStraightAway: a new project validates and renders; its
// files are not overwritten by a second init.
func TestInitRendersStraightAway(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "survey")
	code, stdout, stderr := run(t, nil, "init", dir)
	if code != 0 || !strings.Contains(stdout, "next: read") {
		t.Fatalf("init: exit %d: %s%s", code, stdout, stderr)
	}
	for _, f := range []string{"synthese.yaml", "survey.csv", "choices.csv", "settings.csv", "meetings.csv", "participants.csv", "responses.csv", "README.md"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("init did not write %s", f)
		}
	}
	choices := string(must(os.ReadFile(filepath.Join(dir, "choices.csv"))))
	for _, want := range []string{"label::Français (fr)", "label::العربية (ar)", "label::English (en)", "yes_no,yes", "agree_disagree,agree"} {
		if !strings.Contains(choices, want) {
			t.Errorf("choices.csv lacks %q", want)
		}
	}
	if code, _, stderr := run(t, nil, "validate", "--data", dir); code != 0 {
		t.Fatalf("validate a new project: exit %d: %s", code, stderr)
	}
	out := t.TempDir()
	if code, _, stderr := run(t, nil, "run", "-q", "--data", dir, "--out", out); code != 0 {
		t.Fatalf("run a new project: exit %d: %s", code, stderr)
	}
	if st, err := os.Stat(filepath.Join(out, "synthese.pdf")); err != nil || st.Size() < 10000 {
		t.Fatalf("no report for a new project: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "survey.csv"), []byte("mine"), 0o644)
	if code, _, stderr := run(t, nil, "init", dir); code != 2 || !strings.Contains(stderr, "already exists") {
		t.Fatalf("init over a project: exit %d: %s", code, stderr)
	}
	if string(must(os.ReadFile(filepath.Join(dir, "survey.csv")))) != "mine" {
		t.Error("init overwrote survey.csv")
	}
}

// TestManifestDate: the manifest's date is the document's, unless
// SOURCE_DATE_EPOCH is set.
func TestManifestDate(t *testing.T) {
	proj := copyProject(t)
	f, _ := os.OpenFile(filepath.Join(proj, "synthese.yaml"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("date: 2021-03-04\n")
	f.Close()
	for env, want := range map[string]string{"": "D:20210304", "1608768000": "D:20201224"} {
		out := t.TempDir()
		if code, _, stderr := run(t, map[string]string{"SOURCE_DATE_EPOCH": env}, "run", "-q", "--data", proj, "--out", out); code != 0 {
			t.Fatalf("run: exit %d: %s", code, stderr)
		}
		if pdf := must(os.ReadFile(filepath.Join(out, "synthese.pdf"))); !bytes.Contains(pdf, []byte("/CreationDate ("+want)) {
			t.Errorf("SOURCE_DATE_EPOCH=%q: no /CreationDate (%s… in the PDF", env, want)
		}
	}
	os.WriteFile(filepath.Join(proj, "synthese.yaml"), bytes.Replace(must(os.ReadFile(filepath.Join(proj, "synthese.yaml"))), []byte("date: 2021-03-04"), []byte("date: 4 mars"), 1), 0o644)
	if code, _, stderr := run(t, nil, "validate", "--data", proj); code != 2 || !strings.Contains(stderr, "YYYY-MM-DD") {
		t.Fatalf("a bad date: exit %d: %s", code, stderr)
	}
}

// TestLogFormatJSON: with --log-format json every line on stderr is a JSON
// object, and a failure ends with its exit status.
func TestLogFormatJSON(t *testing.T) {
	for _, args := range [][]string{
		{"ingest", "--log-format", "json", "--out", t.TempDir()},
		{"--log-format=json", "run", "--data", "/no/such/folder"},
	} {
		code, _, stderr := run(t, nil, args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		var last map[string]any
		for _, l := range lines {
			last = nil
			if err := json.Unmarshal([]byte(l), &last); err != nil || last["msg"] == nil || last["level"] == nil {
				t.Fatalf("%v: not a JSON log line: %q", args, l)
			}
		}
		if code != 0 && last["exit_code"] != float64(code) {
			t.Errorf("%v: exit %d, last line %v", args, code, last)
		}
	}
	if code, _, stderr := run(t, nil, "run", "--log-format", "xml"); code != 2 || !strings.Contains(stderr, "expected text or json") {
		t.Errorf("--log-format xml: exit %d: %s", code, stderr)
	}
}

// TestHelpAndCompletion: every command's help shows examples and the exit
// statuses; the completion scripts and the words they ask for.
func TestHelpAndCompletion(t *testing.T) {
	app := newApp(nil, nil, nil, &logger{})
	for _, c := range app.Commands {
		if c.Name == "help" {
			continue
		}
		code, stdout, _ := run(t, nil, c.Name, "--help")
		if code != 0 || !strings.Contains(stdout, "Example") || !strings.Contains(stdout, "Exit status") {
			t.Errorf("synthese %s --help: exit %d, no examples or exit statuses:\n%s", c.Name, code, stdout)
		}
	}
	if _, stdout, _ := run(t, nil, "--version"); !strings.Contains(stdout, version) {
		t.Errorf("--version: %q", stdout)
	}
	// urfave/cli reads the words being completed from os.Args.
	saved := os.Args
	os.Args = []string{"synthese", "--generate-bash-completion"}
	_, words, _ := run(t, nil, "--generate-bash-completion")
	os.Args = saved
	for _, w := range []string{"run", "check", "validate", "init", "completion"} {
		if !slices.Contains(strings.Fields(words), w) {
			t.Errorf("completion words lack %q: %q", w, words)
		}
	}
	for shell, want := range map[string]string{"bash": "complete -o default -F _synthese synthese", "zsh": "#compdef synthese", "fish": "complete -c synthese"} {
		if code, stdout, _ := run(t, nil, "completion", shell); code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("completion %s: exit %d, no %q", shell, code, want)
		}
	}
}

// TestWorkflowMakesTheReport: the CI workflow runs on data changes, tests,
// validates the data, makes and checks the report, and keeps the PDF and
// the Parquet tables. (make check-workflow validates it against GitHub's
// own parser.)
func TestWorkflowMakesTheReport(t *testing.T) {
	b := must(os.ReadFile(filepath.Join("..", "..", ".github", "workflows", "report.yml")))
	var wf struct {
		On   map[string]map[string][]string `yaml:"on"`
		Jobs map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatal(err)
	}
	for _, ev := range []string{"push", "pull_request"} {
		if !slices.Contains(wf.On[ev]["paths"], "data/**") {
			t.Errorf("the workflow does not run on %s to data/**", ev)
		}
	}
	var runs, artifacts string
	for _, j := range wf.Jobs {
		for _, s := range j.Steps {
			runs += s.Run + "\n"
			if strings.HasPrefix(s.Uses, "actions/upload-artifact@") {
				artifacts += s.With["path"]
			}
		}
	}
	for _, want := range []string{".ci/run", "bin/synthese validate --data data", "make report", "bin/synthese check"} {
		if !strings.Contains(runs, want) {
			t.Errorf("the workflow does not run %q", want)
		}
	}
	for _, want := range []string{"out/synthese.pdf", "out/parquet/*.parquet"} {
		if !strings.Contains(artifacts, want) {
			t.Errorf("the workflow does not keep %s", want)
		}
	}
}

// TestDigestCache: an input unchanged since it was hashed (same size and
// time, hashed well after its last change) is not read again; a changed
// one, or one hashed just after a change, is.
func TestDigestCache(t *testing.T) {
	proj, out := copyProject(t), t.TempDir()
	old := time.Now().Add(-time.Hour)
	entries, _ := os.ReadDir(proj)
	for _, e := range entries {
		os.Chtimes(filepath.Join(proj, e.Name()), old, old)
	}
	runQ := func() provenance.RunManifest {
		t.Helper()
		if code, _, stderr := run(t, nil, "count", "-q", "--data", proj, "--out", out); code != 0 {
			t.Fatalf("count: exit %d: %s", code, stderr)
		}
		return readManifest(t, out)
	}
	shaOf := func(m provenance.RunManifest, path string) string {
		for _, f := range m.Inputs {
			if f.Path == path {
				return f.SHA256
			}
		}
		return ""
	}
	truth := sha(t, filepath.Join(proj, "responses.csv"))
	if got := shaOf(runQ(), "responses.csv"); got != truth {
		t.Fatalf("first run: %s, want %s", got, truth)
	}
	// Plant a wrong digest in the cache: a run that trusts it shows it.
	cachePath := filepath.Join(out, ".cache", "digests.json")
	abs, _ := filepath.Abs(filepath.Join(proj, "responses.csv"))
	c := openDigestCache(out)
	e := c.Entries[abs]
	if e.SHA256 != truth {
		t.Fatalf("the cache holds %+v for responses.csv", e)
	}
	e.SHA256 = strings.Repeat("0", 64)
	c.Entries[abs] = e
	os.WriteFile(cachePath, must(json.Marshal(c)), 0o644)
	if got := shaOf(runQ(), "responses.csv"); got != e.SHA256 {
		t.Fatalf("the cached digest of an unchanged file was not used: %s", got)
	}
	// Changed content (and time): hashed again.
	b := must(os.ReadFile(filepath.Join(proj, "responses.csv")))
	os.WriteFile(filepath.Join(proj, "responses.csv"), append(b, '\n'), 0o644)
	if got, want := shaOf(runQ(), "responses.csv"), sha(t, filepath.Join(proj, "responses.csv")); got != want {
		t.Fatalf("a changed file's digest came from the cache: %s, want %s", got, want)
	}
	// Just modified when hashed: not trusted next time.
	e = openDigestCache(out).Entries[abs]
	e.SHA256 = strings.Repeat("1", 64)
	c.Entries[abs] = e
	os.WriteFile(cachePath, must(json.Marshal(c)), 0o644)
	if got := shaOf(runQ(), "responses.csv"); got == e.SHA256 {
		t.Fatal("a digest taken within two seconds of the file's change was trusted")
	}
}
