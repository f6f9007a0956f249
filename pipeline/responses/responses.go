package responses

import (
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/relevance"
	"github.com/synthese-project/synthese/pipeline/store"
	"github.com/synthese-project/synthese/pipeline/tally"
)

// Responses is what ingest made of the response files.
type Responses struct {
	// Tally holds the counts of the kept respondents (both readers).
	Tally *tally.Tally
	// Kept is the number of respondents kept.
	Kept int64
	// Respondents are the kept respondents, in reading order, when the
	// reference reader read them (IngestOptions.Reference); the streaming
	// reader keeps only counts.
	Respondents     []form.Respondent
	Rejects         []input.Reject
	RowsRead        int
	Duplicates      int         // rows rejected as a submission seen before
	ExplicitMissing int         // answers given as a non-answer ("NSP"), counted missing
	Files           []FileCount // rows read per file
	Notes           []string    // what was skipped on purpose (extra sheets, HXL rows)
	// Present holds the counted questions that have a column in some
	// response file (see Absent).
	Present map[string]bool
	// Columns counts the response files' columns by kind (Column…): every
	// column is accounted for, read or not.
	Columns map[string]int

	seen       map[string]string // submission key -> where it was first seen
	Normalised map[[3]string]int // question, raw value, choice(s) -> count
	Folded     map[[3]string]bool
	FastRows   int                    // records the streaming reader's fast path took (in its counting pass)
	Written    *store.ResponsesWriter // the streaming reader's responses.parquet
	Patched    int                    // duplicates' rows read alone to leave them out (patcher)
}

// The kinds of an export's columns (Responses.Columns).
const (
	ColumnCounted       = "counted"        // a counted question's answers
	ColumnNotSummarised = "not_summarised" // a question of another type (text, number, date…): not summarised yet
	ColumnRepeat        = "repeat"         // a question inside a repeat: answered per item, not counted
	ColumnMetadata      = "metadata"       // an export's own column (id, time, weight, status…) or a question's other copy
	ColumnUnknown       = "unknown"        // a header matching no question (listed in rejects)
	ColumnUnnamed       = "unnamed"        // a column without a header
)

// nextSharing is the first of the questions sharing a label that no
// column holds yet.
func nextSharing(sharing []form.Question, joined map[string]string) (form.Question, bool) {
	for _, qu := range sharing {
		if _, taken := joined[qu.Name]; !taken {
			return qu, true
		}
	}
	return form.Question{}, false
}

// unnamed reports whether a header names no column: empty, or pandas's
// "Unnamed: 0" (an index written with the data).
func unnamed(h string) bool {
	h = strings.TrimSpace(h)
	return h == "" || strings.HasPrefix(h, "Unnamed: ")
}

// columnKind is what a classified column is.
func columnKind(c Column) string {
	switch {
	case c.IsMeta || c.Q.Metadata():
		return ColumnMetadata
	case c.Q.Closed():
		return ColumnCounted
	case c.Q.InRepeat() || c.Q.Repeat != "":
		return ColumnRepeat
	}
	return ColumnNotSummarised
}

// Absent lists, in the form's order, the counted questions that no
// response file has a column for (a question left out of the export): in
// the results nobody answered them, which the report says as it is. Empty
// before any response file was read.
func (r *Responses) Absent(q *form.Questionnaire, meetingQuestion string) []string {
	if len(r.Files) == 0 {
		return nil
	}
	var out []string
	for _, qu := range q.Questions {
		if qu.Closed() && qu.Name != meetingQuestion && !r.Present[qu.Name] {
			out = append(out, qu.Name)
		}
	}
	return out
}

// FileCount is the number of data rows read from one file.
type FileCount struct {
	File string `json:"file"`
	Rows int    `json:"rows"`
	// Encoding of a text file, and why it was chosen (the BOM, valid UTF-8,
	// the weight of the evidence, the user's setting); empty for a
	// workbook.
	Encoding         string `json:"encoding,omitempty"`
	EncodingWhy      string `json:"encoding_why,omitempty"`
	EncodingReason   string `json:"encoding_reason,omitempty"` // input.Encoding… code
	InvalidSequences int    `json:"invalid_sequences,omitempty"`
}

// Normalisation is a raw spelling that was read as a choice.
type Normalisation struct {
	Question string `json:"question"`
	Raw      string `json:"raw"`
	Choice   string `json:"choice"`
	Count    int    `json:"count"`
	// Folded is set when the raw value is neither a name nor a label as the
	// form writes them: case, accents, spaces or punctuation were folded.
	Folded bool `json:"folded"`
}

// Before orders normalisations: by question, choice, then raw spelling.
func (n Normalisation) Before(o Normalisation) bool {
	if n.Question != o.Question {
		return n.Question < o.Question
	}
	if n.Choice != o.Choice {
		return n.Choice < o.Choice
	}
	return n.Raw < o.Raw
}

// Normalisations lists the raw spellings read as choices, sorted.
func (r *Responses) Normalisations() []Normalisation {
	var out []Normalisation
	for k, n := range r.Normalised {
		out = append(out, Normalisation{Question: k[0], Raw: k[1], Choice: k[2], Count: n, Folded: r.Folded[k]})
	}
	sort.Slice(out, func(a, b int) bool {
		return out[a].Before(out[b])
	})
	return out
}

// Matcher finds the choice a raw value means: its name or its label in any
// language, compared folded.
type Matcher struct {
	exact   map[string]bool   // names and labels exactly as the form writes them
	keys    map[string]string // folded name or label -> choice name
	ordered []string          // folded keys, longest first (for splitting)
	order   map[string]int    // choice name -> position in the list
	labels  []string          // a label per choice, for suggestions
}

// NewMatcher matches values to a list's choices, by name or by label in
// any language (defLang is the plain label column's).
func NewMatcher(choices []form.Choice, defLang string) *Matcher {
	m := &Matcher{keys: map[string]string{}, order: map[string]int{}, exact: map[string]bool{}}
	for i, c := range choices {
		m.order[c.Name] = i
		add := func(s string) {
			m.exact[s] = true
			if k := input.Fold(s); k != "" {
				if _, taken := m.keys[k]; !taken {
					m.keys[k] = c.Name
					m.ordered = append(m.ordered, k)
				}
			}
		}
		add(c.Name)
		langs := make([]string, 0, len(c.Label))
		for l := range c.Label {
			langs = append(langs, l)
		}
		sort.Strings(langs)
		for _, l := range langs {
			add(c.Label[l])
		}
		for _, l := range sortedValues(c.SourceLabel) { // as written in the form (markup)
			add(l)
		}
		m.labels = append(m.labels, c.Label.In(defLang, langs...))
	}
	sort.SliceStable(m.ordered, func(a, b int) bool { return len(m.ordered[a]) > len(m.ordered[b]) })
	return m
}

func (m *Matcher) one(raw string) (string, bool) {
	name, ok := m.keys[input.Fold(raw)]
	return name, ok
}

func isSeparator(b byte) bool { return b == ',' || b == ';' || b == ' ' }

// many splits a select_multiple cell by matching the known names and labels
// (longest first), so labels that contain commas stay whole. It returns the
// choices found, in list order, and the pieces that matched nothing.
func (m *Matcher) many(raw string) (names []string, unknown []string) {
	s := input.Fold(raw)
	seen := map[string]bool{}
	for pos := 0; pos < len(s); {
		if isSeparator(s[pos]) {
			pos++
			continue
		}
		matched := false
		for _, k := range m.ordered {
			end := pos + len(k)
			if strings.HasPrefix(s[pos:], k) && (end == len(s) || isSeparator(s[end])) {
				if n := m.keys[k]; !seen[n] {
					seen[n] = true
					names = append(names, n)
				}
				pos, matched = end, true
				break
			}
		}
		if !matched {
			end := strings.IndexAny(s[pos:], ",;")
			if end < 0 {
				end = len(s) - pos
			}
			unknown = append(unknown, strings.TrimSpace(s[pos:pos+end]))
			pos += end
		}
	}
	sort.Slice(names, func(a, b int) bool { return m.order[names[a]] < m.order[names[b]] })
	return names, unknown
}

// exactParts reports whether every part of a joined cell is a name or label
// exactly as the form writes it (joined by ", ", ";" or spaces).
func (m *Matcher) exactParts(raw string) bool {
	const separators = ",; ،؛"
	rest := strings.TrimSpace(raw)
	for rest != "" {
		found := false
		for k := range m.exact {
			if k == "" || !strings.HasPrefix(rest, k) {
				continue
			}
			if after := rest[len(k):]; after == "" || strings.ContainsAny(after[:1], separators) || strings.HasPrefix(after, "،") || strings.HasPrefix(after, "؛") {
				rest = strings.TrimLeft(after, separators)
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// suggest returns the known label closest to raw, for messages.
func (m *Matcher) suggest(raw string) string {
	f := input.Fold(raw)
	best, bestD := "", -1
	for _, l := range m.labels {
		if d := input.Levenshtein(f, input.Fold(l)); bestD < 0 || d < bestD {
			best, bestD = l, d
		}
	}
	return best
}

// HeaderResolver finds the questions of a file's headers: the forms'
// names and labels folded once, and what each header text (whole or a
// part of one) resolved to remembered.
type HeaderResolver struct {
	q               *form.Questionnaire
	seps            []string
	matchers        map[string]*Matcher
	byName, byLabel map[string]form.Question // folded; the first question in the form's order
	Memo            map[string]headerMatch
}

type headerMatch struct {
	qu     form.Question
	choice string
	ok     bool
}

// NewHeaderResolver resolves the headers of q's exports, with the group
// separators seps and each closed question's matcher.
func NewHeaderResolver(q *form.Questionnaire, seps []string, matchers map[string]*Matcher) *HeaderResolver {
	r := &HeaderResolver{q: q, seps: seps, matchers: matchers, byName: map[string]form.Question{}, byLabel: map[string]form.Question{}, Memo: map[string]headerMatch{}}
	for _, qu := range q.Questions {
		if f := input.Fold(qu.Name); f != "" {
			if _, ok := r.byName[f]; !ok {
				r.byName[f] = qu
			}
		}
		// The labels as shown (plain) and as written in the form (${q},
		// markup): a labels export may hold either.
		for _, labels := range []form.Text{qu.Label, qu.SourceLabel} {
			for _, l := range sortedValues(labels) {
				if f := input.Fold(l); f != "" {
					if _, ok := r.byLabel[f]; !ok {
						r.byLabel[f] = qu
					}
				}
			}
		}
	}
	return r
}

// match returns the question a response column holds: its header is the
// question's name or its label in any of the form's languages.
func (r *HeaderResolver) match(header string) (form.Question, bool) {
	f := input.Fold(header)
	if f == "" {
		return form.Question{}, false
	}
	if qu, ok := r.byName[f]; ok {
		return qu, true
	}
	qu, ok := r.byLabel[f]
	return qu, ok
}

// metadataNames are the columns export tools add (compared folded): they
// are recognised, kept out of the questions, and not rejected.
var metadataNames = map[string]string{
	// KoboToolbox
	"_id": "id", "_uuid": "id", "_submission_time": "time", "_index": "", "_validation_status": "",
	"__version__": "", "_version_": "", "_status": "", "_submitted_by": "", "_notes": "", "_tags": "",
	"_parent_index": "", "_parent_table_name": "", "_submission__id": "", "_attachments": "",
	"_geolocation": "", "_xform_id_string": "", "meta/instanceid": "id", "meta/rootuuid": "",
	"meta/deprecatedid": "", "formhub/uuid": "",
	// ODK Central
	"key": "id", "submissiondate": "time", "meta-instanceid": "id", "instanceid": "id",
	"submitterid": "", "submittername": "", "attachmentspresent": "", "attachmentsexpected": "",
	"status": "", "reviewstate": "", "deviceid": "", "edits": "", "formversion": "",
	// Google Forms / Sheets, in the locales users have
	"timestamp": "time", "horodateur": "time", "horodatage": "time", "marca temporal": "time",
	"zeitstempel": "time", "informazioni cronologiche": "time", "carimbo de data/hora": "time",
	"الطابع الزمني": "time", "email address": "", "adresse e-mail": "", "score": "", "note": "",
}

// Column is what one response column holds.
type Column struct {
	Index    int
	Header   string
	Q        form.Question
	m        *Matcher
	Choice   string // for a split select_multiple column (q/choice, 1/0)
	metadata string // "id", "time" or "" for another metadata column
	IsMeta   bool
}

// classify decides what each header holds. See ReadResponses.
func classify(q *form.Questionnaire, t *input.Table, opt form.ResponseOptions, matchers map[string]*Matcher) ([]Column, []input.Reject, []string, error) {
	seps := opt.GroupSeparators
	if seps == nil {
		seps = form.DefaultGroupSeparators
	}
	var cols []Column
	var rejects []input.Reject
	var notes []string
	// Questions sharing a label (a labels export heads both with it): the
	// columns of that header are given to them in the form's order.
	byLabel := map[string][]form.Question{}
	for _, qu := range q.Questions {
		seen := map[string]bool{}
		for _, l := range sortedValues(qu.Label) {
			if f := input.Fold(l); f != "" && !seen[f] {
				seen[f] = true
				byLabel[f] = append(byLabel[f], qu)
			}
		}
	}
	joined := map[string]string{} // question -> header of its one-cell column
	hr := NewHeaderResolver(q, seps, matchers)
	for i, h := range t.Header {
		if unnamed(h) {
			continue
		}
		c := Column{Index: i, Header: h}
		if opt.WeightColumn != "" && input.Fold(h) == input.Fold(opt.WeightColumn) {
			c.IsMeta, c.metadata = true, "weight"
			cols = append(cols, c)
			continue
		}
		switch qu, choice, ok := hr.Resolve(h); {
		case ok && choice != "":
			c.Q, c.Choice = qu, choice
		case ok:
			if _, dup := joined[qu.Name]; dup {
				if role, meta := metadataRole(h, seps); meta {
					// ODK Central's DeviceID beside the form's own deviceid
					// question: the export's column, not the question's.
					c.IsMeta, c.metadata = true, role
					break
				}
			}
			if prev, dup := joined[qu.Name]; dup {
				if next, ok := nextSharing(byLabel[input.Fold(h)], joined); ok {
					notes = append(notes, fmt.Sprintf("%s: column %d, %s, is the label of several questions: read as %s, the next of them in the form", t.File, i+1, input.Excerpt(h), next.Name))
					qu = next
				} else {
					return nil, nil, nil, &input.InputError{File: t.File, Line: t.HeaderLine, Column: i + 1,
						Msg: fmt.Sprintf("columns %s and %s both hold question %s", input.Excerpt(prev), input.Excerpt(h), input.Excerpt(qu.Name))}
				}
			}
			joined[qu.Name] = h
			c.Q = qu
		default:
			role, meta := metadataRole(h, seps)
			if !meta {
				rejects = append(rejects, input.Reject{Code: input.RejectUnknownColumn, File: t.File, Line: t.HeaderLine, Column: h, Value: h,
					Reason: "column matches no question name or label of the questionnaire; its values are not used"})
				continue
			}
			c.IsMeta, c.metadata = true, role
		}
		if c.Q.Closed() {
			c.m = matchers[c.Q.Name]
		}
		cols = append(cols, c)
	}
	// A question exported both ways (Kobo writes "q" and "q/choice"): the
	// one-cell column is the answer, the split columns are redundant.
	out := cols[:0]
	for _, c := range cols {
		if c.Choice != "" && joined[c.Q.Name] != "" {
			c.IsMeta, c.Q, c.m = true, form.Question{}, nil
		}
		out = append(out, c)
	}
	return out, rejects, notes, nil
}

// Resolve finds the question of a header: the whole header, else a split
// select_multiple column "<question><sep><choice>", else the header
// without its group path ("grp/sub/q" -> "sub/q" -> "q"). Each text is
// resolved once (a header with many separators has many ways to split,
// and trying them again for each is exponential); texts longer
// than maxSplitHeader bytes are only matched whole.
func (r *HeaderResolver) Resolve(h string) (form.Question, string, bool) {
	if m, ok := r.Memo[h]; ok {
		return m.qu, m.choice, m.ok
	}
	qu, choice, ok := r.split(h)
	r.Memo[h] = headerMatch{qu, choice, ok}
	return qu, choice, ok
}

// maxSplitHeader is the longest header text tried in parts.
const maxSplitHeader = 1024

func (r *HeaderResolver) split(h string) (form.Question, string, bool) {
	if qu, ok := r.match(h); ok {
		return qu, "", true
	}
	if len(h) > maxSplitHeader {
		return form.Question{}, "", false
	}
	for _, sep := range r.seps {
		for i := strings.LastIndex(h, sep); i > 0; i = strings.LastIndex(h[:i], sep) {
			left, right := h[:i], h[i+len(sep):]
			if qu, choice, ok := r.Resolve(left); ok && choice == "" && qu.Type == form.SelectMultiple {
				if name, ok := r.matchers[qu.Name].one(right); ok {
					return qu, name, true
				}
			}
		}
	}
	for _, sep := range r.seps {
		if i := strings.Index(h, sep); i >= 0 && i+len(sep) < len(h) {
			if qu, choice, ok := r.Resolve(h[i+len(sep):]); ok {
				return qu, choice, true
			}
		}
	}
	return form.Question{}, "", false
}

// metadataRole recognises an export tool's metadata column.
func metadataRole(h string, seps []string) (string, bool) {
	f := input.Fold(h)
	if role, ok := metadataNames[f]; ok {
		return role, true
	}
	if strings.HasPrefix(f, "_") || strings.HasPrefix(f, "meta/") || strings.HasPrefix(f, "meta-") || strings.HasPrefix(f, "#") {
		return "", true
	}
	for _, sep := range seps { // a metadata column inside a group path
		if i := strings.LastIndex(f, sep); i >= 0 {
			if role, ok := metadataNames[f[i+len(sep):]]; ok {
				return role, true
			}
			if strings.HasPrefix(f[i+len(sep):], "_") {
				return "", true // Kobo's own columns in a group: a geopoint's _q_latitude, _q_longitude…
			}
		}
	}
	return "", false
}

// truthy reads a split select_multiple cell: chosen, not chosen, or neither.
func truthy(s string) (chosen, ok bool) {
	switch input.Fold(s) {
	case "1", "1.0", "true", "vrai", "yes", "oui", "x":
		return true, true
	case "0", "0.0", "false", "faux", "no", "non", "":
		return false, true
	}
	return false, false
}

// ReadResponses reads one wide responses file (one row per respondent) and
// appends its respondents to into; call it once per file of a survey.
//
// Headers are matched to questions by name or label (group paths such as
// "grp/q" are stripped, split select_multiple columns "q/choice" coded 1/0
// are recognised), export tools' metadata columns are recognised and kept
// out, and a row of HXL hashtags under the header is skipped. Values are
// matched to choices by name or label after folding; explicit non-answers
// count as missing. The meeting question's column is required; a row
// without a valid meeting is rejected whole, a value matching no choice is
// rejected for that cell (and counted missing), and a submission seen
// before (same id, or same time and answers) is rejected as a duplicate.
//
// This is the reference reader: the whole file in memory, every respondent
// kept. The streaming reader (stream.go) gives the same results in one
// pass and flat memory for CSV files in UTF-8.
func ReadResponses(q *form.Questionnaire, file string, r io.Reader, into *Responses, opt form.ResponseOptions) error {
	ro := opt.ReadOptions
	ro.MaxBytes = input.MaxResponseBytes
	ts, err := input.ReadTables(file, r, ro)
	if err != nil {
		return err
	}
	t := ts[0]
	for _, extra := range ts[1:] {
		into.Notes = append(into.Notes, fmt.Sprintf("%s: sheet ignored (only the first sheet holds one row per respondent; repeat groups are not analysed)", extra.File))
	}
	p, err := NewPlan(q, t, opt, into)
	if err != nil {
		return err
	}
	records := t.Records
	lines := t.Lines
	if len(records) > 0 && IsHXL(records[0]) {
		into.Notes = append(into.Notes, fmt.Sprintf("%s:%d: HXL hashtag row skipped", t.File, lines[0]))
		records, lines = records[1:], lines[1:]
	}
	into.Files = append(into.Files, FileCount{File: t.File, Rows: len(records), Encoding: string(t.Encoding), EncodingWhy: t.EncodingWhy,
		EncodingReason: t.EncodingReason, InvalidSequences: t.InvalidSequences})
	p.delimited = t.Delimited
	for i, rec := range records {
		p.row(rec, lines[i], into)
	}
	return nil
}

// FieldCountReject is the reject of a record of delimited text whose
// fields do not line up with the header's (nil when they do): a record cut
// short (fewer fields than the header's last named column) or one holding
// text past that column (it would be read shifted; Excel often ends a
// header with an empty column).
// Both readers leave such a row out whole. cell gives the record's field i.
func (p *Plan) FieldCountReject(n int, cell func(i int) string, line int) *input.Reject {
	why, v := input.Misaligned(n, p.Width, cell)
	if why == "" {
		return nil
	}
	return &input.Reject{Code: input.RejectFieldCount, File: p.File, Line: line, Value: strings.ToValidUTF8(v, "\uFFFD"), Reason: "row not used: " + why}
}

// Plan is how the rows of one response file are read: what each column
// holds and how a cell's text becomes answers. Both readers use it.
type Plan struct {
	q               *form.Questionnaire
	File            string
	Header          []string
	Cols            []Column // closed questions' columns and metadata
	meetingQuestion string
	MeetingCol      int
	IdCol, TimeCol  int // -1 when absent
	WeightCol       int // -1 when absent
	missing         map[string]bool
	matchers        map[string]*Matcher
	// Width is the header's fields up to its last named one: a record of
	// delimited text has at least that many (see FieldCountReject).
	Width     int
	delimited bool // the reference reader's table is delimited text
	// Skip logic: the counted questions with a relevance, in form order,
	// and where the questions their expressions read are.
	skips   []skipRule
	refs    map[string]string // ${name} -> the question's Name
	rawCol  map[string]int    // a question that is not counted -> its column
	ansCols map[string][]int  // a counted question -> its columns (for rejects)
}

// skipRule is a counted question's relevance: its own relevant and its
// enclosing groups', combined.
type skipRule struct {
	question string
	expr     *relevance.Expr
}

// Relevance is a question's combined relevance text parts: those of its
// enclosing groups, outermost first, then its own (blank ones left out).
// The error names the first part not understood.
func Relevance(q *form.Questionnaire, qu form.Question) (*relevance.Expr, error) {
	var groups []*relevance.Expr
	for i := range qu.Groups {
		g, ok := groupAt(q, qu.Groups[:i+1])
		if !ok || strings.TrimSpace(g.Relevant) == "" {
			continue
		}
		e, err := relevance.Parse(g.Relevant)
		if err != nil {
			return nil, notUnderstood(fmt.Sprintf("relevant of group %s (survey row %d)", g.Name, g.Line), err)
		}
		groups = append(groups, e)
	}
	own, err := relevance.Parse(qu.Relevant)
	if err != nil {
		return nil, notUnderstood("relevant of "+qu.Name, err)
	}
	return relevance.Combine(own, groups...), nil
}

// notUnderstood says which part of an expression Parse refused.
func notUnderstood(what string, err error) error {
	var se *relevance.SyntaxError
	if errors.As(err, &se) {
		if se.Part == "" {
			return fmt.Errorf("%s not understood at character %d: %s", what, se.Pos, se.Msg)
		}
		return fmt.Errorf("%s not understood at character %d (`%s`): %s", what, se.Pos, se.Part, se.Msg)
	}
	return fmt.Errorf("%s not understood: %w", what, err)
}

// groupAt is the group of the path (names, outermost first).
func groupAt(q *form.Questionnaire, path []string) (form.Group, bool) {
	for _, g := range q.Groups {
		if slices.Equal(g.Path, path) {
			return g, true
		}
	}
	return form.Group{}, false
}

// HasSkipLogic reports whether a counted question (other than the meeting
// question, which places respondents) has a relevant of its own or of an
// enclosing group: such a survey is read by the reference reader.
func HasSkipLogic(q *form.Questionnaire, meetingQuestion string) bool {
	for _, qu := range q.Questions {
		if !qu.Closed() || qu.Name == meetingQuestion {
			continue
		}
		if strings.TrimSpace(qu.Relevant) != "" {
			return true
		}
		for i := range qu.Groups {
			if g, ok := groupAt(q, qu.Groups[:i+1]); ok && strings.TrimSpace(g.Relevant) != "" {
				return true
			}
		}
	}
	return false
}

// planSkips prepares the skip logic of the counted questions; an
// expression not understood is noted and its question counted without.
func (p *Plan) planSkips(q *form.Questionnaire, into *Responses) {
	p.refs, p.rawCol, p.ansCols = map[string]string{}, map[string]int{}, map[string][]int{}
	for _, qu := range q.Questions {
		if !qu.Closed() || qu.Name == p.meetingQuestion {
			continue
		}
		e, err := Relevance(q, qu)
		if err != nil {
			if note := fmt.Sprintf("survey row %d: %v: counted without skip logic", qu.Line, err); !slices.Contains(into.Notes, note) {
				into.Notes = append(into.Notes, note) // once, however many response files
			}
			continue
		}
		if e == nil {
			continue
		}
		p.skips = append(p.skips, skipRule{question: qu.Name, expr: e})
		for _, ref := range e.Refs() {
			if _, done := p.refs[ref]; done {
				continue
			}
			name := ref
			if _, ok := q.Question(ref); !ok {
				for _, o := range q.Questions {
					if o.FormName == ref {
						name = o.Name
						break
					}
				}
			}
			p.refs[ref] = name
		}
	}
	if len(p.skips) == 0 {
		return
	}
	for _, c := range p.Cols {
		if c.IsMeta || c.Q.Name == "" {
			continue
		}
		if c.Q.Closed() {
			p.ansCols[c.Q.Name] = append(p.ansCols[c.Q.Name], c.Index)
		} else if _, dup := p.rawCol[c.Q.Name]; !dup && c.Choice == "" {
			p.rawCol[c.Q.Name] = c.Index
		}
	}
	// A condition on a question the export has no column for (a consent
	// question left out of an anonymised export) cannot be evaluated: read
	// as unanswered, it would make every respondent "not asked". Its
	// question is counted without skip logic, and noted.
	kept := p.skips[:0]
	for _, s := range p.skips {
		missing := ""
		for _, ref := range s.expr.Refs() {
			name := p.refs[ref]
			if _, ok := p.ansCols[name]; ok {
				continue
			}
			if _, ok := p.rawCol[name]; ok {
				continue
			}
			missing = ref
			break
		}
		if missing == "" {
			kept = append(kept, s)
			continue
		}
		line := 0
		if qu, ok := q.Question(s.question); ok {
			line = qu.Line
		}
		if note := fmt.Sprintf("survey row %d: the relevant of %s refers to %s, which %s has no column for: counted without skip logic", line, s.question, missing, p.File); !slices.Contains(into.Notes, note) {
			into.Notes = append(into.Notes, note)
		}
	}
	p.skips = kept
}

// skip applies the skip logic to one respondent: the questions it was not
// asked lose their answer (an answer given anyway is a not_relevant reject)
// and are listed in NotAsked. Expressions are evaluated in the form's
// order, on the answers as they stand (a question already found not asked
// reads as unanswered, as in ODK).
func (p *Plan) skip(resp *form.Respondent, cell func(int) string, line int, rejects *[]input.Reject) {
	if len(p.skips) == 0 {
		return
	}
	values := func(ref string) (string, bool) {
		name, ok := p.refs[ref]
		if !ok {
			name = ref
		}
		if _, counted := p.matchers[name]; counted {
			v := strings.Join(resp.Answers[name], " ")
			return v, v != ""
		}
		if c, ok := p.rawCol[name]; ok {
			v := cell(c)
			return v, v != ""
		}
		return "", false
	}
	for _, s := range p.skips {
		ok, err := s.expr.Eval(values, strings.Join(resp.Answers[s.question], " "))
		if ok && err == nil {
			continue
		}
		if ans := resp.Answers[s.question]; len(ans) > 0 {
			col, raw := "", strings.Join(ans, " ")
			for _, c := range p.ansCols[s.question] {
				if v := cell(c); v != "" {
					col, raw = p.Header[c], v
					break
				}
			}
			*rejects = append(*rejects, input.Reject{Code: input.RejectNotRelevant, File: p.File, Line: line, Column: col, Value: raw,
				Reason: fmt.Sprintf("answered, but the question was not asked (relevant %s is false): not counted", s.expr)})
			delete(resp.Answers, s.question)
		}
		resp.NotAsked = append(resp.NotAsked, s.question)
	}
	sort.Strings(resp.NotAsked)
}

// NewPlan classifies the header of t and checks the required columns; the
// columns it cannot use are added to into's rejects.
func NewPlan(q *form.Questionnaire, t *input.Table, opt form.ResponseOptions, into *Responses) (*Plan, error) {
	meetingQuestion := opt.MeetingQuestion
	meetingQ, ok := q.Question(meetingQuestion)
	if meetingQuestion != "" && (!ok || meetingQ.Type != form.SelectOne) {
		return nil, fmt.Errorf("meeting question %q is not a select_one question of the questionnaire", meetingQuestion)
	}
	p := &Plan{q: q, File: t.File, Header: t.Header, meetingQuestion: meetingQuestion,
		missing: map[string]bool{}, matchers: map[string]*Matcher{}}
	p.Width = t.Width()
	mv := opt.MissingValues
	if mv == nil {
		mv = form.DefaultMissingValues
	}
	for _, v := range mv {
		p.missing[input.Fold(v)] = true
	}
	for _, qu := range q.Questions {
		if qu.Closed() {
			p.matchers[qu.Name] = NewMatcher(q.Choices(qu), q.DefaultLanguage)
		}
	}
	cols, rejects, notes, err := classify(q, t, opt, p.matchers)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		if !slices.Contains(into.Notes, n) {
			into.Notes = append(into.Notes, n)
		}
	}
	p.Cols = cols
	into.Rejects = append(into.Rejects, rejects...)
	if into.Present == nil {
		into.Present, into.Columns = map[string]bool{}, map[string]int{}
	}
	for _, c := range cols {
		if !c.IsMeta && c.Q.Closed() {
			into.Present[c.Q.Name] = true
		}
		into.Columns[columnKind(c)]++
	}
	if len(rejects) > 0 {
		into.Columns[ColumnUnknown] += len(rejects)
	}
	for _, h := range t.Header {
		if unnamed(h) {
			into.Columns[ColumnUnnamed]++
		}
	}
	p.planSkips(q, into)
	p.MeetingCol, p.IdCol, p.TimeCol, p.WeightCol = -1, -1, -1, -1
	for _, c := range cols {
		switch {
		case c.metadata == "weight":
			p.WeightCol = c.Index
		case c.Q.Name == meetingQuestion && c.Choice == "":
			p.MeetingCol = c.Index
		case c.metadata == "id" && p.IdCol < 0:
			p.IdCol = c.Index
		case c.metadata == "time" && p.TimeCol < 0:
			p.TimeCol = c.Index
		}
	}
	if p.TimeCol < 0 { // a form's own start/end question is the next best
		for _, c := range cols {
			if c.Q.Kind == "start" || c.Q.Kind == "end" {
				p.TimeCol = c.Index
				break
			}
		}
	}
	if opt.WeightColumn != "" && p.WeightCol < 0 {
		return nil, &input.InputError{File: t.File, Line: t.HeaderLine,
			Msg: fmt.Sprintf("no weight column %q (weight_column in %s)", opt.WeightColumn, form.ManifestName)}
	}
	if p.MeetingCol < 0 && meetingQuestion != "" {
		return nil, &input.InputError{File: t.File, Line: t.HeaderLine,
			Msg: fmt.Sprintf("no column for the meeting question %q: expected a header %q or one of its labels (%s)",
				meetingQuestion, meetingQuestion, strings.Join(input.QuoteAll(sortedValues(meetingQ.Label)), ", "))}
	}
	if into.seen == nil {
		into.seen = map[string]string{}
		into.Normalised = map[[3]string]int{}
		into.Folded = map[[3]string]bool{}
	}
	return p, nil
}

// Outcome is what one cell (its text trimmed) gives: a pure function of
// the column and the text, so the streaming reader can keep it per text.
type Outcome struct {
	Names   []string       // chosen choices, in list order; nil: no valid answer
	Missing bool           // an explicit non-answer ("NSP"), counted missing
	Rejects []input.Reject // Value and Reason set; the row fills in the rest
	Norm    bool           // the text is not the names as written: counted in normalised
	NormKey [3]string
	Folded  bool
	// A split select_multiple column (1/0).
	Chosen, bad bool
}

// Resolve reads one cell of a closed question's column.
func (p *Plan) Resolve(c *Column, raw string) Outcome {
	var o Outcome
	if c.Choice != "" {
		chosen, ok := truthy(raw)
		if !ok {
			o.bad = true
			o.Rejects = []input.Reject{{Code: input.RejectUnknownValue, Value: raw,
				Reason: "expected 1 (chosen) or 0 (not chosen) in a split select_multiple column"}}
		}
		o.Chosen = chosen
		return o
	}
	if raw == "" {
		return o
	}
	if !utf8.ValidString(raw) {
		o.Rejects = []input.Reject{{Code: input.RejectBadText, Value: strings.ToValidUTF8(raw, "\uFFFD"),
			Reason: "bytes that are not UTF-8 in a file read as UTF-8 (see the file's encoding in the quality annex): the cell is not read"}}
		return o
	}
	if c.Q.Type == form.SelectOne {
		name, ok := c.m.one(raw)
		switch {
		case ok:
			o.Names = []string{name}
			if raw != name {
				o.Norm, o.NormKey, o.Folded = true, [3]string{c.Q.Name, raw, name}, !c.m.exact[raw]
			}
		case p.missing[input.Fold(raw)]:
			o.Missing = true
		default:
			o.Rejects = []input.Reject{{Code: input.RejectUnknownValue, Value: raw,
				Reason: fmt.Sprintf("matches no choice of %q; closest is %q", c.Q.Name, c.m.suggest(raw))}}
		}
		return o
	}
	if p.missing[input.Fold(raw)] {
		if _, ok := c.m.one(raw); !ok {
			o.Missing = true
			return o
		}
	}
	names, unknown := c.m.many(raw)
	for _, u := range unknown {
		if p.missing[input.Fold(u)] {
			continue
		}
		o.Rejects = append(o.Rejects, input.Reject{Code: input.RejectUnknownValue, Value: u,
			Reason: fmt.Sprintf("part of the answer matches no choice of %q; closest is %q", c.Q.Name, c.m.suggest(u))})
	}
	if len(names) > 0 {
		o.Names = names
		if joined := strings.Join(names, " "); raw != joined {
			o.Norm, o.NormKey = true, [3]string{c.Q.Name, raw, joined}
			o.Folded = len(unknown) > 0 || !c.m.exactParts(raw)
		}
	}
	return o
}

// Weight reads the weight cell: the weight, or 0 and a reject.
func (p *Plan) Weight(raw string) (float64, *input.Reject) {
	var w float64
	var err error
	if weightSyntax.MatchString(raw) {
		w, err = strconv.ParseFloat(strings.Replace(raw, ",", ".", 1), 64)
	}
	if !weightSyntax.MatchString(raw) || err != nil || w < 0 || w > MaxWeight || math.IsNaN(w) {
		return 0, &input.Reject{Code: input.RejectBadWeight, Value: raw,
			Reason: fmt.Sprintf("expected a number from 0 to %g (a decimal point or comma, an exponent); the respondent is left out of the weighted pooled figures", MaxWeight)}
	}
	return w, nil
}

// MaxWeight is the largest weight read: far above any design or expansion
// weight, low enough that ten million of them add up exactly in float64
// (larger ones overflowed the shares).
const MaxWeight = 1e9

// weightSyntax is a plain decimal number: 2, 0.75, 0,75, .5, 1e3 (no sign,
// underscores, hexadecimal, infinities).
var weightSyntax = regexp.MustCompile(`^(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?$`)

// row reads one record (the reference reader).
func (p *Plan) row(rec []string, line int, into *Responses) {
	into.RowsRead++
	cell := func(c int) string {
		if c < 0 || c >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[c])
	}
	if p.delimited {
		if rej := p.FieldCountReject(len(rec), cell, line); rej != nil {
			into.Rejects = append(into.Rejects, *rej)
			return
		}
	}
	resp := form.Respondent{File: p.File, Line: line, Answers: map[string][]string{}, Weight: 1}
	var cellRejects []input.Reject
	if p.WeightCol >= 0 {
		w, rej := p.Weight(cell(p.WeightCol))
		if rej != nil {
			rej.File, rej.Line, rej.Column = p.File, line, p.Header[p.WeightCol]
			cellRejects = append(cellRejects, *rej)
		}
		resp.Weight = w
	}
	split := map[string][]string{}
	explicitMissing := 0
	var explicit []string // questions given an explicit non-answer
	for i := range p.Cols {
		c := &p.Cols[i]
		if c.IsMeta || !c.Q.Closed() {
			continue
		}
		o := p.Resolve(c, cell(c.Index))
		for _, r := range o.Rejects {
			r.File, r.Line, r.Column = p.File, line, c.Header
			cellRejects = append(cellRejects, r)
		}
		if c.Choice != "" {
			if o.Chosen && !slices.Contains(split[c.Q.Name], c.Choice) { // a choice's column may come twice
				split[c.Q.Name] = append(split[c.Q.Name], c.Choice)
			}
			continue
		}
		if o.Norm {
			into.Normalised[o.NormKey]++
			into.Folded[o.NormKey] = o.Folded
		}
		if o.Missing {
			explicitMissing++
			explicit = append(explicit, c.Q.Name)
		}
		if len(o.Names) > 0 {
			resp.Answers[c.Q.Name] = o.Names
		}
	}
	for name, chosen := range split {
		if _, done := resp.Answers[name]; !done && len(chosen) > 0 {
			m := p.matchers[name]
			sort.Slice(chosen, func(a, b int) bool { return m.order[chosen[a]] < m.order[chosen[b]] })
			resp.Answers[name] = chosen
		}
	}
	p.skip(&resp, cell, line, &cellRejects)
	for _, name := range explicit { // a non-answer to a question not asked is not missing
		if _, no := slices.BinarySearch(resp.NotAsked, name); no {
			explicitMissing--
		}
	}
	meeting := resp.Answers[p.meetingQuestion]
	if p.meetingQuestion == "" {
		meeting = []string{""} // one scope: every respondent in it
	}
	if len(meeting) == 0 {
		into.Rejects = append(into.Rejects, input.Reject{Code: input.RejectNoMeeting, File: p.File, Line: line, Column: p.Header[p.MeetingCol],
			Value: cell(p.MeetingCol), Reason: NoMeetingReason})
		return
	}
	resp.Meeting = meeting[0]
	if key := SubmissionKey(cell(p.IdCol), cell(p.TimeCol), resp); key != "" {
		if first, dup := into.seen[key]; dup {
			into.Duplicates++
			into.Rejects = append(into.Rejects, input.Reject{Code: input.RejectDuplicate, File: p.File, Line: line,
				Value: FirstNonEmpty(cell(p.IdCol), cell(p.TimeCol)), Reason: DuplicateReason + first})
			return
		}
		into.seen[key] = fmt.Sprintf("%s:%d", p.File, line)
	}
	into.Rejects = append(into.Rejects, cellRejects...)
	into.ExplicitMissing += explicitMissing
	resp.ID = len(into.Respondents) + 1
	into.Respondents = append(into.Respondents, resp)
}

const (
	NoMeetingReason = "row not used: no valid meeting, so it cannot be placed"
	DuplicateReason = "row not used: the same submission as "
)

// SubmissionKey identifies a submission: its id when the export has one,
// else its time and answers; "" when neither is known.
func SubmissionKey(id, when string, r form.Respondent) string {
	if id != "" {
		return "id\x00" + id
	}
	if when == "" {
		return ""
	}
	names := make([]string, 0, len(r.Answers))
	for k := range r.Answers {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("time\x00" + when)
	for _, k := range names {
		b.WriteString("\x00" + k + "=" + strings.Join(r.Answers[k], " "))
	}
	return b.String()
}

// FirstNonEmpty is the first of ss that is not empty ("" if none).
func FirstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// IsHXL reports whether a row holds HXL hashtags (#tag) and nothing else.
func IsHXL(rec []string) bool {
	tags := 0
	for _, f := range rec {
		f = strings.TrimSpace(f)
		switch {
		case f == "":
		case strings.HasPrefix(f, "#") && len(f) > 1:
			tags++
		default:
			return false
		}
	}
	return tags > 0
}

func sortedValues(t form.Text) []string {
	out := make([]string, 0, len(t))
	for _, v := range t {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// IngestOptions say what Ingest makes besides the counts.
type IngestOptions struct {
	// Responses, when set, receives responses.parquet. It is called at the
	// start of the counting pass and returns where to write: an empty file
	// each time. When duplicates are found it is called again: the file
	// is written again from what the first writer holds when that is also
	// an io.ReaderAt (an *os.File), else by a second counting pass.
	Responses func() (io.Writer, error)
	// Meta goes into responses.parquet's key-value metadata.
	Meta [][2]string
	// Reference reads every response file with the reference reader and
	// keeps the respondents in memory (tests and small surveys).
	Reference bool
	// Progress, when set, is told the bytes of response files read so far
	// and their total.
	Progress func(done, total int64)
}
