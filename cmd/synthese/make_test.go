package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMakeIsIncremental: the repository's `make report` on a copy of the
// data: run again with nothing changed, it runs no stage and touches no
// output; after a change to a file only aggregate and report read (the
// organisation types), ingest is not run again, the stages after it are.
func TestMakeIsIncremental(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	dir := t.TempDir()
	data, out := filepath.Join(dir, "data"), filepath.Join(dir, "out")
	if err := os.CopyFS(data, os.DirFS(filepath.Join(root, "data"))); err != nil {
		t.Fatal(err)
	}
	mk := func(dataDir ...string) string {
		t.Helper()
		d := data
		if len(dataDir) > 0 {
			d = dataDir[0]
		}
		cmd := exec.Command("make", "-C", root, "--no-print-directory", "report", "DATA="+d, "OUT="+out)
		cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1608768000")
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make report: %v\n%s", err, b)
		}
		return string(b)
	}
	ran := func(log, stage string) bool { return strings.Contains(log, "bin/synthese "+stage+" ") }
	times := func() map[string]time.Time {
		m := map[string]time.Time{}
		filepath.Walk(out, func(p string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() {
				m[p] = fi.ModTime()
			}
			return nil
		})
		return m
	}
	first := mk()
	for _, st := range []string{"ingest", "aggregate", "charts", "report"} {
		if !ran(first, st) {
			t.Fatalf("first make report did not run %s:\n%s", st, first)
		}
	}
	before := times()
	time.Sleep(20 * time.Millisecond) // so that a rewrite would show in the times
	if second := mk(); strings.Contains(second, "bin/synthese") {
		t.Fatalf("make report with nothing changed ran a stage:\n%s", second)
	}
	after := times()
	for p, tm := range before {
		if !after[p].Equal(tm) {
			t.Errorf("%s was touched by a make report with nothing changed", p)
		}
	}
	f, err := os.OpenFile(filepath.Join(data, "org_types.csv"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\n")
	f.Close()
	third := mk()
	if ran(third, "ingest") || !ran(third, "aggregate") || !ran(third, "charts") || !ran(third, "report") {
		t.Fatalf("after a change to org_types.csv, expected aggregate, charts and report only:\n%s", third)
	}
	now := times()
	if p := filepath.Join(out, "parquet", "responses.parquet"); !now[p].Equal(before[p]) {
		t.Error("responses.parquet was rewritten although ingest reads nothing that changed")
	}
	if p := filepath.Join(out, "synthese.pdf"); now[p].Equal(before[p]) {
		t.Error("the PDF was not remade after its inputs changed")
	}
	// Another project into the same output folder, then back: every stage
	// runs each time, and the outputs are the first project's again.
	other := filepath.Join(dir, "other")
	if err := os.CopyFS(other, os.DirFS(data)); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(other, "recommendations.csv"), []byte("meeting_id,group,kind,text_fr\n"), 0o644)
	for _, d := range []string{other, data} {
		if log := mk(d); !ran(log, "ingest") || !ran(log, "report") {
			t.Fatalf("make report DATA=%s into the same OUT did not redo every stage:\n%s", d, log)
		}
	}
	check := exec.Command(filepath.Join(root, "bin", "synthese"), "check", "--data", data, "--out", out)
	if b, err := check.CombinedOutput(); err != nil {
		t.Fatalf("after switching back, the outputs are not the project's: %v\n%s", err, b)
	}
}
