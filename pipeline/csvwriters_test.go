package pipeline_test

import (
	"os"
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
	for _, c := range moduleCode(t) {
		if csvWriterExempt[c.pkg] {
			continue
		}
		b, err := os.ReadFile(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "csv.NewWriter(") {
			t.Errorf("%s makes a csv.Writer: write CSV through redact.NewCSVWriter (cells a spreadsheet would run are neutralised)", c.path)
		}
	}
}
