package people

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/input"
	"io"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Person is one human being across the participant lists: the rows that
// spell the same name (allowing for variants) merged into one.
type Person struct {
	ID           string   // stable: derived from the canonical name
	Name         string   // the most frequent spelling
	Variants     []string // every spelling seen, sorted
	Meetings     []string // meeting ids, in the meetings file's order
	Roles        []string // roles, sorted
	Organisation string   // the most frequent organisation given
	OrgType      string   // from the organisation-type rules
	City         string   // canonical city of origin ("" when unknown)
	Region       string   // a region given instead of a city
	Rows         []int    // indexes into the attendance rows
}

// MergeRecord explains why one spelling joined a person.
type MergeRecord struct {
	PersonID    string
	Canonical   string
	Variant     string  // a spelling merged into the person
	MatchedWith string  // the spelling it was matched with
	Score       float64 // name similarity with evidence; 1 when identical after normalising
	Evidence    string  // what supported or weakened the match
	Forced      bool    // from the merges file
}

// identical is the evidence of spellings equal after normalisation.
const identical = "same name after normalising case, accents, spaces, particles and doubled letters"

// nameParts is a name prepared for comparison.
type nameParts struct {
	raw     string
	key     string // first names | surname, normalised
	first   string
	surname string
	bare    string // surname without its leading particle
	initial bool   // the first name is a single letter
	single  bool   // one token only (a first name or a surname alone)
	nothing bool   // no letters, or a placeholder
}

// particles join the word that follows them ("EL BAALY" is "elbaaly").
var particles = map[string]bool{"el": true, "al": true, "ait": true, "ben": true, "bel": true, "ould": true, "ibn": true}

var placeholderNames = map[string]bool{"participant": true, "participante": true, "anonyme": true, "nc": true, "n/a": true, "inconnu": true}

// skeleton reduces transliteration variants of Maghrebi names: doubled
// letters, q/k, y/i, ou/u.
func skeleton(s string) string {
	s = strings.NewReplacer("q", "k", "y", "i", "ou", "u").Replace(s)
	var b strings.Builder
	var prev rune
	for _, r := range s {
		if r != prev {
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

func isUpperToken(tok string) bool {
	up, low := 0, 0
	for _, r := range tok {
		switch {
		case unicode.IsUpper(r):
			up++
		case unicode.IsLower(r):
			low++
		}
	}
	return up > 0 && up >= low
}

// parseName splits "Firstname SURNAME" (surname in capitals, as the lists
// write it) into normalised parts.
func parseName(raw string) nameParts {
	n := nameParts{raw: raw}
	cleaned := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsSpace(r) {
			return r
		}
		return ' ' // dots, hyphens, apostrophes, PDF artefacts
	}, raw)
	toks := strings.Fields(cleaned)
	if len(toks) == 0 || placeholderNames[input.Fold(raw)] {
		n.nothing = true
		return n
	}
	type tok struct {
		text  string
		upper bool
	}
	var joined []tok
	for i := 0; i < len(toks); i++ {
		t := tok{input.Fold(toks[i]), isUpperToken(toks[i])}
		if particles[t.text] && i+1 < len(toks) {
			next := toks[i+1]
			t = tok{t.text + input.Fold(next), isUpperToken(next)}
			i++
		}
		joined = append(joined, t)
	}
	split := len(joined)
	for split > 0 && joined[split-1].upper {
		split--
	}
	if split == len(joined) || split == 0 { // no capitals, or only capitals: the last token is the surname
		split = len(joined) - 1
	}
	var first []string
	for _, t := range joined[:split] {
		first = append(first, skeleton(t.text))
	}
	var sur []string
	for _, t := range joined[split:] {
		sur = append(sur, skeleton(t.text))
	}
	n.first, n.surname = strings.Join(first, " "), strings.Join(sur, "")
	n.bare = n.surname
	for p, ok := range particles {
		if ok && strings.HasPrefix(n.surname, p) && len(n.surname) > len(p)+2 {
			n.bare = strings.TrimPrefix(n.surname, p)
		}
	}
	// The article is also written as a bare l: LAANGRI and AANGRI.
	if len(n.bare) > 4 && n.bare[0] == 'l' && strings.ContainsRune("aeiou", rune(n.bare[1])) {
		n.bare = n.bare[1:]
	}
	n.key = n.first + "|" + n.surname
	n.initial = len([]rune(n.first)) == 1
	n.single = len(joined) == 1
	return n
}

// similarity is 1 - the optimal string alignment distance (edits and
// adjacent transpositions) over the longer length.
func similarity(a, b string) float64 {
	if a == b {
		return 1
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	return 1 - float64(input.EditDistance(ra, rb, true))/float64(max(len(ra), len(rb)))
}

// Thresholds of the name match: the surnames must be close, the first names
// close enough, and the combined score high enough.
const (
	minSurname = 0.8
	minFirst   = 0.75
	minScore   = 0.85
)

// nameScore compares two names; 0 when they cannot be the same person.
func nameScore(a, b nameParts) float64 {
	if a.nothing || b.nothing {
		return 0
	}
	if a.key == b.key {
		return 1
	}
	if a.single || b.single { // a lone token is too little to go on
		return 0
	}
	sur := surnameScore(a, b)
	if sur < minSurname {
		return 0
	}
	first := similarity(a.first, b.first)
	if a.initial || b.initial {
		if a.first != "" && b.first != "" && a.first[0] == b.first[0] {
			first = 0.8
		}
	}
	if first < minFirst {
		return 0
	}
	return (sur + first) / 2
}

// shortSurname is the length below which surnames must agree exactly:
// one letter is too much of a short name (ALAMI and ALAOUI are different
// families).
const shortSurname = 7

// surnameScore compares surnames, with and without their particle.
func surnameScore(a, b nameParts) float64 {
	best := 0.0
	for _, x := range []string{a.surname, a.bare} {
		for _, y := range []string{b.surname, b.bare} {
			lx, ly := utf8.RuneCountInString(x), utf8.RuneCountInString(y)
			if lx != ly && 1-float64(abs(lx-ly))/float64(max(lx, ly)) < minSurname {
				continue // the lengths alone put them too far apart
			}
			s := similarity(x, y)
			if s < 1 && max(len([]rune(x)), len([]rune(y))) < shortSurname {
				s = 0
			}
			best = max(best, s)
		}
	}
	return best
}

// MergeRules are the analyst's decisions: pairs of spellings that are the
// same person (merge) or different people (keep apart).
type MergeRules struct {
	Merge     [][2]string
	KeepApart [][2]string
}

// ReadMergeRules reads a merges file: action (merge | keep_apart), name_a, name_b.
func ReadMergeRules(file string, r io.Reader) (*MergeRules, error) {
	t, err := input.ReadTable(file, r, input.ReadOptions{})
	if err != nil {
		return nil, err
	}
	if err := t.Aligned(); err != nil {
		return nil, err
	}
	cols, err := t.Require("action", "name_a", "name_b")
	if err != nil {
		return nil, err
	}
	rules := &MergeRules{}
	for i := range t.Records {
		pair := [2]string{t.Cell(i, cols[1]), t.Cell(i, cols[2])}
		switch input.Fold(t.Cell(i, cols[0])) {
		case "merge":
			rules.Merge = append(rules.Merge, pair)
		case "keep_apart", "keep apart", "forbid":
			rules.KeepApart = append(rules.KeepApart, pair)
		default:
			return nil, &input.InputError{File: file, Line: t.Lines[i], Column: cols[0] + 1,
				Msg: fmt.Sprintf("action %s: expected merge or keep_apart", input.Excerpt(t.Cell(i, cols[0])))}
		}
	}
	return rules, nil
}

// ResolvePeople groups attendance rows into people. Rows whose names have
// the same normalised key are one person; two keys merge when their names
// score at least minScore, with the organisation and city as evidence
// (+0.05 when one agrees, -0.05 when both are known and differ). Forced
// merges and keep-apart pairs from rules win over the scores.
func ResolvePeople(rows []form.Attendance, meetings []form.Meeting, rules *MergeRules, orgs *OrgTypes, cities *Cities) ([]Person, []MergeRecord) {
	if rules == nil {
		rules = &MergeRules{}
	}
	// One node per distinct key (placeholders stay one node per row).
	type node struct {
		key   string
		parts nameParts
		rows  []int
		org   string
		city  string
	}
	var nodes []*node
	byKey := map[string]*node{}
	for i, a := range rows {
		p := parseName(a.Name)
		k := p.key
		if p.nothing {
			k = fmt.Sprintf("#row%d", i)
		}
		n, ok := byKey[k]
		if !ok {
			n = &node{key: k, parts: p, org: input.Fold(a.Organisation), city: cities.Normalise(a.City).City}
			byKey[k] = n
			nodes = append(nodes, n)
		}
		n.rows = append(n.rows, i)
	}
	parent := make([]int, len(nodes))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	nodeOf := func(name string) int {
		k := parseName(name).key
		for i, n := range nodes {
			if n.key == k {
				return i
			}
		}
		return -1
	}
	apart := map[[2]int]bool{}
	for _, p := range rules.KeepApart {
		a, b := nodeOf(p[0]), nodeOf(p[1])
		if a >= 0 && b >= 0 {
			apart[[2]int{a, b}], apart[[2]int{b, a}] = true, true
		}
	}
	members := func(root int) []int {
		var out []int
		for i := range nodes {
			if find(i) == root {
				out = append(out, i)
			}
		}
		return out
	}
	forbidden := func(a, b int) bool {
		if len(apart) == 0 {
			return false
		}
		for _, x := range members(find(a)) {
			for _, y := range members(find(b)) {
				if apart[[2]int{x, y}] {
					return true
				}
			}
		}
		return false
	}
	type pair struct {
		a, b     int
		score    float64
		evidence string
		forced   bool
	}
	var pairs []pair
	for _, p := range rules.Merge {
		a, b := nodeOf(p[0]), nodeOf(p[1])
		if a >= 0 && b >= 0 {
			pairs = append(pairs, pair{a, b, 1, "forced by the merges file", true})
		}
	}
	for i := range nodes {
		for j := i + 1; j < len(nodes); j++ {
			s := nameScore(nodes[i].parts, nodes[j].parts)
			if s == 0 {
				continue
			}
			var ev []string
			switch {
			case nodes[i].org != "" && similarity(nodes[i].org, nodes[j].org) >= 0.8:
				s += 0.05
				ev = append(ev, "same organisation")
			case nodes[i].city != "" && nodes[i].city == nodes[j].city:
				s += 0.05
				ev = append(ev, "same city")
			case nodes[i].org != "" && nodes[j].org != "" && nodes[i].city != "" && nodes[j].city != "":
				s -= 0.05
				ev = append(ev, "organisation and city differ")
			}
			if s >= minScore {
				pairs = append(pairs, pair{i, j, min(s, 1), strings.Join(ev, ", "), false})
			}
		}
	}
	sort.SliceStable(pairs, func(x, y int) bool {
		if pairs[x].forced != pairs[y].forced {
			return pairs[x].forced
		}
		return pairs[x].score > pairs[y].score
	})
	joinedBy := map[int]pair{}
	for _, p := range pairs {
		ra, rb := find(p.a), find(p.b)
		if ra == rb || forbidden(p.a, p.b) {
			continue
		}
		parent[rb] = ra
		joinedBy[p.b] = p
	}
	// Build people, in the order their first row appears.
	groups := map[int][]int{}
	var roots []int
	for i := range nodes {
		r := find(i)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], i)
	}
	meetingOrder := map[string]int{}
	for i, m := range meetings {
		meetingOrder[m.ID] = i
	}
	var people []Person
	var merges []MergeRecord
	for _, r := range roots {
		var p Person
		spelling := map[string]int{}
		orgCount := map[string]int{}
		cityCount := map[string]int{}
		regionCount := map[string]int{}
		meetingSet, roleSet := map[string]bool{}, map[string]bool{}
		firstSeen := map[string]int{}
		for _, ni := range groups[r] {
			for _, ri := range nodes[ni].rows {
				a := rows[ri]
				p.Rows = append(p.Rows, ri)
				name := repair(strings.Join(strings.Fields(a.Name), " "))
				if _, ok := firstSeen[name]; !ok {
					firstSeen[name] = ri
				}
				spelling[name]++
				if org := repair(strings.TrimSpace(a.Organisation)); org != "" && !orgs.Placeholder(org) {
					orgCount[org]++
				}
				c := cities.Normalise(a.City)
				if c.City != "" {
					cityCount[c.City]++
				}
				if c.Region != "" {
					regionCount[c.Region]++
				}
				meetingSet[a.Meeting], roleSet[a.Role] = true, true
			}
		}
		sort.Ints(p.Rows)
		p.Name = mostFrequent(spelling, firstSeen)
		for v := range spelling {
			p.Variants = append(p.Variants, v)
		}
		sort.Strings(p.Variants)
		p.Organisation = mostFrequent(orgCount, nil)
		p.OrgType = orgs.Classify(p.Organisation)
		p.City = mostFrequent(cityCount, nil)
		if p.City == "" {
			p.Region = mostFrequent(regionCount, nil)
		}
		for m := range meetingSet {
			p.Meetings = append(p.Meetings, m)
		}
		sort.Slice(p.Meetings, func(a, b int) bool { return meetingOrder[p.Meetings[a]] < meetingOrder[p.Meetings[b]] })
		for role := range roleSet {
			p.Roles = append(p.Roles, role)
		}
		sort.Strings(p.Roles)
		sum := sha1.Sum([]byte(parseName(p.Name).key + "\x00" + p.Name))
		p.ID = "P" + strings.ToUpper(hex.EncodeToString(sum[:4]))
		for _, ni := range groups[r] {
			spellings := map[string]bool{}
			var order []string
			for _, ri := range nodes[ni].rows {
				name := strings.Join(strings.Fields(rows[ri].Name), " ")
				if !spellings[name] {
					spellings[name] = true
					order = append(order, name)
				}
			}
			jp, joined := joinedBy[ni]
			for k, name := range order {
				switch {
				case joined && k == 0:
					other := strings.Join(strings.Fields(rows[nodes[jp.a].rows[0]].Name), " ")
					merges = append(merges, MergeRecord{PersonID: p.ID, Canonical: p.Name, Variant: name, MatchedWith: other,
						Score: jp.score, Evidence: jp.evidence, Forced: jp.forced})
				case name != p.Name || k > 0:
					merges = append(merges, MergeRecord{PersonID: p.ID, Canonical: p.Name, Variant: name, MatchedWith: order[0],
						Score: 1, Evidence: identical})
				}
			}
		}
		people = append(people, p)
	}
	sort.SliceStable(people, func(a, b int) bool { return people[a].Rows[0] < people[b].Rows[0] })
	// Drop self-matches (a node's first spelling when it is the canonical one).
	kept := merges[:0]
	for _, m := range merges {
		if m.Variant != m.MatchedWith {
			kept = append(kept, m)
		}
	}
	merges = kept
	sort.SliceStable(merges, func(a, b int) bool {
		if merges[a].Canonical != merges[b].Canonical {
			return merges[a].Canonical < merges[b].Canonical
		}
		return merges[a].Variant < merges[b].Variant
	})
	return people, merges
}

// artefact is the PDF extraction artefact "›" standing for an apostrophe
// between letters ("l›Office").
var artefact = regexp.MustCompile(`(\pL)›(\pL)`)

// repair restores the apostrophes that PDF extraction turned into "›".
func repair(s string) string { return artefact.ReplaceAllString(s, "$1’$2") }

// mostFrequent returns the key with the highest count; ties go to the one
// seen first (when order is given) or the smallest.
func mostFrequent(counts map[string]int, order map[string]int) string {
	best, bestN := "", 0
	for k, n := range counts {
		switch {
		case n > bestN:
			best, bestN = k, n
		case n == bestN && order != nil && order[k] < order[best]:
			best = k
		case n == bestN && order == nil && k < best:
			best = k
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
