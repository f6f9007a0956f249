package form

import (
	"fmt"
	"github.com/synthese-project/synthese/pipeline/input"
	"io"
	"regexp"
	"sort"
	"strings"
)

// QuestionType is the XLSForm type family of a question.
type QuestionType string

const (
	SelectOne      QuestionType = "select_one"
	SelectMultiple QuestionType = "select_multiple"
	Other          QuestionType = "other" // text, dates, metadata: kept out of the results
)

// Text is a string in several languages, keyed by language code (fr, ar, en).
type Text map[string]string

// In returns the text in lang, else in the first of fallbacks that has it.
func (t Text) In(lang string, fallbacks ...string) string {
	if s := t[lang]; s != "" {
		return s
	}
	for _, f := range fallbacks {
		if s := t[f]; s != "" {
			return s
		}
	}
	return ""
}

// Choice is one option of a choice list.
type Choice struct {
	Name  string
	Label Text
}

// Question is one row of the survey sheet.
type Question struct {
	Name  string
	Type  QuestionType
	Kind  string // the XLSForm type word: select_one, start, text, date…
	List  string // the choice list of a select question
	Label Text
}

// Closed reports whether answers are counted (select_one, select_multiple).
func (q Question) Closed() bool { return q.Type == SelectOne || q.Type == SelectMultiple }

// Questionnaire is an XLSForm: questions, choice lists and settings.
type Questionnaire struct {
	Title           Text
	ID              string
	DefaultLanguage string   // code
	Languages       []string // codes, in the order of the survey sheet's columns
	Questions       []Question
	Lists           map[string][]Choice

	choicesFile string              // where the lists come from (messages)
	choiceAt    map[[2]string]place // where each choice (list, name) is in it
}

// place is a cell of a sheet: its line and column, from 1.
type place struct{ line, column int }

// Question returns the question named name.
func (q *Questionnaire) Question(name string) (Question, bool) {
	for _, qu := range q.Questions {
		if qu.Name == name {
			return qu, true
		}
	}
	return Question{}, false
}

// Choices returns the options of a select question.
func (q *Questionnaire) Choices(qu Question) []Choice { return q.Lists[qu.List] }

// ChoiceLabel returns the label of a choice of a question in lang, falling
// back to the default language and then to the choice name.
func (q *Questionnaire) ChoiceLabel(qu Question, name, lang string) string {
	for _, c := range q.Lists[qu.List] {
		if c.Name == name {
			if s := c.Label.In(lang, q.DefaultLanguage); s != "" {
				return s
			}
		}
	}
	return name
}

var langColumn = regexp.MustCompile(`^label(?:::(.*?))?\s*(?:\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)\))?\s*$`)

// labelLanguage returns the language code of a label column: the code in
// parentheses ("label::Français (fr)"), or def for a plain "label".
func labelLanguage(header, def string) (string, bool) {
	h := strings.TrimSpace(header)
	if !strings.HasPrefix(strings.ToLower(h), "label") {
		return "", false
	}
	m := langColumn.FindStringSubmatch(h)
	if m == nil {
		return "", false
	}
	if m[2] != "" {
		return strings.ToLower(m[2]), true
	}
	if m[1] == "" {
		return def, true
	}
	return strings.ToLower(strings.TrimSpace(m[1])), true // "label::fr"
}

// ReadQuestionnaire reads the survey, choices and (optional, may be nil)
// settings sheets of an XLSForm saved as CSV (or each as a workbook whose
// first sheet it is).
func ReadQuestionnaire(surveyName string, survey io.Reader, choicesName string, choices io.Reader, settingsName string, settings io.Reader) (*Questionnaire, error) {
	return checked(readQuestionnaireOpt(surveyName, survey, choicesName, choices, settingsName, settings, input.ReadOptions{}))
}

func readQuestionnaireOpt(surveyName string, survey io.Reader, choicesName string, choices io.Reader, settingsName string, settings io.Reader, opt input.ReadOptions) (*Questionnaire, error) {
	var st *input.Table
	if settings != nil {
		var err error
		if st, err = input.ReadTable(settingsName, settings, opt); err != nil {
			return nil, err
		}
	}
	sv, err := input.ReadTable(surveyName, survey, opt)
	if err != nil {
		return nil, err
	}
	ch, err := input.ReadTable(choicesName, choices, opt)
	if err != nil {
		return nil, err
	}
	return questionnaireFromTables(sv, ch, st)
}

// ReadXLSForm reads an XLSForm workbook with sheets survey, choices and
// (optional) settings.
func ReadXLSForm(file string, r io.Reader) (*Questionnaire, error) {
	return checked(readXLSForm(file, r))
}

func readXLSForm(file string, r io.Reader) (*Questionnaire, error) {
	ts, err := input.ReadTables(file, r, input.ReadOptions{})
	if err != nil {
		return nil, err
	}
	sv, ch := input.SheetNamed(ts, file, "survey"), input.SheetNamed(ts, file, "choices")
	if sv == nil || ch == nil {
		var names []string
		for _, t := range ts {
			names = append(names, t.File)
		}
		return nil, &input.InputError{File: file, Msg: "an XLSForm needs the sheets \"survey\" and \"choices\"; found " + strings.Join(names, ", ")}
	}
	return questionnaireFromTables(sv, ch, input.SheetNamed(ts, file, "settings"))
}

// questionnaireFromTables builds a questionnaire from its sheets; settings may be nil.
func questionnaireFromTables(sv, ch, st *input.Table) (*Questionnaire, error) {
	surveyName, choicesName := sv.File, ch.File
	q := &Questionnaire{Title: Text{}, Lists: map[string][]Choice{}, choiceAt: map[[2]string]place{}}
	if st != nil {
		if len(st.Records) > 0 {
			if c := st.Column("default_language"); c >= 0 {
				if m := regexp.MustCompile(`\(([A-Za-z-]+)\)`).FindStringSubmatch(st.Cell(0, c)); m != nil {
					q.DefaultLanguage = strings.ToLower(m[1])
				} else {
					q.DefaultLanguage = strings.ToLower(st.Cell(0, c))
				}
			}
			if c := st.Column("form_id"); c >= 0 {
				q.ID = st.Cell(0, c)
			}
			for i, h := range st.Header {
				if lang, ok := labelLanguage(strings.Replace(h, "form_title", "label", 1), q.DefaultLanguage); ok && strings.HasPrefix(strings.ToLower(h), "form_title") {
					q.Title[lang] = st.Cell(0, i)
				}
			}
		}
	}
	cols, err := sv.Require("type", "name")
	if err != nil {
		return nil, err
	}
	// A plain "label" column is in the default language; without settings,
	// it is "und" (undetermined) and every report language falls back to it.
	plain := q.DefaultLanguage
	if plain == "" {
		plain = "und"
	}
	labels := labelColumns(sv, plain)
	if len(labels) == 0 {
		return nil, &input.InputError{File: surveyName, Line: 1, Msg: `no label column: expected "label" or "label::<Language> (<code>)"`}
	}
	for code := range labels {
		q.Languages = append(q.Languages, code)
	}
	sort.Slice(q.Languages, func(a, b int) bool { return labels[q.Languages[a]] < labels[q.Languages[b]] })
	if q.DefaultLanguage == "" {
		q.DefaultLanguage = q.Languages[0]
	}
	seen := map[string]int{}
	for i := range sv.Records {
		typ := strings.Fields(sv.Cell(i, cols[0]))
		name := sv.Cell(i, cols[1])
		if len(typ) == 0 || name == "" {
			continue // groups' end rows, notes without a name
		}
		if end := strings.ToLower(typ[0]); end != "end" && !strings.HasPrefix(end, "end_") && !validQuestionName(name) {
			// (XLSForm leaves the name of a group's end row alone.)
			return nil, &input.InputError{File: surveyName, Line: sv.Lines[i], Column: cols[1] + 1,
				Msg: fmt.Sprintf("question name %s is not valid: %s", input.Excerpt(name), questionNameRule)}
		}
		if prev, dup := seen[name]; dup {
			return nil, &input.InputError{File: surveyName, Line: sv.Lines[i], Column: cols[1] + 1,
				Msg: fmt.Sprintf("question name %s already used on line %d: names must be unique", input.Excerpt(name), prev)}
		}
		seen[name] = sv.Lines[i]
		qu := Question{Name: name, Type: Other, Kind: typ[0], Label: Text{}}
		switch typ[0] {
		case "select_one", "select_multiple":
			if len(typ) < 2 {
				return nil, &input.InputError{File: surveyName, Line: sv.Lines[i], Column: cols[0] + 1,
					Msg: fmt.Sprintf("%s needs a choice list: expected %s", input.Excerpt(typ[0]), input.Excerpt(typ[0]+" <list_name>"))}
			}
			qu.Type, qu.List = QuestionType(typ[0]), typ[1]
		}
		for code, c := range labels {
			if s := sv.Cell(i, c); s != "" {
				qu.Label[code] = s
			}
		}
		q.Questions = append(q.Questions, qu)
	}
	ccols, err := ch.Require("list_name", "name")
	if err != nil {
		return nil, err
	}
	clabels := labelColumns(ch, plain)
	for i := range ch.Records {
		list, name := ch.Cell(i, ccols[0]), ch.Cell(i, ccols[1])
		if list == "" || name == "" {
			continue
		}
		c := Choice{Name: name, Label: Text{}}
		for code, col := range clabels {
			if s := ch.Cell(i, col); s != "" {
				c.Label[code] = s
			}
		}
		for _, prev := range q.Lists[list] {
			if prev.Name == name {
				return nil, &input.InputError{File: choicesName, Line: ch.Lines[i], Column: ccols[1] + 1,
					Msg: fmt.Sprintf("choice %s appears twice in list %s", input.Excerpt(name), input.Excerpt(list))}
			}
		}
		q.Lists[list] = append(q.Lists[list], c)
		q.choiceAt[[2]string{list, name}] = place{ch.Lines[i], ccols[1] + 1}
	}
	q.choicesFile = choicesName
	return q, nil
}

// checkLists fails when a closed question's choice list is not defined.
// (A project's meeting question may leave its list to the meetings file:
// LoadProject fills it in first.)
func (q *Questionnaire) checkLists() error {
	for _, qu := range q.Questions {
		if qu.Closed() && len(q.Lists[qu.List]) == 0 {
			return &input.InputError{File: q.choicesFile,
				Msg: fmt.Sprintf("question %s uses choice list %s, which %s does not define", input.Excerpt(qu.Name), input.Excerpt(qu.List), q.choicesFile)}
		}
	}
	return nil
}

// checked returns q after checkLists.
func checked(q *Questionnaire, err error) (*Questionnaire, error) {
	if err != nil {
		return nil, err
	}
	if err := q.checkLists(); err != nil {
		return nil, err
	}
	return q, nil
}

// labelColumns maps language codes to the label columns of a sheet.
func labelColumns(t *input.Table, def string) map[string]int {
	out := map[string]int{}
	for i, h := range t.Header {
		if code, ok := labelLanguage(h, def); ok && code != "" {
			if _, dup := out[code]; !dup {
				out[code] = i
			}
		}
	}
	return out
}
