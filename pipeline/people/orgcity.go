package people

import (
	"fmt"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/input"
	"io"
	"strings"
	"unicode"
)

// Organisation types. "unclassified" is an organisation no rule matched;
// "individual" is no organisation given (or a placeholder such as "Participant").
var OrgTypeNames = []string{"associative", "cooperative", "academic", "public", "private", "international", "media", "individual", "unclassified"}

// OrgTypes classifies organisations by an ordered rule table (data file
// org_types.csv: type, pattern). A pattern is a sequence of words matched
// against the organisation's words after folding; a trailing * matches a
// word's beginning ("coop*" matches "Coop." and "Coopérative"). The first
// rule that matches decides. Type "placeholder" marks values that mean no
// organisation.
type OrgTypes struct {
	rules []orgRule
}

type orgRule struct {
	typ     string
	pattern []string
}

func words(s string) []string {
	return strings.FieldsFunc(input.Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '*' })
}

// ReadOrgTypes reads the rule table.
func ReadOrgTypes(file string, r io.Reader) (*OrgTypes, error) {
	t, err := input.ReadTable(file, r, input.ReadOptions{})
	if err != nil {
		return nil, err
	}
	if err := t.Aligned(); err != nil {
		return nil, err
	}
	cols, err := t.Require("type", "pattern")
	if err != nil {
		return nil, err
	}
	known := map[string]bool{"placeholder": true}
	for _, n := range OrgTypeNames {
		known[n] = true
	}
	o := &OrgTypes{}
	for i := range t.Records {
		typ, pat := input.Fold(t.Cell(i, cols[0])), words(t.Cell(i, cols[1]))
		if !known[typ] {
			return nil, &input.InputError{File: file, Line: t.Lines[i], Column: cols[0] + 1,
				Msg: fmt.Sprintf("type %s: expected one of %s, placeholder", input.Excerpt(typ), strings.Join(OrgTypeNames, ", "))}
		}
		if len(pat) == 0 {
			return nil, &input.InputError{File: file, Line: t.Lines[i], Column: cols[1] + 1, Msg: "empty pattern"}
		}
		o.rules = append(o.rules, orgRule{typ, pat})
	}
	return o, nil
}

func (r orgRule) matches(ws []string) bool {
	for start := 0; start+len(r.pattern) <= len(ws); start++ {
		ok := true
		for k, p := range r.pattern {
			w := ws[start+k]
			if strings.HasSuffix(p, "*") {
				ok = strings.HasPrefix(w, strings.TrimSuffix(p, "*"))
			} else {
				ok = w == p
			}
			if !ok {
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (o *OrgTypes) rule(org string) string {
	if o == nil {
		return ""
	}
	ws := words(org)
	for _, r := range o.rules {
		if r.matches(ws) {
			return r.typ
		}
	}
	return ""
}

// Placeholder reports whether org means "no organisation".
func (o *OrgTypes) Placeholder(org string) bool { return o.rule(org) == "placeholder" }

// Classify returns the type of an organisation: "individual" when none is
// given, "unclassified" when no rule matches.
func (o *OrgTypes) Classify(org string) string {
	if strings.TrimSpace(org) == "" {
		return "individual"
	}
	switch t := o.rule(org); t {
	case "", "placeholder":
		if t == "placeholder" {
			return "individual"
		}
		return "unclassified"
	default:
		return t
	}
}

// Cities recognises places of origin from a reference list (data file
// cities.csv: name, kind (city | region), name_ar, aliases separated by ";").
type Cities struct {
	places []place
}

type place struct {
	name, kind string
	label      form.Text
	keys       []string // folded name and aliases
}

// ReadCities reads the reference list.
func ReadCities(file string, r io.Reader) (*Cities, error) {
	t, err := input.ReadTable(file, r, input.ReadOptions{})
	if err != nil {
		return nil, err
	}
	if err := t.Aligned(); err != nil {
		return nil, err
	}
	cols, err := t.Require("name", "kind")
	if err != nil {
		return nil, err
	}
	ar, aliases := t.Column("name_ar"), t.Column("aliases")
	c := &Cities{}
	for i := range t.Records {
		p := place{name: t.Cell(i, cols[0]), kind: input.Fold(t.Cell(i, cols[1])), label: form.Text{"fr": t.Cell(i, cols[0]), "en": t.Cell(i, cols[0])}}
		if p.kind != "city" && p.kind != "region" {
			return nil, &input.InputError{File: file, Line: t.Lines[i], Column: cols[1] + 1, Msg: fmt.Sprintf("kind %s: expected city or region", input.Excerpt(t.Cell(i, cols[1])))}
		}
		if a := t.Cell(i, ar); a != "" {
			p.label["ar"] = a
			p.keys = append(p.keys, input.Fold(a))
		}
		p.keys = append(p.keys, input.Fold(p.name))
		for _, al := range strings.Split(t.Cell(i, aliases), ";") {
			if al = strings.TrimSpace(al); al != "" {
				p.keys = append(p.keys, input.Fold(al))
			}
		}
		c.places = append(c.places, p)
	}
	return c, nil
}

// CityMatch is what a raw "city" cell names.
type CityMatch struct {
	City   string // canonical city, or the raw text when it is not in the list
	Region string // a region named instead of a city
	Fixed  bool   // a spelling corrected within the edit distance
}

// Label returns a place's name in lang (the reference list's Arabic name, if any).
func (c *Cities) Label(name, lang string) string {
	if c != nil {
		for _, p := range c.places {
			if p.name == name {
				return p.label.In(lang, "fr")
			}
		}
	}
	return name
}

// Normalise reads a city cell: the first place it names ("Agadir; Guelmim"
// is Agadir), matched folded, or within one edit (two for long names) of a
// known name. Regions are kept apart from cities.
func (c *Cities) Normalise(raw string) CityMatch {
	for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == ';' || r == '/' || r == ',' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		f := input.Fold(part)
		if c != nil {
			var best *place
			bestD := 3
			for i := range c.places {
				for _, k := range c.places[i].keys {
					d := input.Levenshtein(f, k)
					allowed := 0
					if len([]rune(k)) >= 5 {
						allowed = 1
					}
					if len([]rune(k)) >= 9 {
						allowed = 2
					}
					if d <= allowed && d < bestD {
						best, bestD = &c.places[i], d
					}
				}
			}
			if best != nil {
				if best.kind == "region" {
					return CityMatch{Region: best.name}
				}
				return CityMatch{City: best.name, Fixed: bestD > 0}
			}
		}
		return CityMatch{City: titleCase(part)}
	}
	return CityMatch{}
}

func titleCase(s string) string {
	ws := strings.Fields(strings.ToLower(s))
	for i, w := range ws {
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		ws[i] = string(r)
	}
	return strings.Join(ws, " ")
}
