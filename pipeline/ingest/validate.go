package ingest

import (
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/people"
	"github.com/synthese-project/synthese/pipeline/responses"
	"io/fs"
)

// Validation is what Validate found in a project folder.
type Validation struct {
	// Errors stop a report: an unreadable or inconsistent file, a missing
	// column. Each names its file (and line and column when it can).
	Errors []error
	// Rejects are the rows and cells a run would leave out, and why.
	Rejects []input.Reject
	// What was read, when the project could be read.
	RowsRead, Kept, ListRows int
	// Files are the response files read: rows, and for text the encoding
	// chosen and why.
	Files []responses.FileCount
}

// Validate checks a project folder as a run would read it, without
// making anything, and returns every problem it finds: the project's
// files (manifest, questionnaire, meetings, rules) first; then each
// response file on its own, so that one file's error does not hide
// another's; then the rows and cells to reject.
func Validate(fsys fs.FS, encoding ...input.Encoding) *Validation {
	v := &Validation{}
	seen := map[string]bool{}
	add := func(err error) {
		if err != nil && !seen[err.Error()] {
			seen[err.Error()] = true
			v.Errors = append(v.Errors, err)
		}
	}
	p, err := form.LoadProject(fsys, encoding...)
	if err != nil {
		add(err)
		// What else can be said without the questionnaire: which named
		// files are missing.
		if form.Regular(fsys, form.ManifestName) != nil {
			return v // not a file: said by LoadProject; opening it would wait, or never end
		}
		if mf, err := fsys.Open(form.ManifestName); err == nil {
			m, err := form.ReadManifest(form.ManifestName, mf)
			mf.Close()
			if err == nil {
				for _, name := range manifestFiles(m) {
					if _, err := fs.Stat(fsys, name); err != nil {
						add(&input.InputError{File: name, Msg: "no such file (named in " + form.ManifestName + ")"})
					}
				}
			}
		}
		return v
	}
	if _, _, _, err := people.ParticipantRules(p); err != nil {
		add(err)
	}
	in, err := Ingest(p)
	if err == nil {
		v.Rejects = in.Rejects()
		v.RowsRead, v.Kept, v.ListRows = in.Responses.RowsRead, int(in.Responses.Kept), len(in.Attendance)
		v.Files = in.Responses.Files
		add(CheckRowsKept(p, &in.Responses))
		return v
	}
	add(err)
	// One file at a time, to find every file's own error.
	files, ferr := p.Expand("responses", p.Manifest.Responses)
	if ferr != nil {
		return v
	}
	for _, f := range files {
		one := *p
		m := *p.Manifest
		m.Responses = []string{f}
		one.Manifest = &m
		res, err := readResponses(&one, responses.IngestOptions{})
		if err != nil {
			add(err)
			continue
		}
		v.Rejects = append(v.Rejects, res.Rejects...)
		v.Files = append(v.Files, res.Files...)
		v.RowsRead += res.RowsRead
		v.Kept += int(res.Kept)
	}
	// The participant lists and the narrative, each on its own too.
	if lists, err := p.Expand("participants", p.Manifest.Participants); err != nil {
		add(err)
	} else {
		for _, name := range lists {
			f, err := form.Open(p.FS, name)
			if err != nil {
				add(err)
				continue
			}
			rows, rejects, err := form.ReadAttendance(name, f, p.Meetings, input.ReadOptions{})
			f.Close()
			add(err)
			v.Rejects = append(v.Rejects, rejects...)
			v.ListRows += len(rows)
		}
	}
	if _, rejects, err := p.Narrative(); err != nil {
		add(err)
	} else {
		v.Rejects = append(v.Rejects, rejects...)
	}
	return v
}

// manifestFiles are the files a manifest names (patterns left out).
func manifestFiles(m *form.Manifest) []string {
	var out []string
	for _, f := range []string{m.Questionnaire.XLSForm, m.Questionnaire.Survey, m.Questionnaire.Choices, m.Questionnaire.Settings,
		m.Meetings, m.Narrative.Recommendations, m.ParticipantRules.OrgTypes, m.ParticipantRules.Cities, m.ParticipantRules.Merges} {
		if f != "" {
			out = append(out, f)
		}
	}
	for _, f := range append(append([]string{}, m.Responses...), m.Participants...) {
		if !isPattern(f) {
			out = append(out, f)
		}
	}
	return out
}

func isPattern(s string) bool {
	for _, c := range s {
		if c == '*' || c == '?' || c == '[' {
			return true
		}
	}
	return false
}
