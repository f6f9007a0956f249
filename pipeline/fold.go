package pipeline

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold returns the form of s used to compare labels and values: Unicode
// compatibility decomposition, combining marks (accents, hamza, harakat)
// removed, lower case, typographic apostrophes and dashes unified, spaces
// collapsed and trimmed. "  LAÂYOUNE " and "Laayoune" fold alike.
func Fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r) || r == '\u00A0' || r == '\u202F':
			space = true
			continue
		case r == '’' || r == '‘' || r == '`' || r == '´' || r == 'ʼ' || r == '›':
			r = '\''
		case r == '–' || r == '—' || r == '‐' || r == '‑':
			r = '-'
		case r == '،': // Arabic comma and semicolon separate like Latin ones
			r = ','
		case r == '؛':
			r = ';'
		case r == 'ـ': // tatweel is decoration
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
