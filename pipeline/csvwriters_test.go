package pipeline_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// csvWriterExempt: the packages that may make an encoding/csv Writer of
// their own. redact's CSVWriter is the one every CSV output goes through
// (each cell neutralised by redact.Cell); gen writes generated project
// files (a questionnaire, responses) that synthese reads back as input,
// from its own word lists, where a quote added to a cell would change the
// data read.
var csvWriterExempt = map[string]bool{"pipeline/redact": true, "pipeline/gen": true}

// TestCSVWritersNeutralise: no code of the module writes CSV with
// encoding/csv's Writer directly (every CSV output goes through
// redact.NewCSVWriter, so no cell of it is a formula a spreadsheet would
// run), but the exempt packages.
func TestCSVWritersNeutralise(t *testing.T) {
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != ".." {
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") ||
				d.Name() == "out" || d.Name() == "bin" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		pkg, _ := filepath.Rel("..", filepath.Dir(path))
		if csvWriterExempt[filepath.ToSlash(pkg)] {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "csv.NewWriter(") {
			t.Errorf("%s makes a csv.Writer: write CSV through redact.NewCSVWriter (cells a spreadsheet would run are neutralised)", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
