package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateAndRejectsRedact: e-mail addresses and phone numbers typed
// into closed questions are shown as markers by validate and in
// rejects.csv, a formula is neutralised in rejects.csv, and an error that
// quotes a cell redacts it too.
func TestValidateAndRejectsRedact(t *testing.T) {
	proj := copyProject(t)
	path := filepath.Join(proj, "responses.csv")
	lines := strings.SplitAfter(string(must(os.ReadFile(path))), "\n")
	for i, v := range []string{"ali@example.org", "+212 6 12 34 56 78", `"=HYPERLINK(""http://x"",""y"")"`} {
		if !strings.Contains(lines[1+i], ",Oui,") {
			t.Fatalf("line %d: %q", 2+i, lines[1+i])
		}
		lines[1+i] = strings.Replace(lines[1+i], ",Oui,", ","+v+",", 1)
	}
	os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644)
	leaks := []string{"example.org", "12 34 56 78"}

	code, _, stderr := run(t, nil, "validate", "--data", proj, "--allow-rejects")
	if code != 0 {
		t.Fatalf("validate: exit %d: %s", code, stderr)
	}
	for _, want := range []string{`responses.csv:2: column "`, `"[e-mail]": matches no choice`, `"[phone]": matches no choice`,
		"=HYPERLINK", "2 e-mail address(es), phone number(s) or long number(s) in the values above are shown as [e-mail], [phone], [number]"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("validate does not say %q:\n%s", want, stderr)
		}
	}
	out := t.TempDir()
	if code, _, stderr := run(t, nil, "ingest", "--quiet", "--data", proj, "--out", out); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, stderr)
	}
	rejects := string(must(os.ReadFile(filepath.Join(out, "rejects.csv"))))
	for _, want := range []string{",[e-mail],", ",[phone],", `,"'=HYPERLINK(""http://x"",""y"")",`} {
		if !strings.Contains(rejects, want) {
			t.Errorf("rejects.csv does not hold %s:\n%s", want, rejects)
		}
	}
	quality := string(must(os.ReadFile(filepath.Join(out, "quality.json"))))
	for _, leak := range leaks {
		if strings.Contains(stderr+rejects+quality, leak) {
			t.Errorf("%q shown by validate, in rejects.csv or quality.json:\n%s\n%s\n%s", leak, stderr, rejects, quality)
		}
	}

	// An error quoting a cell: a phone number for a date.
	meetings := filepath.Join(proj, "meetings.csv")
	m := string(must(os.ReadFile(meetings)))
	os.WriteFile(meetings, []byte(strings.Replace(m, ",2020-11-24,", ",06 12 34 56 78,", 1)), 0o644)
	code, _, stderr = run(t, nil, "validate", "--data", proj)
	if code != 2 || !strings.Contains(stderr, `"[phone]" is not a date`) || strings.Contains(stderr, "12 34 56 78") {
		t.Errorf("validate: exit %d:\n%s", code, stderr)
	}
}
