package pipeline

import (
	"fmt"
	"math"
	"sort"
)

// AllScope is the scope of the pooled rows (every meeting together).
const AllScope = "all"

// Result is one row of results.parquet: one answer of one closed question
// in one scope. Counts are the source of truth; Share, Pct and the interval
// derive from them (see Aggregate).
type Result struct {
	Scope    string  `parquet:"scope,dict"`
	Question string  `parquet:"question,dict"`
	Answer   string  `parquet:"answer,dict"`
	Count    int64   `parquet:"count"`
	ValidN   int64   `parquet:"valid_n"`
	MissingN int64   `parquet:"missing_n"`
	Share    float64 `parquet:"share"`
	Pct      int64   `parquet:"pct"`
	CILow    float64 `parquet:"ci_low"`
	CIHigh   float64 `parquet:"ci_high"`
	Small    bool    `parquet:"small"`
	// NEff is the sample size behind the interval: valid_n, or Kish's
	// effective size when the pooled figures are weighted.
	NEff     float64 `parquet:"n_eff"`
	Weighted bool    `parquet:"weighted"`
}

// Scopes returns the scopes in report order: the meetings in the order of
// the meeting question's choice list, then AllScope.
func Scopes(q *Questionnaire, meetingQuestion string) []string {
	mq, _ := q.Question(meetingQuestion)
	var out []string
	for _, c := range q.Choices(mq) {
		out = append(out, c.Name)
	}
	return append(out, AllScope)
}

// Aggregate counts the answers of every closed question in every scope.
//
// For a select_one question, valid_n is the number of respondents in the
// scope who gave a valid answer, missing_n the others, share = count/valid_n,
// pct the largest-remainder rounding of the shares (summing to 100), and
// [ci_low, ci_high] the Wilson 95% interval of the share. For a
// select_multiple question, valid_n counts respondents who chose at least
// one option, share is the fraction of them who chose this one and pct is
// that share rounded half up (these do not sum to 100). small is set when
// valid_n is below smallCell. The meeting question itself is counted in the
// pooled scope only (it is the split of respondents across meetings).
//
// Rows come in questionnaire order: question, then scope (meetings in list
// order, then all), then answer in choice-list order.
//
// With weighted set, the pooled scope is weighted by each respondent's
// Weight: share = Σw(answer) / Σw(valid), pct the largest-remainder rounding
// of the weighted shares (half up for select_multiple), and the interval is
// Wilson's with Kish's effective sample size (Σw)²/Σw² of the valid
// respondents; count and valid_n stay unweighted counts. Meetings' figures
// are never weighted.
func Aggregate(q *Questionnaire, meetingQuestion string, respondents []Respondent, smallCell int, weighted ...bool) ([]Result, error) {
	weigh := len(weighted) > 0 && weighted[0]
	scopes := Scopes(q, meetingQuestion)
	if len(scopes) < 2 {
		return nil, fmt.Errorf("meeting question %q has no choices", meetingQuestion)
	}
	var out []Result
	for _, qu := range q.Questions {
		if !qu.Closed() {
			continue
		}
		choices := q.Choices(qu)
		index := make(map[string]int, len(choices))
		for i, c := range choices {
			index[c.Name] = i
		}
		for _, scope := range scopes {
			if qu.Name == meetingQuestion && scope != AllScope {
				continue
			}
			counts := make([]int64, len(choices))
			wcounts := make([]float64, len(choices))
			var weights []float64
			var valid, total int64
			for _, r := range respondents {
				if scope != AllScope && r.Meeting != scope {
					continue
				}
				total++
				ans := r.Answers[qu.Name]
				if len(ans) == 0 {
					continue
				}
				valid++
				weights = append(weights, r.Weight)
				for _, a := range ans {
					i, ok := index[a]
					if !ok {
						return nil, fmt.Errorf("respondent %d (%s:%d): %q is not a choice of %q", r.ID, r.File, r.Line, a, qu.Name)
					}
					counts[i]++
					wcounts[i] += r.Weight
				}
			}
			if weigh && scope == AllScope {
				out = append(out, weightedRows(qu, choices, counts, wcounts, weights, valid, total, smallCell)...)
				continue
			}
			var pcts []int64
			if qu.Type == SelectOne {
				pcts = LargestRemainder(counts)
			} else {
				pcts = make([]int64, len(counts))
				for i, c := range counts {
					pcts[i] = HalfUpPercent(c, valid)
				}
			}
			for i, c := range choices {
				lo, hi := WilsonInterval(counts[i], valid)
				share := 0.0
				if valid > 0 {
					share = float64(counts[i]) / float64(valid)
				}
				out = append(out, Result{
					Scope: scope, Question: qu.Name, Answer: c.Name,
					Count: counts[i], ValidN: valid, MissingN: total - valid,
					Share: share, Pct: pcts[i], CILow: lo, CIHigh: hi,
					Small: valid < int64(smallCell), NEff: float64(valid),
				})
			}
		}
	}
	return out, nil
}

// weightedRows are the pooled rows of a question with weights.
func weightedRows(qu Question, choices []Choice, counts []int64, wcounts, weights []float64, valid, total int64, smallCell int) []Result {
	var wValid float64
	for _, w := range weights {
		wValid += w
	}
	neff := KishN(weights)
	shares := make([]float64, len(choices))
	for i := range choices {
		if wValid > 0 {
			shares[i] = wcounts[i] / wValid
		}
	}
	var pcts []int64
	if qu.Type == SelectOne {
		pcts = LargestRemainderShares(shares)
	} else {
		pcts = make([]int64, len(shares))
		for i, s := range shares {
			pcts[i] = int64(math.Floor(100*s + 0.5))
		}
	}
	out := make([]Result, len(choices))
	for i, c := range choices {
		lo, hi := WilsonIntervalShare(shares[i], neff)
		out[i] = Result{Scope: AllScope, Question: qu.Name, Answer: c.Name, Count: counts[i], ValidN: valid,
			MissingN: total - valid, Share: shares[i], Pct: pcts[i], CILow: lo, CIHigh: hi,
			Small: valid < int64(smallCell), NEff: neff, Weighted: true}
	}
	return out
}

// SortResults puts rows in the order Aggregate documents, given the
// questionnaire; used after reading rows back.
func SortResults(q *Questionnaire, meetingQuestion string, rows []Result) {
	qi := map[string]int{}
	ai := map[string]map[string]int{}
	for i, qu := range q.Questions {
		qi[qu.Name] = i
		ai[qu.Name] = map[string]int{}
		for j, c := range q.Choices(qu) {
			ai[qu.Name][c.Name] = j
		}
	}
	si := map[string]int{}
	for i, s := range Scopes(q, meetingQuestion) {
		si[s] = i
	}
	sort.SliceStable(rows, func(a, b int) bool {
		x, y := rows[a], rows[b]
		if qi[x.Question] != qi[y.Question] {
			return qi[x.Question] < qi[y.Question]
		}
		if si[x.Scope] != si[y.Scope] {
			return si[x.Scope] < si[y.Scope]
		}
		return ai[x.Question][x.Answer] < ai[x.Question][y.Answer]
	})
}
