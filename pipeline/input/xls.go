package input

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
)

// A legacy .xls workbook (Excel 97–2003, BIFF8) is an OLE2 compound file
// (read by mscfb) holding a "Workbook" stream of BIFF records: the
// workbook globals (sheets, shared strings, number formats), then one
// substream per sheet. Only what gives the cells' text is read: strings,
// numbers (dates by their cell's number format), booleans, errors and the
// cached results of formulas.

// MaxXLSCells is the most cells of a legacy workbook's sheets, counting the
// empty cells a row holds before its last one (a BIFF8 sheet has at most
// 65,536 rows of 256 columns: this is that size).
var MaxXLSCells = 65536 * 256

// cfbSignature starts every OLE2 compound file (.xls, .doc, .msg…).
var cfbSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// IsXLS reports whether data looks like a legacy .xls file (an OLE2
// compound file).
func IsXLS(data []byte) bool { return bytes.HasPrefix(data, cfbSignature) }

// legacyWorkbook is an Excel 97–2003 workbook: one table per worksheet.
type legacyWorkbook struct{}

func (legacyWorkbook) sniff(data []byte) bool { return IsXLS(data) }

func (legacyWorkbook) tables(file string, data []byte, _ ReadOptions) ([]*Table, error) {
	sheets, err := readXLS(data)
	if err != nil {
		return nil, &InputError{File: file, Msg: "cannot read the .xls workbook (Excel 97–2003)", Err: err}
	}
	return sheetTables(file, sheets)
}

// errSaveAsXLSX ends the messages of the workbooks this reader does not
// take.
const errSaveAsXLSX = "open it in Excel or LibreOffice and save it as .xlsx"

// readXLS reads every worksheet of a legacy workbook, in workbook order.
// A file the container reader cannot take, or that makes it panic, is an
// error, never a crash.
func readXLS(data []byte) (sheets []sheet, err error) {
	defer func() {
		if r := recover(); r != nil {
			sheets, err = nil, fmt.Errorf("not a readable .xls file (%v): %s", r, errSaveAsXLSX)
		}
	}()
	stream, err := workbookStream(data)
	if err != nil {
		return nil, err
	}
	return parseBIFF(stream)
}

// workbookStream returns the compound file's BIFF8 "Workbook" stream.
func workbookStream(data []byte) ([]byte, error) {
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not a readable .xls file (a damaged or truncated OLE2 container: %v): %s", err, errSaveAsXLSX)
	}
	var old bool
	for {
		f, err := doc.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not a readable .xls file (%v): %s", err, errSaveAsXLSX)
		}
		if len(f.Path) > 0 {
			continue // the stream is at the root
		}
		switch {
		case strings.EqualFold(f.Name, "Book"):
			old = true
		case strings.EqualFold(f.Name, "Workbook"):
			// A stream is made of the file's sectors: one that says it is
			// larger than the file lies (its sector chain loops).
			if f.Size <= 0 || f.Size > int64(len(data)) {
				return nil, fmt.Errorf("the Workbook stream says it holds %d bytes in a file of %d: a damaged file; %s", f.Size, len(data), errSaveAsXLSX)
			}
			buf := make([]byte, f.Size)
			if _, err := io.ReadFull(f, buf); err != nil {
				return nil, fmt.Errorf("the Workbook stream cannot be read (%v): a damaged file; %s", err, errSaveAsXLSX)
			}
			return buf, nil
		}
	}
	if old {
		return nil, fmt.Errorf("an Excel 5.0/95 workbook or older: only Excel 97–2003 .xls files are read; %s", errSaveAsXLSX)
	}
	return nil, fmt.Errorf("an OLE2 file without a Workbook stream: not an Excel workbook (a Word or Outlook file?); %s", errSaveAsXLSX)
}

// BIFF8 record types read here.
const (
	recFormula    = 0x0006
	recEOF        = 0x000A
	recDateMode   = 0x0022
	recFilePass   = 0x002F
	recContinue   = 0x003C
	recBoundSheet = 0x0085
	recMulRK      = 0x00BD
	recXF         = 0x00E0
	recSST        = 0x00FC
	recLabelSST   = 0x00FD
	recNumber     = 0x0203
	recLabel      = 0x0204
	recBoolErr    = 0x0205
	recString     = 0x0207
	recRK         = 0x027E
	recFormat     = 0x041E
	recBOF        = 0x0809
	recRString    = 0x00D6
)

// biffRecord is a record with the data of the CONTINUE records after it.
type biffRecord struct {
	typ   uint16
	parts [][]byte
}

// records returns the records of the substream that starts at offset,
// up to its EOF record.
func records(stream []byte, offset int) ([]biffRecord, error) {
	var out []biffRecord
	pos := offset
	for {
		if pos+4 > len(stream) {
			return nil, fmt.Errorf("the Workbook stream ends at byte %d, before the end of a sheet or of the globals (a truncated file)", len(stream))
		}
		typ := binary.LittleEndian.Uint16(stream[pos:])
		n := int(binary.LittleEndian.Uint16(stream[pos+2:]))
		pos += 4
		if pos+n > len(stream) {
			return nil, fmt.Errorf("a record at byte %d runs past the end of the Workbook stream (a truncated file)", pos-4)
		}
		data := stream[pos : pos+n]
		pos += n
		if len(out) == 0 && typ != recBOF {
			return nil, fmt.Errorf("no BOF record at byte %d: not a BIFF8 substream", offset)
		}
		if typ == recContinue && len(out) > 0 {
			last := &out[len(out)-1]
			last.parts = append(last.parts, data)
			continue
		}
		out = append(out, biffRecord{typ: typ, parts: [][]byte{data}})
		if typ == recEOF {
			return out, nil
		}
	}
}

// cursor reads a record's data across its CONTINUE parts. Past the end it
// gives zeros and sets failed; callers check failed once.
type cursor struct {
	parts  [][]byte
	i, off int
	failed bool
}

func (c *cursor) next() bool {
	for c.i < len(c.parts) && c.off >= len(c.parts[c.i]) {
		if c.i+1 >= len(c.parts) {
			return false
		}
		c.i, c.off = c.i+1, 0
	}
	return c.i < len(c.parts)
}

func (c *cursor) u8() byte {
	if c.failed || !c.next() {
		c.failed = true
		return 0
	}
	b := c.parts[c.i][c.off]
	c.off++
	return b
}

func (c *cursor) u16() uint16 { return uint16(c.u8()) | uint16(c.u8())<<8 }

func (c *cursor) u32() uint32 { return uint32(c.u16()) | uint32(c.u16())<<16 }

// skip passes n bytes (formatting runs, phonetic data), across parts.
func (c *cursor) skip(n int) {
	for n > 0 && !c.failed {
		if !c.next() {
			c.failed = true
			return
		}
		k := min(n, len(c.parts[c.i])-c.off)
		c.off += k
		n -= k
	}
}

// chars reads n characters, one byte (Latin-1) or two (UTF-16) each as
// high says; where a CONTINUE part starts inside the characters, its first
// byte says again which.
func (c *cursor) chars(n int, high bool) string {
	units := make([]uint16, 0, min(n, 1024))
	for n > 0 && !c.failed {
		if c.i < len(c.parts) && c.off >= len(c.parts[c.i]) {
			if c.i+1 >= len(c.parts) {
				c.failed = true
				break
			}
			c.i, c.off = c.i+1, 0
			high = c.u8()&1 != 0
			continue
		}
		if high {
			units = append(units, c.u16())
		} else {
			units = append(units, uint16(c.u8()))
		}
		n--
	}
	return string(utf16.Decode(units))
}

// unicodeString reads an XLUnicodeString (a 16-bit count) or, short, a
// ShortXLUnicodeString (an 8-bit count).
func (c *cursor) unicodeString(short bool) string {
	var n int
	if short {
		n = int(c.u8())
	} else {
		n = int(c.u16())
	}
	flags := c.u8()
	return c.chars(n, flags&1 != 0)
}

// richString reads an XLUnicodeRichExtendedString (the shared strings).
func (c *cursor) richString() string {
	n := int(c.u16())
	flags := c.u8()
	var runs, ext int
	if flags&0x08 != 0 {
		runs = int(c.u16())
	}
	if flags&0x04 != 0 {
		ext = int(c.u32())
	}
	s := c.chars(n, flags&1 != 0)
	c.skip(4 * runs)
	c.skip(ext)
	return s
}

// globals is what the workbook globals say about the sheets' cells.
type globals struct {
	sheets []boundSheet
	sst    []string
	dates  []bool // per XF index: a date or time number format
	date04 bool   // the 1904 date system
}

type boundSheet struct {
	name   string
	offset int
}

// parseBIFF reads the globals, then every worksheet.
func parseBIFF(stream []byte) ([]sheet, error) {
	recs, err := records(stream, 0)
	if err != nil {
		return nil, err
	}
	var g globals
	formats := map[uint16]bool{} // custom number format → date
	var xfFormats []uint16
	for i, r := range recs {
		c := &cursor{parts: r.parts}
		switch r.typ {
		case recBOF:
			if i > 0 {
				continue
			}
			vers, kind := c.u16(), c.u16()
			if vers != 0x0600 {
				return nil, fmt.Errorf("a BIFF version %#04x workbook (Excel 5.0/95 or older): only Excel 97–2003 .xls files are read; %s", vers, errSaveAsXLSX)
			}
			if kind != 0x0005 {
				return nil, fmt.Errorf("the Workbook stream starts with a substream of kind %#04x, not the workbook globals: %s", kind, errSaveAsXLSX)
			}
		case recFilePass:
			return nil, fmt.Errorf("the workbook is protected by a password (encrypted): remove the password, then %s", errSaveAsXLSX)
		case recDateMode:
			g.date04 = c.u16() == 1
		case recFormat:
			id := c.u16()
			formats[id] = isDateFormat(c.unicodeString(false))
		case recXF:
			c.u16() // font
			xfFormats = append(xfFormats, c.u16())
		case recBoundSheet:
			offset := int(c.u32())
			c.u8() // visibility: hidden sheets are read too, as in XLSX
			kind := c.u8()
			name := c.unicodeString(true)
			if c.failed {
				return nil, fmt.Errorf("a sheet's record (BOUNDSHEET) is cut short: a damaged file")
			}
			if kind == 0 { // a worksheet; not a chart, macro or VBA module
				g.sheets = append(g.sheets, boundSheet{name: name, offset: offset})
			}
		case recSST:
			c.u32() // total count
			unique := int(c.u32())
			// A string takes at least 3 bytes: the count cannot make a
			// larger table than the record holds.
			size := 0
			for _, p := range r.parts {
				size += len(p)
			}
			g.sst = make([]string, 0, min(unique, size/3))
			for range unique {
				s := c.richString()
				if c.failed {
					return nil, fmt.Errorf("the shared string table holds %d strings where it says %d: a damaged file", len(g.sst), unique)
				}
				g.sst = append(g.sst, s)
			}
		}
		if c.failed {
			return nil, fmt.Errorf("a record of type %#04x in the workbook globals is cut short: a damaged file", r.typ)
		}
	}
	g.dates = make([]bool, len(xfFormats))
	for i, id := range xfFormats {
		if d, ok := formats[id]; ok {
			g.dates[i] = d
		} else {
			g.dates[i] = (id >= 14 && id <= 22) || (id >= 45 && id <= 47)
		}
	}
	var out []sheet
	cells := 0
	for _, bs := range g.sheets {
		sh, n, err := parseBIFFSheet(stream, bs.offset, &g, MaxXLSCells-cells)
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", bs.name, err)
		}
		cells += n
		sh.name = bs.name
		out = append(out, sh)
	}
	return out, nil
}

// biffCell is a cell's text at its (0-based) row and column.
type biffCell struct {
	row, col int
	text     string
}

// parseBIFFSheet reads the cells of the worksheet substream at offset into
// rows, refusing more than budget cells; it returns the cells it made.
func parseBIFFSheet(stream []byte, offset int, g *globals, budget int) (sheet, int, error) {
	var sh sheet
	if offset < 0 || offset >= len(stream) {
		return sh, 0, fmt.Errorf("its data would start at byte %d of a Workbook stream of %d (a truncated or damaged file)", offset, len(stream))
	}
	recs, err := records(stream, offset)
	if err != nil {
		return sh, 0, err
	}
	var cells []biffCell
	pending := -1 // the formula cell whose string result the next STRING record holds
	for _, r := range recs {
		c := &cursor{parts: r.parts}
		switch r.typ {
		case recLabelSST:
			row, col, _ := int(c.u16()), int(c.u16()), c.u16()
			i := int(c.u32())
			if c.failed {
				break
			}
			if i >= len(g.sst) {
				return sh, 0, fmt.Errorf("row %d: shared string %d does not exist (the table holds %d)", row+1, i, len(g.sst))
			}
			cells = append(cells, biffCell{row, col, g.sst[i]})
		case recLabel, recRString:
			row, col, _ := int(c.u16()), int(c.u16()), c.u16()
			cells = append(cells, biffCell{row, col, c.unicodeString(false)})
		case recNumber:
			row, col, xf := int(c.u16()), int(c.u16()), c.u16()
			v := math.Float64frombits(uint64(c.u32()) | uint64(c.u32())<<32)
			cells = append(cells, biffCell{row, col, g.number(v, xf)})
		case recRK:
			row, col, xf := int(c.u16()), int(c.u16()), c.u16()
			cells = append(cells, biffCell{row, col, g.number(rk(c.u32()), xf)})
		case recMulRK:
			row, col := int(c.u16()), int(c.u16())
			// Each cell is 6 bytes; the record ends with its last column.
			size := 0
			for _, p := range r.parts {
				size += len(p)
			}
			for k := 0; k < (size-6)/6; k++ {
				xf := c.u16()
				cells = append(cells, biffCell{row, col + k, g.number(rk(c.u32()), xf)})
			}
			c.u16()
		case recBoolErr:
			row, col, _ := int(c.u16()), int(c.u16()), c.u16()
			v, isErr := c.u8(), c.u8() == 1
			cells = append(cells, biffCell{row, col, boolErr(v, isErr)})
		case recFormula:
			row, col, xf := int(c.u16()), int(c.u16()), c.u16()
			var val [8]byte
			for k := range val {
				val[k] = c.u8()
			}
			if c.failed {
				break
			}
			pending = -1
			if val[6] != 0xFF || val[7] != 0xFF {
				cells = append(cells, biffCell{row, col, g.number(math.Float64frombits(binary.LittleEndian.Uint64(val[:])), xf)})
				break
			}
			switch val[0] {
			case 0: // a string, in the STRING record that follows
				pending = len(cells)
				cells = append(cells, biffCell{row, col, ""})
			case 1:
				cells = append(cells, biffCell{row, col, boolErr(val[2], false)})
			case 2:
				cells = append(cells, biffCell{row, col, boolErr(val[2], true)})
			}
		case recString:
			s := c.unicodeString(false)
			if pending >= 0 && !c.failed {
				cells[pending].text = s
			}
			pending = -1
		}
		if c.failed {
			return sh, 0, fmt.Errorf("a cell's record (type %#04x) is cut short: a damaged file", r.typ)
		}
		if len(cells) > budget {
			return sh, 0, errXLSCells()
		}
	}
	// Cells come row by row, but nothing requires it: sort them (stably,
	// so that a cell written twice keeps its last value).
	slices.SortStableFunc(cells, func(a, b biffCell) int {
		return cmp.Or(cmp.Compare(a.row, b.row), cmp.Compare(a.col, b.col))
	})
	// Count the rows' cells, empty ones before the last included, before
	// making any.
	n := 0
	for i, c := range cells {
		if c.col >= maxColumns {
			return sh, 0, fmt.Errorf("row %d: a cell in column %d, past the last (%d)", c.row+1, c.col+1, maxColumns)
		}
		if i+1 == len(cells) || cells[i+1].row != c.row {
			n += c.col + 1
		}
	}
	if n > budget {
		return sh, 0, errXLSCells()
	}
	for i := 0; i < len(cells); {
		j := i
		for j < len(cells) && cells[j].row == cells[i].row {
			j++
		}
		row := make([]string, cells[j-1].col+1)
		for _, c := range cells[i:j] {
			row[c.col] = c.text
		}
		if !IsBlank(row) {
			if len(sh.rows) >= MaxSheetRows {
				return sh, 0, fmt.Errorf("more than %d rows, the limit (split the file, or export CSV)", MaxSheetRows)
			}
			sh.rows = append(sh.rows, row)
			sh.lines = append(sh.lines, cells[i].row+1)
		}
		i = j
	}
	return sh, n, nil
}

func errXLSCells() error {
	return fmt.Errorf("more than %d cells, the most an .xls workbook holds (a damaged file?)", MaxXLSCells)
}

// rk decodes an RK number: a 30-bit integer or the high bits of a float64,
// divided by 100 when its low bit says so.
func rk(v uint32) float64 {
	var f float64
	if v&2 != 0 {
		f = float64(int32(v) >> 2)
	} else {
		f = math.Float64frombits(uint64(v&^3) << 32)
	}
	if v&1 != 0 {
		f /= 100
	}
	return f
}

// number formats a cell's number as text: a date as serialDate does for
// XLSX when its number format is a date's, an integer without exponent,
// else the shortest text that reads back as the same number.
func (g *globals) number(v float64, xf uint16) string {
	if int(xf) < len(g.dates) && g.dates[xf] {
		if g.date04 {
			v += 1462 // days from 1900-01-00 (Excel's count) to 1904-01-01
		}
		return serialDate(v)
	}
	if v == 0 {
		return "0" // and not "-0"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e21 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// boolErr is a boolean's text as in XLSX (TRUE, FALSE) or an error's (#N/A…).
func boolErr(v byte, isErr bool) string {
	if !isErr {
		if v != 0 {
			return "TRUE"
		}
		return "FALSE"
	}
	switch v {
	case 0x00:
		return "#NULL!"
	case 0x07:
		return "#DIV/0!"
	case 0x0F:
		return "#VALUE!"
	case 0x17:
		return "#REF!"
	case 0x1D:
		return "#NAME?"
	case 0x24:
		return "#NUM!"
	case 0x2A:
		return "#N/A"
	}
	return "#ERROR!"
}
