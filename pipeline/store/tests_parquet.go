package store

import (
	"github.com/synthese-project/synthese/pipeline/tally"
	"io"
)

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
func WriteTests(w io.Writer, tests []tally.Independence) error {
	out := make([]testRow, len(tests))
	for i, t := range tests {
		r := testRow{Question: t.Question, Method: t.Method, DF: t.DF, N: t.N, Rows: t.Rows, Columns: t.Columns,
			Simulations: t.Simulations, Note: t.Note}
		if t.Method != tally.MethodNotApplicable {
			r.Statistic, r.PValue, r.CramersV, r.MinExpected = ptr(t.Statistic), ptr(t.PValue), ptr(t.CramersV), ptr(t.MinExpected)
		}
		out[i] = r
	}
	return writeRows(w, out, "tests")
}

func ptr(v float64) *float64 { return &v }

// ReadTests reads tests.parquet.
func ReadTests(r io.ReaderAt, size int64) ([]tally.Independence, error) {
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
	out := make([]tally.Independence, len(rows))
	for i, r := range rows {
		out[i] = tally.Independence{Question: r.Question, Method: r.Method, Statistic: val(r.Statistic), DF: r.DF, PValue: val(r.PValue),
			CramersV: val(r.CramersV), N: r.N, Rows: r.Rows, Columns: r.Columns, MinExpected: val(r.MinExpected),
			Simulations: r.Simulations, Note: r.Note}
	}
	return out, nil
}
