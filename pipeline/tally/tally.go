package tally

import (
	"fmt"
	"slices"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/stats"
)

// Tally is everything the counting needs of the respondents: per meeting
// and closed question, how many chose each answer, and with weights their
// pooled sums. Results, the tests of independence and the respondent counts
// of participation derive from it, so the reference reader (respondents in
// memory) and the streaming reader (one pass, chunks in parallel) give the
// same bytes: counts are integers and weights are summed exactly.
type Tally struct {
	Meetings    []string // meeting choice names, in list order
	Respondents []int64  // kept respondents per meeting
	Questions   []*QuestionTally
	Weighted    bool // weights are summed (the manifest names a weight column)

	meetingIndex map[string]int
	QuestionIdx  map[string]int
}

// QuestionTally is one closed question's counts.
type QuestionTally struct {
	Question form.Question
	Choices  []form.Choice
	Counts   [][]int64 // [meeting][choice]: respondents who chose it
	Valid    []int64   // [meeting]: respondents with at least one valid answer
	NotAsked []int64   // [meeting]: respondents not asked the question (its relevant false)
	// Pooled weighted sums, when the tally is weighted.
	WChoice []stats.ExactSum // Σw of those who chose each answer
	WValid  stats.ExactSum   // Σw of the valid respondents
	WValid2 stats.ExactSum   // Σw² of the valid respondents

	Index map[string]int // choice name -> position
}

// NewTally prepares an empty tally of the questionnaire's closed questions.
func NewTally(q *form.Questionnaire, meetingQuestion string, weighted bool) (*Tally, error) {
	scopes := Scopes(q, meetingQuestion)
	if len(scopes) < 2 && meetingQuestion != "" {
		return nil, fmt.Errorf("meeting question %q has no choices", meetingQuestion)
	}
	meetings := scopes[:len(scopes)-1]
	if meetingQuestion == "" {
		meetings = []string{""} // one scope: every respondent in one implicit meeting, reported pooled only
	}
	t := &Tally{Meetings: meetings, Weighted: weighted,
		meetingIndex: map[string]int{}, QuestionIdx: map[string]int{}}
	t.Respondents = make([]int64, len(t.Meetings))
	for i, m := range t.Meetings {
		t.meetingIndex[m] = i
	}
	for _, qu := range q.Questions {
		if !qu.Closed() {
			continue
		}
		qt := &QuestionTally{Question: qu, Choices: q.Choices(qu), Index: map[string]int{}}
		for i, c := range qt.Choices {
			qt.Index[c.Name] = i
		}
		qt.Counts = make([][]int64, len(t.Meetings))
		for m := range qt.Counts {
			qt.Counts[m] = make([]int64, len(qt.Choices))
		}
		qt.Valid = make([]int64, len(t.Meetings))
		qt.NotAsked = make([]int64, len(t.Meetings))
		if weighted {
			qt.WChoice = make([]stats.ExactSum, len(qt.Choices))
		}
		t.QuestionIdx[qu.Name] = len(t.Questions)
		t.Questions = append(t.Questions, qt)
	}
	return t, nil
}

// Empty returns a tally of the same questions with nothing counted.
func (t *Tally) Empty() *Tally {
	e := &Tally{Meetings: t.Meetings, Weighted: t.Weighted, meetingIndex: t.meetingIndex, QuestionIdx: t.QuestionIdx,
		Respondents: make([]int64, len(t.Meetings))}
	for _, qt := range t.Questions {
		n := &QuestionTally{Question: qt.Question, Choices: qt.Choices, Index: qt.Index,
			Counts: make([][]int64, len(t.Meetings)), Valid: make([]int64, len(t.Meetings)), NotAsked: make([]int64, len(t.Meetings))}
		for m := range n.Counts {
			n.Counts[m] = make([]int64, len(qt.Choices))
		}
		if t.Weighted {
			n.WChoice = make([]stats.ExactSum, len(qt.Choices))
		}
		e.Questions = append(e.Questions, n)
	}
	return e
}

// MeetingIndex returns the position of a meeting, or -1.
func (t *Tally) MeetingIndex(name string) int {
	if i, ok := t.meetingIndex[name]; ok {
		return i
	}
	return -1
}

// AddRespondent counts one respondent.
func (t *Tally) AddRespondent(r form.Respondent) error {
	m, ok := t.meetingIndex[r.Meeting]
	if !ok {
		return fmt.Errorf("respondent %d (%s:%d): %q is not a meeting", r.ID, r.File, r.Line, r.Meeting)
	}
	t.Respondents[m]++
	var idx [64]int
	for _, qt := range t.Questions {
		if len(r.NotAsked) > 0 {
			if _, no := slices.BinarySearch(r.NotAsked, qt.Question.Name); no {
				qt.NotAsked[m]++
				continue
			}
		}
		ans := r.Answers[qt.Question.Name]
		if len(ans) == 0 {
			continue
		}
		chosen := idx[:0]
		for _, a := range ans {
			i, ok := qt.Index[a]
			if !ok {
				return fmt.Errorf("respondent %d (%s:%d): %q is not a choice of %q", r.ID, r.File, r.Line, a, qt.Question.Name)
			}
			chosen = append(chosen, i)
		}
		qt.Add(m, chosen, r.Weight, t.Weighted)
	}
	return nil
}

// Add counts one respondent's valid answer (its choices' positions).
func (qt *QuestionTally) Add(m int, chosen []int, w float64, weighted bool) {
	qt.Valid[m]++
	row := qt.Counts[m]
	for _, i := range chosen {
		row[i]++
	}
	if weighted {
		qt.WValid.Add(w)
		qt.WValid2.Add(w * w)
		for _, i := range chosen {
			qt.WChoice[i].Add(w)
		}
	}
}

// AddNotAsked counts one respondent of meeting m not asked the question.
func (qt *QuestionTally) AddNotAsked(m int) { qt.NotAsked[m]++ }

// Merge adds everything o counted (a tally of the same questions).
func (t *Tally) Merge(o *Tally) {
	for m := range t.Respondents {
		t.Respondents[m] += o.Respondents[m]
	}
	for k, qt := range t.Questions {
		oq := o.Questions[k]
		for m := range qt.Counts {
			qt.Valid[m] += oq.Valid[m]
			qt.NotAsked[m] += oq.NotAsked[m]
			for i := range qt.Counts[m] {
				qt.Counts[m][i] += oq.Counts[m][i]
			}
		}
		if t.Weighted {
			qt.WValid.Merge(&oq.WValid)
			qt.WValid2.Merge(&oq.WValid2)
			for i := range qt.WChoice {
				qt.WChoice[i].Merge(&oq.WChoice[i])
			}
		}
	}
}

// Subtract takes o's counts out of t (o counted some of what t counted;
// its weighted sums finite).
func (t *Tally) Subtract(o *Tally) {
	for m := range t.Respondents {
		t.Respondents[m] -= o.Respondents[m]
	}
	for k, qt := range t.Questions {
		oq := o.Questions[k]
		for m := range qt.Counts {
			qt.Valid[m] -= oq.Valid[m]
			qt.NotAsked[m] -= oq.NotAsked[m]
			for i := range qt.Counts[m] {
				qt.Counts[m][i] -= oq.Counts[m][i]
			}
		}
		if t.Weighted {
			qt.WValid.Sub(&oq.WValid)
			qt.WValid2.Sub(&oq.WValid2)
			for i := range qt.WChoice {
				qt.WChoice[i].Sub(&oq.WChoice[i])
			}
		}
	}
}

// Finite reports whether none of t's weighted sums holds an infinity or a
// NaN (so that it can be subtracted).
func (t *Tally) Finite() bool {
	for _, qt := range t.Questions {
		if !qt.WValid.Finite() || !qt.WValid2.Finite() {
			return false
		}
		for i := range qt.WChoice {
			if !qt.WChoice[i].Finite() {
				return false
			}
		}
	}
	return true
}

// TallyRespondents counts respondents held in memory.
func TallyRespondents(q *form.Questionnaire, meetingQuestion string, respondents []form.Respondent, weighted bool) (*Tally, error) {
	t, err := NewTally(q, meetingQuestion, weighted)
	if err != nil {
		return nil, err
	}
	for _, r := range respondents {
		if err := t.AddRespondent(r); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Kept is the number of respondents counted.
func (t *Tally) Kept() int64 {
	var n int64
	for _, c := range t.Respondents {
		n += c
	}
	return n
}
