package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/synthese-project/synthese/data"
	"github.com/synthese-project/synthese/pipeline/provenance"
	"github.com/synthese-project/synthese/pipeline/store"
	"github.com/synthese-project/synthese/pipeline/tally"
)

func run(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), append([]string{"synthese"}, args...), &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

// hashes returns the SHA-256 of every output under dir (not the tool's
// and make's bookkeeping: the hidden .cache and .stamps folders, the
// .lock file; links are not followed).
func hashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && path != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if err != nil || d.IsDir() || d.Name() == lockName || d.Type()&fs.ModeSymlink != 0 {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel] = fmt.Sprintf("%x", sha256.Sum256(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRunTwiceIsByteIdentical: identical inputs give byte-identical Parquet,
// PNG and PDF, from the embedded project and from the same files on disk.
func TestRunTwiceIsByteIdentical(t *testing.T) {
	env := map[string]string{"SOURCE_DATE_EPOCH": "1608768000"}
	a, b := t.TempDir(), t.TempDir()
	if code, _, stderr := run(t, env, "run", "--quiet", "--out", a); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	// The second run reads the same project from a folder on disk.
	dataDir := filepath.Join("..", "..", "data")
	code, stdout, stderr := run(t, env, "run", "--data", dataDir, "--out", b)
	if code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "synthese.pdf") {
		t.Errorf("run should end by printing where the PDF is; stdout = %q", stdout)
	}
	ha, hb := hashes(t, a), hashes(t, b)
	for _, want := range []string{"synthese.pdf", "parquet/results.parquet", "parquet/responses.parquet", "parquet/attendance.parquet", "charts/q5_pouvoirs_publics.png", "rejects.csv"} {
		if ha[want] == "" {
			t.Errorf("run did not write %s", want)
		}
	}
	if len(ha) != len(hb) {
		t.Errorf("runs wrote %d and %d files", len(ha), len(hb))
	}
	for name, h := range ha {
		if hb[name] != h {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

// TestRunPutsResponsesInPlace: run writes responses.parquet as it reads
// the export, to a temporary file put in place at the end: a file of the
// same bytes already there is kept (its time too, for make), a different
// one replaced, no temporary file is left, and the manifest gives the
// digest of the file in place.
func TestRunPutsResponsesInPlace(t *testing.T) {
	dir, out := copyProject(t), t.TempDir()
	resp := filepath.Join(out, "parquet", "responses.parquet")
	past := time.Date(2021, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		edit string // a response line taken out of the export first
		kept bool
	}{{"", false}, {"", true}, {"last", false}} {
		if c.edit != "" {
			dropLastResponse(t, dir)
		}
		if code, _, stderr := run(t, nil, "run", "-q", "--data", dir, "--out", out); code != 0 {
			t.Fatalf("run: exit %d: %s", code, stderr)
		}
		st, err := os.Stat(resp)
		if err != nil {
			t.Fatal(err)
		}
		if kept := st.ModTime().Equal(past); kept != c.kept {
			t.Errorf("edit %q: responses.parquet kept %v, want %v", c.edit, kept, c.kept)
		}
		if tmp, _ := filepath.Glob(filepath.Join(out, "parquet", ".*")); len(tmp) > 0 {
			t.Errorf("temporary files left: %v", tmp)
		}
		b, err := os.ReadFile(filepath.Join(out, provenance.ManifestFile))
		if err != nil {
			t.Fatal(err)
		}
		var m provenance.RunManifest
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		body, _ := os.ReadFile(resp)
		want := fmt.Sprintf("%x", sha256.Sum256(body))
		found := false
		for _, o := range m.Outputs {
			if o.Path == "parquet/responses.parquet" {
				found = o.SHA256 == want && o.Bytes == int64(len(body))
			}
		}
		if !found {
			t.Errorf("edit %q: the manifest does not give responses.parquet's digest %s", c.edit, want)
		}
		if err := os.Chtimes(resp, past, past); err != nil {
			t.Fatal(err)
		}
	}
}

// copyProject copies the embedded project to a folder the test can break.
func copyProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(data.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(data.FS, path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, path), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBadInputExitsTwoAndChangesNothing: a fatal input problem names the
// file, line and what was expected, exits 2, and leaves outputs as they were.
func TestBadInputExitsTwoAndChangesNothing(t *testing.T) {
	proj, out := ranProject(t)
	before := hashes(t, out)

	// The meeting column is renamed to something that is neither the
	// question's name nor one of its labels: nothing can be placed.
	path := filepath.Join(proj, "responses.csv")
	b, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.Replace(b, []byte("Ville de la rencontre"), []byte("Lieu"), 1), 0o644)
	code, _, stderr := run(t, nil, "run", "-q", "--data", proj, "--out", out)
	if code != 2 {
		t.Errorf("exit = %d, want 2", code)
	}
	for _, want := range []string{"responses.csv:1", `meeting question "ville"`, "Ville de la rencontre"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q does not mention %q", stderr, want)
		}
	}
	after := hashes(t, out)
	for name, h := range before {
		if after[name] != h {
			t.Errorf("%s changed after a failed run", name)
		}
	}
	if len(after) != len(before) {
		t.Errorf("a failed run left files behind: %d before, %d after", len(before), len(after))
	}

	// A broken CSV quote is reported with its line and column.
	os.WriteFile(path, []byte("Horodateur,Ville de la rencontre\n1,\"Oujda\n2,x\"y\n"), 0o644)
	code, _, stderr = run(t, nil, "ingest", "-q", "--data", proj, "--out", out)
	if code != 2 || !strings.Contains(stderr, "responses.csv:3:") {
		t.Errorf("broken CSV: exit %d, stderr %q; want 2 and responses.csv:3:<col>", code, stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"frobnicate"}, {"run", "--no-such-flag"}, {"report", "extra"}} {
		code, _, stderr := run(t, nil, args...)
		if code != 2 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, stderr)
		}
	}
	if code, stdout, _ := run(t, nil, "--version"); code != 0 || !strings.Contains(stdout, version) {
		t.Errorf("--version: exit %d, stdout %q", code, stdout)
	}
	// A later stage without its input says which stage to run first.
	code, _, stderr := run(t, nil, "report", "-q", "--out", t.TempDir())
	if code != 1 || !strings.Contains(stderr, "synthese aggregate") {
		t.Errorf("report without results: exit %d, stderr %q", code, stderr)
	}
}

// Any one or two of fr, ar, en: the report is built in those languages only.
func TestLanguagesFlag(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext missing in CI: .ci/run installs poppler-utils")
		}
		t.Skip("pdftotext not installed (make deps)")
	}
	for _, c := range []struct {
		langs       string
		want, avoid []string
	}{
		{"fr", []string{"Sommaire", "Rencontre de Tanger"}, []string{"Contents"}},
		{"en,ar", []string{"Contents", "Tangier meeting", "Public Policy Group"}, []string{"Sommaire"}},
	} {
		out := t.TempDir()
		if code, _, stderr := run(t, nil, "run", "-q", "--languages", c.langs, "--out", out); code != 0 {
			t.Fatalf("--languages %s: exit %d: %s", c.langs, code, stderr)
		}
		text, err := exec.Command("pdftotext", filepath.Join(out, "synthese.pdf"), "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(string(text), w) {
				t.Errorf("--languages %s: %q not in the PDF", c.langs, w)
			}
		}
		for _, w := range c.avoid {
			if strings.Contains(string(text), w) {
				t.Errorf("--languages %s: %q should not be in the PDF", c.langs, w)
			}
		}
	}
	if code, _, stderr := run(t, nil, "run", "-q", "--languages", "fr,de", "--out", t.TempDir()); code != 2 || !strings.Contains(stderr, `"de" is not supported`) {
		t.Errorf("--languages fr,de: exit %d, %q", code, stderr)
	}
}

// TestRunIsTheStages: run (the report made while the charts are drawn,
// with stand-ins for them) writes the same outputs, byte for byte, as the
// stages one after the other (what make report does).
func TestRunIsTheStages(t *testing.T) {
	runIsTheStages(t)
}

// TestRunIsTheStagesWithSkipLogic: with skip logic (a group's relevant and
// questions' own), the aggregate stage run alone reads not asked back from
// responses.parquet: run and the stages give the same outputs, and
// results.parquet counts respondents not asked.
func TestRunIsTheStagesWithSkipLogic(t *testing.T) {
	dir := copyProject(t)
	relevant := map[string]string{
		"type":                "relevant",
		"q2_innovateur":       "${q1_levier} = 'oui'",
		"begin_group":         "${q1_levier} != 'non'",
		"q5_pouvoirs_publics": "${q4_ressources} = 'non'",
	}
	editFile(t, filepath.Join(dir, "survey.csv"), func(s string) string {
		var out []string
		for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
			if strings.Contains(l, ",q4_ressources,") {
				out = append(out, "begin_group,avis,Avis,رأي,Opinions,"+relevant["begin_group"])
			}
			f := strings.SplitN(l, ",", 3)
			out = append(out, l+","+relevant[f[0]]+relevant[f[1]])
		}
		return strings.Join(append(out, "end_group,,,,,"), "\n") + "\n"
	})
	a, b := runIsTheStages(t, "--data", dir)
	for _, out := range []string{a, b} {
		r, err := (&outputs{dir: out}).Read("parquet/results.parquet", "aggregate")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := store.ReadResults(r, r.Size())
		if err != nil {
			t.Fatal(err)
		}
		notAsked := map[string]int64{}
		total := map[string]int64{}
		for _, row := range rows {
			if row.Question == "ville" {
				total[tally.AllScope] += row.Count
				total[row.Answer] = row.Count
			}
		}
		for _, row := range rows {
			if row.ValidN+row.MissingN+row.NotAskedN != total[row.Scope] {
				t.Errorf("%s %s %s: %d + %d + %d != %d", row.Scope, row.Question, row.Answer, row.ValidN, row.MissingN, row.NotAskedN, total[row.Scope])
			}
			if row.Scope == tally.AllScope {
				notAsked[row.Question] = row.NotAskedN
			}
		}
		if notAsked["q2_innovateur"] == 0 || notAsked["q4_ressources"] == 0 || notAsked["q5_pouvoirs_publics"] <= notAsked["q4_ressources"] || notAsked["q1_levier"] != 0 {
			t.Errorf("not asked per question: %v", notAsked)
		}
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (make deps)")
	}
	txt, err := exec.Command("pdftotext", filepath.Join(a, "synthese.pdf"), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(txt), "Sans objet (question non posée)"); n != 3 {
		t.Errorf("the report says 'Sans objet' %d times, want 3 (q2, q4, q5)", n)
	}
}

// runIsTheStages runs run and the stages one after the other on the
// project of args, compares their outputs and returns both folders.
func runIsTheStages(t *testing.T, args ...string) (string, string) {
	env := map[string]string{"SOURCE_DATE_EPOCH": "1608768000"}
	a, b := t.TempDir(), t.TempDir()
	if code, _, stderr := run(t, env, append([]string{"run", "-q", "--out", a}, args...)...); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	for _, stage := range []string{"ingest", "aggregate", "charts", "report"} {
		if code, _, stderr := run(t, env, append([]string{stage, "-q", "--out", b}, args...)...); code != 0 {
			t.Fatalf("%s: exit %d: %s", stage, code, stderr)
		}
	}
	ha, hb := hashes(t, a), hashes(t, b)
	if ha["synthese.pdf"] == "" || ha["charts/q5_pouvoirs_publics.png"] == "" {
		t.Fatalf("run wrote %d files, not the PDF and charts", len(ha))
	}
	for name, h := range ha {
		if hb[name] != h {
			t.Errorf("%s: run's differs from the stages'", name)
		}
	}
	if len(ha) != len(hb) {
		t.Errorf("run wrote %d files, the stages %d", len(ha), len(hb))
	}
	return a, b
}

// writeBytes leaves a file that holds the content already alone (its time
// too), and replaces one that differs, however little and wherever: its
// last byte, past the first block read, or its length.
func TestWriteBytesComparesInBlocks(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.pdf")
	content := make([]byte, 600<<10) // three blocks, the last partial
	for i := range content {
		content[i] = byte(i * 7)
	}
	if err := writeBytes(path, content); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	if err := writeBytes(path, slices.Clone(content)); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || !st.ModTime().Equal(old) {
		t.Fatalf("the same content written again: %v, %v (want the file left alone)", st.ModTime(), err)
	}
	for _, change := range []func([]byte) []byte{
		func(b []byte) []byte { b[len(b)-1]++; return b },
		func(b []byte) []byte { b[300<<10]++; return b },
		func(b []byte) []byte { return b[:len(b)-1] },
		func(b []byte) []byte { return append(b, 0) },
	} {
		want := change(slices.Clone(content))
		if err := writeBytes(path, want); err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("changed content not written (%d bytes on disk, want %d): %v", len(got), len(want), err)
		}
		if err := writeBytes(path, content); err != nil {
			t.Fatal(err)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d files in the folder, want the output alone", len(ents))
	}
}
