package form

import (
	"regexp"
	"strings"

	"github.com/synthese-project/synthese/pipeline/input"
)

// Label columns name their language as people write it: "label::English
// (en)", "label::Français", "label::Francais", "label::French",
// "label:english" (pyxform's older single colon), "label::العربية",
// "label::عربي", "label::fr". The code in parentheses decides; else a
// language name in a common spelling (case, accents and hamza folded) gives
// fr, ar or en; else a two- or three-letter name is a code; else the
// language keeps its own name, as written ("label::chinese" is "chinese").
// A plain "label" column is in the default language.

// languageNames maps folded language names to codes.
var languageNames = func() map[string]string {
	out := map[string]string{}
	for code, names := range map[string][]string{
		"fr": {"français", "francais", "française", "french", "francés", "franzosisch", "fra", "fre", "فرنسية", "الفرنسية", "فرنسي", "الفرنسي", "اللغة الفرنسية"},
		"ar": {"arabic", "arabe", "árabe", "arabo", "arabisch", "ara", "عربي", "عربية", "العربية", "العربي", "اللغة العربية"},
		"en": {"english", "anglais", "inglés", "inglese", "englisch", "eng", "إنجليزية", "الإنجليزية", "انجليزي", "الانجليزية", "الإنكليزية", "اللغة الإنجليزية"},
	} {
		for _, n := range names {
			out[input.Fold(n)] = code
		}
	}
	return out
}()

var (
	languageCodeInParens = regexp.MustCompile(`^(.*?)\s*\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)\)$`)
	shortCode            = regexp.MustCompile(`^[a-z]{2,3}$`)
)

// languageCode returns the code of a language as written in a column
// header or in default_language ("" for "").
func languageCode(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if m := languageCodeInParens.FindStringSubmatch(s); m != nil {
		return strings.ToLower(strings.ReplaceAll(m[2], "_", "-"))
	}
	f := input.Fold(s)
	if code, ok := languageNames[f]; ok {
		return code
	}
	if shortCode.MatchString(f) {
		return f
	}
	return s
}

// labelLanguage returns the language of a label column: def for a plain
// "label"; ok is false when the header is not a label column ("labelQ",
// "label.length", "hint::English").
func labelLanguage(header, def string) (string, bool) {
	h := strings.TrimSpace(header)
	if len(h) < 5 || !strings.EqualFold(h[:5], "label") {
		return "", false
	}
	rest := strings.TrimSpace(h[5:])
	switch {
	case rest == "":
		return def, true
	case strings.HasPrefix(rest, "::"):
		rest = rest[2:]
	case strings.HasPrefix(rest, ":"):
		rest = rest[1:]
	case strings.HasPrefix(rest, "("): // "label (fr)"
	default:
		return "", false
	}
	if code := languageCode(rest); code != "" {
		return code, true
	}
	return def, true // "label::"
}

// labelColumns maps language codes to the label columns of a sheet (the
// first column of each language).
func labelColumns(t *input.Table, def string) map[string]int {
	out := map[string]int{}
	for i, h := range t.Header {
		if code, ok := labelLanguage(h, def); ok && code != "" {
			if _, dup := out[code]; !dup {
				out[code] = i
			}
		}
	}
	return out
}
