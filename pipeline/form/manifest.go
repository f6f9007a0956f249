package form

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/synthese-project/synthese/pipeline/input"
	"gopkg.in/yaml.v3"
)

// Manifest describes a project folder: which files hold what, and how the
// report is made. It is data/synthese.yaml for the embedded default.
type Manifest struct {
	Title         Text `yaml:"title"`
	Organiser     Text `yaml:"organiser"`
	Languages     []string
	Questionnaire struct {
		XLSForm  string `yaml:"xlsform"` // a workbook with sheets survey, choices, settings
		Survey   string `yaml:"survey"`  // or the sheets as CSV files
		Choices  string `yaml:"choices"`
		Settings string `yaml:"settings"`
	} `yaml:"questionnaire"`
	// Responses are file names or glob patterns ("exports/*.csv"); their
	// files are combined, duplicates counted once.
	Responses       []string `yaml:"responses"`
	Encoding        string   `yaml:"encoding"`         // of CSV files: auto (default), utf-8, utf-16le, utf-16be, windows-1252
	MissingValues   []string `yaml:"missing_values"`   // answers meaning "no answer" (default: DefaultMissingValues)
	GroupSeparators []string `yaml:"group_separators"` // in headers' group paths (default: / - . :)
	MeetingQuestion string   `yaml:"meeting_question"`
	Participants    []string `yaml:"participants"`
	Meetings        string   `yaml:"meetings"`
	Narrative       struct {
		Recommendations string `yaml:"recommendations"`
	} `yaml:"narrative"`
	SmallCell int `yaml:"small_cell"`
	// Exclude names questions left out of the report (they are still
	// counted in results.parquet).
	Exclude []string `yaml:"exclude"`
	// MaxRejectedShare is the largest share of the response rows (read,
	// not counting duplicates) that may be left out before a run fails
	// instead of publishing: default 0.2; 1 never fails (DefaultMaxRejectedShare).
	MaxRejectedShare *float64 `yaml:"max_rejected_share"`
	// WeightColumn names a column of the response files holding each
	// respondent's weight; the pooled figures are then weighted.
	WeightColumn string `yaml:"weight_column"`
	// ParticipantRules name the data files that resolve the participant
	// lists; each is optional.
	ParticipantRules struct {
		OrgTypes string `yaml:"org_types"` // type, pattern
		Cities   string `yaml:"cities"`    // name, kind, name_ar, aliases
		Merges   string `yaml:"merges"`    // action, name_a, name_b
	} `yaml:"participant_rules"`
	// ParticipantNames: false leaves names out of the report's participants annex.
	ParticipantNames *bool `yaml:"participant_names"`
	// Date is the report's date (YYYY-MM-DD); SOURCE_DATE_EPOCH, when set,
	// takes its place.
	Date string `yaml:"date"`
}

// MaxManifestBytes is the largest manifest read.
const MaxManifestBytes = 1 << 20

// DefaultMaxRejectedShare is max_rejected_share when the manifest has none.
const DefaultMaxRejectedShare = 0.2

// RejectedShareLimit is the manifest's max_rejected_share, or the default.
func (m *Manifest) RejectedShareLimit() float64 {
	if m.MaxRejectedShare == nil {
		return DefaultMaxRejectedShare
	}
	return *m.MaxRejectedShare
}

// ReportDate is the manifest's date, or ok false.
func (m *Manifest) ReportDate() (t time.Time, ok bool) {
	if m.Date == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, m.Date)
	return t, err == nil
}

// ShowNames reports whether the participants annex shows names.
func (m *Manifest) ShowNames() bool { return m.ParticipantNames == nil || *m.ParticipantNames }

// SupportedLanguages are the languages the report's message catalogs cover.
var SupportedLanguages = []string{"fr", "ar", "en"}

// ReadManifest parses and checks a manifest. Unknown keys are errors, so a
// misspelt key does not silently fall back to a default.
func ReadManifest(file string, r io.Reader) (*Manifest, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxManifestBytes+1))
	if err != nil {
		return nil, &input.InputError{File: file, Msg: "cannot read", Err: err}
	}
	if len(data) > MaxManifestBytes {
		return nil, &input.InputError{File: file, Msg: fmt.Sprintf("more than %d KiB: not a manifest (a few lines of YAML)", MaxManifestBytes>>10)}
	}
	m := &Manifest{SmallCell: 5}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(m); err != nil {
		return nil, &input.InputError{File: file, Msg: "not a valid manifest", Err: err}
	}
	bad := func(msg string) error { return &input.InputError{File: file, Msg: msg} }
	// YAML drops a null in a list of strings: [fr, null] would read [fr].
	var raw struct {
		Languages []*string `yaml:"languages"`
	}
	if yaml.Unmarshal(data, &raw) == nil && slices.Contains(raw.Languages, nil) {
		return nil, bad("languages: an empty entry; expected one or two of " + strings.Join(SupportedLanguages, ", "))
	}
	switch {
	case m.Questionnaire.XLSForm == "" && (m.Questionnaire.Survey == "" || m.Questionnaire.Choices == ""):
		return nil, bad("questionnaire: expected xlsform (a workbook), or survey and choices (CSV sheets)")
	case m.MeetingQuestion == "" && m.Meetings != "":
		return nil, bad("meetings: needs meeting_question, the select_one question that says which meeting a respondent came to (without it the survey is one scope)")
	case m.MeetingQuestion != "" && m.Meetings == "":
		return nil, bad("meetings is required with meeting_question: one row per meeting (meeting_id, start_date, end_date, city_fr…)")
	case m.MeetingQuestion == "" && len(m.Participants) > 0:
		return nil, bad("participants: needs meeting_question and meetings (a participant list says who came to which meeting)")
	case m.SmallCell < 0:
		return nil, bad("small_cell must be 0 or more")
	case m.MaxRejectedShare != nil && !(*m.MaxRejectedShare >= 0 && *m.MaxRejectedShare <= 1):
		return nil, bad(fmt.Sprintf("max_rejected_share must be from 0 to 1 (a share of the rows: 0.2 is 20%%), got %v", *m.MaxRejectedShare))
	}
	if _, ok := m.ReportDate(); m.Date != "" && !ok {
		return nil, bad(fmt.Sprintf("date: %s is not a date; expected YYYY-MM-DD, such as 2020-12-15", input.Excerpt(m.Date)))
	}
	if _, err := input.ParseEncoding(m.Encoding); err != nil {
		return nil, bad(err.Error())
	}
	if len(m.Languages) == 0 {
		m.Languages = []string{"fr", "ar"}
	}
	if len(m.Languages) > 2 {
		return nil, bad(fmt.Sprintf("languages: at most two, got %s", strings.Join(m.Languages, ", ")))
	}
	for i, l := range m.Languages {
		if !contains(SupportedLanguages, l) {
			return nil, bad(fmt.Sprintf("languages: %s is not supported; expected one of %s", input.Excerpt(l), strings.Join(SupportedLanguages, ", ")))
		}
		if contains(m.Languages[:i], l) {
			return nil, bad(fmt.Sprintf("languages: %q is listed twice; expected one or two different languages of %s, in reading order", l, strings.Join(SupportedLanguages, ", ")))
		}
	}
	return m, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
