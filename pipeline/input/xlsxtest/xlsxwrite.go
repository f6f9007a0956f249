package xlsxtest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// xcell is a cell written by writeXLSX: text (shared string), a number, or
// a date (a serial number with a date format, as Excel and Kobo write them).
type Cell struct {
	Text string
	Num  float64
	Kind byte // 's' text, 'n' number, 'd' date
}

// Sheet is a worksheet to write: its name and its rows of cells.
type Sheet struct {
	Name string
	Rows [][]Cell
}

// TextRows makes a sheet of text cells from records.
func TextRows(name string, records [][]string) Sheet {
	sh := Sheet{Name: name}
	for _, rec := range records {
		row := make([]Cell, len(rec))
		for i, v := range rec {
			row[i] = Cell{Text: v, Kind: 's'}
		}
		sh.Rows = append(sh.Rows, row)
	}
	return sh
}

// ToSerial is the Excel serial date of t.
func ToSerial(t time.Time) float64 {
	return t.Sub(serialEpoch).Hours() / 24
}

func xmlText(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func colName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

// WriteXLSX writes a minimal, valid workbook; used to make the test corpus
// and to round-trip the reader in the fuzzer.
func WriteXLSX(w io.Writer, sheets []Sheet) error {
	zw := zip.NewWriter(w)
	put := func(name, body string) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2020, 12, 24, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return err
		}
		_, err = io.WriteString(f, body)
		return err
	}
	var shared []string
	index := map[string]int{}
	var ct, wb, rels strings.Builder
	ct.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`)
	wb.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`)
	rels.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i, sh := range sheets {
		n := i + 1
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, xmlText(sh.Name), n, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, n, n)
		var s strings.Builder
		s.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		for r, row := range sh.Rows {
			fmt.Fprintf(&s, `<row r="%d">`, r+1)
			for c, cell := range row {
				ref := colName(c) + strconv.Itoa(r+1)
				switch cell.Kind {
				case 'n':
					fmt.Fprintf(&s, `<c r="%s"><v>%s</v></c>`, ref, strconv.FormatFloat(cell.Num, 'f', -1, 64))
				case 'd':
					fmt.Fprintf(&s, `<c r="%s" s="1"><v>%s</v></c>`, ref, strconv.FormatFloat(cell.Num, 'f', -1, 64))
				default:
					if cell.Text == "" {
						continue
					}
					k, ok := index[cell.Text]
					if !ok {
						k = len(shared)
						index[cell.Text] = k
						shared = append(shared, cell.Text)
					}
					fmt.Fprintf(&s, `<c r="%s" t="s"><v>%d</v></c>`, ref, k)
				}
			}
			s.WriteString(`</row>`)
		}
		s.WriteString(`</sheetData></worksheet>`)
		if err := put(fmt.Sprintf("xl/worksheets/sheet%d.xml", n), s.String()); err != nil {
			return err
		}
	}
	n := len(sheets)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`, n+1, n+2)
	ct.WriteString(`</Types>`)
	wb.WriteString(`</sheets></workbook>`)
	var sst strings.Builder
	fmt.Fprintf(&sst, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(shared), len(shared))
	for _, s := range shared {
		fmt.Fprintf(&sst, `<si><t xml:space="preserve">%s</t></si>`, xmlText(s))
	}
	sst.WriteString(`</sst>`)
	styles := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd\ hh:mm:ss"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>`
	for _, p := range []struct{ name, body string }{
		{"[Content_Types].xml", ct.String()},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", wb.String()},
		{"xl/_rels/workbook.xml.rels", rels.String()},
		{"xl/styles.xml", styles},
		{"xl/sharedStrings.xml", sst.String()},
	} {
		if err := put(p.name, p.body); err != nil {
			return err
		}
	}
	return zw.Close()
}

// serialEpoch is day 0 of Excel's serial dates (1900 system).
var serialEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
