package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/input"
)

// TestFailureCorpus runs every file of testdata/failures as the responses of
// the shapes form and checks the outcome its .want file states:
//
//	manifest: <a line added to the manifest>
//	error: <text the fatal error must contain>
//	reject: <code>,<line>,<column>,<value>,<text the reason must contain>
//
// A case with reject lines must give exactly those rejects and no error.
func TestFailureCorpus(t *testing.T) {
	wants, err := filepath.Glob("testdata/failures/*.want")
	if err != nil || len(wants) == 0 {
		t.Fatal("no failure cases")
	}
	for _, want := range wants {
		name := strings.TrimSuffix(filepath.Base(want), ".want")
		t.Run(name, func(t *testing.T) {
			inputs, _ := filepath.Glob(filepath.Join("testdata/failures", name+".*"))
			var inputFile string
			for _, f := range inputs {
				if !strings.HasSuffix(f, ".want") {
					inputFile = f
				}
			}
			if inputFile == "" {
				t.Fatalf("no input file for %s", want)
			}
			spec, err := os.ReadFile(want)
			if err != nil {
				t.Fatal(err)
			}
			var extra, errs, rejects []string
			for _, line := range strings.Split(strings.TrimSpace(string(spec)), "\n") {
				kind, rest, _ := strings.Cut(line, ": ")
				switch kind {
				case "manifest":
					extra = append(extra, rest)
				case "error":
					errs = append(errs, rest)
				case "reject":
					rejects = append(rejects, rest)
				default:
					t.Fatalf("%s: unknown line %q", want, line)
				}
			}
			fsys := shapeProject(t, nil, "", false)
			data, err := os.ReadFile(inputFile)
			if err != nil {
				t.Fatal(err)
			}
			base := filepath.Base(inputFile)
			fsys[base] = &fstest.MapFile{Data: data}
			manifest := string(fsys[form.ManifestName].Data)
			manifest = strings.Replace(manifest, "responses: []", fmt.Sprintf("responses: [%q]", base), 1)
			// The corpus is about what each row gives: rows may all be
			// rejected unless a case sets the limit itself.
			if !strings.Contains(strings.Join(extra, "\n"), "max_rejected_share") {
				extra = append(extra, "max_rejected_share: 1")
			}
			for _, e := range extra {
				if strings.HasPrefix(e, "responses:") {
					manifest = strings.Replace(manifest, fmt.Sprintf("responses: [%q]", base), e, 1)
					continue
				}
				manifest += e + "\n"
			}
			fsys[form.ManifestName] = &fstest.MapFile{Data: []byte(manifest)}
			p, err := form.LoadProject(fsys)
			var in *Ingested
			if err == nil {
				if in, err = Ingest(p); err == nil {
					err = CheckRowsKept(p, &in.Responses) // as the stages do
				}
			}
			if len(errs) > 0 {
				if err == nil {
					t.Fatalf("no error; want one containing %q", errs)
				}
				if !input.IsInputError(err) {
					t.Errorf("error %v is not an input error (exit status 2)", err)
				}
				for _, e := range errs {
					if !strings.Contains(err.Error(), e) {
						t.Errorf("error %q does not contain %q", err, e)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			got := in.Rejects()
			if len(got) != len(rejects) {
				t.Errorf("%d rejects, want %d: %+v", len(got), len(rejects), got)
			}
			for i, w := range rejects {
				f := strings.SplitN(w, ",", 5)
				if i >= len(got) {
					break
				}
				r := got[i]
				if r.Code != f[0] || fmt.Sprint(r.Line) != f[1] || r.Column != f[2] || r.Value != f[3] || !strings.Contains(r.Reason, f[4]) {
					t.Errorf("reject %d = %+v; want %s", i, r, w)
				}
			}
		})
	}
}
