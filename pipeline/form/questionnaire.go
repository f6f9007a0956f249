package form

import (
	"fmt"
	"io"
	"strings"

	"github.com/synthese-project/synthese/pipeline/input"
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
	Label Text // plain text (see plainLabel)
	// SourceLabel is the label as written in the choices sheet, markup
	// and all (exports that write labels write these).
	SourceLabel Text
}

// Question is one row of the survey sheet (or the text question pyxform
// adds after a select … or_other).
type Question struct {
	// Name identifies the question in the results, charts and exports: the
	// name cell, qualified by its group path ("grp/q", as Kobo's exports
	// write it) only when a question of another group has the same name
	// (pyxform wants names unique among siblings only).
	Name  string
	Type  QuestionType
	Kind  string // the XLSForm type, canonical: select_one, select_one_from_file, rank, text, integer, start, note…
	List  string // the choice list of a select question (the file name for select_one_from_file)
	Label Text   // plain text: "${q}" shown as «q», markdown and HTML removed (see plainLabel)

	FormName    string   // the name cell as written
	SourceLabel Text     // the label cells as written (export headers that repeat labels repeat these)
	Groups      []string // the groups and repeats it is in, outermost first (their names)
	Repeat      string   // the innermost repeat (or loop, kobomatrix) it is in; "" outside them (answered once per submission)
	Relevant    string   // the relevant column's text (its own, not its groups')
	Line        int      // its row in the survey sheet
	OrOther     bool     // select_one LIST or_other: the list has an "other" choice, and OtherOf names its text
	OtherOf     string   // on the text question pyxform adds after a select … or_other (named <name>_other): that select's Name
	// ChoicesFrom says where a select's choices come from when not the
	// choices sheet: the file of a select_one_from_file (then List too),
	// "${q}" for a select from another question's answers, "external_choices"
	// for select_one_external. Such a question is counted (Type SelectOne or
	// SelectMultiple) only when its choices were read: a file's CSV opened
	// through FormOptions.OpenFile.
	ChoicesFrom string
}

// Closed reports whether answers are counted (select_one, select_multiple).
func (q Question) Closed() bool {
	return (q.Type == SelectOne || q.Type == SelectMultiple) && q.Repeat == ""
}

// InRepeat reports whether the question is a select inside a repeat: answered
// once per item of the repeat, not once per respondent, so not counted
// with the respondent-level questions (its export is another sheet).
func (q Question) InRepeat() bool {
	return (q.Type == SelectOne || q.Type == SelectMultiple) && q.Repeat != ""
}

// Group is a begin_group or begin_repeat row and what it holds until its end row.
type Group struct {
	Name        string
	Path        []string // the names of the groups it is in, outermost first, then its own
	Kind        string   // group, repeat, loop (begin loop over LIST), kobomatrix, score, rank (Kobo)
	Repeat      bool     // a repeat, loop or kobomatrix: what it holds is answered once per item, not once per submission
	List        string   // the list of a loop, score, rank or kobomatrix
	Label       Text     // plain text, as Question.Label (a section title)
	SourceLabel Text
	Relevant    string // when the group is asked at all (skip logic for all it holds)
	Line        int
}

// Questionnaire is an XLSForm: questions, choice lists and settings.
type Questionnaire struct {
	Title           Text
	ID              string
	DefaultLanguage string   // code
	Languages       []string // codes, in the order of the survey sheet's columns
	Questions       []Question
	Lists           map[string][]Choice

	Groups []Group // in the order of their begin rows
	// LanguageColumns maps each language code to the survey sheet's label
	// column read for it ("en": "label::English").
	LanguageColumns map[string]string
	// AllowChoiceDuplicates is the settings' allow_choice_duplicates: a
	// choice name repeated in a list is then one choice (the first row's
	// labels), noted in Notes; else it is an error.
	AllowChoiceDuplicates bool
	// ChoiceFiles are the files beside the form whose choices were read
	// (select_one_from_file), in the order first read.
	ChoiceFiles []string
	// Notes say where the questionnaire is not the sheets as written:
	// names given, choices merged, rows skipped, questions added, names
	// qualified. Each names its sheet, row and column.
	Notes []input.InputError

	surveyFile  string              // the survey sheet (messages)
	typeColumn  int                 // its type column, from 1
	choicesFile string              // where the lists come from (messages)
	choiceAt    map[[2]string]place // where each choice (list, name) is in it
}

// FormOptions are optional ways of reading an XLSForm.
type FormOptions struct {
	// OpenFile opens a file beside the form, by the name the form gives
	// (select_one_from_file cities.csv). nil: such questions keep the file
	// name in ChoicesFrom and are not counted. An error satisfying
	// errors.Is(err, fs.ErrNotExist) does the same; any other is an error.
	OpenFile func(name string) (io.ReadCloser, error)
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

// ReadQuestionnaire reads the survey, choices and (optional, may be nil)
// settings sheets of an XLSForm saved as CSV (or each as a workbook whose
// first sheet it is).
func ReadQuestionnaire(surveyName string, survey io.Reader, choicesName string, choices io.Reader, settingsName string, settings io.Reader) (*Questionnaire, error) {
	return checked(readQuestionnaireOpt(surveyName, survey, choicesName, choices, settingsName, settings, input.ReadOptions{}, FormOptions{}))
}

// ReadQuestionnaireWith is ReadQuestionnaire with options; choices may be
// nil (a form without selects).
func ReadQuestionnaireWith(surveyName string, survey io.Reader, choicesName string, choices io.Reader, settingsName string, settings io.Reader, fo FormOptions) (*Questionnaire, error) {
	return checked(readQuestionnaireOpt(surveyName, survey, choicesName, choices, settingsName, settings, input.ReadOptions{}, fo))
}

func readQuestionnaireOpt(surveyName string, survey io.Reader, choicesName string, choices io.Reader, settingsName string, settings io.Reader, opt input.ReadOptions, fo FormOptions) (*Questionnaire, error) {
	var st, ch *input.Table
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
	if choices != nil {
		if ch, err = input.ReadTable(choicesName, choices, opt); err != nil {
			return nil, err
		}
	}
	return questionnaireFromTables(sv, ch, st, fo)
}

// ReadXLSForm reads an XLSForm workbook with sheets survey and, optional,
// choices and settings.
func ReadXLSForm(file string, r io.Reader) (*Questionnaire, error) {
	return checked(readXLSForm(file, r, FormOptions{}))
}

// ReadXLSFormWith is ReadXLSForm with options.
func ReadXLSFormWith(file string, r io.Reader, fo FormOptions) (*Questionnaire, error) {
	return checked(readXLSForm(file, r, fo))
}

func readXLSForm(file string, r io.Reader, fo FormOptions) (*Questionnaire, error) {
	ts, err := input.ReadTables(file, r, input.ReadOptions{})
	if err != nil {
		return nil, err
	}
	sv := input.SheetNamed(ts, file, "survey")
	if sv == nil {
		var names []string
		for _, t := range ts {
			names = append(names, t.File)
		}
		return nil, &input.InputError{File: file, Msg: "an XLSForm needs a sheet \"survey\" (and \"choices\" for its selects); found " + strings.Join(names, ", ")}
	}
	return questionnaireFromTables(sv, input.SheetNamed(ts, file, "choices"), input.SheetNamed(ts, file, "settings"), fo)
}

// checkLists fails when a closed question's choice list is not defined.
// (A project's meeting question may leave its list to the meetings file:
// LoadProject fills it in first.)
func (q *Questionnaire) checkLists() error {
	for _, qu := range q.Questions {
		if (qu.Closed() || qu.Kind == "rank") && qu.ChoicesFrom == "" && len(q.Lists[qu.List]) == 0 {
			where := q.choicesFile + " does not define"
			if q.choicesFile == "" {
				where = "is not defined: the form has no choices sheet"
			}
			return &input.InputError{File: q.surveyFile, Line: qu.Line, Column: q.typeColumn,
				Msg: fmt.Sprintf("question %s uses choice list %s, which %s", input.Excerpt(qu.Name), input.Excerpt(qu.List), where)}
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
