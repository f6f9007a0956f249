package gen

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/synthese-project/synthese/pipeline/redact"
)

// TestGeneratedCellsRunNothing: gen writes its CSV files with encoding/csv
// directly (they are inputs read back, see doc.go), which is safe only as
// long as no cell it writes is one a spreadsheet would run.
func TestGeneratedCellsRunNothing(t *testing.T) {
	dir := t.TempDir()
	if err := GenerateProject(dir, GenOptions{Rows: 500, Cities: 40, Questions: 30, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(files) < 5 {
		t.Fatalf("generated %v", files)
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, rec := range recs {
			for _, c := range rec {
				if redact.Cell(c) != c {
					t.Errorf("%s:%d: %q is a cell a spreadsheet would run", filepath.Base(name), i+1, c)
				}
			}
		}
	}
}
