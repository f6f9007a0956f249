package input

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"github.com/synthese-project/synthese/pipeline/input/xlsxtest"
	"io"
	"strings"
	"testing"
	"time"
)

func TestXLSXLimits(t *testing.T) {
	var big bytes.Buffer
	rows := [][]string{{"a", "b"}}
	for i := 0; i < 50; i++ {
		rows = append(rows, []string{fmt.Sprint(i), strings.Repeat("x", 40)})
	}
	if err := xlsxtest.WriteXLSX(&big, []xlsxtest.Sheet{xlsxtest.TextRows("s", rows)}); err != nil {
		t.Fatal(err)
	}
	defer func(b int64, r int) { MaxXLSXBytes, MaxSheetRows = b, r }(MaxXLSXBytes, MaxSheetRows)

	MaxSheetRows = 10
	_, err := ReadTables("big.xlsx", bytes.NewReader(big.Bytes()), ReadOptions{})
	if !IsInputError(err) || !strings.Contains(err.Error(), "more than 10 rows, the limit") {
		t.Errorf("row limit: err = %v", err)
	}
	MaxSheetRows = 1000
	MaxXLSXBytes = 2000
	_, err = ReadTables("big.xlsx", bytes.NewReader(big.Bytes()), ReadOptions{})
	if !IsInputError(err) || !strings.Contains(err.Error(), "uncompressed data, the limit") {
		t.Errorf("size limit: err = %v", err)
	}
	// A part whose header understates its size is still stopped at the limit.
	var lying bytes.Buffer
	zw := zip.NewWriter(&lying)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "xl/workbook.xml", Method: zip.Deflate, Modified: time.Unix(0, 0)})
	io.WriteString(w, "<workbook>"+strings.Repeat(" ", 5000)+"</workbook>")
	zw.Close()
	data := lying.Bytes()
	// Patch the central directory's uncompressed size (offset 24 of its entry) to 1 byte.
	cd := bytes.LastIndex(data, []byte("PK\x01\x02"))
	data[cd+24], data[cd+25], data[cd+26], data[cd+27] = 1, 0, 0, 0
	_, err = readXLSX(data)
	if err == nil || !strings.Contains(err.Error(), "the limit") && !strings.Contains(err.Error(), "zip") {
		t.Errorf("lying header: err = %v, want the limit (or zip's own size check)", err)
	}
}

func TestXLSXReadsDatesAndSparseRows(t *testing.T) {
	when := time.Date(2020, 11, 24, 10, 30, 0, 0, time.UTC)
	sh := xlsxtest.Sheet{Name: "data", Rows: [][]xlsxtest.Cell{
		{{Text: "when", Kind: 's'}, {Text: "n", Kind: 's'}, {Text: "", Kind: 's'}, {Text: "far", Kind: 's'}},
		{{Num: xlsxtest.ToSerial(when), Kind: 'd'}, {Num: 3.5, Kind: 'n'}, {Kind: 's'}, {Text: "x", Kind: 's'}},
		{{Num: xlsxtest.ToSerial(time.Date(2020, 12, 1, 0, 0, 0, 0, time.UTC)), Kind: 'd'}},
	}}
	var b bytes.Buffer
	if err := xlsxtest.WriteXLSX(&b, []xlsxtest.Sheet{sh, xlsxtest.TextRows("second", [][]string{{"z"}})}); err != nil {
		t.Fatal(err)
	}
	ts, err := ReadTables("f.xlsx", bytes.NewReader(b.Bytes()), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || ts[0].File != "f.xlsx[data]" || ts[1].File != "f.xlsx[second]" {
		t.Fatalf("sheets = %d (%v)", len(ts), ts)
	}
	got := fmt.Sprint(ts[0].Header, ts[0].Records, ts[0].Lines)
	want := "[when n  far] [[2020-11-24 10:30:00 3.5  x] [2020-12-01]] [2 3]"
	if got != want {
		t.Errorf("read %s, want %s", got, want)
	}
}

// FuzzReadTables: any bytes, as CSV or XLSX, never panic.
func FuzzReadTables(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n"))
	f.Add([]byte("\xff\xfea\x00;\x00b\x00\n\x00"))
	f.Add([]byte("\"a\"\"\";b\r\n\"x\ny\";z"))
	var b bytes.Buffer
	xlsxtest.WriteXLSX(&b, []xlsxtest.Sheet{xlsxtest.TextRows("s", [][]string{{"h1", "h2"}, {"v", ""}})})
	f.Add(b.Bytes())
	f.Add(testBook().bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, enc := range []Encoding{EncodingAuto, EncodingCP1252} {
			ReadTables("fuzz", bytes.NewReader(data), ReadOptions{Encoding: enc})
		}
	})
}

// FuzzCSVRoundTrip: records written by encoding/csv read back the same.
func FuzzCSVRoundTrip(f *testing.F) {
	f.Add("h1", "h2", "a,b", "c\nd", byte(','))
	f.Add("ville", "q1", "Laâyoune", "\"quoted\"", byte(';'))
	f.Fuzz(func(t *testing.T, h1, h2, v1, v2 string, comma byte) {
		for _, s := range []string{h1, h2, v1, v2} {
			if !validField(s) {
				return
			}
		}
		// A row of blank cells carries nothing and is skipped as blank, by design.
		if h1 == "" || h2 == "" || strings.TrimSpace(v1) == "" && strings.TrimSpace(v2) == "" || strings.TrimSpace(h1) != h1 || strings.TrimSpace(h2) != h2 {
			return
		}
		if comma != ',' && comma != ';' && comma != '\t' {
			comma = ','
		}
		// The delimiter is detected, so the property holds when it is not
		// ambiguous: no field holds another candidate delimiter.
		for _, s := range []string{h1, h2, v1, v2} {
			for _, d := range ",;\t" {
				if d != rune(comma) && strings.ContainsRune(s, d) {
					return
				}
			}
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Comma = rune(comma)
		w.WriteAll([][]string{{h1, h2}, {v1, v2}})
		ts, err := ReadTables("rt.csv", bytes.NewReader(buf.Bytes()), ReadOptions{})
		if err != nil {
			t.Fatalf("%q: %v", buf.String(), err)
		}
		tb := ts[0]
		if fmt.Sprint(tb.Header) != fmt.Sprint([]string{h1, h2}) || len(tb.Records) != 1 || fmt.Sprint(tb.Records[0]) != fmt.Sprint([]string{v1, v2}) {
			t.Fatalf("%q read back as %q %q", buf.String(), tb.Header, tb.Records)
		}
	})
}

// validField keeps fields a CSV file can carry and the header detection
// cannot confuse: valid UTF-8 without NUL or \r, not starting with a BOM.
func validField(s string) bool {
	return strings.ToValidUTF8(s, "") == s && !strings.ContainsAny(s, "\x00\r\uFEFF") && !strings.HasPrefix(s, "\ufeff")
}

// FuzzXLSXRoundTrip: text written to a workbook reads back the same.
func FuzzXLSXRoundTrip(f *testing.F) {
	f.Add("h", "Laâyoune", "a < b & \"c\"")
	f.Add("ville", "العيون", "  spaced  ")
	f.Fuzz(func(t *testing.T, h, v1, v2 string) {
		for _, s := range []string{h, v1, v2} {
			if !validField(s) || !xmlSafe(s) {
				return
			}
		}
		if strings.TrimSpace(h) == "" || strings.TrimSpace(h) != h || strings.TrimSpace(v1) == "" && strings.TrimSpace(v2) == "" {
			return
		}
		var b bytes.Buffer
		if err := xlsxtest.WriteXLSX(&b, []xlsxtest.Sheet{xlsxtest.TextRows("s", [][]string{{h, "x"}, {v1, v2}})}); err != nil {
			t.Fatal(err)
		}
		ts, err := ReadTables("rt.xlsx", bytes.NewReader(b.Bytes()), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		tb := ts[0]
		got := append([]string{}, tb.Records[0]...)
		for len(got) < 2 {
			got = append(got, "")
		}
		if tb.Header[0] != h || got[0] != v1 || got[1] != v2 {
			t.Fatalf("wrote %q %q %q, read %q %q", h, v1, v2, tb.Header, tb.Records)
		}
	})
}

// xmlSafe keeps characters XML 1.0 can hold.
func xmlSafe(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' || r == 0xFFFE || r == 0xFFFF {
			return false
		}
	}
	return true
}

// FuzzXLSX: the workbook reader on any bytes (seeded with workbooks, and
// parts of them mutated) never panics, and what it reads holds together:
// as many line numbers as rows, each line after the one before, no row
// wider than Excel allows.
func FuzzXLSX(f *testing.F) {
	for _, sheets := range [][]xlsxtest.Sheet{
		{xlsxtest.TextRows("s", [][]string{{"h1", "h2"}, {"v", ""}})},
		{xlsxtest.TextRows("a", [][]string{{"ville", "q1"}, {"oujda", "oui"}, {"", "non"}}), xlsxtest.TextRows("b", [][]string{{"x"}})},
		{{Name: "d", Rows: [][]xlsxtest.Cell{{{Text: "when"}}, {{Num: 44159.5, Kind: 'd'}, {Num: 3.5, Kind: 'n'}}}}},
	} {
		var b bytes.Buffer
		if err := xlsxtest.WriteXLSX(&b, sheets); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	// Small limits, so that a mutation that inflates a part costs little.
	defer func(b int64, r int) { MaxXLSXBytes, MaxSheetRows = b, r }(MaxXLSXBytes, MaxSheetRows)
	MaxXLSXBytes, MaxSheetRows = 1<<20, 10_000
	f.Fuzz(func(t *testing.T, data []byte) {
		sheets, err := readXLSX(data)
		if err != nil {
			return
		}
		for _, sh := range sheets {
			if len(sh.rows) != len(sh.lines) {
				t.Fatalf("sheet %q: %d rows, %d line numbers", sh.name, len(sh.rows), len(sh.lines))
			}
			for i, r := range sh.rows {
				if len(r) > maxColumns {
					t.Fatalf("sheet %q: a row of %d cells", sh.name, len(r))
				}
				if i > 0 && sh.lines[i] <= sh.lines[i-1] {
					t.Fatalf("sheet %q: line %d after line %d", sh.name, sh.lines[i], sh.lines[i-1])
				}
			}
		}
	})
}
