package redact

import (
	"encoding/csv"
	"io"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Cell returns s as a spreadsheet shows it instead of running it: OWASP's
// rule for CSV injection, a cell whose first character is = + - @, a tab
// or a carriage return gets a single quote ' in front. Beyond that rule,
// the first character is looked for after any leading white space (an
// application that trims it would run what follows), and the full-width
// ＝ ＋ － ＠ count as well.
//
// A plain number, an optional sign then digits with at most one decimal
// point or comma (-3, +4.5, -3,5), is kept as it is: a spreadsheet reads
// it as a number and runs nothing, and the value stays what was typed.
// Anything else starting with + or - (-3+1, -1e5, +212 6…) is prefixed.
//
// Cell is idempotent: a prefixed cell starts with ', which is safe.
func Cell(s string) string {
	if s == "" {
		return s
	}
	if c := s[0]; c > ' ' && c < 0x80 && c != '=' && c != '+' && c != '-' && c != '@' {
		return s // the common case: a plain first character
	}
	if s[0] == '\t' || s[0] == '\r' {
		return "'" + s // OWASP: a leading tab or carriage return
	}
	t := strings.TrimLeftFunc(s, unicode.IsSpace)
	if t == "" {
		return s
	}
	r, _ := utf8.DecodeRuneInString(t)
	switch r {
	case '=', '@', '＝', '＠':
		return "'" + s
	case '+', '-', '＋', '－':
		if plainNumber.MatchString(t) {
			return s
		}
		return "'" + s
	}
	return s
}

var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(?:[.,][0-9]+)?$`)

// CSVWriter is encoding/csv's Writer with every field through Cell: every
// CSV the tool writes is written with it.
type CSVWriter struct {
	w   *csv.Writer
	rec []string
}

// NewCSVWriter returns a CSVWriter writing to w.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{w: csv.NewWriter(w)} }

// Write writes one record, each field neutralised by Cell.
func (c *CSVWriter) Write(record []string) error {
	c.rec = c.rec[:0]
	for _, f := range record {
		c.rec = append(c.rec, Cell(f))
	}
	return c.w.Write(c.rec)
}

// Flush writes what is buffered to the underlying writer.
func (c *CSVWriter) Flush() { c.w.Flush() }

// Error reports an error of a previous Write or Flush.
func (c *CSVWriter) Error() error { return c.w.Error() }
