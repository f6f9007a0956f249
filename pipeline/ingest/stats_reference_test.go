package ingest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/stats"
	"github.com/synthese-project/synthese/pipeline/store"
	"github.com/synthese-project/synthese/pipeline/tally"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

func readCSVFile(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// close9 compares to 1e-9, relatively for large or tiny values.
func close9(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b))) ||
		math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// withinMonteCarlo: two simulated p-values of B tables each agree within
// 4.5 standard errors of their difference (plus one table).
func withinMonteCarlo(ours, ref float64) bool {
	p := math.Max(ref, 1.0/stats.Simulations)
	se := math.Sqrt(2 * p * (1 - p) / stats.Simulations)
	return math.Abs(ours-ref) <= 4.5*se+1.0/stats.Simulations
}

// tableRespondents builds a form and respondents whose meeting × answer
// table is t.
func tableRespondents(t *testing.T, table [][]int64) (*form.Questionnaire, []form.Respondent) {
	t.Helper()
	var survey, choices strings.Builder
	survey.WriteString("type,name,label\nselect_one m,meeting,Meeting\nselect_one a,q,Question\n")
	choices.WriteString("list_name,name,label\n")
	for i := range table {
		fmt.Fprintf(&choices, "m,m%d,M%d\n", i, i)
	}
	for j := range table[0] {
		fmt.Fprintf(&choices, "a,a%d,A%d\n", j, j)
	}
	q, err := form.ReadQuestionnaire("s.csv", strings.NewReader(survey.String()), "c.csv", strings.NewReader(choices.String()), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var rs []form.Respondent
	for i, row := range table {
		for j, n := range row {
			for k := int64(0); k < n; k++ {
				m := fmt.Sprintf("m%d", i)
				rs = append(rs, form.Respondent{ID: len(rs) + 1, Meeting: m, Answers: map[string][]string{"meeting": {m}, "q": {fmt.Sprintf("a%d", j)}}})
			}
		}
	}
	return q, rs
}

func parseTable(t *testing.T, s string) [][]int64 {
	var out [][]int64
	for _, r := range strings.Split(s, ";") {
		var row []int64
		for _, f := range strings.Fields(r) {
			row = append(row, int64(num(t, f)))
		}
		out = append(out, row)
	}
	return out
}

// TestIndependenceAgainstR: tests.parquet's values against R's chisq.test on
// the raw reference responses and on edge-case tables
// (testdata/stats/reference.R).
func TestIndependenceAgainstR(t *testing.T) {
	p, in, _, err := Analyse(os.DirFS("../../data"))
	if err != nil {
		t.Fatal(err)
	}
	ours := map[string]tally.Independence{}
	for _, r := range in.Responses.Tally.Independence(p.Manifest.MeetingQuestion) {
		ours[r.Question] = r
	}
	for _, ref := range readCSVFile(t, "testdata/stats/reference_chisq.csv") {
		name := ref["question"]
		got, ok := ours[name]
		if !ok {
			q, rs := tableRespondents(t, parseTable(t, ref["table"]))
			got = tally.TestIndependence(q, "meeting", rs)[0]
		}
		t.Run(name, func(t *testing.T) {
			if !close9(got.Statistic, num(t, ref["statistic"])) || got.DF != int64(num(t, ref["df"])) ||
				!close9(got.MinExpected, num(t, ref["min_expected"])) || !close9(got.CramersV, num(t, ref["cramers_v"])) ||
				got.N != int64(num(t, ref["n"])) {
				t.Errorf("ours %+v\nR    %v", got, ref)
			}
			// The asymptotic p-value is exact arithmetic: to 1e-9 whatever the method.
			if asym := stats.ChiSquareSurvival(got.Statistic, float64(got.DF)); !close9(asym, num(t, ref["p_value"])) {
				t.Errorf("asymptotic p = %.17g, R %s", asym, ref["p_value"])
			}
			switch got.Method {
			case tally.MethodPearson:
				if got.MinExpected < 5 || !close9(got.PValue, num(t, ref["p_value"])) {
					t.Errorf("pearson p = %.17g, R %s (min expected %v)", got.PValue, ref["p_value"], got.MinExpected)
				}
			case tally.MethodMonteCarlo:
				if got.MinExpected >= 5 || !withinMonteCarlo(got.PValue, num(t, ref["p_simulated"])) {
					t.Errorf("simulated p = %v, R simulated %s: beyond Monte Carlo error", got.PValue, ref["p_simulated"])
				}
			default:
				t.Errorf("method %q for a testable table", got.Method)
			}
		})
	}
	// The reference's conclusions: q5 differs between meetings (p < 0.001), q4 too (p < 0.05).
	if r := ours["q5_pouvoirs_publics"]; r.PValue >= 0.001 {
		t.Errorf("q5: p = %v", r.PValue)
	}
	if r := ours["q4_ressources"]; r.PValue >= 0.05 || r.Method != tally.MethodPearson {
		t.Errorf("q4: %+v", r)
	}
}

func TestWilsonAgainstR(t *testing.T) {
	for _, ref := range readCSVFile(t, "testdata/stats/reference_wilson.csv") {
		k, n := int64(num(t, ref["k"])), int64(num(t, ref["n"]))
		lo, hi := stats.WilsonInterval(k, n)
		if !close9(lo, num(t, ref["low"])) || !close9(hi, num(t, ref["high"])) {
			t.Errorf("Wilson(%d, %d) = [%.12f, %.12f], R [%s, %s]", k, n, lo, hi, ref["low"], ref["high"])
		}
	}
}

// Edge cases never crash and never give NaN.
func TestIndependenceEdgeCases(t *testing.T) {
	cases := map[string]struct {
		table [][]int64
		note  string
	}{
		"single meeting":  {[][]int64{{3, 4}, {0, 0}}, tally.NotTestedSingleMeeting},
		"nobody answered": {[][]int64{{0, 0}, {0, 0}}, tally.NotTestedNobody},
		"single answer":   {[][]int64{{3, 0}, {4, 0}}, tally.NotTestedSingleAnswer},
		"one respondent":  {[][]int64{{1, 0}, {0, 0}}, tally.NotTestedSingleMeeting},
	}
	for name, c := range cases {
		q, rs := tableRespondents(t, c.table)
		got := tally.TestIndependence(q, "meeting", rs)[0]
		if got.Method != tally.MethodNotApplicable || !strings.Contains(got.Note, c.note) {
			t.Errorf("%s: %+v", name, got)
		}
		for _, v := range []float64{got.Statistic, got.PValue, got.CramersV, got.MinExpected} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s: non-finite value in %+v", name, got)
			}
		}
	}
	// Monte Carlo is deterministic.
	q, rs := tableRespondents(t, [][]int64{{5, 0}, {3, 4}})
	a, b := tally.TestIndependence(q, "meeting", rs)[0], tally.TestIndependence(q, "meeting", rs)[0]
	if a != b || a.Method != tally.MethodMonteCarlo || a.Simulations != stats.Simulations {
		t.Errorf("two runs: %+v / %+v", a, b)
	}
}

func TestTestsParquetRoundTrip(t *testing.T) {
	q, rs := tableRespondents(t, [][]int64{{5, 0}, {3, 4}})
	tests := tally.TestIndependence(q, "meeting", rs)
	q2, rs2 := tableRespondents(t, [][]int64{{3, 4}, {0, 0}})
	tests = append(tests, tally.TestIndependence(q2, "meeting", rs2)...)
	var b bytes.Buffer
	if err := store.WriteTests(&b, tests); err != nil {
		t.Fatal(err)
	}
	back, err := store.ReadTests(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 2 || back[0] != tests[0] || back[1] != tests[1] {
		t.Errorf("wrote %+v\nread %+v", tests, back)
	}
}

// TestWeightedPooledAgainstR: the weighted pooled share, Kish's effective n
// and the interval, against testdata/stats/reference_weighted.csv.
func TestWeightedPooledAgainstR(t *testing.T) {
	q, _ := tableRespondents(t, [][]int64{{0, 0}, {0, 0}})
	answers := []string{"a0", "a0", "a1", "a0", "a1", "a0", "a1", "a1", "a0", "a1"}
	weights := []float64{1.5, 1.5, 1.5, 0.5, 2, 1, 0.8, 0.8, 1.2, 3}
	var rs []form.Respondent
	for i, a := range answers {
		m := "m0"
		if i >= 6 {
			m = "m1"
		}
		rs = append(rs, form.Respondent{ID: i + 1, Meeting: m, Weight: weights[i], Answers: map[string][]string{"meeting": {m}, "q": {a}}})
	}
	rows, err := tally.Aggregate(q, "meeting", rs, 5, true)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]tally.Result{}
	for _, r := range rows {
		if r.Scope == tally.AllScope && r.Question == "q" {
			got[r.Answer] = r
		}
		if r.Scope != tally.AllScope && r.Weighted {
			t.Errorf("a meeting's row is weighted: %+v", r)
		}
	}
	var pct int64
	for _, ref := range readCSVFile(t, "testdata/stats/reference_weighted.csv") {
		r := got[ref["answer"]]
		if !r.Weighted || r.Count == 0 || r.ValidN != 10 || !close9(r.Share, num(t, ref["share"])) || !close9(r.NEff, num(t, ref["n_eff"])) ||
			!close9(r.CILow, num(t, ref["low"])) || !close9(r.CIHigh, num(t, ref["high"])) {
			t.Errorf("ours %+v\nR    %v", r, ref)
		}
		pct += r.Pct
	}
	if pct != 100 {
		t.Errorf("weighted pct sum to %d", pct)
	}
}
