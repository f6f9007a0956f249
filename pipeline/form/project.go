package form

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/synthese-project/synthese/pipeline/input"
)

// ManifestName is the manifest's file name in a project folder.
const ManifestName = "synthese.yaml"

// Project is a project folder's manifest, questionnaire and meetings: what
// every stage needs before it reads its own inputs.
type Project struct {
	FS            fs.FS
	Read          input.ReadOptions // how response files are decoded (manifest, or the --encoding flag)
	Manifest      *Manifest
	Questionnaire *Questionnaire
	Meetings      []Meeting
}

// Open opens a file the manifest names; a missing file is an InputError
// naming it, and so is one that is not a regular file (see Regular).
func Open(fsys fs.FS, name string) (fs.File, error) {
	if err := Regular(fsys, name); err != nil {
		return nil, err
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, &input.InputError{File: name, Msg: "cannot open (named in " + ManifestName + ")", Err: err}
	}
	return f, nil
}

// Regular refuses, before it is opened, a file that is not a regular file
// once its symbolic links are followed: a device (/dev/zero never ends), a
// named pipe (opening one waits for a writer), a socket or a folder.
func Regular(fsys fs.FS, name string) error {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return &input.InputError{File: name, Msg: "cannot open (named in " + ManifestName + ")", Err: err}
	}
	if !st.Mode().IsRegular() {
		what := "not a regular file"
		switch m := st.Mode(); {
		case m.IsDir():
			what = "a folder, not a file"
		case m&fs.ModeNamedPipe != 0:
			what = "a named pipe, not a file"
		case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
			what = "a device, not a file"
		case m&fs.ModeSocket != 0:
			what = "a socket, not a file"
		}
		return &input.InputError{File: name, Msg: what + ": give the file itself (named in " + ManifestName + ")"}
	}
	return nil
}

// LoadProject reads the manifest, the questionnaire and the meetings of a
// project folder, and checks that they agree with each other. A non-empty
// encoding overrides the manifest's.
func LoadProject(fsys fs.FS, encoding ...input.Encoding) (*Project, error) {
	if err := Regular(fsys, ManifestName); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	mf, err := fsys.Open(ManifestName)
	if err != nil {
		return nil, &input.InputError{File: ManifestName, Msg: "no manifest in the project folder (start a project with `synthese init DIR`)", Err: err}
	}
	defer mf.Close()
	m, err := ReadManifest(ManifestName, mf)
	if err != nil {
		return nil, err
	}
	p := &Project{FS: fsys, Manifest: m}
	p.Read.Encoding, _ = input.ParseEncoding(m.Encoding)
	if len(encoding) > 0 && encoding[0] != input.EncodingAuto {
		p.Read.Encoding = encoding[0]
	}
	// The forced encoding is for the exports (response files); the form and
	// the meetings are always detected.
	if p.Questionnaire, err = p.readQuestionnaire(); err != nil {
		return nil, err
	}
	for _, name := range m.Exclude {
		if _, ok := p.Questionnaire.Question(name); !ok {
			return nil, &input.InputError{File: ManifestName, Msg: fmt.Sprintf("exclude: no question %s in the questionnaire", input.Excerpt(name))}
		}
	}
	if m.MeetingQuestion == "" { // one scope: no meetings
		if err := p.Questionnaire.checkLists(); err != nil {
			return nil, err
		}
		return p, nil
	}
	mq, ok := p.Questionnaire.Question(m.MeetingQuestion)
	if !ok || mq.Type != SelectOne {
		return nil, &input.InputError{File: ManifestName, Msg: fmt.Sprintf("meeting_question %q is not a select_one question of %s", m.MeetingQuestion, m.Questionnaire.Survey)}
	}
	// The meeting question's choices are meeting ids (when choices lists them).
	for _, c := range p.Questionnaire.Lists[mq.List] {
		if why := checkMeetingID(c.Name); why != "" {
			at := p.Questionnaire.choiceAt[[2]string{mq.List, c.Name}]
			return nil, &input.InputError{File: p.Questionnaire.choicesFile, Line: at.line, Column: at.column,
				Msg: fmt.Sprintf("%s (a choice of %q, the meeting question)", why, mq.Name)}
		}
	}
	mt, err := Open(fsys, m.Meetings)
	if err != nil {
		return nil, err
	}
	defer mt.Close()
	if p.Meetings, err = ReadMeetings(m.Meetings, mt, input.ReadOptions{}); err != nil {
		return nil, err
	}
	// The meeting question's choices may be left to the meetings file.
	if len(p.Questionnaire.Lists[mq.List]) == 0 {
		for _, mtg := range p.Meetings {
			p.Questionnaire.Lists[mq.List] = append(p.Questionnaire.Lists[mq.List], Choice{Name: mtg.ID, Label: mtg.City})
		}
	}
	if len(p.Questionnaire.Lists[mq.List]) == 0 {
		return nil, &input.InputError{File: m.Meetings, Msg: fmt.Sprintf("no meetings: expected one row per meeting (meeting_id, city_fr, …), which also gives the choices of %q", mq.Name)}
	}
	if err := p.Questionnaire.checkLists(); err != nil {
		return nil, err
	}
	byID := map[string]bool{}
	for _, mtg := range p.Meetings {
		byID[mtg.ID] = true
	}
	var missing []string
	for _, c := range p.Questionnaire.Choices(mq) {
		if !byID[c.Name] {
			missing = append(missing, strconv.Quote(c.Name))
		}
	}
	switch {
	case len(missing) == 1:
		return nil, &input.InputError{File: m.Meetings, Msg: fmt.Sprintf("no row for meeting %s (a choice of %q in %s): expected a meeting_id %s", missing[0], mq.Name, m.Questionnaire.Choices, missing[0])}
	case len(missing) > 1:
		return nil, &input.InputError{File: m.Meetings, Msg: fmt.Sprintf("no rows for meetings %s (choices of %q in %s): expected a meeting_id for each", strings.Join(missing, ", "), mq.Name, m.Questionnaire.Choices)}
	}
	return p, nil
}

func (p *Project) readQuestionnaire() (*Questionnaire, error) {
	m := p.Manifest
	if m.Questionnaire.XLSForm != "" {
		f, err := Open(p.FS, m.Questionnaire.XLSForm)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readXLSForm(m.Questionnaire.XLSForm, f, FormOptions{})
	}
	sv, err := Open(p.FS, m.Questionnaire.Survey)
	if err != nil {
		return nil, err
	}
	defer sv.Close()
	ch, err := Open(p.FS, m.Questionnaire.Choices)
	if err != nil {
		return nil, err
	}
	defer ch.Close()
	var st io.Reader
	if m.Questionnaire.Settings != "" {
		f, err := Open(p.FS, m.Questionnaire.Settings)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		st = f
	}
	return readQuestionnaireOpt(m.Questionnaire.Survey, sv, m.Questionnaire.Choices, ch, m.Questionnaire.Settings, st, input.ReadOptions{}, FormOptions{})
}

// Expand turns the manifest's file names and glob patterns into files, in
// the manifest's order, each pattern's matches sorted.
func (p *Project) Expand(key string, patterns []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, pat := range patterns {
		matches, err := fs.Glob(p.FS, pat)
		if err != nil {
			return nil, &input.InputError{File: ManifestName, Msg: fmt.Sprintf("%s: bad pattern %q", key, pat), Err: err}
		}
		if len(matches) == 0 {
			return nil, &input.InputError{File: pat, Msg: fmt.Sprintf("no such file (named in %s, %s)", ManifestName, key)}
		}
		for _, f := range matches {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// ResponseOptions are the manifest's settings for reading responses.
func (p *Project) ResponseOptions() ResponseOptions {
	return ResponseOptions{ReadOptions: p.Read, MeetingQuestion: p.Manifest.MeetingQuestion,
		MissingValues: p.Manifest.MissingValues, GroupSeparators: p.Manifest.GroupSeparators, WeightColumn: p.Manifest.WeightColumn}
}

// Meeting returns the meeting with id.
func (p *Project) Meeting(id string) (Meeting, bool) {
	for _, m := range p.Meetings {
		if m.ID == id {
			return m, true
		}
	}
	return Meeting{}, false
}

// ReportedQuestions are the closed questions the report and charts show:
// every select question except the one that identifies the meeting.
func (p *Project) ReportedQuestions() []Question {
	var out []Question
	for _, qu := range p.Questionnaire.Questions {
		if qu.Closed() && qu.Name != p.Manifest.MeetingQuestion && !slices.Contains(p.Manifest.Exclude, qu.Name) {
			out = append(out, qu)
		}
	}
	return out
}

// Narrative reads the recommendations named in the manifest (nil when none).
func (p *Project) Narrative() (*Narrative, []input.Reject, error) {
	name := p.Manifest.Narrative.Recommendations
	if name == "" {
		return nil, nil, nil
	}
	f, err := Open(p.FS, name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return ReadRecommendations(name, f, p.Meetings, p.Questionnaire.DefaultLanguage)
}

// SetLanguages replaces the report languages (the --languages flag).
func (p *Project) SetLanguages(langs []string) error {
	if len(langs) == 0 || len(langs) > 2 {
		return &input.InputError{File: "--languages", Msg: fmt.Sprintf("expected one or two of %s, got %q", strings.Join(SupportedLanguages, ", "), strings.Join(langs, ","))}
	}
	for i, l := range langs {
		if !contains(SupportedLanguages, l) {
			return &input.InputError{File: "--languages", Msg: fmt.Sprintf("%q is not supported; expected one or two of %s", l, strings.Join(SupportedLanguages, ", "))}
		}
		if contains(langs[:i], l) {
			return &input.InputError{File: "--languages", Msg: fmt.Sprintf("%q is given twice; expected one or two different languages of %s", l, strings.Join(SupportedLanguages, ", "))}
		}
	}
	p.Manifest.Languages = langs
	return nil
}

// QuestionNumbers numbers the reported questions from 1, as the report does.
func (p *Project) QuestionNumbers() map[string]int {
	out := map[string]int{}
	for i, qu := range p.ReportedQuestions() {
		out[qu.Name] = i + 1
	}
	return out
}

// DefaultMissingValues are answers that mean "no answer" when no choice of
// the question matches them (compared folded).
var DefaultMissingValues = []string{
	"NA", "N/A", "NSP", "NR", "Je ne sais pas", "Ne sait pas", "Sans réponse", "Pas de réponse",
	"Ne se prononce pas", "No answer", "Don't know", "Prefer not to say", "لا أعرف", "بدون جواب",
}

// DefaultGroupSeparators split group paths in headers: Kobo "grp/q", ODK
// Central "grp-q", and "grp.q", "grp:q" from other tools.
var DefaultGroupSeparators = []string{"/", "-", ".", ":"}

// ResponseOptions say how to read response files.
type ResponseOptions struct {
	input.ReadOptions
	MeetingQuestion string
	MissingValues   []string // nil: DefaultMissingValues
	GroupSeparators []string // nil: DefaultGroupSeparators
	WeightColumn    string   // header of the weights column; "" for none
}
