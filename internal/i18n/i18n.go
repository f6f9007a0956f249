// Package i18n holds the report's own words, one message catalog per
// language (fr.yaml, ar.yaml, en.yaml), and the direction of each language.
// The form's and the data's texts come from the project files, not from here.
package i18n

import (
	"embed"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/synthese-project/synthese/internal/rtl"
)

//go:embed *.yaml
var files embed.FS

// Catalog is one language's messages.
type Catalog struct {
	Lang     string
	messages map[string]string
}

var (
	once     sync.Once
	catalogs map[string]*Catalog
	loadErr  error
)

func load() {
	catalogs = map[string]*Catalog{}
	entries, err := files.ReadDir(".")
	if err != nil {
		loadErr = err
		return
	}
	for _, e := range entries {
		b, err := files.ReadFile(e.Name())
		if err != nil {
			loadErr = err
			return
		}
		lang := e.Name()[:len(e.Name())-len(".yaml")]
		c := &Catalog{Lang: lang, messages: map[string]string{}}
		if err := yaml.Unmarshal(b, &c.messages); err != nil {
			loadErr = fmt.Errorf("i18n/%s: %w", e.Name(), err)
			return
		}
		catalogs[lang] = c
	}
}

// Languages returns the codes of the catalogs, sorted.
func Languages() []string {
	once.Do(load)
	out := make([]string, 0, len(catalogs))
	for l := range catalogs {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// For returns the catalog of lang.
func For(lang string) (*Catalog, error) {
	once.Do(load)
	if loadErr != nil {
		return nil, loadErr
	}
	c, ok := catalogs[lang]
	if !ok {
		return nil, fmt.Errorf("no message catalog for language %q (have %v)", lang, Languages())
	}
	return c, nil
}

// Keys returns the catalog's keys, sorted.
func (c *Catalog) Keys() []string {
	out := make([]string, 0, len(c.messages))
	for k := range c.messages {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// T formats message key with args (fmt verbs, %[n]v to reorder). A missing
// key is a defect caught by the catalog test; it shows as [key], never as "".
func (c *Catalog) T(key string, args ...any) string {
	m, ok := c.messages[key]
	if !ok {
		return "[" + key + "]"
	}
	if len(args) == 0 {
		return m
	}
	if c.Lang == "fr" {
		m = elide(m, args)
	}
	args = slices.Clone(args) // the caller's slice is not changed
	for i, a := range args {
		switch v := a.(type) {
		case int:
			args[i] = number{int64(v), c}
		case int64:
			args[i] = number{v, c}
		case int32:
			args[i] = number{int64(v), c}
		}
	}
	return fmt.Sprintf(m, args...)
}

// elide writes "de %s" as "d’%s" where its argument begins with a vowel
// sound, as French does ("Rencontre d’Oujda", "d’El Jadida"; "de
// Ouarzazate", "de Laâyoune"). Messages that reorder their arguments
// (%[n]) are left as they are.
func elide(m string, args []any) string {
	if !strings.Contains(m, "de %s") || strings.Contains(m, "%[") {
		return m
	}
	var b strings.Builder
	arg := 0
	for i := 0; i < len(m); i++ {
		if m[i] != '%' {
			b.WriteByte(m[i])
			continue
		}
		if i+1 < len(m) && m[i+1] == '%' {
			b.WriteString("%%")
			i++
			continue
		}
		if strings.HasPrefix(m[i:], "%s") && arg < len(args) && strings.HasSuffix(b.String(), "de ") {
			if name, ok := args[arg].(string); ok && vowelSound(name) {
				before := b.String()
				if k := len(before) - 3; k == 0 || !isLetter(before[k-1]) {
					b.Reset()
					b.WriteString(before[:k] + "d’")
				}
			}
		}
		b.WriteByte('%')
		arg++
	}
	return b.String()
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 }

// vowelSound reports whether a name begins with a vowel sound in French:
// a vowel, but not "ou" or "y" before a vowel (the sounds of w and y:
// "Ouarzazate", "Yaoundé"); an h is taken as aspirated ("de Hoceima").
func vowelSound(name string) bool {
	r := []rune(strings.ToLower(name))
	const vowels = "aeiouyàâäéèêëîïôöùûüœæ"
	isVowel := func(k int) bool { return k < len(r) && strings.ContainsRune(vowels, r[k]) }
	switch {
	case !isVowel(0):
		return false
	case r[0] == 'o' && len(r) > 1 && r[1] == 'u':
		return !isVowel(2)
	case r[0] == 'y':
		return !isVowel(1)
	}
	return true
}

// Int writes n in the language's way: digits grouped by three from 10,000
// (a narrow no-break space in French and Arabic, a comma in English; four
// digits stay together, as French typography has them).
func (c *Catalog) Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	digits := strings.TrimPrefix(s, "-")
	if len(digits) < 5 {
		return s
	}
	sep := c.messages["thousands_sep"]
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
	}
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(d)
	}
	return b.String()
}

// Decimal writes v with digits decimals, the language's decimal separator
// and its integer part grouped as Int does.
func (c *Catalog) Decimal(v float64, digits int) string {
	s := strconv.FormatFloat(v, 'f', digits, 64)
	whole, frac, _ := strings.Cut(s, ".")
	if n, err := strconv.ParseInt(whole, 10, 64); err == nil && whole != "-0" {
		whole = c.Int(n)
	}
	if frac == "" {
		return whole
	}
	return whole + c.messages["decimal_sep"] + frac
}

// number is an integer argument of T: written by Int for %d and %v.
type number struct {
	n int64
	c *Catalog
}

func (x number) Format(f fmt.State, verb rune) {
	switch verb {
	case 'd', 'v':
		s := x.c.Int(x.n)
		if w, ok := f.Width(); ok && len(s) < w {
			s = strings.Repeat(" ", w-len(s)) + s
		}
		io.WriteString(f, s)
	default:
		fmt.Fprintf(f, fmt.FormatString(f, verb), x.n)
	}
}

// Direction is the base direction of text in lang.
func Direction(lang string) rtl.Direction {
	if lang == "ar" {
		return rtl.RTL
	}
	return rtl.LTR
}
