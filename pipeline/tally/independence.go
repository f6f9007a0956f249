package tally

import (
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/stats"
	"math"
)

// Methods of the test of independence.
const (
	MethodPearson       = "pearson"        // chi-square with its asymptotic p-value
	MethodMonteCarlo    = "monte_carlo"    // chi-square with a simulated p-value (small expected counts)
	MethodNotApplicable = "not_applicable" // see Note
)

// Independence is one row of tests.parquet: whether a question's answers
// differ between meetings (meeting × answer table).
type Independence struct {
	Question    string  `parquet:"question,dict"`
	Method      string  `parquet:"method,dict"`
	Statistic   float64 `parquet:"statistic"` // Pearson's X²
	DF          int64   `parquet:"df"`        // (rows-1)(columns-1)
	PValue      float64 `parquet:"p_value"`   // asymptotic or simulated
	CramersV    float64 `parquet:"cramers_v"` // effect size, 0..1
	N           int64   `parquet:"n"`         // respondents in the table
	Rows        int64   `parquet:"rows"`      // meetings with answers
	Columns     int64   `parquet:"columns"`   // answers chosen at least once
	MinExpected float64 `parquet:"min_expected"`
	Simulations int64   `parquet:"simulations"` // 0 unless Monte Carlo
	Note        string  `parquet:"note"`        // why not applicable: a NotApplicable code
}

// Reasons a question is not tested.
const (
	NotTestedMultiple      = "multiple_choice" // a respondent can count in several answers
	NotTestedNobody        = "nobody_answered"
	NotTestedSingleMeeting = "single_meeting"
	NotTestedSingleAnswer  = "single_answer"
)

// TestIndependence tests every select_one question (except the meeting
// question) for independence between meeting and answer.
//
// Meetings without answers and answers nobody chose are left out of the
// table. Pearson's X² is computed from the counts; when every expected count
// is at least 5 the p-value is the chi-square upper tail with
// (r-1)(c-1) degrees of freedom, otherwise it is simulated: Simulations
// tables with the same margins (respondents' answers permuted across
// meetings, seeded from the question's name so runs agree), p = (1 + number
// of tables with X² at least the observed) / (1 + Simulations), as R's
// chisq.test(simulate.p.value = TRUE). Cramér's V = sqrt(X² / (n (min(r,c)-1))).
// A select_multiple question (a respondent can count in several columns), a
// single meeting or a single answer give "not_applicable" with a note.
func TestIndependence(q *form.Questionnaire, meetingQuestion string, respondents []form.Respondent) []Independence {
	t, err := TallyRespondents(q, meetingQuestion, respondents, false)
	if err != nil {
		return nil
	}
	return t.Independence(meetingQuestion)
}

// Independence tests the tally's select_one questions (see TestIndependence).
func (t *Tally) Independence(meetingQuestion string) []Independence {
	var out []Independence
	for _, qt := range t.Questions {
		qu := qt.Question
		if qu.Name == meetingQuestion {
			continue
		}
		res := Independence{Question: qu.Name, Method: MethodNotApplicable}
		if qu.Type == form.SelectMultiple {
			res.Note = NotTestedMultiple
			out = append(out, res)
			continue
		}
		table := make([][]int64, len(qt.Counts))
		for i, row := range qt.Counts {
			table[i] = append([]int64(nil), row...)
		}
		var n int64
		for _, row := range table {
			for _, c := range row {
				n += c
			}
		}
		table = stats.DropEmpty(table)
		res.N, res.Rows, res.Columns = n, int64(len(table)), 0
		if len(table) > 0 {
			res.Columns = int64(len(table[0]))
		}
		switch {
		case res.N == 0:
			res.Note = NotTestedNobody
		case res.Rows < 2:
			res.Note = NotTestedSingleMeeting
		case res.Columns < 2:
			res.Note = NotTestedSingleAnswer
		}
		if res.Note != "" {
			out = append(out, res)
			continue
		}
		stat, minExp := stats.Pearson(table)
		res.Statistic, res.MinExpected = stat, minExp
		res.DF = (res.Rows - 1) * (res.Columns - 1)
		res.CramersV = math.Sqrt(stat / (float64(res.N) * float64(min(res.Rows, res.Columns)-1)))
		if minExp >= 5 {
			res.Method = MethodPearson
			res.PValue = stats.ChiSquareSurvival(stat, float64(res.DF))
		} else {
			res.Method = MethodMonteCarlo
			res.Simulations = stats.Simulations
			// One entry per respondent: the reduced table spelled out row by
			// row (the simulation keeps both margins, which is all it uses).
			var rows, cols []int
			for i, row := range table {
				for j, c := range row {
					for range c {
						rows, cols = append(rows, i), append(cols, j)
					}
				}
			}
			res.PValue = stats.SimulatedP(stat, rows, cols, len(table), len(table[0]), stats.Seed(qu.Name))
		}
		out = append(out, res)
	}
	return out
}
