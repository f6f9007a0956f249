package form

import (
	"github.com/synthese-project/synthese/pipeline/input"
	"io"
	"sort"
	"strings"
)

// Recommendation is one recommendation or suggestion of a meeting's
// working group, in one or more languages.
type Recommendation struct {
	Meeting string
	Group   Text
	Kind    string // recommendation | suggestion
	Text    Text
	Line    int
}

// Narrative is the meetings' texts: regional context and recommendations.
type Narrative struct {
	Recommendations []Recommendation
	// Status marks the languages whose texts are draft translations (a
	// column translation_status: "ar: … not yet reviewed …").
	Status map[string]string // language -> "unreviewed"
}

// ReadRecommendations reads a recommendations file: meeting_id, kind, and
// per-language columns group_<lang> and text_<lang> (a plain "group" column
// is in defaultLang); an optional translation_status column holds
// "<lang>: <status>" notes.
func ReadRecommendations(file string, r io.Reader, meetings []Meeting, defaultLang string) (*Narrative, []input.Reject, error) {
	t, err := input.ReadTable(file, r, input.ReadOptions{})
	if err != nil {
		return nil, nil, err
	}
	if err := t.Aligned(); err != nil {
		return nil, nil, err
	}
	cols, err := t.Require("meeting_id", "kind")
	if err != nil {
		return nil, nil, err
	}
	known := map[string]bool{}
	for _, m := range meetings {
		known[m.ID] = true
	}
	n := &Narrative{Status: map[string]string{}}
	var rejects []input.Reject
	status := t.Column("translation_status")
	for i := range t.Records {
		rec := Recommendation{Meeting: t.Cell(i, cols[0]), Kind: input.Fold(t.Cell(i, cols[1])), Group: Text{}, Text: Text{}, Line: t.Lines[i]}
		if !known[rec.Meeting] {
			rejects = append(rejects, input.Reject{Code: input.RejectUnknownMeeting, File: file, Line: t.Lines[i], Column: "meeting_id",
				Value: rec.Meeting, Reason: "row not used: meeting_id is not in the meetings file"})
			continue
		}
		for c, h := range t.Header {
			v := t.Cell(i, c)
			if v == "" {
				continue
			}
			switch hl := strings.ToLower(h); {
			case hl == "group":
				rec.Group[defaultLang] = v
			case strings.HasPrefix(hl, "group_"):
				rec.Group[strings.TrimPrefix(hl, "group_")] = v
			case strings.HasPrefix(hl, "text_"):
				rec.Text[strings.TrimPrefix(hl, "text_")] = v
			}
		}
		if status >= 0 {
			for lang := range unreviewed(t.Cell(i, status)) {
				n.Status[lang] = "unreviewed"
			}
		}
		n.Recommendations = append(n.Recommendations, rec)
	}
	return n, rejects, nil
}

// Coverage counts, per language, the narrative texts that exist and those
// missing (shown in another language, with a note, in that language's report).
type Coverage struct {
	Texts   int            `json:"texts"`
	Missing map[string]int `json:"missing"` // language -> texts not available in it
}

// NarrativeCoverage counts the meetings' contexts and recommendations
// missing in each of langs.
func NarrativeCoverage(meetings []Meeting, n *Narrative, langs []string) Coverage {
	c := Coverage{Missing: map[string]int{}}
	count := func(t Text) {
		if len(t) == 0 {
			return
		}
		c.Texts++
		for _, l := range langs {
			if t[l] == "" {
				c.Missing[l]++
			}
		}
	}
	for _, m := range meetings {
		count(m.Description)
	}
	if n != nil {
		for _, r := range n.Recommendations {
			count(r.Text)
		}
	}
	for _, l := range langs {
		c.Missing[l] += 0
	}
	return c
}

// InLanguage returns t in lang, or else in the first of fallbacks that has it,
// with the language used.
func (t Text) InLanguage(lang string, fallbacks ...string) (string, string) {
	if s := t[lang]; s != "" {
		return s, lang
	}
	for _, f := range fallbacks {
		if s := t[f]; s != "" {
			return s, f
		}
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if t[k] != "" {
			return t[k], k
		}
	}
	return "", ""
}
