package input

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
)

// Limits on XLSX input, so that a huge or hostile file is refused with a
// clear message instead of exhausting memory. They are documented in the
// README.
var (
	// MaxXLSXBytes is the most uncompressed XML read from one workbook.
	MaxXLSXBytes int64 = 256 << 20
	// MaxSheetRows is the most rows read from one sheet.
	MaxSheetRows = 1_000_000
)

// maxColumns bounds a cell reference's column (XFD, Excel's last column).
const maxColumns = 16384

// sheet is one worksheet's cells as text, with each row's number.
type sheet struct {
	name  string
	rows  [][]string
	lines []int
}

// IsXLSX reports whether data looks like an XLSX (a zip) file.
func IsXLSX(data []byte) bool { return bytes.HasPrefix(data, []byte("PK\x03\x04")) }

// budget counts the uncompressed bytes read from a workbook.
type budget struct{ left int64 }

func (b *budget) open(zr *zip.Reader, name string) ([]byte, error) {
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		if f.UncompressedSize64 > uint64(b.left) {
			return nil, errTooBig()
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		// The header's size can lie: read one byte past the budget to know.
		data, err := io.ReadAll(io.LimitReader(rc, b.left+1))
		if err != nil {
			return nil, err
		}
		if int64(len(data)) > b.left {
			return nil, errTooBig()
		}
		b.left -= int64(len(data))
		return data, nil
	}
	return nil, nil
}

func errTooBig() error {
	return fmt.Errorf("the workbook holds more than %d MiB of uncompressed data, the limit (split it, or export CSV)", MaxXLSXBytes>>20)
}

// readXLSX reads every worksheet of a workbook, in workbook order.
func readXLSX(data []byte) ([]sheet, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a readable XLSX file: %w", err)
	}
	b := &budget{left: MaxXLSXBytes}
	wb, err := b.open(zr, "xl/workbook.xml")
	if err != nil {
		return nil, err
	}
	if wb == nil {
		return nil, errors.New("not an XLSX workbook: xl/workbook.xml is missing")
	}
	var workbook struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(wb, &workbook); err != nil {
		return nil, fmt.Errorf("xl/workbook.xml: %w", err)
	}
	relsData, err := b.open(zr, "xl/_rels/workbook.xml.rels")
	if err != nil {
		return nil, err
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if relsData != nil {
		if err := xml.Unmarshal(relsData, &rels); err != nil {
			return nil, fmt.Errorf("xl/_rels/workbook.xml.rels: %w", err)
		}
	}
	targets := map[string]string{}
	for _, r := range rels.Rel {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = t
	}
	shared, err := readSharedStrings(b, zr)
	if err != nil {
		return nil, err
	}
	dates, err := readDateStyles(b, zr)
	if err != nil {
		return nil, err
	}
	var out []sheet
	for i, s := range workbook.Sheets {
		target, ok := targets[s.RID]
		if !ok {
			target = fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)
		}
		raw, err := b.open(zr, target)
		if err != nil {
			return nil, err
		}
		if raw == nil {
			return nil, fmt.Errorf("sheet %q: part %s is missing", s.Name, target)
		}
		sh, err := parseSheet(raw, shared, dates)
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", s.Name, err)
		}
		sh.name = s.Name
		out = append(out, sh)
	}
	return out, nil
}

// readSharedStrings reads the shared string table (rich text runs joined).
func readSharedStrings(b *budget, zr *zip.Reader) ([]string, error) {
	data, err := b.open(zr, "xl/sharedStrings.xml")
	if err != nil || data == nil {
		return nil, err
	}
	var out []string
	dec := xml.NewDecoder(bytes.NewReader(data))
	var cur strings.Builder
	inSI, inT, inRPh := false, false, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("xl/sharedStrings.xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI = true
				cur.Reset()
			case "t":
				inT = true
			case "rPh": // phonetic hints are not part of the text
				inRPh = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				inSI = false
				out = append(out, cur.String())
			case "t":
				inT = false
			case "rPh":
				inRPh = false
			}
		case xml.CharData:
			if inSI && inT && !inRPh {
				cur.Write(t)
			}
		}
	}
	return out, nil
}

// readDateStyles returns, per cell style index, whether its number format
// is a date or time.
func readDateStyles(b *budget, zr *zip.Reader) ([]bool, error) {
	data, err := b.open(zr, "xl/styles.xml")
	if err != nil || data == nil {
		return nil, err
	}
	var styles struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := xml.Unmarshal(data, &styles); err != nil {
		return nil, fmt.Errorf("xl/styles.xml: %w", err)
	}
	custom := map[int]bool{}
	for _, f := range styles.NumFmts {
		custom[f.ID] = isDateFormat(f.Code)
	}
	out := make([]bool, len(styles.Xfs))
	for i, xf := range styles.Xfs {
		id := xf.NumFmtID
		if d, ok := custom[id]; ok {
			out[i] = d
		} else {
			out[i] = (id >= 14 && id <= 22) || (id >= 45 && id <= 47)
		}
	}
	return out, nil
}

// isDateFormat reports whether a number format code shows a date or time.
func isDateFormat(code string) bool {
	inQuote := false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '\\':
			i++
		case c == '[': // colours and conditions, but [h] [m] [s] are elapsed time
			end := strings.IndexByte(code[i:], ']')
			if end < 0 {
				return false
			}
			if inner := strings.ToLower(code[i+1 : i+end]); inner == "h" || inner == "hh" || inner == "m" || inner == "mm" || inner == "s" || inner == "ss" {
				return true
			}
			i += end
		case strings.IndexByte("dmyhsDMYHS", c) >= 0:
			return true
		}
	}
	return false
}

// excelEpoch is day 0 of Excel's 1900 date system (with its 1900 leap-year bug).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serialDate formats an Excel serial date as ISO 8601.
func serialDate(v float64) string {
	if v < 0 || v > 2958465 { // 9999-12-31
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	days := math.Floor(v)
	secs := math.Round((v - days) * 86400)
	t := excelEpoch.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	if secs == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04:05")
}

// columnIndex turns the letters of a cell reference ("B12") into a 0-based column.
func columnIndex(ref string) (int, bool) {
	col := 0
	n := 0
	for _, r := range ref {
		if r >= 'A' && r <= 'Z' {
			col = col*26 + int(r-'A'+1)
			n++
			if col > maxColumns {
				return 0, false
			}
			continue
		}
		break
	}
	if n == 0 {
		return 0, false
	}
	return col - 1, true
}

// parseSheet streams a worksheet's XML into rows of text.
func parseSheet(data []byte, shared []string, dates []bool) (sheet, error) {
	var sh sheet
	dec := xml.NewDecoder(bytes.NewReader(data))
	var (
		row             []string
		rowNum, nextCol int
		cellType        string
		cellStyle       int
		cellCol         int
		text            strings.Builder
		inValue, inCell bool
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return sh, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				row, nextCol = nil, 0
				rowNum++
				for _, a := range t.Attr {
					if a.Name.Local == "r" {
						if n, err := strconv.Atoi(a.Value); err == nil && n > 0 {
							rowNum = n
						}
					}
				}
				if len(sh.rows) >= MaxSheetRows {
					return sh, fmt.Errorf("more than %d rows, the limit (split the file, or export CSV)", MaxSheetRows)
				}
			case "c":
				inCell, cellType, cellStyle, cellCol = true, "", -1, nextCol
				text.Reset()
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "t":
						cellType = a.Value
					case "s":
						cellStyle, _ = strconv.Atoi(a.Value)
					case "r":
						if c, ok := columnIndex(a.Value); ok {
							cellCol = c
						}
					}
				}
			case "v", "t":
				inValue = inCell
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v", "t":
				inValue = false
			case "c":
				inCell = false
				v := text.String()
				switch cellType {
				case "s":
					i, err := strconv.Atoi(strings.TrimSpace(v))
					if err != nil || i < 0 || i >= len(shared) {
						return sh, fmt.Errorf("row %d: shared string %q does not exist", rowNum, v)
					}
					v = shared[i]
				case "b":
					if v == "1" {
						v = "TRUE"
					} else {
						v = "FALSE"
					}
				case "", "n":
					if cellStyle >= 0 && cellStyle < len(dates) && dates[cellStyle] {
						if f, err := strconv.ParseFloat(v, 64); err == nil {
							v = serialDate(f)
						}
					}
				}
				for len(row) < cellCol {
					row = append(row, "")
				}
				if cellCol == len(row) {
					row = append(row, v)
				} else if cellCol < len(row) {
					row[cellCol] = v
				}
				nextCol = cellCol + 1
			case "row":
				sh.rows = append(sh.rows, row)
				sh.lines = append(sh.lines, rowNum)
			}
		case xml.CharData:
			if inValue {
				text.Write(t)
			}
		}
	}
	return sh, nil
}
