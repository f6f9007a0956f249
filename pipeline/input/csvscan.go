package input

import (
	"bytes"
)

// A CSV scanner over bytes in memory that reads records exactly as
// encoding/csv does with FieldsPerRecord -1 and strict quotes (what the
// reference reader uses): empty lines skipped, "\r\n" read as "\n" (inside
// quotes too), a "\r" before the end of the file dropped, "" in a quoted
// field read as ". It does not copy fields: it returns their spans, and
// unquote copies the few that need it. It reports errors without their
// position: the streaming reader then hands the file to the reference
// reader, which says where (see streamFile).

// span is one field: its bytes in the buffer (inside the quotes for a
// quoted field); escaped when they hold "" or "\r\n" to rewrite.
type span struct {
	Start, End int
	Escaped    bool
}

// scanStatus is what scanRecord found.
type scanStatus int

const (
	ScanRecord scanStatus = iota // a record, in rec
	ScanEOF                      // no more records
	ScanMore                     // the record may go on past the buffer: read more
	ScanError                    // not valid CSV
)

// Scanned is a record found by scanRecord.
type Scanned struct {
	Fields []span
	Lines  int // physical lines consumed, empty lines before it included
	Skip   int // of which empty lines before the record
	Start  int // where the record begins, after those
}

// ScanRecordAt reads the record starting at pos. atEOF says that buf ends
// where the input does. It returns the position after the record.
func ScanRecordAt(buf []byte, pos int, atEOF bool, comma byte, rec *Scanned) (int, scanStatus) {
	n := len(buf)
	pos, st := skipEmptyLines(buf, pos, atEOF, rec)
	if st != ScanRecord {
		return pos, st
	}
	rec.Start = pos
	p := pos
	for {
		if p < n && buf[p] == '"' {
			// Quoted field: up to the closing quote, across lines.
			q := p + 1
			f := span{Start: q}
			for {
				i := bytes.IndexByte(buf[q:], '"')
				if i < 0 {
					if atEOF {
						return p, ScanError // the quote never closes
					}
					return p, ScanMore
				}
				j := q + i
				nl := bytes.Count(buf[q:j], nlByte)
				rec.Lines += nl
				if nl > 0 && !f.Escaped && bytes.Contains(buf[q:j], crlf) {
					f.Escaped = true
				}
				if j+1 == n {
					if !atEOF {
						return p, ScanMore
					}
					f.End = j
					rec.Fields = append(rec.Fields, f)
					return n, ScanRecord
				}
				switch c := buf[j+1]; {
				case c == '"':
					f.Escaped = true
					q = j + 2
					continue
				case c == comma:
					f.End = j
					rec.Fields = append(rec.Fields, f)
					p = j + 2
				case c == '\n':
					f.End = j
					rec.Fields = append(rec.Fields, f)
					rec.Lines++
					return j + 2, ScanRecord
				case c == '\r' && j+2 < n && buf[j+2] == '\n':
					f.End = j
					rec.Fields = append(rec.Fields, f)
					rec.Lines++
					return j + 3, ScanRecord
				case c == '\r' && j+2 == n:
					if !atEOF {
						return p, ScanMore
					}
					f.End = j
					rec.Fields = append(rec.Fields, f)
					return n, ScanRecord
				default:
					return p, ScanError // a quote inside a quoted field must be doubled
				}
				break
			}
			continue
		}
		// Unquoted field: up to the delimiter or the end of the line; a quote
		// inside is an error.
		k := indexDelim(buf[p:], comma)
		if k < 0 {
			if !atEOF {
				return p, ScanMore
			}
			end := n
			if end > p && buf[end-1] == '\r' {
				end--
			}
			rec.Fields = append(rec.Fields, span{Start: p, End: end})
			return n, ScanRecord
		}
		k += p
		switch buf[k] {
		case '"':
			return p, ScanError
		case '\n':
			end := k
			if end > p && buf[end-1] == '\r' {
				end--
			}
			rec.Fields = append(rec.Fields, span{Start: p, End: end})
			rec.Lines++
			return k + 1, ScanRecord
		default: // comma
			rec.Fields = append(rec.Fields, span{Start: p, End: k})
			p = k + 1
		}
	}
}

// skipEmptyLines resets rec and skips the empty lines at pos ("\n",
// "\r\n", and a lone "\r" ending the input), counting them. It returns
// scanRecord when a record starts at the position it returns.
func skipEmptyLines(buf []byte, pos int, atEOF bool, rec *Scanned) (int, scanStatus) {
	rec.Fields = rec.Fields[:0]
	rec.Lines, rec.Skip = 0, 0
	n := len(buf)
	for pos < n {
		switch {
		case buf[pos] == '\n':
			pos++
		case buf[pos] == '\r' && pos+1 < n && buf[pos+1] == '\n':
			pos += 2
		case buf[pos] == '\r' && pos+1 == n:
			if !atEOF {
				return pos, ScanMore
			}
			return n, ScanEOF
		default:
			return pos, ScanRecord
		}
		rec.Lines++
		rec.Skip++
	}
	if atEOF {
		return pos, ScanEOF
	}
	return pos, ScanMore
}

var (
	nlByte = []byte{'\n'}
	crlf   = []byte("\r\n")
)

// indexDelim finds the first comma, newline or quote in b, eight bytes at a
// time.
func indexDelim(b []byte, comma byte) int {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	mc := uint64(comma) * lo
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := uint64(b[i]) | uint64(b[i+1])<<8 | uint64(b[i+2])<<16 | uint64(b[i+3])<<24 |
			uint64(b[i+4])<<32 | uint64(b[i+5])<<40 | uint64(b[i+6])<<48 | uint64(b[i+7])<<56
		x1, x2, x3 := w^mc, w^(lo*'\n'), w^(lo*'"')
		t := ((x1 - lo) &^ x1) | ((x2 - lo) &^ x2) | ((x3 - lo) &^ x3)
		if t&hi != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == comma || c == '\n' || c == '"' {
			return i
		}
	}
	return -1
}

// Unquote returns a field's text: its bytes, or for an escaped quoted field
// a copy with "" read as " and "\r\n" as "\n" (into scratch).
func Unquote(buf []byte, f span, scratch []byte) ([]byte, []byte) {
	b := buf[f.Start:f.End]
	if !f.Escaped {
		return b, scratch
	}
	scratch = scratch[:0]
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '"' && i+1 < len(b) && b[i+1] == '"':
			scratch = append(scratch, '"')
			i++
		case b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n':
			// the newline is appended next
		default:
			scratch = append(scratch, b[i])
		}
	}
	return scratch, scratch
}
