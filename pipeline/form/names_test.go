package form

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/synthese-project/synthese/pipeline/input"
)

// inputError returns err as an InputError, failing the test when it is not one.
func inputError(t *testing.T, err error, what string) *input.InputError {
	t.Helper()
	var ie *input.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("%s: err = %v, want an InputError", what, err)
	}
	return ie
}

// TestQuestionNamesAreXMLNames: a question name is what XLSForm (pyxform)
// accepts, an XML name; any other is an input error at its cell of the
// survey sheet. Names of every script are names; a 300-letter one too
// (its chart gets a short file name: see stage).
func TestQuestionNamesAreXMLNames(t *testing.T) {
	const choices = "list_name,name,label\nyn,oui,Oui\nyn,non,Non\n"
	read := func(name string) (*Questionnaire, error) {
		survey := "type,name,label\nstart,start,Début\nselect_one yn," + name + ",Question\nend group,../end,\n"
		return ReadQuestionnaire("survey.csv", strings.NewReader(survey), "choices.csv", strings.NewReader(choices), "", nil)
	}
	for _, name := range []string{"q1_levier", "_x", "a-1.2", "S06CHILDREN5-18", "qualité", "السؤال", "ns:q", "a..b", strings.Repeat("q", 300)} {
		q, err := read(name)
		if err != nil {
			t.Errorf("%q: %v; want it accepted (pyxform does)", name, err)
			continue
		}
		if _, ok := q.Question(name); !ok {
			t.Errorf("%q: not among the questions", name)
		}
	}
	for _, name := range []string{"../../x", "a/b", "/etc/x", `a\b`, "1abc", "-x", ".x", "a b", "a:b:c", ":a", "x+2", "q$"} {
		_, err := read(name)
		ie := inputError(t, err, name)
		if ie.File != "survey.csv" || ie.Line != 3 || ie.Column != 2 ||
			!strings.Contains(ie.Msg, `question name "`+strings.ReplaceAll(name, `\`, `\\`)+`" is not valid`) || !strings.Contains(ie.Msg, `a letter or "_" first`) {
			t.Errorf("%q: %v; want survey.csv:3:2 saying the name is not valid and what a name is", name, err)
		}
	}
}

// meetingProject is a project whose meeting question's choices are in
// choices.csv (when choiceIDs lists them) and whose meetings file has rows.
func meetingProject(choiceIDs, meetingRows string) fstest.MapFS {
	return fstest.MapFS{
		ManifestName:   {Data: []byte("questionnaire: {survey: survey.csv, choices: choices.csv}\nresponses: [r.csv]\nmeeting_question: ville\nmeetings: meetings.csv\n")},
		"survey.csv":   {Data: []byte("type,name,label\nselect_one ville,ville,Ville\nselect_one yn,q1,Q1\n")},
		"choices.csv":  {Data: []byte("list_name,name,label\nyn,oui,Oui\nyn,non,Non\n" + choiceIDs)},
		"meetings.csv": {Data: []byte("meeting_id,start_date,end_date,city_fr\n" + meetingRows)},
		"r.csv":        {Data: []byte("Ville,Q1\n")},
	}
}

// TestMeetingIDs: a meeting id is a choice name, free text in XLSForm
// ("HIV/AIDS (UNAIDS)" is one in a real Kobo form, and "x/../../y" is
// read too: the charts stage makes any id a safe file name); a control
// character (a line break in a quoted cell) is an input error at its cell,
// in the meetings file and in the meeting question's choices.
func TestMeetingIDs(t *testing.T) {
	p, err := LoadProject(meetingProject(
		"ville,oujda,Oujda\nville,x/../../y,Ailleurs\nville,HIV/AIDS (UNAIDS),ONUSIDA\n",
		"oujda,2020-11-24,2020-11-24,Oujda\nx/../../y,2020-11-25,2020-11-25,Ailleurs\nHIV/AIDS (UNAIDS),2020-11-26,2020-11-26,ONUSIDA\n"))
	if err != nil || len(p.Meetings) != 3 || p.Meetings[1].ID != "x/../../y" {
		t.Fatalf("ids with / and ..: %v, %v; want them read", p, err)
	}

	_, err = LoadProject(meetingProject("", "oujda,2020-11-24,2020-11-24,Oujda\nall,2020-11-25,2020-11-25,Tous\n"))
	ie := inputError(t, err, "meeting id all")
	if ie.File != "meetings.csv" || ie.Line != 3 || !strings.Contains(ie.Msg, "pooled") {
		t.Errorf("meeting id all: %v; want meetings.csv:3 saying it names the pooled results", err)
	}

	_, err = LoadProject(meetingProject("", "oujda,2020-11-24,2020-11-24,Oujda\n\"saf\ni\",2020-11-25,2020-11-25,Safi\n"))
	ie = inputError(t, err, "a line break in meeting_id")
	if ie.File != "meetings.csv" || ie.Line != 3 || ie.Column != 1 || !strings.Contains(ie.Msg, `meeting id "saf\ni" holds the control character U+000A`) {
		t.Errorf("a line break in meeting_id: %v; want meetings.csv:3:1 naming the character", err)
	}

	_, err = LoadProject(meetingProject("ville,oujda,Oujda\nville,\"saf\ti\",Safi\n", "oujda,2020-11-24,2020-11-24,Oujda\n"))
	ie = inputError(t, err, "a tab in the meeting question's choice")
	if ie.File != "choices.csv" || ie.Line != 5 || ie.Column != 2 ||
		!strings.Contains(ie.Msg, `meeting id "saf\ti" holds the control character U+0009`) || !strings.Contains(ie.Msg, `a choice of "ville"`) {
		t.Errorf("a tab in the meeting question's choice: %v; want choices.csv:5:2 naming the character and the question", err)
	}
}

// TestLanguagesTwice: a language listed twice (it would give its part of
// the report twice) is an input error naming the manifest, or the flag.
func TestLanguagesTwice(t *testing.T) {
	const manifest = "questionnaire: {xlsform: f.xlsx}\nresponses: [r.csv]\nmeeting_question: ville\nmeetings: m.csv\n"
	for _, langs := range []string{"[fr, fr]", "[ar, ar]", "[en, en]"} {
		_, err := ReadManifest(ManifestName, strings.NewReader(manifest+"languages: "+langs+"\n"))
		ie := inputError(t, err, langs)
		if ie.File != ManifestName || !strings.Contains(ie.Msg, "languages: \""+langs[1:3]+"\" is listed twice") {
			t.Errorf("languages: %s: %v; want an error in %s saying it is listed twice", langs, err, ManifestName)
		}
	}
	for _, langs := range []string{"[fr, null]", "[~, ar]"} {
		if _, err := ReadManifest(ManifestName, strings.NewReader(manifest+"languages: "+langs+"\n")); err == nil || !strings.Contains(err.Error(), "empty entry") {
			t.Errorf("languages: %s: %v; want an error saying an entry is empty", langs, err)
		}
	}
	if _, err := ReadManifest(ManifestName, strings.NewReader(manifest+"languages: [ar, fr]\n")); err != nil {
		t.Errorf("languages: [ar, fr]: %v", err)
	}

	p := &Project{Manifest: &Manifest{Languages: []string{"fr", "ar"}}}
	ie := inputError(t, p.SetLanguages([]string{"fr", "fr"}), "--languages fr,fr")
	if ie.File != "--languages" || !strings.Contains(ie.Msg, `"fr" is given twice`) {
		t.Errorf("--languages fr,fr: %v; want an error naming the flag", ie)
	}
	if len(p.Manifest.Languages) != 2 || p.Manifest.Languages[1] != "ar" {
		t.Errorf("a refused --languages changed the languages: %v", p.Manifest.Languages)
	}
	if err := p.SetLanguages([]string{"en"}); err != nil || p.Manifest.Languages[0] != "en" {
		t.Errorf("--languages en: %v, %v", err, p.Manifest.Languages)
	}
}

// A binary cell quoted in a message is a short, escaped excerpt of it.
func TestBinaryCellsExcerpted(t *testing.T) {
	bin := strings.Repeat("\x00\xff\x1b[2J", 2000)
	survey := "type,name,label\nselect_one yn,\"" + bin + "\",Question\n"
	_, err := ReadQuestionnaire("survey.csv", strings.NewReader(survey), "choices.csv", strings.NewReader("list_name,name,label\nyn,oui,Oui\n"), "", nil)
	if err == nil {
		t.Fatal("a binary question name was read")
	}
	if msg := err.Error(); len(msg) > 400 || strings.ContainsAny(msg, "\x00\x1b") || !utf8.ValidString(msg) {
		t.Errorf("message of %d bytes: %q", len(msg), msg)
	}
}

// meeting_question is optional (one scope); meetings and participant lists
// then make no sense and are refused with a message that says why.
func TestMeetingQuestionOptional(t *testing.T) {
	const base = "questionnaire: {xlsform: f.xlsx}\nresponses: [r.csv]\n"
	if _, err := ReadManifest(ManifestName, strings.NewReader(base)); err != nil {
		t.Errorf("no meeting_question: %v", err)
	}
	for extra, want := range map[string]string{
		"meetings: m.csv\n":         "meetings: needs meeting_question",
		"participants: [p.csv]\n":   "participants: needs meeting_question",
		"meeting_question: ville\n": "meetings is required with meeting_question",
	} {
		_, err := ReadManifest(ManifestName, strings.NewReader(base+extra))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v; want %q", extra, err, want)
		}
	}
}

// Two selects of one kind and one name in one group (two versions of a
// question, shown to different respondents) are read as one question, its
// choices combined; other duplicates are refused.
func TestDuplicateSelectsReadAsOne(t *testing.T) {
	const choices = "list_name,name,label\na,food,Food\na,toilet,Toilet\nb,food,Food\nb,diapers,Diapers\n"
	survey := "type,name,label,relevant\nselect_multiple a,wash,Q,${kids} = 'no'\nselect_multiple b,wash,Q,${kids} = 'yes'\ntext,kids,K,\n"
	q, err := ReadQuestionnaire("survey.csv", strings.NewReader(survey), "choices.csv", strings.NewReader(choices), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	qu, ok := q.Question("wash")
	if !ok {
		t.Fatal("no question wash")
	}
	var names []string
	for _, c := range q.Choices(qu) {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "food,toilet,diapers" || !strings.Contains(qu.Relevant, "'no'") || !strings.Contains(qu.Relevant, "'yes'") {
		t.Errorf("wash: choices %v, relevant %q; want food,toilet,diapers and either relevance", names, qu.Relevant)
	}
	n := 0
	for _, x := range q.Questions {
		if x.Name == "wash" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d questions named wash, want 1", n)
	}
	q, err = ReadQuestionnaire("survey.csv", strings.NewReader("type,name,label\nselect_one a,wash,Q\ntext,wash,T\nbegin_group,g,G\nnote,n,N\nend_group\nbegin_group,g,G2\nnote,m,M\nend_group\n"),
		"choices.csv", strings.NewReader(choices), "", nil)
	if err != nil {
		t.Fatalf("a select and a text of one name, two groups of one name: %v", err)
	}
	if x, ok := q.Question("wash_3"); !ok || x.Kind != "text" {
		t.Errorf("the text named like the select: %+v, %v; want it read as wash_3", x, ok)
	}
}

// exclude: leaves questions out of the report; a name the form does not
// have is an error naming the manifest.
func TestExclude(t *testing.T) {
	fsys := meetingProject("ville,oujda,Oujda\n", "oujda,2020-11-24,2020-11-24,Oujda\n")
	m := string(fsys[ManifestName].Data)
	fsys[ManifestName] = &fstest.MapFile{Data: []byte(m + "exclude: [q1]\n")}
	p, err := LoadProject(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, qu := range p.ReportedQuestions() {
		if qu.Name == "q1" {
			t.Error("an excluded question is reported")
		}
	}
	fsys[ManifestName] = &fstest.MapFile{Data: []byte(m + "exclude: [nope]\n")}
	if _, err := LoadProject(fsys); err == nil || !strings.Contains(err.Error(), `exclude: no question "nope"`) {
		t.Errorf("exclude: [nope]: %v", err)
	}
}
