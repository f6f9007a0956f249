package input

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// A minimal writer of legacy .xls workbooks (an OLE2 compound file holding a
// BIFF8 Workbook stream), for the tests: the records the reader reads, laid
// out as Excel writes them, shared strings split over CONTINUE records.

// xlsBook is a workbook to write.
type xlsBook struct {
	date1904 bool
	sst      []string
	sstPart  int // the most bytes of an SST record or CONTINUE part (0: 8224)
	sheets   []xlsSheet
	// globals are raw records written after the BOF of the globals.
	globals [][]byte
	bofVers uint16 // 0: 0x0600 (BIFF8)
	stream  string // the stream's name; "": Workbook
}

type xlsSheet struct {
	name  string
	cells [][]byte // records
	kind  byte     // 0 worksheet, 2 chart
}

// Cell XF indexes of the books written: General, a date (format 14),
// a date and time (custom format 164).
const (
	xfGeneral  = 0
	xfDate     = 1
	xfDateTime = 2
)

func le16(b []byte, v uint16) []byte { return binary.LittleEndian.AppendUint16(b, v) }
func le32(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }

func record(typ uint16, data []byte) []byte {
	return append(le16(le16(nil, typ), uint16(len(data))), data...)
}

func cellHead(row, col, xf int) []byte {
	return le16(le16(le16(nil, uint16(row)), uint16(col)), uint16(xf))
}

// xlString is an XLUnicodeString: UTF-16 when it needs to, else one byte a
// character.
func xlString(s string, short bool) []byte {
	units := utf16.Encode([]rune(s))
	var b []byte
	if short {
		b = []byte{byte(len(units))}
	} else {
		b = le16(nil, uint16(len(units)))
	}
	return appendChars(b, units)
}

func appendChars(b []byte, units []uint16) []byte {
	high := slices.ContainsFunc(units, func(u uint16) bool { return u > 0xFF })
	if !high {
		b = append(b, 0)
		for _, u := range units {
			b = append(b, byte(u))
		}
		return b
	}
	b = append(b, 1)
	for _, u := range units {
		b = le16(b, u)
	}
	return b
}

func labelSST(row, col, i int) []byte {
	return record(recLabelSST, le32(cellHead(row, col, xfGeneral), uint32(i)))
}

func label(row, col int, s string) []byte {
	return record(recLabel, append(cellHead(row, col, xfGeneral), xlString(s, false)...))
}

func number(row, col, xf int, v float64) []byte {
	return record(recNumber, binary.LittleEndian.AppendUint64(cellHead(row, col, xf), math.Float64bits(v)))
}

func rkInt(v int32, div100 bool) uint32 {
	r := uint32(v)<<2 | 2
	if div100 {
		r |= 1
	}
	return r
}

func rkRecord(row, col, xf int, rk uint32) []byte {
	return record(recRK, le32(cellHead(row, col, xf), rk))
}

func mulRK(row, col int, rks ...uint32) []byte {
	b := le16(le16(nil, uint16(row)), uint16(col))
	for _, r := range rks {
		b = le32(le16(b, xfGeneral), r)
	}
	return record(recMulRK, le16(b, uint16(col+len(rks)-1)))
}

func boolErrRecord(row, col int, v byte, isErr bool) []byte {
	e := byte(0)
	if isErr {
		e = 1
	}
	return record(recBoolErr, append(cellHead(row, col, xfGeneral), v, e))
}

// formula writes a formula cell (its parsed expression left empty) with
// the cached result: a number, or a string in the STRING record after it.
func formula(row, col int, result any) []byte {
	b := cellHead(row, col, xfGeneral)
	var str []byte
	switch v := result.(type) {
	case float64:
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	case string:
		b = append(b, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF)
		str = record(recString, xlString(v, false))
	case bool:
		x := byte(0)
		if v {
			x = 1
		}
		b = append(b, 1, 0, x, 0, 0, 0, 0xFF, 0xFF)
	}
	b = le16(b, 0) // grbit
	b = le32(b, 0) // chn
	b = le16(b, 0) // cce: an empty expression
	return append(record(recFormula, b), str...)
}

func bof(vers, kind uint16) []byte {
	b := le16(le16(nil, vers), kind)
	b = le16(le16(b, 0x0DBB), 0x07CC)
	b = le32(le32(b, 0), 0x06)
	return record(recBOF, b)
}

// sstRecords writes the shared strings as Excel does: a string's header is
// never split, its characters may be, and a CONTINUE part that starts
// inside them starts with the flags byte of the characters that follow
// (one byte each when they all fit, which is how Excel switches). Every
// third string carries a formatting run, every fifth phonetic data.
func sstRecords(strs []string, part int) []byte {
	if part == 0 {
		part = 8224
	}
	var parts [][]byte
	cur := le32(le32(nil, uint32(len(strs))), uint32(len(strs)))
	flush := func() {
		parts = append(parts, cur)
		cur = nil
	}
	for i, s := range strs {
		units := utf16.Encode([]rune(s))
		high := slices.ContainsFunc(units, func(u uint16) bool { return u > 0xFF })
		flags := byte(0)
		if high {
			flags |= 1
		}
		rich, ext := i%3 == 1, i%5 == 4
		head := le16(nil, uint16(len(units)))
		if rich {
			flags |= 0x08
		}
		if ext {
			flags |= 0x04
		}
		head = append(head, flags)
		if rich {
			head = le16(head, 1)
		}
		if ext {
			head = le32(head, 6)
		}
		if len(cur)+len(head) > part {
			flush()
		}
		cur = append(cur, head...)
		for k, u := range units {
			w := 1
			if high {
				w = 2
			}
			if len(cur)+w > part {
				flush()
				high = slices.ContainsFunc(units[k:], func(u uint16) bool { return u > 0xFF })
				if high {
					cur, w = []byte{1}, 2
				} else {
					cur, w = []byte{0}, 1
				}
			}
			if w == 2 {
				cur = le16(cur, u)
			} else {
				cur = append(cur, byte(u))
			}
		}
		// Runs and phonetic data may be split anywhere, with no flags byte.
		var tail []byte
		if rich {
			tail = append(tail, 0, 0, 1, 0)
		}
		if ext {
			tail = append(tail, 1, 2, 3, 4, 5, 6)
		}
		for _, t := range tail {
			if len(cur)+1 > part {
				flush()
			}
			cur = append(cur, t)
		}
	}
	flush()
	out := record(recSST, parts[0])
	for _, p := range parts[1:] {
		out = append(out, record(recContinue, p)...)
	}
	return out
}

// bytes writes the workbook as an .xls file.
func (bk xlsBook) bytes() []byte {
	vers := cmpOr(bk.bofVers, 0x0600)
	var g []byte
	g = append(g, bof(vers, 0x0005)...)
	for _, r := range bk.globals {
		g = append(g, r...)
	}
	if bk.date1904 {
		g = append(g, record(recDateMode, le16(nil, 1))...)
	}
	g = append(g, record(recFormat, append(le16(nil, 164), xlString("dd/mm/yyyy hh:mm", false)...))...)
	for _, f := range []uint16{0, 14, 164} {
		g = append(g, record(recXF, append(le16(le16(nil, 0), f), make([]byte, 16)...))...)
	}
	var patches []int // where each sheet's offset goes
	for _, s := range bk.sheets {
		patches = append(patches, len(g)+4)
		g = append(g, record(recBoundSheet, append(append(le32(nil, 0), 0, s.kind), xlString(s.name, true)...))...)
	}
	if bk.sst != nil {
		g = append(g, sstRecords(bk.sst, bk.sstPart)...)
	}
	g = append(g, record(recEOF, nil)...)
	for i, s := range bk.sheets {
		binary.LittleEndian.PutUint32(g[patches[i]:], uint32(len(g)))
		g = append(g, bof(vers, 0x0010)...)
		for _, c := range s.cells {
			g = append(g, c...)
		}
		g = append(g, record(recEOF, nil)...)
	}
	return compoundFile(cmpOr(bk.stream, "Workbook"), g)
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// compoundFile writes an OLE2 compound file (version 3, 512-byte sectors)
// holding one stream: sector 0 the FAT, 1 the directory, then the stream,
// at least 4096 bytes (smaller ones would go to the mini stream).
func compoundFile(name string, stream []byte) []byte {
	const sector = 512
	const endOfChain, freeSect, fatSect, noStream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
	size := len(stream)
	if len(stream) < 4096 {
		stream = append(stream, make([]byte, 4096-len(stream))...)
		size = 4096
	}
	n := (len(stream) + sector - 1) / sector
	if n+2 > sector/4 {
		panic("compoundFile: a stream of more than one FAT sector")
	}
	h := []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	h = append(h, make([]byte, 16)...)           // CLSID
	h = le16(le16(le16(h, 0x3E), 3), 0xFFFE)     // minor, major, byte order
	h = le16(le16(h, 9), 6)                      // sector and mini sector shifts
	h = append(h, make([]byte, 6)...)            // reserved
	h = le32(le32(le32(le32(h, 0), 1), 1), 0)    // directory sectors, FAT sectors, first directory sector, transaction
	h = le32(le32(le32(h, 4096), endOfChain), 0) // mini stream cutoff, first mini FAT sector, mini FAT sectors
	h = le32(le32(h, endOfChain), 0)             // first DIFAT sector, DIFAT sectors
	h = le32(h, 0)                               // DIFAT[0]: the FAT is sector 0
	for len(h) < sector {
		h = le32(h, freeSect)
	}
	fat := le32(le32(nil, fatSect), endOfChain)
	for i := range n {
		if i == n-1 {
			fat = le32(fat, endOfChain)
		} else {
			fat = le32(fat, uint32(3+i))
		}
	}
	for len(fat) < sector {
		fat = le32(fat, freeSect)
	}
	entry := func(name string, typ byte, child, start uint32, size int) []byte {
		e := make([]byte, 128)
		units := utf16.Encode([]rune(name))
		for i, u := range units {
			binary.LittleEndian.PutUint16(e[2*i:], u)
		}
		if name != "" {
			binary.LittleEndian.PutUint16(e[64:], uint16(2*len(units)+2))
		}
		e[66], e[67] = typ, 1
		binary.LittleEndian.PutUint32(e[68:], noStream)
		binary.LittleEndian.PutUint32(e[72:], noStream)
		binary.LittleEndian.PutUint32(e[76:], child)
		binary.LittleEndian.PutUint32(e[116:], start)
		binary.LittleEndian.PutUint64(e[120:], uint64(size))
		return e
	}
	dir := entry("Root Entry", 5, 1, endOfChain, 0)
	dir = append(dir, entry(name, 2, noStream, 2, size)...)
	dir = append(dir, entry("", 0, noStream, 0, 0)...)
	dir = append(dir, entry("", 0, noStream, 0, 0)...)
	out := append(append(h, fat...), dir...)
	out = append(out, stream...)
	return append(out, make([]byte, n*sector-len(stream))...)
}

// testBook is a form's two sheets with every kind of cell.
func testBook() xlsBook {
	return xlsBook{
		sst: []string{"type", "name", "label::Français (fr)", "select_one ville", "ville", "Ville ?", "العيون", "Laâyoune", ""},
		sheets: []xlsSheet{
			{name: "survey", cells: [][]byte{
				labelSST(0, 0, 0), labelSST(0, 1, 1), labelSST(0, 2, 2), label(0, 3, "n"),
				labelSST(1, 0, 3), labelSST(1, 1, 4), labelSST(1, 2, 5), rkRecord(1, 3, xfGeneral, rkInt(42, false)),
				// row 3 (index 2) is missing, row 4 holds only an empty string: both skipped.
				labelSST(3, 1, 8),
				// Row 5's cells out of order, with a gap.
				number(4, 4, xfGeneral, 2.5), label(4, 0, "integer"), number(4, 1, xfGeneral, 123456789012),
				rkRecord(4, 2, xfGeneral, rkInt(1234, true)),
				mulRK(5, 0, rkInt(1, false), rkInt(-7, false), rkInt(5, true)),
				number(6, 0, xfDate, 45366), number(6, 1, xfDateTime, 45366.5625), number(6, 2, xfGeneral, 1e-7),
				number(6, 3, xfGeneral, 1e22), number(6, 4, xfGeneral, math.Copysign(0, -1)),
				boolErrRecord(7, 0, 1, false), boolErrRecord(7, 1, 0, false), boolErrRecord(7, 2, 0x2A, true),
				formula(7, 3, "calculé"), formula(7, 4, 7.0), formula(7, 5, true),
			}},
			{name: "chart", kind: 2},
			{name: "choices", cells: [][]byte{
				labelSST(0, 0, 4), labelSST(0, 1, 6),
				labelSST(1, 0, 7), labelSST(1, 1, 6),
			}},
		},
	}
}

func readBook(t *testing.T, bk xlsBook) []*Table {
	t.Helper()
	ts, err := ReadTables("form.xls", bytes.NewReader(bk.bytes()), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// TestXLSCells: every kind of cell of a BIFF8 workbook as text, the
// worksheets in workbook order (a chart sheet left out), row numbers kept,
// empty rows skipped.
func TestXLSCells(t *testing.T) {
	ts := readBook(t, testBook())
	if len(ts) != 2 || ts[0].File != "form.xls[survey]" || ts[1].File != "form.xls[choices]" {
		t.Fatalf("tables %v", tableNames(ts))
	}
	s := ts[0]
	if want := []string{"type", "name", "label::Français (fr)", "n"}; !slices.Equal(s.Header, want) || s.HeaderLine != 1 {
		t.Errorf("header %q at %d", s.Header, s.HeaderLine)
	}
	want := [][]string{
		{"select_one ville", "ville", "Ville ?", "42"},
		{"integer", "123456789012", "12.34", "", "2.5"},
		{"1", "-7", "0.05"},
		{"2024-03-15", "2024-03-15 13:30:00", "1e-07", "1e+22", "0"},
		{"TRUE", "FALSE", "#N/A", "calculé", "7", "TRUE"},
	}
	if len(s.Records) != len(want) {
		t.Fatalf("records %q", s.Records)
	}
	for i := range want {
		if !slices.Equal(s.Records[i], want[i]) {
			t.Errorf("record %d: %q, want %q", i, s.Records[i], want[i])
		}
	}
	if wantLines := []int{2, 5, 6, 7, 8}; !slices.Equal(s.Lines, wantLines) {
		t.Errorf("lines %v, want %v", s.Lines, wantLines)
	}
	c := ts[1]
	if !slices.Equal(c.Header, []string{"ville", "العيون"}) || len(c.Records) != 1 || !slices.Equal(c.Records[0], []string{"Laâyoune", "العيون"}) {
		t.Errorf("choices %q %q", c.Header, c.Records)
	}
	if got := SheetNamed(ts, "form.xls", "CHOICES"); got != c {
		t.Errorf("SheetNamed: %v", got)
	}
}

func tableNames(ts []*Table) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.File)
	}
	return out
}

// TestXLSDate1904: a workbook in the 1904 date system gives the same dates.
func TestXLSDate1904(t *testing.T) {
	bk := xlsBook{date1904: true, sheets: []xlsSheet{{name: "s", cells: [][]byte{
		label(0, 0, "date"), number(1, 0, xfDate, 45366-1462),
	}}}}
	ts := readBook(t, bk)
	if got := ts[0].Records[0][0]; got != "2024-03-15" {
		t.Errorf("1904 date: %q", got)
	}
}

// TestXLSSharedStringsContinue: shared strings split over CONTINUE records
// at every byte, inside characters (switching between one and two bytes a
// character), formatting runs and phonetic data, read back the same.
func TestXLSSharedStringsContinue(t *testing.T) {
	strs := []string{"type", "Laâyoune", "العيون – Laâyoune", "abc", "ﺍﻟﻌﻴﻮﻥ", "x", strings.Repeat("long é ", 40), "é", "", "😀 surrogate pair"}
	var cells [][]byte
	for i := range strs {
		cells = append(cells, labelSST(i, 0, i), label(i, 1, "k"))
	}
	for part := 9; part <= 64; part++ {
		bk := xlsBook{sst: strs, sstPart: part, sheets: []xlsSheet{{name: "s", cells: cells}}}
		ts := readBook(t, bk)
		got := []string{ts[0].Header[0]}
		for _, r := range ts[0].Records {
			got = append(got, r[0])
		}
		if !slices.Equal(got, strs) {
			t.Fatalf("parts of %d bytes: %q", part, got)
		}
	}
}

// TestXLSRefused: a file that is not a readable BIFF8 workbook is an
// InputError naming the file that says what to do, never a crash.
func TestXLSRefused(t *testing.T) {
	good := testBook().bytes()
	defer func(n int) { MaxXLSCells = n }(MaxXLSCells)
	cases := []struct {
		name string
		data func() []byte
		want string
	}{
		{"truncated", func() []byte { return good[:len(good)/2] }, "save it as .xlsx"},
		{"only the signature", func() []byte { return cfbSignature }, "save it as .xlsx"},
		{"garbage container", func() []byte {
			return append(slices.Clone(cfbSignature), bytes.Repeat([]byte{0xFF}, 2000)...)
		}, "damaged"},
		{"stream cut", func() []byte {
			bk := testBook()
			return compoundFile("Workbook", bk.bytes()[1536:1536+600])
		}, "truncated"},
		{"encrypted", func() []byte {
			bk := testBook()
			bk.globals = [][]byte{record(recFilePass, []byte{1, 0})}
			return bk.bytes()
		}, "password"},
		{"Excel 95", func() []byte {
			bk := testBook()
			bk.bofVers = 0x0500
			return bk.bytes()
		}, "Excel 5.0/95"},
		{"Excel 95 stream", func() []byte {
			bk := testBook()
			bk.stream = "Book"
			return bk.bytes()
		}, "Excel 5.0/95"},
		{"a Word file", func() []byte {
			bk := testBook()
			bk.stream = "WordDocument"
			return bk.bytes()
		}, "not an Excel workbook"},
		{"missing shared string", func() []byte {
			bk := testBook()
			bk.sheets[0].cells = append(bk.sheets[0].cells, labelSST(9, 0, 99))
			return bk.bytes()
		}, `sheet "survey": row 10: shared string 99 does not exist`},
		{"cell cut short", func() []byte {
			bk := testBook()
			bk.sheets[2].cells = append(bk.sheets[2].cells, record(recNumber, []byte{1, 0, 0}))
			return bk.bytes()
		}, `sheet "choices": a cell's record (type 0x0203) is cut short`},
		{"too many cells", func() []byte {
			MaxXLSCells = 20
			return testBook().bytes()
		}, "more than 20 cells"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			MaxXLSCells = 65536 * 256
			data := c.data()
			_, err := ReadTables("form.xls", bytes.NewReader(data), ReadOptions{})
			if !IsInputError(err) || !strings.HasPrefix(err.Error(), "form.xls: cannot read the .xls workbook") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an InputError with %q", err, c.want)
			}
		})
	}
}

// TestXLSEveryPrefix: a workbook cut at any byte is refused or read, never
// a crash.
func TestXLSEveryPrefix(t *testing.T) {
	good := testBook().bytes()
	for n := range len(good) {
		if _, err := readXLS(good[:n]); err == nil {
			t.Errorf("cut at %d of %d: no error", n, len(good))
		}
	}
}

// TestXLSWild reads the legacy forms of shared/data/wild (skipped when
// absent): every sheet, the French text of a Kobo form intact.
func TestXLSWild(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "data", "wild")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.xls"))
	if len(files) == 0 {
		t.Skip("no ../shared/data/wild")
	}
	sheets := map[string][]string{
		"tutorial.xls":                         {"survey", "choices"},
		"widgets.xls":                          {"survey", "choices", "settings"},
		"cascading_select_test_equivalent.xls": {"survey", "choices", "settings"},
		"ict_survey_fails.xls":                 {"survey", "choices", "Sheet3"},
		"questionnaires_Abidjan_2022.xls":      {"survey", "choices"},
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		ts, err := ReadTables(name, bytes.NewReader(data), ReadOptions{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var got []string
		for _, tb := range ts {
			got = append(got, strings.TrimSuffix(strings.TrimPrefix(tb.File, name+"["), "]"))
		}
		if want, ok := sheets[name]; ok && !slices.Equal(got, want) {
			t.Errorf("%s: sheets %q, want %q", name, got, want)
		}
		if name == "questionnaires_Abidjan_2022.xls" {
			c := SheetNamed(ts, name, "choices")
			if len(c.Records) != 258 || !strings.HasPrefix(c.Records[0][2], "Je (l'enquêteur) confirme") {
				t.Errorf("%s: choices %d rows, first %q", name, len(c.Records), c.Records[0])
			}
		}
	}
}

// FuzzXLS: any bytes after the OLE2 signature are read or refused with an
// InputError, never a crash, in bounded memory (MaxXLSCells small here);
// a table read has rows in order and no blank one.
func FuzzXLS(f *testing.F) {
	good := testBook().bytes()
	f.Add(good)
	f.Add(good[:len(good)-3000])
	bk := testBook()
	bk.sstPart = 11
	f.Add(bk.bytes())
	f.Add(cfbSignature)
	defer func(n int) { MaxXLSCells = n }(MaxXLSCells)
	MaxXLSCells = 1 << 16
	f.Fuzz(func(t *testing.T, data []byte) {
		if !IsXLS(data) {
			data = append(slices.Clone(cfbSignature), data...)
		}
		ts, err := ReadTables("fuzz.xls", bytes.NewReader(data), ReadOptions{})
		if err != nil {
			if !IsInputError(err) {
				t.Fatalf("not an InputError: %v", err)
			}
			return
		}
		for _, tb := range ts {
			for i, r := range tb.Records {
				if IsBlank(r) || tb.Lines[i] <= tb.HeaderLine || i > 0 && tb.Lines[i] <= tb.Lines[i-1] {
					t.Fatalf("%s: record %d at line %d: %q", tb.File, i, tb.Lines[i], r)
				}
			}
		}
	})
}
