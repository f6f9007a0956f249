package input

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

// Levenshtein is the edit distance between two texts, in letters.
func Levenshtein(a, b string) int { return EditDistance([]rune(a), []rune(b), false) }

// EditDistance counts the insertions, deletions and substitutions (and,
// with transpose, swaps of adjacent letters: the optimal string alignment
// distance) that turn a into b, with three rolling rows of the matrix.
func EditDistance(ra, rb []rune, transpose bool) int {
	var buf [3 * 64]int
	n := len(rb) + 1
	var rows []int
	if 3*n <= len(buf) {
		rows = buf[:3*n]
	} else {
		rows = make([]int, 3*n)
	}
	pp, prev, cur := rows[:n], rows[n:2*n], rows[2*n:]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if transpose && i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
		}
		pp, prev, cur = prev, cur, pp
	}
	return prev[len(rb)]
}
