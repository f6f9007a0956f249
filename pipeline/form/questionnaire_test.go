package form

import (
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// readForm reads a questionnaire from CSV sheets (settings may be "").
func readForm(t *testing.T, survey, choices, settings string) *Questionnaire {
	t.Helper()
	q, err := readFormErr(survey, choices, settings, FormOptions{})
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return q
}

func readFormErr(survey, choices, settings string, fo FormOptions) (*Questionnaire, error) {
	var st io.Reader
	if settings != "" {
		st = strings.NewReader(settings)
	}
	return ReadQuestionnaireWith("survey.csv", strings.NewReader(survey), "choices.csv", strings.NewReader(choices), "settings.csv", st, fo)
}

func question(t *testing.T, q *Questionnaire, name string) Question {
	t.Helper()
	qu, ok := q.Question(name)
	if !ok {
		var names []string
		for _, qu := range q.Questions {
			names = append(names, qu.Name)
		}
		t.Fatalf("no question %q among %v", name, names)
	}
	return qu
}

const ynChoices = "list_name,name,label\nyn,oui,Oui\nyn,non,Non\n"

// TestGroupsAndRepeats: begin_group/end_group, "begin group"/"end group"
// nested, begin_repeat/end_repeat (also "begin repeat"): each question
// knows its groups and its repeat, each group its label, relevant and
// line; names on end rows are ignored; the same name in two groups is two
// questions (as pyxform: names are unique among siblings), named by their
// group path only there.
func TestGroupsAndRepeats(t *testing.T) {
	survey := `type,name,label,relevant
select_one yn,consent,Consent,
begin_group,profile,Your profile,${consent} = 'oui'
select_one yn,age_ok,Adult?,
begin group,work,**Work**,
text,age,Age at work,
end group,ignored_name,,
end_group,,,
begin_repeat,members,Members,
text,age,Age,
begin  repeat,children,Children,
select_one yn,school,At school?,${age} < 18
end repeat,,,
end_repeat,members,,
text,age_note,Note,
`
	q := readForm(t, survey, ynChoices, "")
	var names []string
	for _, qu := range q.Questions {
		names = append(names, qu.Name)
	}
	if want := []string{"consent", "age_ok", "profile/work/age", "members/age", "school", "age_note"}; !reflect.DeepEqual(names, want) {
		t.Errorf("names %v, want %v", names, want)
	}
	age := question(t, q, "profile/work/age")
	if age.FormName != "age" || !reflect.DeepEqual(age.Groups, []string{"profile", "work"}) || age.Repeat != "" || age.Line != 6 {
		t.Errorf("profile/work/age: %+v", age)
	}
	school := question(t, q, "school")
	if !reflect.DeepEqual(school.Groups, []string{"members", "children"}) || school.Repeat != "children" || school.Relevant != "${age} < 18" || school.Closed() || !school.InRepeat() {
		t.Errorf("school: %+v", school)
	}
	if m := question(t, q, "members/age"); m.Repeat != "members" || m.Closed() {
		t.Errorf("members/age: %+v", m)
	}
	if qu := question(t, q, "age_note"); len(qu.Groups) != 0 || qu.Repeat != "" {
		t.Errorf("after the groups: %+v", qu)
	}
	want := []Group{
		{Name: "profile", Path: []string{"profile"}, Kind: "group", Label: Text{"und": "Your profile"}, SourceLabel: Text{"und": "Your profile"}, Relevant: "${consent} = 'oui'", Line: 3},
		{Name: "work", Path: []string{"profile", "work"}, Kind: "group", Label: Text{"und": "Work"}, SourceLabel: Text{"und": "**Work**"}, Line: 5},
		{Name: "members", Path: []string{"members"}, Kind: "repeat", Repeat: true, Label: Text{"und": "Members"}, SourceLabel: Text{"und": "Members"}, Line: 9},
		{Name: "children", Path: []string{"members", "children"}, Kind: "repeat", Repeat: true, Label: Text{"und": "Children"}, SourceLabel: Text{"und": "Children"}, Line: 11},
	}
	if !reflect.DeepEqual(q.Groups, want) {
		t.Errorf("groups\n%+v\nwant\n%+v", q.Groups, want)
	}
	noted := false
	for _, n := range q.Notes {
		noted = noted || n.Line == 6 && strings.Contains(n.Msg, `"age" is used in several groups: this one is "profile/work/age"`)
	}
	if !noted {
		t.Errorf("the qualified name is not noted: %v", q.Notes)
	}
}

// TestQuestionKindsKept: every XLSForm type is read, none refused; only
// selects on the choices sheet are counted.
func TestQuestionKindsKept(t *testing.T) {
	kinds := []struct{ typ, kind string }{
		{"note", "note"}, {"calculate", "calculate"}, {"hidden", "hidden"}, {"acknowledge", "acknowledge"}, {"text", "text"},
		{"integer", "integer"}, {"int", "integer"}, {"decimal", "decimal"}, {"range", "range"}, {"date", "date"}, {"datetime", "datetime"},
		{"dateTime", "datetime"}, {"time", "time"}, {"geopoint", "geopoint"}, {"geotrace", "geotrace"}, {"geoshape", "geoshape"},
		{"image", "image"}, {"photo", "image"}, {"audio", "audio"}, {"video", "video"}, {"file", "file"}, {"barcode", "barcode"},
		{"start", "start"}, {"end", "end"}, {"today", "today"}, {"deviceid", "deviceid"}, {"phonenumber", "phonenumber"},
		{"username", "username"}, {"simserial", "simserial"}, {"subscriberid", "subscriberid"}, {"email", "email"}, {"audit", "audit"},
		{"start-geopoint", "start-geopoint"}, {"uri:deviceid", "deviceid"}, {"phone number", "text"}, {"background-audio", "background-audio"},
		{"rank yn", "rank"}, {"select_one_from_file cities.csv", "select_one_from_file"},
		{"select_multiple_from_file  cities.csv", "select_multiple_from_file"}, {"select_one ${q_1}", "select_one"},
		{"select_one yn", "select_one"}, {"select_multiple yn", "select_multiple"}, {"select one from yn", "select_one"},
		{"select all that apply from yn", "select_multiple"}, {"Select_One yn", "select_one"}, {"select one yn", "select_one"},
	}
	var survey strings.Builder
	survey.WriteString("type,name,label,relevant\n")
	for i, k := range kinds {
		name := "q_" + string(rune('a'+i/26)) + string(rune('a'+i%26))
		survey.WriteString(k.typ + "," + name + ",Q " + k.typ + ",${x} > " + name + "\n")
	}
	q := readForm(t, survey.String(), ynChoices, "")
	if len(q.Questions) != len(kinds) {
		t.Fatalf("%d questions, want %d", len(q.Questions), len(kinds))
	}
	for i, k := range kinds {
		qu := q.Questions[i]
		counted := map[string]bool{"select_one yn": true, "select_multiple yn": true, "select one from yn": true,
			"select all that apply from yn": true, "Select_One yn": true, "select one yn": true}[k.typ]
		if qu.Kind != k.kind || qu.Closed() != counted || qu.Line != i+2 || qu.Relevant != "${x} > "+qu.Name {
			t.Errorf("%q: kind %q closed %v line %d relevant %q; want %q %v %d", k.typ, qu.Kind, qu.Closed(), qu.Line, qu.Relevant, k.kind, counted, i+2)
		}
	}
	if qu := q.Questions[len(kinds)-1]; qu.List != "yn" || qu.Type != SelectOne {
		t.Errorf("select one yn: %+v", qu)
	}
	if qu := q.Questions[39]; qu.ChoicesFrom != "${q_1}" || qu.Closed() {
		t.Errorf("select_one ${q_1}: %+v", qu)
	}
}

// TestOrOther: select_one/select_multiple LIST or_other give the list an
// "other" choice, labelled in each language, unless it has one; the
// question says OrOther, and the text question pyxform adds follows it.
func TestOrOther(t *testing.T) {
	survey := "type,name,label::Français (fr),label::العربية (ar),label::English (en)\n" +
		"select_one yn or_other,q1,Q1,س1,Q1\nselect_multiple yn or_other,q2,Q2,س2,Q2\nselect_one has or specify other,q3,Q3,س3,Q3\ntext,q3_other,Précisez,,\n"
	choices := "list_name,name,label::Français (fr),label::العربية (ar),label::English (en)\n" +
		"yn,oui,Oui,نعم,Yes\nyn,non,Non,لا,No\nhas,a,A,أ,A\nhas,other,Divers,أخرى,Other\n"
	q := readForm(t, survey, choices, "")
	if got := q.Lists["yn"]; len(got) != 3 || got[2].Name != "other" || !reflect.DeepEqual(got[2].Label, Text{"fr": "Autre", "ar": "أخرى", "en": "Other"}) {
		t.Errorf("list yn: %+v", got)
	}
	if got := q.Lists["has"]; len(got) != 2 || got[1].Label["fr"] != "Divers" {
		t.Errorf("list has (which has its own other): %+v", got)
	}
	var names []string
	for _, qu := range q.Questions {
		names = append(names, qu.Name)
	}
	if want := []string{"q1", "q1_other", "q2", "q2_other", "q3", "q3_other"}; !reflect.DeepEqual(names, want) {
		t.Errorf("questions %v, want %v", names, want)
	}
	if q1 := question(t, q, "q1"); !q1.OrOther || q1.Type != SelectOne || q1.List != "yn" {
		t.Errorf("q1: %+v", q1)
	}
	if o := question(t, q, "q2_other"); o.OtherOf != "q2" || o.Kind != "text" || o.Closed() || o.Line != 3 || o.Label["fr"] == "" {
		t.Errorf("q2_other: %+v", o)
	}
	if o := question(t, q, "q3_other"); o.OtherOf != "" || o.Label["fr"] != "Précisez" {
		t.Errorf("the form's own q3_other: %+v", o)
	}
}

// TestListNameHeaderAndOldSyntax: "list name" is list_name; "select one
// from X" and "select all that apply from X" are selects.
func TestListNameHeaderAndOldSyntax(t *testing.T) {
	q := readForm(t, "type,name,label:english\nselect one from yn,a,A\nselect all that apply from yn,b,B\n",
		"list name,name,label:english\nyn,yes,Yes\nyn,no,No\n", "")
	if a := question(t, q, "a"); a.Type != SelectOne || a.List != "yn" || len(q.Choices(a)) != 2 {
		t.Errorf("a: %+v", a)
	}
	if b := question(t, q, "b"); b.Type != SelectMultiple || b.List != "yn" {
		t.Errorf("b: %+v", b)
	}
	if !reflect.DeepEqual(q.Languages, []string{"en"}) || q.LanguageColumns["en"] != "label:english" {
		t.Errorf("languages %v, columns %v", q.Languages, q.LanguageColumns)
	}
}

// TestAllowChoiceDuplicates: a repeated choice name is an error, unless
// the settings allow duplicates: then it is one choice, noted.
func TestAllowChoiceDuplicates(t *testing.T) {
	const survey = "type,name,label\nselect_one org,org,Org\n"
	const choices = "list_name,name,label,country\norg,unhcr,UNHCR,ar\norg,iom,IOM,ar\norg,unhcr,UNHCR (Chile),cl\n"
	_, err := readFormErr(survey, choices, "", FormOptions{})
	if ie := inputError(t, err, "duplicates"); ie.File != "choices.csv" || ie.Line != 4 || ie.Column != 2 || !strings.Contains(ie.Msg, "allow_choice_duplicates") {
		t.Errorf("err = %v", err)
	}
	q := readForm(t, survey, choices, "form_title,allow_choice_duplicates\nT,yes\n")
	if got := q.Lists["org"]; !q.AllowChoiceDuplicates || len(got) != 2 || got[0].Label["und"] != "UNHCR" {
		t.Errorf("list org: %+v", got)
	}
	if len(q.Notes) != 1 || q.Notes[0].Line != 4 || !strings.Contains(q.Notes[0].Msg, "counted as the one on line 2") {
		t.Errorf("notes %v", q.Notes)
	}
}

// TestSelectFromFile: select_one_from_file FILE keeps its file; with a way
// to open files beside the form, its choices are read and it is counted.
func TestSelectFromFile(t *testing.T) {
	const survey = "type,name,label,parameters\nselect_one_from_file cities.csv,city,City,\nselect_multiple_from_file regions.csv,reg,Regions,value=code label=nom\nselect_one_from_file gone.csv,gone,Gone,\nselect_one_from_file map.geojson,geo,Geo,\n"
	q := readForm(t, survey, ynChoices, "")
	for _, qu := range q.Questions {
		if qu.Closed() || qu.ChoicesFrom == "" || qu.ChoicesFrom != qu.List {
			t.Errorf("without files: %+v", qu)
		}
	}
	files := fstest.MapFS{
		"cities.csv":  {Data: []byte("name,label::Français (fr),label::English (en)\ncasa,Casablanca,Casablanca\nrabat,Rabat,Rabat\ncasa,Casa,Casa\n")},
		"regions.csv": {Data: []byte("code,nom\nr1,Nord\nr2,Sud\n")},
	}
	q, err := readFormErr(survey, ynChoices, "", FormOptions{OpenFile: func(name string) (io.ReadCloser, error) { return files.Open(name) }})
	if err != nil {
		t.Fatal(err)
	}
	city := question(t, q, "city")
	if city.Type != SelectOne || city.List != "cities.csv" || len(q.Choices(city)) != 2 || q.ChoiceLabel(city, "casa", "en") != "Casablanca" {
		t.Errorf("city: %+v, choices %+v", city, q.Choices(city))
	}
	reg := question(t, q, "reg")
	if reg.Type != SelectMultiple || q.ChoiceLabel(reg, "r2", "fr") != "Sud" {
		t.Errorf("reg: %+v, choices %+v", reg, q.Choices(reg))
	}
	if g := question(t, q, "gone"); g.Closed() || g.ChoicesFrom != "gone.csv" {
		t.Errorf("gone: %+v", g)
	}
	if g := question(t, q, "geo"); g.Closed() {
		t.Errorf("geo: %+v", g)
	}
	if !reflect.DeepEqual(q.ChoiceFiles, []string{"cities.csv", "regions.csv"}) {
		t.Errorf("choice files %v", q.ChoiceFiles)
	}
}

// TestLanguageColumns: label columns with or without a code, in common
// spellings of French, Arabic and English; other languages keep their
// name; hint::, media::, constraint_message::, required_message:: columns
// are not labels.
func TestLanguageColumns(t *testing.T) {
	for header, want := range map[string]string{
		"label::English": "en", "label::English (en)": "en", "label::Français": "fr", "label::Francais": "fr", "label::French": "fr",
		"label::FRANÇAIS": "fr", "label::Arabic": "ar", "label::العربية": "ar", "label::عربي": "ar", "label::Arabe": "ar", "label::anglais": "en",
		"label:english": "en", "Label::French (fr)": "fr", "label::fr": "fr", "label::Darija (ar)": "ar", "label::Swahili (sw)": "sw",
		"label::chinese": "chinese", "label::Español": "Español", "label::sw": "sw", "label": "und", "label (fr)": "fr",
	} {
		if got, ok := labelLanguage(header, "und"); !ok || got != want {
			t.Errorf("%q: %q, %v; want %q", header, got, ok, want)
		}
	}
	for _, header := range []string{"labelQ", "label.lenght", "hint::English", "media::image::English", "constraint_message::English (en)", "required_message::Français"} {
		if got, ok := labelLanguage(header, "und"); ok {
			t.Errorf("%q read as a label column (%q)", header, got)
		}
	}
	survey := "type,name,hint::English,label::English,media::image::English,label::Français,constraint_message::English,required_message::English,label::عربي,label::chinese\n" +
		"select_one yn,q1,h,Q1,q1.png,Q1 fr,c,r,س1,问题\n"
	q := readForm(t, survey, "list_name,name,label::English,label::Francais\nyn,oui,Yes,Oui\n", "form_title,default_language\nT,French\n")
	if !reflect.DeepEqual(q.Languages, []string{"en", "fr", "ar", "chinese"}) || q.DefaultLanguage != "fr" {
		t.Errorf("languages %v default %q", q.Languages, q.DefaultLanguage)
	}
	if want := map[string]string{"en": "label::English", "fr": "label::Français", "ar": "label::عربي", "chinese": "label::chinese"}; !reflect.DeepEqual(q.LanguageColumns, want) {
		t.Errorf("columns %v", q.LanguageColumns)
	}
	if qu := question(t, q, "q1"); !reflect.DeepEqual(qu.Label, Text{"en": "Q1", "fr": "Q1 fr", "ar": "س1", "chinese": "问题"}) {
		t.Errorf("labels %v", qu.Label)
	}
	if got := q.ChoiceLabel(question(t, q, "q1"), "oui", "fr"); got != "Oui" {
		t.Errorf("choice label fr %q", got)
	}
}

// TestPlainLabels: field references shown as «field», markdown and HTML
// taken out; long labels kept whole.
func TestPlainLabels(t *testing.T) {
	for in, want := range map[string]string{
		"Your name is ${my_name}":                               "Your name is «my_name»",
		"Questions for **${indiv_name}**":                       "Questions for «indiv_name»",
		"A *very* important _point_":                            "A very important point",
		"# Consent\nRead this":                                  "Consent\nRead this",
		"### Section 2":                                         "Section 2",
		`<span style="color:red">Warning</span>: read`:          "Warning: read",
		"Line one<br>line two":                                  "Line one\nline two",
		"See [the guide](https://example.org/a_b_c)":            "See the guide",
		"q_1_x and snake_case_name stay":                        "q_1_x and snake_case_name stay",
		"2 * 3 = 6, 5 * 4 = 20":                                 "2 * 3 = 6, 5 * 4 = 20",
		"R&D &amp; more":                                        "R&D & more",
		"Est-ce que l’innovation sociale peut être un levier ?": "Est-ce que l’innovation sociale peut être un levier ?",
		"هل يوجد في جهتكم مبتكر اجتماعي يستحق التعريف به وإبرازه؟": "هل يوجد في جهتكم مبتكر اجتماعي يستحق التعريف به وإبرازه؟",
		"__Bold__ and **bold** again":              "Bold and bold again",
		"email theron@reterra.ltd, #5 on the list": "email theron@reterra.ltd, #5 on the list",
	} {
		if got := plainLabel(in); got != want {
			t.Errorf("plainLabel(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("Cette enquête est confidentielle et volontaire. ", 60)
	survey := "type,name,label\nnote,consent_text,\"" + long + "\"\nselect_one yn,consent,**OK?**\n"
	q := readForm(t, survey, ynChoices, "")
	if got := question(t, q, "consent_text").Label["und"]; got != strings.TrimSpace(long) || len(got) < 1000 {
		t.Errorf("a label of %d characters came out as %d", len(long), len(got))
	}
	if qu := question(t, q, "consent"); qu.Label["und"] != "OK?" || qu.SourceLabel["und"] != "**OK?**" {
		t.Errorf("consent: %+v", qu)
	}
}

// TestUnsupportedRowsAreInputErrors: what XLSForm refuses is an InputError
// at its sheet, row and column; nothing is dropped without a note.
func TestUnsupportedRowsAreInputErrors(t *testing.T) {
	cases := []struct {
		name, survey string
		line, column int
		msg          string
	}{
		{"unknown type", "type,name,label\ntext,a,A\nselect_on yn,b,B\n", 3, 1, `type "select_on yn" is not an XLSForm type`},
		{"no type", "type,name,label\n,a,A\n", 2, 1, "needs a type"},
		{"no name", "type,name,label\ntext,,A\n", 2, 2, "a text row needs a name"},
		{"group never closed", "type,name,label\nbegin_group,g,G\ntext,a,A\n", 2, 1, `begin_group "g" has no end_group`},
		{"wrong end", "type,name,label\nbegin_repeat,r,R\ntext,a,A\nend_group,,\n", 4, 1, `end_group, but the repeat "r" opened on line 2 is not closed yet`},
		{"repeat twice", "type,name,label\nbegin_group,g,G\nbegin_repeat,r,R\nend_repeat,,\nend_group,,\nbegin_repeat,r,R\nend_repeat,,\n", 6, 2, `repeat name "r" already used on line 3`},
		{"list undefined", "type,name,label\ntext,a,A\nselect_one nope,b,B\n", 3, 1, `uses choice list "nope"`},
		{"score row outside", "type,name,label\nscore__row,a,A\n", 2, 1, "begin_score"},
		{"end with a list", "type,name,label\nbegin_group,g,G\nend_group g,,\n", 3, 1, "not an XLSForm type"},
	}
	for _, c := range cases {
		_, err := readFormErr(c.survey, ynChoices, "", FormOptions{})
		ie := inputError(t, err, c.name)
		if ie.File != "survey.csv" || ie.Line != c.line || ie.Column != c.column || !strings.Contains(ie.Msg, c.msg) {
			t.Errorf("%s: %v; want survey.csv:%d:%d: …%s…", c.name, err, c.line, c.column, c.msg)
		}
	}
	q := readForm(t, "type,name,label,hint,disabled\nnote,,Welcome,,\n,,,a comment,\ntext,old,Old,,yes\nend_group,,,,\ntext,a,A,,\n", ynChoices, "")
	if len(q.Questions) != 2 || q.Questions[0].Name != "generated_note_name_2" || len(q.Notes) != 4 {
		t.Errorf("questions %+v, notes %v", q.Questions, q.Notes)
	}
}

// TestFormWithoutChoices: a workbook or sheets without choices read when no
// select needs them.
func TestFormWithoutChoices(t *testing.T) {
	q, err := ReadQuestionnaireWith("survey.csv", strings.NewReader("type,name,label\ntext,a,A\n"), "", nil, "", nil, FormOptions{})
	if err != nil || len(q.Questions) != 1 {
		t.Fatalf("%v, %+v", err, q)
	}
	_, err = ReadQuestionnaireWith("survey.csv", strings.NewReader("type,name,label\nselect_one yn,a,A\n"), "", nil, "", nil, FormOptions{})
	if ie := inputError(t, err, "no choices"); ie.Line != 2 || !strings.Contains(ie.Msg, "no choices sheet") {
		t.Errorf("err = %v", err)
	}
}

// TestKoboScoreAndRank: Kobo's begin_score/score__row and
// begin_rank/rank__level rows are select_one questions on the group's list.
func TestKoboScoreAndRank(t *testing.T) {
	survey := "type,name,label,kobo--score-choices,kobo--rank-items\nbegin_score,sc,Score,yn,\nscore__row,s1,Row 1,,\nend_score,,,,\nbegin_rank,rk,Rank,,yn\nrank__level,r1,First,,\nend_rank,,,,\n"
	q := readForm(t, survey, ynChoices, "")
	for _, name := range []string{"s1", "r1"} {
		if qu := question(t, q, name); qu.Type != SelectOne || qu.List != "yn" || len(qu.Groups) != 1 {
			t.Errorf("%s: %+v", name, qu)
		}
	}
}
