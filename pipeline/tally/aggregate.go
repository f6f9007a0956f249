package tally

import (
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/stats"
	"math"
	"sort"
)

// AllScope is the scope of the pooled rows (every meeting together).
const AllScope = form.PooledScope

// Result is one row of results.parquet: one answer of one closed question
// in one scope. Counts are the source of truth; Share, Pct and the interval
// derive from them (see Aggregate).
type Result struct {
	Scope    string `parquet:"scope,dict"`
	Question string `parquet:"question,dict"`
	Answer   string `parquet:"answer,dict"`
	Count    int64  `parquet:"count"`
	ValidN   int64  `parquet:"valid_n"`
	MissingN int64  `parquet:"missing_n"`
	// NotAskedN are the respondents of the scope not asked the question
	// (its relevant, or a group's, false): neither valid nor missing, so
	// valid_n + missing_n + not_asked_n is the scope's respondents.
	NotAskedN int64   `parquet:"not_asked_n"`
	Share     float64 `parquet:"share"`
	Pct       int64   `parquet:"pct"`
	CILow     float64 `parquet:"ci_low"`
	CIHigh    float64 `parquet:"ci_high"`
	Small     bool    `parquet:"small"`
	// NEff is the sample size behind the interval: valid_n, or Kish's
	// effective size when the pooled figures are weighted.
	NEff     float64 `parquet:"n_eff"`
	Weighted bool    `parquet:"weighted"`
}

// Scopes returns the scopes in report order: the meetings in the order of
// the meeting question's choice list, then AllScope.
func Scopes(q *form.Questionnaire, meetingQuestion string) []string {
	if meetingQuestion == "" {
		return []string{AllScope} // one scope
	}
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
// scope who gave a valid answer, not_asked_n those not asked it (its
// relevance false), missing_n the others, share = count/valid_n,
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
func Aggregate(q *form.Questionnaire, meetingQuestion string, respondents []form.Respondent, smallCell int, weighted ...bool) ([]Result, error) {
	t, err := TallyRespondents(q, meetingQuestion, respondents, len(weighted) > 0 && weighted[0])
	if err != nil {
		return nil, err
	}
	return t.Results(meetingQuestion, smallCell), nil
}

// Results are the rows of results.parquet from the tally (see Aggregate).
func (t *Tally) Results(meetingQuestion string, smallCell int) []Result {
	var out []Result
	for _, qt := range t.Questions {
		qu, choices := qt.Question, qt.Choices
		for s := 0; s <= len(t.Meetings); s++ {
			scope := AllScope
			if s < len(t.Meetings) {
				scope = t.Meetings[s]
			}
			if (qu.Name == meetingQuestion || meetingQuestion == "") && scope != AllScope {
				continue // the meeting question's split, or the one scope's implicit meeting: pooled only
			}
			counts := make([]int64, len(choices))
			var valid, total, notAsked int64
			for m := range t.Meetings {
				if scope != AllScope && m != s {
					continue
				}
				total += t.Respondents[m]
				valid += qt.Valid[m]
				notAsked += qt.NotAsked[m]
				for i, c := range qt.Counts[m] {
					counts[i] += c
				}
			}
			if t.Weighted && scope == AllScope {
				out = append(out, qt.weightedRows(counts, valid, total, notAsked, smallCell)...)
				continue
			}
			var pcts []int64
			if qu.Type == form.SelectOne {
				pcts = stats.LargestRemainder(counts)
			} else {
				pcts = make([]int64, len(counts))
				for i, c := range counts {
					pcts[i] = stats.HalfUpPercent(c, valid)
				}
			}
			for i, c := range choices {
				lo, hi := stats.WilsonInterval(counts[i], valid)
				share := 0.0
				if valid > 0 {
					share = float64(counts[i]) / float64(valid)
				}
				out = append(out, Result{
					Scope: scope, Question: qu.Name, Answer: c.Name,
					Count: counts[i], ValidN: valid, MissingN: total - valid - notAsked, NotAskedN: notAsked,
					Share: share, Pct: pcts[i], CILow: lo, CIHigh: hi,
					Small: valid < int64(smallCell), NEff: float64(valid),
				})
			}
		}
	}
	return out
}

// weightedRows are the pooled rows of a question with weights.
func (qt *QuestionTally) weightedRows(counts []int64, valid, total, notAsked int64, smallCell int) []Result {
	choices := qt.Choices
	wValid, wValid2 := qt.WValid.Float64(), qt.WValid2.Float64()
	neff := 0.0
	if wValid2 != 0 {
		neff = wValid * wValid / wValid2 // Kish
	}
	shares := make([]float64, len(choices))
	for i := range choices {
		if wValid > 0 {
			shares[i] = qt.WChoice[i].Float64() / wValid
		}
	}
	var pcts []int64
	if qt.Question.Type == form.SelectOne {
		pcts = stats.LargestRemainderShares(shares)
	} else {
		pcts = make([]int64, len(shares))
		for i, s := range shares {
			pcts[i] = int64(math.Floor(100*s + 0.5))
		}
	}
	out := make([]Result, len(choices))
	for i, c := range choices {
		lo, hi := stats.WilsonIntervalShare(shares[i], neff)
		out[i] = Result{Scope: AllScope, Question: qt.Question.Name, Answer: c.Name, Count: counts[i], ValidN: valid,
			MissingN: total - valid - notAsked, NotAskedN: notAsked, Share: shares[i], Pct: pcts[i], CILow: lo, CIHigh: hi,
			Small: valid < int64(smallCell), NEff: neff, Weighted: true}
	}
	return out
}

// SortResults puts rows in the order Aggregate documents, given the
// questionnaire; used after reading rows back.
func SortResults(q *form.Questionnaire, meetingQuestion string, rows []Result) {
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
