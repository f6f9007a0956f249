package pipeline_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/synthese-project/synthese/"

// allowed lists, for each package of the module, the packages of the module
// its code may import: the layers drawn in doc.go and the README, from the
// bottom (input, stats) to the top (cmd/synthese). A new import between
// packages is a decision: make it here and in both.
var allowed = map[string][]string{
	"data":                            nil,
	"internal/fonts":                  nil,
	"internal/par":                    nil,
	"internal/rtl":                    nil,
	"internal/i18n":                   {"internal/rtl"},
	"pipeline":                        nil,
	"pipeline/redact":                 nil,
	"pipeline/input":                  {"pipeline/redact"},
	"pipeline/input/xlsxtest":         nil,
	"pipeline/stats":                  nil,
	"pipeline/ingest/internal/scan":   nil,
	"pipeline/relevance":              nil,
	"pipeline/form":                   {"pipeline/input"},
	"pipeline/tally":                  {"pipeline/form", "pipeline/stats"},
	"pipeline/people":                 {"pipeline/input", "pipeline/form", "pipeline/tally"},
	"pipeline/provenance":             {"pipeline/input", "pipeline/form"},
	"pipeline/store":                  {"pipeline/redact", "pipeline/form", "pipeline/tally", "pipeline/people", "pipeline/provenance"},
	"pipeline/responses":              {"pipeline/input", "pipeline/relevance", "pipeline/form", "pipeline/tally", "pipeline/store"},
	"pipeline/ingest/internal/stream": {"pipeline/input", "pipeline/form", "pipeline/tally", "pipeline/store", "pipeline/responses", "pipeline/ingest/internal/scan"},
	"pipeline/ingest":                 {"pipeline/redact", "pipeline/input", "pipeline/form", "pipeline/tally", "pipeline/people", "pipeline/store", "pipeline/responses", "pipeline/ingest/internal/stream"},
	"pipeline/gen":                    {"pipeline/form", "internal/i18n"},
	"charts":                          {"internal/fonts", "internal/i18n", "internal/rtl", "pipeline/form", "pipeline/people", "pipeline/tally"},
	"reports": {"charts", "internal/fonts", "internal/i18n", "internal/par", "internal/rtl",
		"pipeline/input", "pipeline/form", "pipeline/tally", "pipeline/people", "pipeline/provenance", "pipeline/responses", "pipeline/ingest"},
	"pipeline/stage": {"charts", "reports", "internal/par", "pipeline/form", "pipeline/tally", "pipeline/people",
		"pipeline/provenance", "pipeline/store", "pipeline/responses", "pipeline/ingest"},
	"cmd/synthese": {"data", "pipeline/redact", "pipeline/input", "pipeline/form", "pipeline/provenance", "pipeline/store", "pipeline/ingest",
		"pipeline/gen", "pipeline/stage"},
	"bench/run": nil,
}

// TestLayers: every package of the module imports only what allowed says
// (code, not tests), and every package is listed.
func TestLayers(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range moduleCode(t) {
		path, pkg := c.path, c.pkg
		seen[pkg] = true
		want, ok := allowed[pkg]
		if !ok {
			t.Errorf("%s: package %s is not in allowed (layers_test.go)", path, pkg)
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, is := range f.Imports {
			imp, _ := strconv.Unquote(is.Path.Value)
			if !strings.HasPrefix(imp, module) {
				continue
			}
			imp = strings.TrimPrefix(imp, module)
			if !slices.Contains(want, imp) {
				t.Errorf("%s imports %s: %s may import only %v", path, imp, pkg, want)
			}
		}
	}
	var missing []string
	for pkg := range allowed {
		if !seen[pkg] {
			missing = append(missing, pkg)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("allowed lists packages that have no code: %v", missing)
	}
}

// goFile is a Go file of the module's code (not a test) and its package,
// slash-separated from the module's root.
type goFile struct{ path, pkg string }

// moduleCode lists the module's code files, leaving out data, outputs and
// the modules of their own inside it (bench/duckdb, bench/gota).
func moduleCode(t *testing.T) []goFile {
	t.Helper()
	var out []goFile
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
		out = append(out, goFile{path, filepath.ToSlash(pkg)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
