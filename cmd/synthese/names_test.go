package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// namesProject writes a project under root/proj whose survey has the
// given question name (labelled "Longue") and whose second meeting has
// the given id.
func namesProject(t *testing.T, root, question, meetingID, languages string) string {
	t.Helper()
	dir := filepath.Join(root, "proj")
	files := map[string]string{
		"synthese.yaml": "languages: " + languages + "\nquestionnaire: {survey: survey.csv, choices: choices.csv}\n" +
			"responses: [r.csv]\nmeeting_question: ville\nmeetings: meetings.csv\nsmall_cell: 0\n",
		"survey.csv":  "type,name,label\nselect_one ville,ville,Ville\nselect_one yn," + question + ",Longue\nselect_one yn,q2,Courte\n",
		"choices.csv": "list_name,name,label\nyn,oui,Oui\nyn,non,Non\n",
		"meetings.csv": "meeting_id,start_date,end_date,city_fr\noujda,2020-11-24,2020-11-24,Oujda\n" +
			meetingID + ",2020-11-25,2020-11-25,Ailleurs\n",
		"r.csv": "Ville,Longue,Courte\nOujda,Oui,Non\nAilleurs,Non,Oui\nOujda,Oui,Oui\n",
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestNamesMakeSafeFiles: a question name of 300 letters and a meeting id
// made of "../" are read (XLSForm allows both), validate says the project
// is ready and run makes it, every chart one file of a short name in
// out/charts and nothing written outside out; a question name XLSForm
// refuses ("../../x") and a language given twice are input errors that
// name the file and cell, or the flag.
func TestNamesMakeSafeFiles(t *testing.T) {
	root := t.TempDir()
	env := map[string]string{"SOURCE_DATE_EPOCH": "1608768000"}
	proj := namesProject(t, root, strings.Repeat("q", 300), "x/../../../../escaped", "[fr]")
	out := filepath.Join(root, "work", "out")
	if code, stdout, stderr := run(t, env, "validate", "--data", proj); code != 0 || !strings.Contains(stdout, "ready for a report") {
		t.Fatalf("validate: exit %d: %s%s", code, stdout, stderr)
	}
	if code, _, stderr := run(t, env, "run", "-q", "--data", proj, "--out", out); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	var charts int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir() && strings.HasPrefix(rel, "work/out/charts/"):
			t.Errorf("%s: a folder in charts/", rel)
		case d.IsDir():
		case strings.HasPrefix(rel, "work/out/charts/"):
			charts++
			if len(d.Name()) > 90 {
				t.Errorf("%s: a long file name", rel)
			}
		case !strings.HasPrefix(rel, "work/out/") && !strings.HasPrefix(rel, "proj/"):
			t.Errorf("%s: written outside the output folder", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if charts != 4 { // two questions, two meetings in one language
		t.Errorf("%d charts, want 4", charts)
	}

	bad := namesProject(t, t.TempDir(), "../../x", "safi", "[fr]")
	code, _, stderr := run(t, env, "validate", "--data", bad)
	if code != 2 || !strings.Contains(stderr, `survey.csv:3:2: question name "../../x" is not valid`) {
		t.Errorf("question ../../x: exit %d, %s; want 2 and survey.csv:3:2", code, stderr)
	}

	twice := namesProject(t, t.TempDir(), "q1", "safi", "[fr, fr]")
	code, _, stderr = run(t, env, "validate", "--data", twice)
	if code != 2 || !strings.Contains(stderr, `synthese.yaml: languages: "fr" is listed twice`) {
		t.Errorf("languages: [fr, fr]: exit %d, %s; want 2 naming synthese.yaml", code, stderr)
	}
	code, _, stderr = run(t, env, "run", "-q", "--data", proj, "--out", out, "--languages", "ar,ar")
	if code != 2 || !strings.Contains(stderr, `--languages: "ar" is given twice`) {
		t.Errorf("--languages ar,ar: exit %d, %s; want 2 naming the flag", code, stderr)
	}
}
