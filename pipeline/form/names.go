package form

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/synthese-project/synthese/pipeline/input"
)

// Names in a questionnaire are identifiers: they name columns, results and
// chart files. XLSForm (pyxform, xls2json and parsing/expression.is_xml_tag)
// requires every name on the survey sheet but an end-of-group row's to be an
// XML element name: a letter or "_" first, then letters, digits, "_", "-"
// and "."; letters may be any script's (XML 1.0's NameStartChar), and one
// ":" may join two such names (a namespace prefix). pyxform checks no more
// of choice names (any text, spaces too in a select_one) nor of list names.

// questionNameRule says what a question name may be, for messages.
const questionNameRule = `a question name is an XML name, as in XLSForm: a letter or "_" first, then letters, digits, "_", "-" or "."`

// validQuestionName reports whether name is a name XLSForm accepts on the
// survey sheet: an XML NCName, or two joined by ":".
func validQuestionName(name string) bool {
	prefix, local, found := strings.Cut(name, ":")
	if !found {
		return isNCName(name)
	}
	return isNCName(prefix) && isNCName(local)
}

// isNCName reports whether s is an XML name without a colon.
func isNCName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == unicode.ReplacementChar && !strings.HasPrefix(s[i:], "\uFFFD") {
			return false // not UTF-8
		}
		if !isNameStart(r) && (i == 0 || !isNameChar(r)) {
			return false
		}
	}
	return true
}

// isNameStart is XML 1.0's NameStartChar, without ":".
func isNameStart(r rune) bool {
	switch {
	case r == '_', 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z':
		return true
	case 0xC0 <= r && r <= 0xD6, 0xD8 <= r && r <= 0xF6, 0xF8 <= r && r <= 0x2FF,
		0x370 <= r && r <= 0x37D, 0x37F <= r && r <= 0x1FFF, 0x200C <= r && r <= 0x200D,
		0x2070 <= r && r <= 0x218F, 0x2C00 <= r && r <= 0x2FEF, 0x3001 <= r && r <= 0xD7FF,
		0xF900 <= r && r <= 0xFDCF, 0xFDF0 <= r && r <= 0xFFFD, 0x10000 <= r && r <= 0xEFFFF:
		return true
	}
	return false
}

// isNameChar is XML 1.0's NameChar beyond NameStartChar.
func isNameChar(r rune) bool {
	return r == '-' || r == '.' || '0' <= r && r <= '9' || r == 0xB7 ||
		0x300 <= r && r <= 0x36F || 0x203F <= r && r <= 0x2040
}

// checkMeetingID returns why id cannot identify a meeting ("" when it
// can). A meeting id is a choice name, which XLSForm leaves free (real
// forms have "HIV/AIDS (UNAIDS)"), and the charts' file names are made safe
// whatever it holds (see stage); it only may not hold a control character
// (a tab, a line break), which no export keeps as it is and which would
// break the messages that quote it.
func checkMeetingID(id string) string {
	if id == PooledScope {
		return fmt.Sprintf("meeting id %q names every meeting pooled in the results (and its charts): give this meeting another id", id)
	}
	for _, r := range id {
		if unicode.IsControl(r) {
			return fmt.Sprintf("meeting id %s holds the control character %U: expected text without tabs or line breaks", input.Excerpt(id), r)
		}
	}
	return ""
}

// PooledScope is the scope of the results that pools every meeting
// (tally.AllScope): no meeting may take it as its id.
const PooledScope = "all"
