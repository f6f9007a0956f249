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
	mk := func() string {
		t.Helper()
		cmd := exec.Command("make", "-C", root, "--no-print-directory", "report", "DATA="+data, "OUT="+out)
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
}
