package pipeline

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Respondent is one row of a responses file, its answers normalised to
// choice names.
type Respondent struct {
	ID      int    // 1-based, in the order the rows were read
	File    string // source file
	Line    int    // line of the row in the source file
	Meeting string // choice name of the meeting question
	// Answers maps a closed question's name to the chosen choice names, in
	// the list's order. A question without a valid answer is absent.
	Answers map[string][]string
}

// Responses is what ingest made of the response files.
type Responses struct {
	Respondents []Respondent
	Rejects     []Reject
	RowsRead    int
}

// matcher finds the choice a raw value means: its name or its label in any
// language, compared folded.
type matcher struct {
	keys    map[string]string // folded name or label -> choice name
	ordered []string          // folded keys, longest first (for splitting)
	order   map[string]int    // choice name -> position in the list
	labels  []string          // a label per choice, for suggestions
}

func newMatcher(choices []Choice, defLang string) *matcher {
	m := &matcher{keys: map[string]string{}, order: map[string]int{}}
	for i, c := range choices {
		m.order[c.Name] = i
		add := func(s string) {
			if k := Fold(s); k != "" {
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
		m.labels = append(m.labels, c.Label.In(defLang, langs...))
	}
	sort.SliceStable(m.ordered, func(a, b int) bool { return len(m.ordered[a]) > len(m.ordered[b]) })
	return m
}

func (m *matcher) one(raw string) (string, bool) {
	name, ok := m.keys[Fold(raw)]
	return name, ok
}

func isSeparator(b byte) bool { return b == ',' || b == ';' || b == ' ' }

// many splits a select_multiple cell by matching the known names and labels
// (longest first), so labels that contain commas stay whole. It returns the
// choices found, in list order, and the pieces that matched nothing.
func (m *matcher) many(raw string) (names []string, unknown []string) {
	s := Fold(raw)
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

// suggest returns the known label closest to raw, for messages.
func (m *matcher) suggest(raw string) string {
	f := Fold(raw)
	best, bestD := "", -1
	for i, l := range m.labels {
		_ = i
		if d := levenshtein(f, Fold(l)); bestD < 0 || d < bestD {
			best, bestD = l, d
		}
	}
	return best
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// matchHeader returns the question a response column holds: its header is
// the question's name or its label in any of the form's languages.
func matchHeader(q *Questionnaire, header string) (Question, bool) {
	f := Fold(header)
	if f == "" {
		return Question{}, false
	}
	for _, qu := range q.Questions {
		if Fold(qu.Name) == f {
			return qu, true
		}
	}
	for _, qu := range q.Questions {
		for _, l := range qu.Label {
			if Fold(l) == f {
				return qu, true
			}
		}
	}
	return Question{}, false
}

// ReadResponses reads one wide responses file (one row per respondent) and
// appends its respondents to into. Headers are matched to questions by name
// or label; values to choices by name or label. The meeting question's
// column is required; a row without a valid meeting is rejected whole, a
// value matching no choice is rejected for that cell (and counted missing).
func ReadResponses(q *Questionnaire, meetingQuestion, file string, r io.Reader, into *Responses) error {
	t, err := readTable(file, r)
	if err != nil {
		return err
	}
	meetingQ, ok := q.Question(meetingQuestion)
	if !ok || meetingQ.Type != SelectOne {
		return fmt.Errorf("meeting question %q is not a select_one question of the questionnaire", meetingQuestion)
	}
	type col struct {
		index int
		q     Question
		m     *matcher
	}
	var cols []col
	meetingCol := -1
	claimed := map[string]string{}
	for i, h := range t.header {
		qu, ok := matchHeader(q, h)
		if !ok {
			if h != "" {
				into.Rejects = append(into.Rejects, Reject{File: file, Line: 1, Column: h, Value: h,
					Reason: "column matches no question name or label of the questionnaire; its values are not used"})
			}
			continue
		}
		if prev, dup := claimed[qu.Name]; dup {
			return &InputError{File: file, Line: 1, Column: i + 1,
				Msg: fmt.Sprintf("columns %q and %q both hold question %q", prev, h, qu.Name)}
		}
		claimed[qu.Name] = h
		if !qu.Closed() {
			continue
		}
		if qu.Name == meetingQuestion {
			meetingCol = i
		}
		cols = append(cols, col{index: i, q: qu, m: newMatcher(q.Choices(qu), q.DefaultLanguage)})
	}
	if meetingCol < 0 {
		return &InputError{File: file, Line: 1,
			Msg: fmt.Sprintf("no column for the meeting question %q: expected a header %q or one of its labels (%s)",
				meetingQuestion, meetingQuestion, strings.Join(quoteAll(sortedValues(meetingQ.Label)), ", "))}
	}
	for i := range t.records {
		into.RowsRead++
		line := t.lines[i]
		resp := Respondent{File: file, Line: line, Answers: map[string][]string{}}
		var cellRejects []Reject
		for _, c := range cols {
			raw := t.cell(i, c.index)
			if raw == "" {
				continue
			}
			header := t.header[c.index]
			if c.q.Type == SelectOne {
				name, ok := c.m.one(raw)
				if !ok {
					cellRejects = append(cellRejects, Reject{File: file, Line: line, Column: header, Value: raw,
						Reason: fmt.Sprintf("matches no choice of %q; closest is %q", c.q.Name, c.m.suggest(raw))})
					continue
				}
				resp.Answers[c.q.Name] = []string{name}
				continue
			}
			names, unknown := c.m.many(raw)
			for _, u := range unknown {
				cellRejects = append(cellRejects, Reject{File: file, Line: line, Column: header, Value: u,
					Reason: fmt.Sprintf("part of the answer matches no choice of %q; closest is %q", c.q.Name, c.m.suggest(u))})
			}
			if len(names) > 0 {
				resp.Answers[c.q.Name] = names
			}
		}
		meeting := resp.Answers[meetingQuestion]
		if len(meeting) == 0 {
			into.Rejects = append(into.Rejects, Reject{File: file, Line: line, Column: t.header[meetingCol],
				Value: t.cell(i, meetingCol), Reason: "row not used: no valid meeting, so it cannot be placed"})
			continue
		}
		into.Rejects = append(into.Rejects, cellRejects...)
		resp.Meeting = meeting[0]
		resp.ID = len(into.Respondents) + 1
		into.Respondents = append(into.Respondents, resp)
	}
	return nil
}

func sortedValues(t Text) []string {
	out := make([]string, 0, len(t))
	for _, v := range t {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}
