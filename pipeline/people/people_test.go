package people

import (
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/input"
	"os"
	"strings"
	"testing"
)

func testRules(t *testing.T) (*OrgTypes, *Cities) {
	t.Helper()
	f, err := os.Open("../../data/org_types.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	orgs, err := ReadOrgTypes("org_types.csv", f)
	if err != nil {
		t.Fatal(err)
	}
	g, err := os.Open("../../data/cities.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	cities, err := ReadCities("cities.csv", g)
	if err != nil {
		t.Fatal(err)
	}
	return orgs, cities
}

// rowsOf makes attendance rows: name|organisation|city, one per meeting m1, m2…
func rowsOf(specs ...string) []form.Attendance {
	var out []form.Attendance
	for i, s := range specs {
		f := strings.Split(s, "|")
		for len(f) < 3 {
			f = append(f, "")
		}
		out = append(out, form.Attendance{Meeting: []string{"m1", "m2"}[i%2], Name: f[0], Organisation: f[1], City: f[2], Role: "participant", Line: i + 2})
	}
	return out
}

var testMeetings = []form.Meeting{{ID: "m1"}, {ID: "m2"}}

func peopleCount(t *testing.T, rows []form.Attendance, rules *MergeRules) ([]Person, []MergeRecord) {
	t.Helper()
	orgs, cities := testRules(t)
	return ResolvePeople(rows, testMeetings, rules, orgs, cities)
}

func TestVariantsMerge(t *testing.T) {
	groups := [][]string{
		{"Abdeladim ElBAALY|DESS|Rabat", "Abdeladim ELBAALY|DESS|Rabat", "Abdeladim EL BAALY", "Abdelaadim ELBAALY|Direction ESS|"},
		{"Tayeb EL MESBAHI|Conseil de la région de l'Oriental|Oujda", "Taib EL MESBAHI|Région de l'Oriental|"},
		{"Ali BACHIRI|Ass. Aljisr|Nador", "Ali EL BACHIRI||Nador"},
		{"Bachir LAFKIH", "Bachir LAFQIH"},
		{"Amina LAGHZAL", "Amina Laghzal", "  Amina   LAGHZAL "},
		{"Lahbbi AADID|ODCO|Guelmim", "Lahbib AADID|ODCO|Guelmim"},
		{"Youssef CHAKROUN|Enabel|", "Youssef CHEQROUN|ENABEL|"},
	}
	for _, g := range groups {
		people, merges := peopleCount(t, rowsOf(g...), nil)
		if len(people) != 1 {
			t.Errorf("%q: %d people, want 1", g, len(people))
			continue
		}
		if len(people[0].Meetings) != 2 && len(g) > 1 {
			t.Errorf("%q: meetings %v, want both", g, people[0].Meetings)
		}
		distinct := map[string]bool{}
		for _, s := range g {
			distinct[strings.Join(strings.Fields(strings.Split(s, "|")[0]), " ")] = true
		}
		if len(merges) != len(distinct)-1 {
			t.Errorf("%q: %d merge records, want one per extra spelling (%d): %+v", g, len(merges), len(distinct)-1, merges)
		}
		for _, m := range merges {
			if m.Score < minScore || m.MatchedWith == "" || m.PersonID != people[0].ID {
				t.Errorf("%q: unexplained merge %+v", g, m)
			}
		}
	}
}

func TestLookAlikesStayApart(t *testing.T) {
	pairs := [][2]string{
		{"Mohamed ALAMI|A|Rabat", "Mohamed ALAOUI|A|Rabat"},     // same first name, different surname
		{"Hanane BOUJARMOUNE", "Hanane BOUJEMAA"},               // idem
		{"Yassine BRAHIM|X|Tanger", "Brahim|X|Tanger"},          // a lone first name is too little
		{"Aziz MHANDI", "Aziz HAMDI"},                           // close letters, other surname
		{"Hamid EL KHORCHI|A|Safi", "Rachid EL KHORCHI|A|Safi"}, // same surname, other first name
		{"Participant", "Participant"},                          // placeholders are never merged
	}
	for _, p := range pairs {
		people, _ := peopleCount(t, rowsOf(p[0], p[1]), nil)
		if len(people) != 2 {
			t.Errorf("%q and %q merged into one person", p[0], p[1])
		}
	}
}

func TestForcedAndForbiddenMerges(t *testing.T) {
	rules, err := ReadMergeRules("merges.csv", strings.NewReader(
		"action,name_a,name_b\nmerge,Brahim,Yassine BRAHIM\nkeep_apart,Tayeb EL MESBAHI,Taib EL MESBAHI\n"))
	if err != nil {
		t.Fatal(err)
	}
	people, merges := peopleCount(t, rowsOf("Yassine BRAHIM|X|Tanger", "Brahim|X|Tanger", "Tayeb EL MESBAHI", "Taib EL MESBAHI"), rules)
	if len(people) != 3 {
		t.Fatalf("%d people, want 3 (Brahim forced into Yassine BRAHIM, the Mesbahi pair kept apart)", len(people))
	}
	forced := false
	for _, m := range merges {
		forced = forced || m.Forced && strings.Contains(m.Evidence, "merges file")
	}
	if !forced {
		t.Errorf("the forced merge is not in the report: %+v", merges)
	}
	if _, err := ReadMergeRules("m.csv", strings.NewReader("action,name_a,name_b\nfuse,a,b\n")); !input.IsInputError(err) || !strings.Contains(err.Error(), "m.csv:2:1") {
		t.Errorf("bad action: err = %v", err)
	}
}

func TestOrgTypesAndCities(t *testing.T) {
	orgs, cities := testRules(t)
	for org, want := range map[string]string{
		"Coop. Tadwir": "cooperative", "Coopérative zohour": "cooperative", "Ass Passagers": "associative",
		"Association Al Akhawaine": "associative", "Université Cadi Ayyad": "academic", "ENCG": "academic",
		"Conseil de la région de l'Oriental": "public", "Délégation Entraide Nationale": "public", "OCP Group": "private",
		"ENABEL": "international", "Programme Forsati - IOM": "international", "Radio SNRT": "media",
		"Participant": "individual", "": "individual", "Zorglub et fils": "unclassified",
	} {
		if got := orgs.Classify(org); got != want {
			t.Errorf("Classify(%q) = %q, want %q", org, got, want)
		}
	}
	for raw, want := range map[string]CityMatch{
		"SAFI": {City: "Safi"}, "safi": {City: "Safi"}, "Guelmimm": {City: "Guelmim", Fixed: true},
		"Agadir; Guelmim": {City: "Agadir"}, "Oriental": {Region: "Oriental"}, "Laayoune": {City: "Laâyoune"},
		"العيون": {City: "Laâyoune"}, "tangier": {City: "Tanger"}, "Sidi Ifni": {City: "Sidi Ifni"}, "": {},
		"Oujdaa": {City: "Oujda", Fixed: true},
	} {
		if got := cities.Normalise(raw); got != want {
			t.Errorf("Normalise(%q) = %+v, want %+v", raw, got, want)
		}
	}
	if _, err := ReadOrgTypes("o.csv", strings.NewReader("type,pattern\ncharity,x\n")); !input.IsInputError(err) {
		t.Errorf("unknown type: err = %v", err)
	}
}

func TestPDFArtefactRepaired(t *testing.T) {
	people, _ := peopleCount(t, rowsOf("Ali CHADMI|Direction de l›Economie Sociale|Rabat"), nil)
	if got := people[0].Organisation; got != "Direction de l’Economie Sociale" {
		t.Errorf("organisation = %q", got)
	}
}
