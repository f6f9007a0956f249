package form

import (
	"html"
	"regexp"
	"strings"
)

// Labels of real forms carry the markup Collect and Enketo render: field
// references ("${name}"), markdown ("**bold**", "*italic*", "_italic_",
// "# heading", "[text](url)") and HTML ("<span style=…>", "<br>"). A report
// prints text: plainLabel turns a label into it. Nothing else changes, and
// no label is cut (a consent note of several thousand characters stays whole).

var (
	fieldRef    = regexp.MustCompile(`\$\{\s*([^}]*?)\s*\}`)
	htmlBreak   = regexp.MustCompile(`(?i)<br\s*/?>`)
	htmlTag     = regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>`)
	mdHeading   = regexp.MustCompile(`(?m)^[ \t]{0,3}#{1,6}[ \t]+`)
	mdLink      = regexp.MustCompile(`\[([^\[\]]*)\]\([^()\s]*\)`)
	mdStrong    = regexp.MustCompile(`(^|[\s\p{P}«])(\*\*|__)([^\s*_](?:[^*]*?[^\s*_])?)(\*\*|__)($|[\s\p{P}»])`)
	mdEmphasis  = regexp.MustCompile(`(^|[\s\p{P}«])([*_])([^\s*_](?:[^*_]*?[^\s*_])?)([*_])($|[\s\p{P}»])`)
	markupBytes = "${}<>&#*_["
)

// plainLabel returns the text of a label without its markup.
func plainLabel(s string) string {
	if !strings.ContainsAny(s, markupBytes) {
		return s
	}
	s = fieldRef.ReplaceAllString(s, "«$1»")
	s = htmlBreak.ReplaceAllString(s, "\n")
	s = htmlTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	s = mdHeading.ReplaceAllString(s, "")
	s = mdLink.ReplaceAllString(s, "$1")
	s = replaceDelimited(mdStrong, s)
	s = replaceDelimited(mdEmphasis, s)
	s = strings.NewReplacer(`\*`, "*", `\_`, "_", `\#`, "#").Replace(s)
	return strings.TrimSpace(s)
}

// replaceDelimited removes the matching delimiters of re's matches (groups:
// before, open, text, close, after), again until none is left, since a
// match's "after" may be the next one's "before".
func replaceDelimited(re *regexp.Regexp, s string) string {
	for range 8 {
		out := re.ReplaceAllStringFunc(s, func(m string) string {
			g := re.FindStringSubmatch(m)
			if g[2] != g[4] {
				return m
			}
			return g[1] + g[3] + g[5]
		})
		if out == s {
			return out
		}
		s = out
	}
	return s
}

// plainText returns t with every label made plain text.
func plainText(t Text) Text {
	out := make(Text, len(t))
	for k, v := range t {
		out[k] = plainLabel(v)
	}
	return out
}
