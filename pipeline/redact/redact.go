package redact

import (
	"regexp"
	"strings"
)

// The markers that take the place of what Text redacts. They are plain
// ASCII between brackets, the same in every language of the report.
const (
	Email  = "[e-mail]"
	Phone  = "[phone]"
	Number = "[number]"
)

// MinDigits is the length from which a run of digits is redacted as an
// identifier (a national or customer id, an account, a phone number
// written without its shape): 9. Shorter runs are ordinary answers
// (years, amounts, dates written 20201124).
const MinDigits = 9

// emailRE is an e-mail address: a local part, @, and a domain of two or
// more labels. Letters and digits of any script count.
// The at sign may be the full-width or small one (＠, ﹫).
var emailRE = regexp.MustCompile(`[\p{L}\p{M}\p{N}._%+\-]+[@＠﹫][\p{L}\p{M}\p{N}\-]+(?:\.[\p{L}\p{M}\p{N}\-]+)+`)

// mobileRE is a Moroccan mobile or landline number written without its
// leading 0, in the pairs it is read in: 6 12 34 56 78 (a digit 5 to 7,
// then four pairs, each after one separator).
var mobileRE = regexp.MustCompile(`(^|[^\p{N}])([5-7](?:[ .\-\x{00a0}][0-9]{2}){4})($|[^\p{N}])`)

// Text returns s with personal data replaced by a marker, and how many
// were replaced:
//
//   - e-mail addresses (local@domain.tld) by [e-mail];
//   - phone numbers by [phone]: Moroccan ones (05, 06 or 07 and 8 digits;
//     212, +212 or 00212 and 9 digits, with or without a 0 or "(0)"
//     after the country code) and international ones (+ or 00, then 8 to
//     15 digits), their digits grouped by single spaces (also no-break
//     and thin spaces), dots or dashes, with parentheses around a group;
//   - runs of MinDigits (9) or more digits by [number].
//
// Digits are ASCII, Arabic-Indic (٠-٩), Eastern Arabic-Indic (۰-۹) or
// full-width. Not redacted: dates (2020-11-24, 24/11/2020, 20201124),
// times, years, amounts and small numbers, percentages, decimals (3,5;
// the fraction part of a decimal is never a number to redact, however
// long), digits that do not make one of the shapes above.
//
// Text is idempotent: Text of its result replaces nothing.
func Text(s string) (string, int) {
	total := 0
	for {
		out, n := pass(s)
		if n == 0 {
			return s, total
		}
		// Each replacement removes an @ or eight digits or more, and the
		// markers hold neither: this ends.
		s, total = out, total+n
	}
}

// pass replaces once what it finds: what pass1 finds, then the numbers
// written without their leading 0 in pairs (mobileRE), once the shapes
// with a country code have taken theirs.
func pass(s string) (string, int) {
	s, n := pass1(s)
	if mobileRE.MatchString(s) {
		s = mobileRE.ReplaceAllStringFunc(s, func(m string) string {
			n++
			sub := mobileRE.FindStringSubmatch(m)
			return sub[1] + Phone + sub[3]
		})
	}
	return s, n
}

// pass1 replaces once what it finds, left to right: e-mail addresses
// first (their digits are theirs), then phone numbers and digit runs.
func pass1(s string) (string, int) {
	n := 0
	if strings.ContainsAny(s, "@＠﹫") {
		s = emailRE.ReplaceAllStringFunc(s, func(string) string { n++; return Email })
	}

	if !hasDigits(s, MinDigits-1) { // a phone has 8 digits or more
		return s, n
	}
	rs := []rune(s)
	var b strings.Builder
	last := 0
	put := func(from, to int, marker string) {
		b.WriteString(string(rs[last:from]))
		b.WriteString(marker)
		last = to
		n++
	}
	for i := 0; i < len(rs); {
		if !startsNumber(rs, last, i) {
			i++
			continue
		}
		if j := phoneEnd(rs, i); j > 0 {
			put(i, j, Phone)
			i = j
			continue
		}
		j := i
		for j < len(rs) && isDigit(rs[j]) {
			j++
		}
		if j-i >= MinDigits {
			put(i, j, Number)
		}
		i = max(j, i+1)
	}
	if last == 0 {
		return s, n
	}
	b.WriteString(string(rs[last:]))
	return b.String(), n
}

// hasDigits reports whether s holds at least k digits.
func hasDigits(s string, k int) bool {
	for _, r := range s {
		if isDigit(r) {
			if k--; k <= 0 {
				return true
			}
		}
	}
	return false
}

// digit returns the value of a digit of the scripts Text reads.
func digit(r rune) (byte, bool) {
	switch {
	case r >= '0' && r <= '9':
		return byte(r - '0'), true
	case r >= '\u0660' && r <= '\u0669': // Arabic-Indic
		return byte(r - '\u0660'), true
	case r >= '\u06F0' && r <= '\u06F9': // Eastern Arabic-Indic (Persian, Urdu)
		return byte(r - '\u06F0'), true
	case r >= '\uFF10' && r <= '\uFF19': // full-width
		return byte(r - '\uFF10'), true
	}
	return 0, false
}

func isDigit(r rune) bool { _, ok := digit(r); return ok }

// isSep is what may separate the groups of a phone number's digits.
func isSep(r rune) bool {
	switch r {
	case ' ', '.', '-', '\u00A0', '\u202F', '\u2009', '\u2010', '\u2011':
		return true
	}
	return false
}

// startsNumber: a phone number or a digit run may start at rs[i] (a digit
// or +) when no digit comes just before, and rs[i] does not start the
// fraction part of a decimal (3,5 or 3.14). What comes before from (the
// end of the last replacement) is a marker, not digits.
func startsNumber(rs []rune, from, i int) bool {
	if !isDigit(rs[i]) && rs[i] != '+' {
		return false
	}
	if i-1 >= from && isDigit(rs[i-1]) {
		return false
	}
	if i-2 >= from && (rs[i-1] == '.' || rs[i-1] == ',') && isDigit(rs[i-2]) {
		return false
	}
	return true
}

// phoneEnd returns the end of the phone number starting at rs[i], or 0.
// It reads up to 17 digits (00, then 15) grouped as isSep and parentheses
// allow, then keeps the longest prefix that is a phone number and ends
// where the digits do (the next rune is not a digit).
func phoneEnd(rs []rune, i int) int {
	p, plus := i, false
	if rs[p] == '+' {
		plus = true
		p++
		if p < len(rs) && rs[p] == ' ' {
			p++
		}
	}
	var d []byte  // the digits
	var end []int // end[k]: where the (k+1)th digit ends
	for p < len(rs) && len(d) < 17 {
		q := p
		if rs[q] == '(' {
			q++
		}
		if q >= len(rs) {
			break
		}
		v, ok := digit(rs[q])
		if !ok {
			break
		}
		d, end = append(d, v), append(end, q+1)
		q++
		if q < len(rs) && rs[q] == ')' {
			q++
		}
		if q < len(rs) && isSep(rs[q]) {
			q++
		}
		p = q
	}
	cut := func(k int) bool { return k <= len(d) && (end[k-1] == len(rs) || !isDigit(rs[end[k-1]])) }
	longest := func(lo, hi int) int {
		for k := min(hi, len(d)); k >= lo; k-- {
			if cut(k) {
				return end[k-1]
			}
		}
		return 0
	}
	j := 0
	switch {
	case plus:
		j = longest(8, 15)
	case len(d) >= 3 && d[0] == 0 && d[1] == 0 && d[2] != 0:
		j = longest(10, 17)
	case len(d) >= 12 && d[0] == 2 && d[1] == 1 && d[2] == 2:
		if d[3] >= 5 && d[3] <= 7 && cut(12) {
			j = end[11]
		} else if len(d) >= 13 && d[3] == 0 && d[4] >= 5 && d[4] <= 7 && cut(13) {
			j = end[12]
		}
	case len(d) >= 10 && d[0] == 0 && d[1] >= 5 && d[1] <= 7 && cut(10):
		j = end[9]
	}
	if j > 0 && decimal(rs[i:j]) {
		return 0
	}
	return j
}

// decimal: digits whose only separator is one dot are a decimal number
// (00.123456789 seconds, 05.12345678), not a phone number.
func decimal(rs []rune) bool {
	dots := 0
	for _, r := range rs {
		switch {
		case r == '.':
			dots++
		case !isDigit(r):
			return false
		}
	}
	return dots == 1
}
