// Package i18n holds the report's own words, one message catalog per
// language (fr.yaml, ar.yaml, en.yaml), and the direction of each language.
// The form's and the data's texts come from the project files, not from here.
package i18n

import (
	"embed"
	"fmt"
	"sort"
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
	return fmt.Sprintf(m, args...)
}

// Direction is the base direction of text in lang.
func Direction(lang string) rtl.Direction {
	if lang == "ar" {
		return rtl.RTL
	}
	return rtl.LTR
}
