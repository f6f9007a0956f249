package input

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on delimited text, so that a hostile or broken file (one line of
// hundreds of megabytes, a million columns) is refused with a message
// naming the file and the line instead of exhausting memory. They are
// documented in the README; a real export is far below them.
var (
	// MaxLineBytes is the longest record read: a line, or the lines of a
	// quoted field that holds line breaks.
	MaxLineBytes = 8 << 20
	// MaxColumns is the most fields of a record (Excel's column limit, as
	// for XLSX: XFD).
	MaxColumns = maxColumns
	// MaxTableBytes is the largest file read whole: a questionnaire, a
	// meetings file, a participant list, a rules file (their size is that
	// of a spreadsheet a person edits).
	MaxTableBytes int64 = 256 << 20
	// MaxResponseBytes is the largest response file the reference reader
	// reads whole (a workbook, or text that is not UTF-8); the streaming
	// reader, which takes UTF-8 CSV, has no limit.
	MaxResponseBytes int64 = 2 << 30
)

// LineEnds makes every line end a "\n": "\r\n" (Windows) and a lone "\r"
// (classic Mac OS, which Excel and Python read as line ends too).
func LineEnds(text string) string {
	if strings.IndexByte(text, '\r') < 0 {
		return text
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return strings.ReplaceAll(text, "\r", "\n")
}

// CheckLines refuses a text with a record (a line, or the lines of a
// quoted field that holds line breaks) longer than MaxLineBytes, naming
// the line it starts on. It reads the text once, before it is parsed, so
// that no parser holds such a record.
func CheckLines(file, text string) error {
	line, startLine := 1, 1
	size := 0 // of the record so far
	quoted := false
	for len(text) > 0 {
		n := strings.IndexByte(text, '\n')
		if n < 0 {
			n = len(text) - 1
		}
		seg := text[:n+1]
		size += len(seg)
		if size > MaxLineBytes+1 {
			return &InputError{File: file, Line: startLine,
				Msg: fmt.Sprintf("a line of more than %d MiB (or a quoted field that opens here and runs that long): not a survey export (the limit is %d MiB a record)", MaxLineBytes>>20, MaxLineBytes>>20)}
		}
		if strings.Count(seg, `"`)%2 == 1 {
			quoted = !quoted
		}
		text = text[n+1:]
		line++
		if !quoted {
			size, startLine = 0, line
		}
	}
	return nil
}

// Excerpt is user text quoted in a message: at most 60 characters (an
// ellipsis says the rest was cut), quoted, with bytes that are not UTF-8
// and control characters escaped, so a binary file never fills a terminal.
func Excerpt(s string) string {
	const most = 60
	cut := false
	if utf8.RuneCountInString(s) > most {
		n := 0
		for i := range s {
			if n == most {
				s, cut = s[:i], true
				break
			}
			n++
		}
	}
	q := strconv.Quote(s)
	if cut {
		q += "…"
	}
	return q
}
