package form

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/synthese-project/synthese/pipeline/input"
)

// The sheets of an XLSForm read as pyxform (xls2json.workbook_to_json)
// reads them: names are unique among the rows of one group (the same name
// in two groups is two questions), repeat names in the whole form; end rows'
// names are ignored; a note without a name gets one; rows disabled or
// without type, name or label are skipped (noted). What pyxform refuses
// (an unknown type, a group never closed, an end row closing another kind
// of group, a question without a name) is an InputError at its row and
// column; an end row closing nothing is only noted (it changes nothing).

// column returns the first column of t whose header is one of names,
// compared folded with "_" and " " alike ("list name" is "list_name").
func column(t *input.Table, names ...string) int {
	norm := func(s string) string { return strings.ReplaceAll(input.Fold(s), "_", " ") }
	for _, n := range names {
		want := norm(n)
		for i, h := range t.Header {
			if norm(h) == want {
				return i
			}
		}
	}
	return -1
}

// requireColumn is column, or an InputError naming the first of names.
func requireColumn(t *input.Table, names ...string) (int, error) {
	if c := column(t, names...); c >= 0 {
		return c, nil
	}
	return -1, &input.InputError{File: t.File, Line: max(t.HeaderLine, 1),
		Msg: fmt.Sprintf("missing required column %q; the header has %s", names[0], strings.Join(input.QuoteAll(t.Header), ", "))}
}

// yes reports whether a settings or survey cell says yes, as pyxform's
// aliases.yes_no reads it.
func yes(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "true", "true()", "1":
		return true
	}
	return false
}

var orOtherLabel = map[string]string{"fr": "Autre", "ar": "أخرى", "en": "Other"}

// sheetReader holds what the survey sheet's rows need while being read.
type sheetReader struct {
	q      *Questionnaire
	sv     *input.Table
	fo     FormOptions
	labels map[string]int
	col    struct{ typ, name, relevant, disabled, scoreList, rankList, matrixList, parameters int }
}

// frame is an open group while the survey sheet is read.
type frame struct {
	group int            // index in q.Groups; -1 for the form itself
	names map[string]int // names of its rows so far → their lines
}

// questionnaireFromTables builds a questionnaire from its sheets; choices
// and settings may be nil.
func questionnaireFromTables(sv, ch, st *input.Table, fo FormOptions) (*Questionnaire, error) {
	q := &Questionnaire{Title: Text{}, Lists: map[string][]Choice{}, choiceAt: map[[2]string]place{}, LanguageColumns: map[string]string{}, surveyFile: sv.File}
	if st != nil && len(st.Records) > 0 {
		if c := column(st, "default_language"); c >= 0 {
			q.DefaultLanguage = languageCode(st.Cell(0, c))
		}
		if c := column(st, "form_id", "id_string", "set form id"); c >= 0 {
			q.ID = st.Cell(0, c)
		}
		if c := column(st, "allow_choice_duplicates"); c >= 0 {
			q.AllowChoiceDuplicates = yes(st.Cell(0, c))
		}
		for i, h := range st.Header {
			if len(h) >= 10 && strings.EqualFold(h[:10], "form_title") {
				if lang, ok := labelLanguage("label"+h[10:], q.DefaultLanguage); ok {
					q.Title[lang] = st.Cell(0, i)
				}
			}
		}
	}
	r := &sheetReader{q: q, sv: sv, fo: fo}
	var err error
	if r.col.typ, err = requireColumn(sv, "type", "command"); err != nil {
		return nil, err
	}
	if r.col.name, err = requireColumn(sv, "name", "tag"); err != nil {
		return nil, err
	}
	q.typeColumn = r.col.typ + 1
	r.col.relevant = column(sv, "relevant", "relevance", "bind::relevant", "bind:relevant")
	r.col.disabled = column(sv, "disabled")
	r.col.scoreList = column(sv, "kobo--score-choices")
	r.col.rankList = column(sv, "kobo--rank-items")
	r.col.matrixList = column(sv, "kobo--matrix_list")
	r.col.parameters = column(sv, "parameters")
	// A plain "label" column is in the default language; without settings,
	// it is "und" (undetermined) and every report language falls back to it.
	plain := q.DefaultLanguage
	if plain == "" {
		plain = "und"
	}
	r.labels = labelColumns(sv, plain)
	if len(r.labels) == 0 {
		return nil, &input.InputError{File: sv.File, Line: max(sv.HeaderLine, 1), Msg: `no label column: expected "label" or "label::<Language> (<code>)"`}
	}
	for code, c := range r.labels {
		q.Languages = append(q.Languages, code)
		q.LanguageColumns[code] = sv.Header[c]
	}
	slices.SortFunc(q.Languages, func(a, b string) int { return r.labels[a] - r.labels[b] })
	if q.DefaultLanguage == "" {
		q.DefaultLanguage = q.Languages[0]
	}
	if ch != nil {
		if err := readChoices(q, ch, plain); err != nil {
			return nil, err
		}
	}
	if err := r.readSurvey(); err != nil {
		return nil, err
	}
	r.addOrOther()
	r.qualifyNames()
	return q, nil
}

// readChoices reads the choices sheet into q.Lists.
func readChoices(q *Questionnaire, ch *input.Table, plain string) error {
	q.choicesFile = ch.File
	lc, err := requireColumn(ch, "list_name", "list name")
	if err != nil {
		return err
	}
	nc, err := requireColumn(ch, "name", "value")
	if err != nil {
		return err
	}
	clabels := labelColumns(ch, plain)
	for i := range ch.Records {
		list, name := ch.Cell(i, lc), ch.Cell(i, nc)
		line := ch.Lines[i]
		if list == "" {
			q.note(ch.File, line, lc+1, "a row without list_name is no choice: skipped")
			continue
		}
		if name == "" {
			return &input.InputError{File: ch.File, Line: line, Column: nc + 1,
				Msg: fmt.Sprintf("a choice of list %s has no name: every choice needs one", input.Excerpt(list))}
		}
		c := Choice{Name: name, Label: Text{}, SourceLabel: Text{}}
		for code, col := range clabels {
			if s := ch.Cell(i, col); s != "" {
				c.SourceLabel[code] = s
				c.Label[code] = plainLabel(s)
			}
		}
		if at, dup := q.choiceAt[[2]string{list, name}]; dup {
			if !q.AllowChoiceDuplicates {
				return &input.InputError{File: ch.File, Line: line, Column: nc + 1,
					Msg: fmt.Sprintf("choice %s appears twice in list %s (also on line %d); set allow_choice_duplicates to yes in the settings if that is meant", input.Excerpt(name), input.Excerpt(list), at.line)}
			}
			q.note(ch.File, line, nc+1, fmt.Sprintf("choice %s repeated in list %s (allow_choice_duplicates): counted as the one on line %d", input.Excerpt(name), input.Excerpt(list), at.line))
			continue
		}
		q.Lists[list] = append(q.Lists[list], c)
		q.choiceAt[[2]string{list, name}] = place{line, nc + 1}
	}
	return nil
}

// note adds a note at a cell.
func (q *Questionnaire) note(file string, line, column int, msg string) {
	q.Notes = append(q.Notes, input.InputError{File: file, Line: line, Column: column, Msg: msg})
}

// readSurvey reads the survey sheet's rows into q.Questions and q.Groups.
func (r *sheetReader) readSurvey() error {
	q, sv := r.q, r.sv
	stack := []frame{{group: -1, names: map[string]int{}}}
	repeats := map[string]int{}
	errAt := func(i, col int, msg string) error {
		return &input.InputError{File: sv.File, Line: sv.Lines[i], Column: col + 1, Msg: msg}
	}
	for i := range sv.Records {
		line := sv.Lines[i]
		if r.col.disabled >= 0 && yes(sv.Cell(i, r.col.disabled)) {
			q.note(sv.File, line, r.col.disabled+1, "disabled: skipped, as pyxform does")
			continue
		}
		typCell, name := sv.Cell(i, r.col.typ), sv.Cell(i, r.col.name)
		label, source := r.label(i)
		if typCell == "" {
			if name != "" || len(source) > 0 {
				return errAt(i, r.col.typ, "a row with a name or a label needs a type: expected one of "+knownTypes)
			}
			q.note(sv.File, line, 0, "a row without type, name or label is no question: skipped, as pyxform does")
			continue
		}
		rt, ok := parseType(typCell)
		if !ok {
			return errAt(i, r.col.typ, fmt.Sprintf("type %s is not an XLSForm type: expected one of %s", input.Excerpt(typCell), knownTypes))
		}
		top := &stack[len(stack)-1]
		if rt.control == "end" {
			// (XLSForm ignores the name of an end row.)
			if top.group < 0 {
				// pyxform refuses it; it changes nothing here.
				q.note(sv.File, line, r.col.typ+1, fmt.Sprintf("end_%s closes no group (no begin_%s is open here): ignored", rt.kind, rt.kind))
				continue
			}
			if g := q.Groups[top.group]; g.Kind != rt.kind {
				return errAt(i, r.col.typ, fmt.Sprintf("end_%s, but the %s %s opened on line %d is not closed yet: expected end_%s", rt.kind, g.Kind, input.Excerpt(g.Name), g.Line, g.Kind))
			}
			stack = stack[:len(stack)-1]
			continue
		}
		if name == "" {
			switch rt.kind {
			case "note":
				name = fmt.Sprintf("generated_note_name_%d", line)
				q.note(sv.File, line, r.col.name+1, fmt.Sprintf("a note without a name: named %s, as pyxform does", name))
			case "audit":
				name = "audit"
			default:
				return errAt(i, r.col.name, fmt.Sprintf("a %s row needs a name", rt.kind))
			}
		}
		if !validQuestionName(name) {
			return errAt(i, r.col.name, fmt.Sprintf("question name %s is not valid: %s", input.Excerpt(name), questionNameRule))
		}
		dupOf := 0
		if prev, dup := top.names[name]; dup {
			dupOf = prev
		} else {
			top.names[name] = line
		}
		var path []string
		repeat := ""
		for _, f := range stack[1:] {
			g := q.Groups[f.group]
			path = append(path, g.Name)
			if g.Repeat {
				repeat = g.Name
			}
		}
		relevant := ""
		if r.col.relevant >= 0 {
			relevant = sv.Cell(i, r.col.relevant)
		}
		if dupOf > 0 && rt.control == "begin" {
			// Two groups of one name (real forms hold them): their questions
			// keep their own names; the group is noted.
			q.note(sv.File, line, r.col.name+1, fmt.Sprintf("group name %s already used on line %d: read as another group of that name", input.Excerpt(name), dupOf))
			dupOf = 0
		}
		if rt.control == "begin" {
			g := Group{Name: name, Path: append(path, name), Kind: rt.kind, Repeat: rt.kind == "repeat" || rt.kind == "loop" || rt.kind == "kobomatrix", List: rt.list,
				Label: label, SourceLabel: source, Relevant: relevant, Line: line}
			if g.Kind == "repeat" {
				if prev, dup := repeats[name]; dup {
					return errAt(i, r.col.name, fmt.Sprintf("repeat name %s already used on line %d: repeat names must be unique in the whole form", input.Excerpt(name), prev))
				}
				repeats[name] = line
			}
			for _, lc := range []int{r.col.scoreList, r.col.rankList, r.col.matrixList} {
				if g.List == "" && lc >= 0 {
					g.List = sv.Cell(i, lc)
				}
			}
			q.Groups = append(q.Groups, g)
			stack = append(stack, frame{group: len(q.Groups) - 1, names: map[string]int{}})
			continue
		}
		qu := Question{Name: name, FormName: name, Type: rt.typ, Kind: rt.kind, List: rt.list, Label: label, SourceLabel: source,
			Groups: path, Repeat: repeat, Relevant: relevant, Line: line, OrOther: rt.orOther}
		if err := r.choicesOf(&qu, top, i); err != nil {
			return err
		}
		if dupOf > 0 {
			// Two rows of one name in one group: pyxform refuses them, yet real
			// forms hold them (two versions of a select, shown to different
			// respondents by their relevance), and their export one column.
			// Two selects of one kind from the choices sheet are read as one
			// question, their choices combined; anything else is an error.
			if err := r.mergeDuplicate(qu, dupOf, i); err != nil {
				return err
			}
			continue
		}
		q.Questions = append(q.Questions, qu)
	}
	if len(stack) > 1 {
		g := q.Groups[stack[len(stack)-1].group]
		return &input.InputError{File: sv.File, Line: g.Line, Column: r.col.typ + 1,
			Msg: fmt.Sprintf("begin_%s %s has no end_%s: every group ends with its own end row", g.Kind, input.Excerpt(g.Name), g.Kind)}
	}
	return nil
}

// label returns a row's labels, plain and as written.
func (r *sheetReader) label(i int) (Text, Text) {
	plain, source := Text{}, Text{}
	for code, c := range r.labels {
		if s := r.sv.Cell(i, c); s != "" {
			source[code] = s
			plain[code] = plainLabel(s)
		}
	}
	return plain, source
}

var fileParameter = regexp.MustCompile(`(?:^|[\s;,])(value|label)\s*=\s*([^\s;,]+)`)

// choicesOf settles where a select's choices come from: the choices sheet,
// its group's list (Kobo's score and rank rows), a file beside the form,
// another question's answers.
func (r *sheetReader) choicesOf(qu *Question, top *frame, i int) error {
	q, sv := r.q, r.sv
	switch qu.Kind {
	case "score__row", "rank__level":
		if top.group < 0 || q.Groups[top.group].List == "" {
			want := map[string]string{"score__row": "begin_score", "rank__level": "begin_rank"}[qu.Kind]
			return &input.InputError{File: sv.File, Line: sv.Lines[i], Column: r.col.typ + 1,
				Msg: fmt.Sprintf("%s is a row of a %s group with a list (kobo--score-choices, kobo--rank-items): none is open here", qu.Kind, want)}
		}
		qu.Type, qu.List = SelectOne, q.Groups[top.group].List
	case "select_one_external":
		qu.ChoicesFrom = "external_choices"
	case "select_one_from_file", "select_multiple_from_file":
		qu.ChoicesFrom = qu.List
		if r.fo.OpenFile == nil || !strings.EqualFold(path.Ext(qu.List), ".csv") {
			return nil
		}
		read, err := r.fileChoices(qu.List, i)
		if err != nil || !read {
			return err
		}
		qu.Type = SelectOne
		if qu.Kind == "select_multiple_from_file" {
			qu.Type = SelectMultiple
		}
	default:
		if strings.HasPrefix(qu.List, "${") {
			qu.Type, qu.ChoicesFrom = Other, qu.List
		}
	}
	return nil
}

// fileChoices reads the choices of a select_one_from_file from the CSV
// file beside the form into q.Lists[file] (once); read is false when there
// is no such file.
func (r *sheetReader) fileChoices(file string, i int) (read bool, err error) {
	q := r.q
	if _, done := q.Lists[file]; done {
		return true, nil
	}
	for _, f := range q.ChoiceFiles {
		if f == file {
			return true, nil
		}
	}
	f, err := r.fo.OpenFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		q.note(r.sv.File, r.sv.Lines[i], r.col.typ+1, fmt.Sprintf("%s is not beside the form: its question is not counted", input.Excerpt(file)))
		return false, nil
	}
	if err != nil {
		return false, &input.InputError{File: file, Msg: "cannot open the choices of " + r.sv.File + " line " + fmt.Sprint(r.sv.Lines[i]), Err: err}
	}
	defer f.Close()
	t, err := input.ReadTable(file, f, input.ReadOptions{})
	if err != nil {
		return false, err
	}
	valueCol, labelCol := "name", "label"
	if r.col.parameters >= 0 {
		for _, m := range fileParameter.FindAllStringSubmatch(r.sv.Cell(i, r.col.parameters), -1) {
			if m[1] == "value" {
				valueCol = m[2]
			} else {
				labelCol = m[2]
			}
		}
	}
	nc, err := requireColumn(t, valueCol)
	if err != nil {
		return false, err
	}
	labels := labelColumns(t, q.DefaultLanguage)
	if labelCol != "label" {
		labels = map[string]int{}
		if c := column(t, labelCol); c >= 0 {
			labels[q.DefaultLanguage] = c
		}
	}
	seen := map[string]bool{}
	for k := range t.Records {
		name := t.Cell(k, nc)
		if name == "" || seen[name] {
			continue // pyxform's itemsets keep the first of each value
		}
		seen[name] = true
		c := Choice{Name: name, Label: Text{}, SourceLabel: Text{}}
		for code, col := range labels {
			if s := t.Cell(k, col); s != "" {
				c.SourceLabel[code], c.Label[code] = s, plainLabel(s)
			}
		}
		q.Lists[file] = append(q.Lists[file], c)
		q.choiceAt[[2]string{file, name}] = place{t.Lines[k], nc + 1}
	}
	q.ChoiceFiles = append(q.ChoiceFiles, file)
	return true, nil
}

// addOrOther gives each list of a select … or_other an "other" choice
// (unless it has one), labelled in every language, and adds after the
// select the text question pyxform adds, <name>_other (unless the form has
// its own of that name in the same group).
func (r *sheetReader) addOrOther() {
	q := r.q
	written := map[string]bool{}
	for _, qu := range q.Questions {
		written[strings.Join(append(append([]string{}, qu.Groups...), qu.FormName), "/")] = true
	}
	var out []Question
	for _, qu := range q.Questions {
		out = append(out, qu)
		if !qu.OrOther {
			continue
		}
		if list, ok := q.Lists[qu.List]; ok && qu.ChoicesFrom == "" && !hasChoice(list, "other") {
			c := Choice{Name: "other", Label: Text{}, SourceLabel: Text{}}
			for _, lang := range q.listLanguages(list) {
				c.Label[lang] = cmp.Or(orOtherLabel[lang], "Other")
				c.SourceLabel[lang] = c.Label[lang]
			}
			q.Lists[qu.List] = append(list, c)
			q.note(r.sv.File, qu.Line, r.col.typ+1, fmt.Sprintf("or_other: choice \"other\" added to list %s", input.Excerpt(qu.List)))
		}
		name := qu.FormName + "_other"
		if written[strings.Join(append(append([]string{}, qu.Groups...), name), "/")] {
			continue
		}
		label := Text{}
		for _, lang := range q.Languages {
			label[lang] = map[string]string{"fr": "Préciser autre.", "ar": "حدد غير ذلك."}[lang]
			if label[lang] == "" {
				label[lang] = "Specify other."
			}
		}
		out = append(out, Question{Name: name, FormName: name, Type: Other, Kind: "text", Label: label, SourceLabel: label,
			Groups: qu.Groups, Repeat: qu.Repeat, Relevant: fmt.Sprintf("selected(${%s}, 'other')", qu.FormName), Line: qu.Line, OtherOf: qu.Name})
		q.note(r.sv.File, qu.Line, r.col.name+1, fmt.Sprintf("or_other: text question %s added for the other answers, as pyxform does", input.Excerpt(name)))
	}
	q.Questions = out
}

// listLanguages are the form's languages and those of a list's labels.
func (q *Questionnaire) listLanguages(list []Choice) []string {
	langs := append([]string{}, q.Languages...)
	for _, c := range list {
		for lang := range c.Label {
			if !contains(langs, lang) {
				langs = append(langs, lang)
			}
		}
	}
	return langs
}

func hasChoice(list []Choice, name string) bool {
	for _, c := range list {
		if c.Name == name {
			return true
		}
	}
	return false
}

// qualifyNames gives each question whose name another question (in
// another group) also has its group path as its Name: "grp/q", as Kobo's
// exports write such columns. Its OtherOf follows.
func (r *sheetReader) qualifyNames() {
	q := r.q
	count := map[string]int{}
	for _, qu := range q.Questions {
		count[qu.FormName]++
	}
	for i, qu := range q.Questions {
		if count[qu.FormName] > 1 && len(qu.Groups) > 0 {
			full := strings.Join(append(append([]string{}, qu.Groups...), qu.FormName), "/")
			q.Questions[i].Name = full
			q.note(r.sv.File, qu.Line, r.col.name+1, fmt.Sprintf("question name %s is used in several groups: this one is %s", input.Excerpt(qu.FormName), input.Excerpt(full)))
		}
	}
	for i, qu := range q.Questions {
		if qu.OtherOf != "" {
			for _, o := range q.Questions {
				if o.OrOther && o.FormName == qu.OtherOf && strings.Join(o.Groups, "/") == strings.Join(qu.Groups, "/") {
					q.Questions[i].OtherOf = o.Name
				}
			}
		}
	}
}

// mergeDuplicate reads question qu (row i), whose name the question on line
// first already has in the same group, as that question: both selects of
// one kind with their choices on the choices sheet, the first's list
// becomes the union of both (in order, the first's first), and its
// relevance either's. Otherwise the name is refused.
func (r *sheetReader) mergeDuplicate(qu Question, first, i int) error {
	q := r.q
	refuse := func() error {
		return &input.InputError{File: r.sv.File, Line: r.sv.Lines[i], Column: r.col.name + 1,
			Msg: fmt.Sprintf("question name %s already used on line %d: names must be unique within a group (the same name in another group is allowed; two selects of one kind are read as one)", input.Excerpt(qu.Name), first)}
	}
	k := -1
	for j := range q.Questions {
		if q.Questions[j].Line == first {
			k = j
		}
	}
	if k < 0 || !qu.Closed() || q.Questions[k].Type != qu.Type || qu.ChoicesFrom != "" || q.Questions[k].ChoicesFrom != "" {
		// Not two selects of a kind: the second keeps its row under a
		// name of its own (a note, a text: nothing counted is merged).
		renamed := fmt.Sprintf("%s_%d", qu.Name, r.sv.Lines[i])
		if _, taken := q.Question(renamed); taken || k < 0 {
			return refuse()
		}
		q.note(r.sv.File, r.sv.Lines[i], r.col.name+1, fmt.Sprintf("question name %s already used on line %d: this one read as %s", input.Excerpt(qu.Name), first, renamed))
		qu.Name = renamed
		q.Questions = append(q.Questions, qu)
		return nil
	}
	p := &q.Questions[k]
	if p.List != qu.List {
		merged := p.List + "+" + qu.List
		if _, ok := q.Lists[merged]; !ok {
			seen := map[string]bool{}
			var out []Choice
			for _, l := range []string{p.List, qu.List} {
				for _, c := range q.Lists[l] {
					if !seen[c.Name] {
						seen[c.Name] = true
						out = append(out, c)
					}
				}
			}
			q.Lists[merged] = out
		}
		p.List = merged
	}
	if p.Relevant != "" && qu.Relevant != "" && p.Relevant != qu.Relevant {
		p.Relevant = "(" + p.Relevant + ") or (" + qu.Relevant + ")"
	} else if qu.Relevant == "" {
		p.Relevant = ""
	}
	q.note(r.sv.File, r.sv.Lines[i], r.col.name+1, fmt.Sprintf("question name %s already used on line %d: both selects read as one question, their choices combined (the export holds one column)", input.Excerpt(qu.Name), first))
	return nil
}
