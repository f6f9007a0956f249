package pipeline

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

// table is a CSV file read whole: its header and its records, with the line
// on which each record starts.
type table struct {
	file    string
	header  []string
	records [][]string
	lines   []int
}

// readTable reads a UTF-8 CSV file (a byte-order mark is skipped) whose
// delimiter is detected among ',', ';' and tab from the header line.
func readTable(file string, r io.Reader) (*table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &InputError{File: file, Msg: "cannot read", Err: err}
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = detectDelimiter(data)
	cr.FieldsPerRecord = -1
	t := &table{file: file}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &InputError{File: file, Line: pe.Line, Column: pe.Column,
					Msg: "not valid CSV (a quote must close its field, and a field that holds a quote must be quoted)", Err: pe.Err}
			}
			return nil, &InputError{File: file, Msg: "not valid CSV", Err: err}
		}
		line, _ := cr.FieldPos(0)
		if t.header == nil {
			for i := range rec {
				rec[i] = strings.TrimSpace(rec[i])
			}
			t.header = rec
			continue
		}
		if isBlank(rec) {
			continue
		}
		t.records = append(t.records, rec)
		t.lines = append(t.lines, line)
	}
	if t.header == nil {
		return nil, &InputError{File: file, Msg: "empty file: expected a header line"}
	}
	return t, nil
}

func isBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// detectDelimiter counts the candidate delimiters outside quotes on the first line.
func detectDelimiter(data []byte) rune {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	if !sc.Scan() {
		return ','
	}
	counts := map[rune]int{}
	inQuote := false
	for _, r := range sc.Text() {
		switch {
		case r == '"':
			inQuote = !inQuote
		case !inQuote && (r == ',' || r == ';' || r == '\t'):
			counts[r]++
		}
	}
	best := ','
	for _, d := range []rune{';', '\t'} {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return best
}

// column returns the index of the first header named name (folded), or -1.
func (t *table) column(name string) int {
	want := Fold(name)
	for i, h := range t.header {
		if Fold(h) == want {
			return i
		}
	}
	return -1
}

// require returns the indexes of the named columns or an InputError naming
// the first one missing.
func (t *table) require(names ...string) ([]int, error) {
	idx := make([]int, len(names))
	for i, n := range names {
		idx[i] = t.column(n)
		if idx[i] < 0 {
			return nil, &InputError{File: t.file, Line: 1,
				Msg: "missing required column " + quote(n) + "; the header has " + strings.Join(quoteAll(t.header), ", ")}
		}
	}
	return idx, nil
}

// cell returns record i's field at column c, trimmed, or "" when the record is short.
func (t *table) cell(i, c int) string {
	if c < 0 || c >= len(t.records[i]) {
		return ""
	}
	return strings.TrimSpace(t.records[i][c])
}

func quote(s string) string { return "\"" + s + "\"" }

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = quote(s)
	}
	return out
}
