package pipeline

import (
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
)

// Methods of the test of independence.
const (
	MethodPearson       = "pearson"        // chi-square with its asymptotic p-value
	MethodMonteCarlo    = "monte_carlo"    // chi-square with a simulated p-value (small expected counts)
	MethodNotApplicable = "not_applicable" // see Note
)

// Simulations is the number of random tables of a Monte Carlo p-value (R's
// default for chisq.test(simulate.p.value = TRUE)).
const Simulations = 2000

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
func TestIndependence(q *Questionnaire, meetingQuestion string, respondents []Respondent) []Independence {
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
		if qu.Type == SelectMultiple {
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
		table = dropEmpty(table)
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
		stat, minExp := pearson(table)
		res.Statistic, res.MinExpected = stat, minExp
		res.DF = (res.Rows - 1) * (res.Columns - 1)
		res.CramersV = math.Sqrt(stat / (float64(res.N) * float64(min(res.Rows, res.Columns)-1)))
		if minExp >= 5 {
			res.Method = MethodPearson
			res.PValue = ChiSquareSurvival(stat, float64(res.DF))
		} else {
			res.Method = MethodMonteCarlo
			res.Simulations = Simulations
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
			res.PValue = simulatedP(stat, rows, cols, len(table), len(table[0]), seed(qu.Name))
		}
		out = append(out, res)
	}
	return out
}

// dropEmpty removes rows and columns whose total is zero.
func dropEmpty(t [][]int64) [][]int64 {
	var rows, cols []int
	for i, r := range t {
		var s int64
		for _, v := range r {
			s += v
		}
		if s > 0 {
			rows = append(rows, i)
		}
	}
	if len(t) > 0 {
		for j := range t[0] {
			var s int64
			for _, r := range t {
				s += r[j]
			}
			if s > 0 {
				cols = append(cols, j)
			}
		}
	}
	out := make([][]int64, len(rows))
	for i, ri := range rows {
		out[i] = make([]int64, len(cols))
		for j, cj := range cols {
			out[i][j] = t[ri][cj]
		}
	}
	return out
}

// pearson returns Pearson's X² of a table and its smallest expected count.
func pearson(t [][]int64) (stat, minExpected float64) {
	rowSum := make([]float64, len(t))
	colSum := make([]float64, len(t[0]))
	var n float64
	for i, r := range t {
		for j, v := range r {
			rowSum[i] += float64(v)
			colSum[j] += float64(v)
			n += float64(v)
		}
	}
	minExpected = math.Inf(1)
	for i, r := range t {
		for j, v := range r {
			e := rowSum[i] * colSum[j] / n
			minExpected = math.Min(minExpected, e)
			d := float64(v) - e
			stat += d * d / e
		}
	}
	return stat, minExpected
}

func seed(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// simulatedP permutes the answers across respondents (keeping both margins)
// and counts the tables at least as extreme as the observed one.
func simulatedP(observed float64, rows, cols []int, r, c int, s uint64) float64 {
	rng := rand.New(rand.NewPCG(s, 0x5eed))
	perm := append([]int(nil), cols...)
	t := make([][]int64, r)
	for i := range t {
		t[i] = make([]int64, c)
	}
	// R compares with a relative tolerance so ties in X² count as extreme.
	limit := observed * (1 - 64*2.220446049250313e-16)
	extreme := 0
	for b := 0; b < Simulations; b++ {
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		for i := range t {
			clear(t[i])
		}
		for k := range rows {
			t[rows[k]][perm[k]]++
		}
		if stat, _ := pearson(t); stat >= limit {
			extreme++
		}
	}
	return float64(1+extreme) / float64(1+Simulations)
}

// ChiSquareSurvival is P(X > x) for X chi-square with df degrees of freedom:
// the regularised upper incomplete gamma function Q(df/2, x/2).
func ChiSquareSurvival(x, df float64) float64 {
	if x <= 0 {
		return 1
	}
	return gammaQ(df/2, x/2)
}

// gammaQ is the regularised upper incomplete gamma function, by its series
// (x < a+1) or its continued fraction (modified Lentz), to full precision.
func gammaQ(a, x float64) float64 {
	lg, _ := math.Lgamma(a)
	if x < a+1 {
		sum, term := 1/a, 1/a
		for n := 1; n < 1000; n++ {
			term *= x / (a + float64(n))
			sum += term
			if math.Abs(term) < math.Abs(sum)*1e-17 {
				break
			}
		}
		return 1 - sum*math.Exp(-x+a*math.Log(x)-lg)
	}
	const tiny = 1e-300
	b := x + 1 - a
	c := 1 / tiny
	d := 1 / b
	h := d
	for i := 1; i < 1000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-17 {
			break
		}
	}
	return math.Exp(-x+a*math.Log(x)-lg) * h
}

// testRow is one row of tests.parquet; the statistics are null when the
// question is not tested.
type testRow struct {
	Question    string   `parquet:"question,dict"`
	Method      string   `parquet:"method,dict"`
	Statistic   *float64 `parquet:"statistic,optional"`
	DF          int64    `parquet:"df"`
	PValue      *float64 `parquet:"p_value,optional"`
	CramersV    *float64 `parquet:"cramers_v,optional"`
	N           int64    `parquet:"n"`
	Rows        int64    `parquet:"rows"`
	Columns     int64    `parquet:"columns"`
	MinExpected *float64 `parquet:"min_expected,optional"`
	Simulations int64    `parquet:"simulations"`
	Note        string   `parquet:"note,dict"`
}

// WriteTests writes tests.parquet.
func WriteTests(w io.Writer, tests []Independence) error {
	out := make([]testRow, len(tests))
	for i, t := range tests {
		r := testRow{Question: t.Question, Method: t.Method, DF: t.DF, N: t.N, Rows: t.Rows, Columns: t.Columns,
			Simulations: t.Simulations, Note: t.Note}
		if t.Method != MethodNotApplicable {
			r.Statistic, r.PValue, r.CramersV, r.MinExpected = ptr(t.Statistic), ptr(t.PValue), ptr(t.CramersV), ptr(t.MinExpected)
		}
		out[i] = r
	}
	return writeRows(w, out, "tests")
}

func ptr(v float64) *float64 { return &v }

// ReadTests reads tests.parquet.
func ReadTests(r io.ReaderAt, size int64) ([]Independence, error) {
	rows, err := readRows[testRow](r, size, "tests")
	if err != nil {
		return nil, err
	}
	val := func(p *float64) float64 {
		if p == nil {
			return 0
		}
		return *p
	}
	out := make([]Independence, len(rows))
	for i, r := range rows {
		out[i] = Independence{Question: r.Question, Method: r.Method, Statistic: val(r.Statistic), DF: r.DF, PValue: val(r.PValue),
			CramersV: val(r.CramersV), N: r.N, Rows: r.Rows, Columns: r.Columns, MinExpected: val(r.MinExpected),
			Simulations: r.Simulations, Note: r.Note}
	}
	return out, nil
}
