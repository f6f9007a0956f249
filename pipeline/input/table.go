package input

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// Table is a CSV file or a worksheet read whole: its header and its
// records, with the line (row number) on which each record starts.
type Table struct {
	File       string // as quoted in messages: "r.csv", or "r.xlsx[Sheet1]"
	Header     []string
	Records    [][]string
	Lines      []int
	HeaderLine int
	// Delimited: read from delimited text, where every record has all
	// its fields (a worksheet's rows leave their empty cells out).
	Delimited bool
	// Encoding is the text's encoding (delimited text), and EncodingWhy
	// why it was chosen.
	Encoding       Encoding
	EncodingWhy    string
	EncodingReason string // an Encoding… code
	// InvalidSequences counts the byte sequences that are not UTF-8 in a
	// file read as UTF-8 (their cells are rejected).
	InvalidSequences int
}

// ReadOptions are the user's settings for reading input files.
type ReadOptions struct {
	// Encoding of CSV files; EncodingAuto detects it (see decodeText).
	Encoding Encoding
	// MaxBytes is the largest file read whole (0: MaxTableBytes).
	MaxBytes int64
}

// ReadTables reads a CSV file (one table) or an XLSX or legacy .xls
// workbook (one table per worksheet, in workbook order). The format is
// detected from the content (see formats), the CSV encoding and delimiter
// too.
func ReadTables(file string, r io.Reader, opt ReadOptions) ([]*Table, error) {
	limit := cmp.Or(opt.MaxBytes, MaxTableBytes)
	tooBig := func() error {
		return &InputError{File: file, Msg: fmt.Sprintf("more than %d MiB: larger than such a file can be (the limit of a file read whole)", limit>>20)}
	}
	if st, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := st.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > limit {
			return nil, tooBig() // said before anything is read
		}
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, &InputError{File: file, Msg: "cannot read", Err: err}
	}
	if int64(len(data)) > limit {
		return nil, tooBig()
	}
	for _, f := range formats {
		if f.sniff(data) {
			return f.tables(file, data, opt)
		}
	}
	panic("input: no format took the file") // delimited takes any
}

// A format reads one kind of file into tables: one reader per format,
// chosen by the file's first bytes, never by its name (exports are often
// misnamed). A new format is one more entry in formats, before delimited.
type format interface {
	// sniff reports whether data is this format's.
	sniff(data []byte) bool
	// tables reads the file's tables; file names it in messages.
	tables(file string, data []byte, opt ReadOptions) ([]*Table, error)
}

// formats are tried in order; delimited text takes any file.
var formats = []format{workbook{}, legacyWorkbook{}, delimited{}}

// workbook is an XLSX workbook: one table per worksheet.
type workbook struct{}

func (workbook) sniff(data []byte) bool { return IsXLSX(data) }

func (workbook) tables(file string, data []byte, _ ReadOptions) ([]*Table, error) {
	sheets, err := readXLSX(data)
	if err != nil {
		return nil, &InputError{File: file, Msg: "cannot read the workbook", Err: err}
	}
	return sheetTables(file, sheets)
}

// sheetTables makes a workbook's sheets tables, named file[sheet].
func sheetTables(file string, sheets []sheet) ([]*Table, error) {
	var out []*Table
	for _, sh := range sheets {
		t := &Table{File: file + "[" + sh.name + "]"}
		for i, rec := range sh.rows {
			t.Add(rec, sh.lines[i])
		}
		if t.Header == nil {
			t.Header = []string{}
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, &InputError{File: file, Msg: "the workbook has no worksheet"}
	}
	return out, nil
}

// delimited is CSV or tab-separated text in any encoding decodeText
// knows: one table.
type delimited struct{}

func (delimited) sniff([]byte) bool { return true }

func (delimited) tables(file string, data []byte, opt ReadOptions) ([]*Table, error) {
	d, err := decodeText(data, opt.Encoding)
	if err != nil {
		return nil, &InputError{File: file, Msg: "cannot decode the text", Err: err}
	}
	text := LineEnds(d.text)
	if err := CheckLines(file, text); err != nil {
		return nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = DetectDelimiter([]byte(text))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = false
	cr.ReuseRecord = false
	t := &Table{File: file, Delimited: true, Encoding: d.enc, EncodingWhy: d.why, EncodingReason: d.reason, InvalidSequences: d.invalid}
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
		if len(rec) > MaxColumns {
			return nil, &InputError{File: file, Line: line,
				Msg: fmt.Sprintf("%d fields in a record: at most %d are read (Excel's limit)", len(rec), MaxColumns)}
		}
		t.Add(rec, line)
	}
	if t.Header == nil {
		return nil, &InputError{File: file, Msg: "empty file: expected a header line"}
	}
	return []*Table{t}, nil
}

// Add appends a record; the first non-blank one is the header.
func (t *Table) Add(rec []string, line int) {
	if t.Header == nil {
		if IsBlank(rec) {
			return
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(strings.TrimPrefix(rec[i], "\uFEFF"))
		}
		t.Header, t.HeaderLine = rec, line
		return
	}
	if IsBlank(rec) {
		return
	}
	t.Records = append(t.Records, rec)
	t.Lines = append(t.Lines, line)
}

// ReadTable reads a file that holds one table: a CSV file, or the first
// worksheet of a workbook.
func ReadTable(file string, r io.Reader, opt ReadOptions) (*Table, error) {
	ts, err := ReadTables(file, r, opt)
	if err != nil {
		return nil, err
	}
	if len(ts[0].Header) == 0 {
		return nil, &InputError{File: ts[0].File, Msg: "empty sheet: expected a header row"}
	}
	return ts[0], nil
}

// SheetNamed returns the worksheet called name (case-insensitive).
func SheetNamed(ts []*Table, file, name string) *Table {
	for _, t := range ts {
		if strings.EqualFold(t.File, file+"["+name+"]") {
			return t
		}
	}
	return nil
}

// IsBlank reports whether every field of a record is blank.
func IsBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// DetectDelimiter chooses among ',', ';' and tab by counting them outside
// quotes on the first records: a delimiter found the same number of times
// on every record wins (the most frequent such one; on a tie the rarer in
// text: tab, then ';', then ','), else the most frequent on the header line.
func DetectDelimiter(data []byte) rune {
	candidates := []rune{'\t', ';', ','}
	var lines []map[rune]int
	cur := map[rune]int{}
	inQuote := false
	for _, r := range string(data) {
		switch {
		case r == '"':
			inQuote = !inQuote
		case !inQuote && r == '\n':
			lines = append(lines, cur)
			cur = map[rune]int{}
		case !inQuote:
			cur[r]++
		}
		if len(lines) == 20 {
			break
		}
	}
	if len(cur) > 0 && len(lines) < 20 {
		lines = append(lines, cur)
	}
	if len(lines) == 0 {
		return ','
	}
	best, bestN := rune(0), 0
	for _, d := range candidates {
		n := lines[0][d]
		consistent := n > 0
		for _, l := range lines[1:] {
			if l[d] != n {
				consistent = false
				break
			}
		}
		if consistent && n > bestN {
			best, bestN = d, n
		}
	}
	if best != 0 {
		return best
	}
	best = ','
	for _, d := range []rune{';', '\t'} {
		if lines[0][d] > lines[0][best] {
			best = d
		}
	}
	return best
}

// Column returns the index of the first header named name (folded), or -1.
func (t *Table) Column(name string) int {
	want := Fold(name)
	for i, h := range t.Header {
		if Fold(h) == want {
			return i
		}
	}
	return -1
}

// Require returns the indexes of the named columns or an InputError naming
// the first one missing.
func (t *Table) Require(names ...string) ([]int, error) {
	idx := make([]int, len(names))
	for i, n := range names {
		idx[i] = t.Column(n)
		if idx[i] < 0 {
			return nil, &InputError{File: t.File, Line: 1,
				Msg: "missing required column " + quote(n) + "; the header has " + strings.Join(QuoteAll(t.Header), ", ")}
		}
	}
	return idx, nil
}

// Cell returns record i's field at column c, trimmed, or "" when the record is short.
func (t *Table) Cell(i, c int) string {
	if c < 0 || c >= len(t.Records[i]) {
		return ""
	}
	return strings.TrimSpace(t.Records[i][c])
}

func quote(s string) string { return "\"" + s + "\"" }

// QuoteAll quotes each text, for messages.
func QuoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = quote(s)
	}
	return out
}

// Width is the number of the header's fields up to its last named one: a
// record of delimited text has at least that many, and nothing past them
// (see Misaligned).
func (t *Table) Width() int {
	w := 0
	for i, h := range t.Header {
		if strings.TrimSpace(h) != "" {
			w = i + 1
		}
	}
	return w
}

// Misaligned says why a record of delimited text of n fields (field i
// trimmed given by field) does not line up with a header of width named
// fields, "" when it does: cut short (fewer fields), or shifted (text past
// the last named column, where a delimiter too many put it); value is the
// text found there. Excel often ends a header with an empty column: empty
// fields past the width are fine.
func Misaligned(n, width int, field func(i int) string) (why, value string) {
	if n < width {
		return fmt.Sprintf("%d fields where the header has %d (a row cut short)", n, width), ""
	}
	for i := width; i < n; i++ {
		if v := field(i); v != "" {
			return fmt.Sprintf("field %d holds text past the header's last named column (%d): a delimiter too many, the row would be read shifted", i+1, width), v
		}
	}
	return "", ""
}

// Aligned refuses a table of delimited text with a record that does not
// line up with its header (see Misaligned): for the files a person edits
// (meetings, narrative, rules), a row shifted by a delimiter too many, or
// cut short, would be read wrong. An error names the line.
func (t *Table) Aligned() error {
	if !t.Delimited {
		return nil
	}
	width := t.Width()
	for i, rec := range t.Records {
		field := func(k int) string { return strings.TrimSpace(rec[k]) }
		if why, _ := Misaligned(len(rec), width, field); why != "" {
			return &InputError{File: t.File, Line: t.Lines[i], Msg: why + " (quote a field that holds the delimiter)"}
		}
	}
	return nil
}
