package form

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/synthese-project/synthese/pipeline/input"
)

// FuzzManifest: the manifest loader on any bytes (seeded with the
// reference manifest and variants) never panics; it refuses with an
// InputError naming the manifest, or gives a manifest that keeps its
// promises (one or two distinct supported languages, small_cell and
// max_rejected_share in range), and the project it loads from the
// reference folder is refused with an InputError or holds together.
func FuzzManifest(f *testing.F) {
	ref, err := os.ReadFile("../../data/synthese.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ref)
	f.Add([]byte(strings.Replace(string(ref), "languages: [fr, ar]", "languages: [ar, ar]", 1)))
	f.Add([]byte("questionnaire: {xlsform: f.xlsx}\nresponses: [r.csv]\nmeeting_question: ville\nmeetings: m.csv\nmax_rejected_share: 2\n"))
	f.Add([]byte("title: {fr: \"\\x00\"}\nresponses: [\"../../etc/passwd\", \"*\"]\n"))
	folder := fstest.MapFS{}
	for _, name := range []string{"survey.csv", "choices.csv", "settings.csv", "meetings.csv", "responses.csv"} {
		b, err := os.ReadFile("../../data/" + name)
		if err != nil {
			f.Fatal(err)
		}
		folder[name] = &fstest.MapFile{Data: b}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadManifest(ManifestName, strings.NewReader(string(data)))
		if err != nil {
			var ie *input.InputError
			if !errors.As(err, &ie) || ie.File != ManifestName {
				t.Fatalf("error %v: want an InputError naming %s", err, ManifestName)
			}
			return
		}
		if n := len(m.Languages); n < 1 || n > 2 || (n == 2 && m.Languages[0] == m.Languages[1]) {
			t.Fatalf("languages %v", m.Languages)
		}
		if s := m.RejectedShareLimit(); m.SmallCell < 0 || !(s >= 0 && s <= 1) {
			t.Fatalf("small_cell %d, max_rejected_share %v", m.SmallCell, s)
		}
		fsys := fstest.MapFS{ManifestName: {Data: data}}
		for k, v := range folder {
			fsys[k] = v
		}
		p, err := LoadProject(fsys)
		if err != nil {
			if !input.IsInputError(err) {
				t.Fatalf("LoadProject: %v is not an input error", err)
			}
			return
		}
		if p.Questionnaire == nil || len(p.Meetings) == 0 {
			t.Fatalf("a project without a questionnaire or meetings")
		}
	})
}
