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
	// MaxLineBytes is the longest line read (bytes between line ends; a
	// quoted field may span several lines, each within the limit).
	MaxLineBytes = 8 << 20
	// MaxColumns is the most fields of a record (Excel's column limit, as
	// for XLSX: XFD).
	MaxColumns = maxColumns
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

// CheckLines refuses a text with a line longer than MaxLineBytes, naming
// its line.
func CheckLines(file, text string) error {
	line := 1
	for len(text) > 0 {
		i := strings.IndexByte(text, '\n')
		n := i
		if i < 0 {
			n = len(text)
		}
		if n > MaxLineBytes {
			return &InputError{File: file, Line: line,
				Msg: fmt.Sprintf("a line of more than %d MiB: not a survey export (the limit is %d MiB a line)", MaxLineBytes>>20, MaxLineBytes>>20)}
		}
		if i < 0 {
			break
		}
		text = text[i+1:]
		line++
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
