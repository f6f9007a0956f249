package gen

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/synthese-project/synthese/internal/i18n"
	"github.com/synthese-project/synthese/pipeline/form"
)

// GenOptions describe a generated survey: the reference questionnaire
// (a profile and five questions, one of them select_multiple) with as many
// meetings (cities) and extra questions as asked, and rows shaped like a
// French Google Forms export: a timestamp, labels with accents, a few
// quoted multiple answers, blanks, and the odd "NSP" or lower-case answer.
type GenOptions struct {
	Rows      int
	Cities    int    // meetings; 25 if 0
	Questions int    // closed questions besides the city; 6 (the reference form's) if 0
	Seed      uint64 // same seed, same bytes
	// Repeats is the share of rows that repeat the row before, byte for
	// byte (a submission sent twice: a duplicate left out). The rows drawn
	// do not depend on it: the repeats go in between (the file still has
	// Rows rows).
	Repeats float64
}

func (o GenOptions) norm() GenOptions {
	if o.Cities <= 0 {
		o.Cities = 25
	}
	if o.Questions <= 0 {
		o.Questions = 6
	}
	return o
}

// genCities are Moroccan cities (name, Arabic name); more are numbered.
var genCities = [][2]string{
	{"Oujda", "وجدة"}, {"Safi", "آسفي"}, {"Tanger", "طنجة"}, {"Ouarzazate", "ورزازات"}, {"Laâyoune", "العيون"},
	{"Fès", "فاس"}, {"Meknès", "مكناس"}, {"Salé", "سلا"}, {"Kénitra", "القنيطرة"}, {"Témara", "تمارة"},
	{"Béni Mellal", "بني ملال"}, {"El Jadida", "الجديدة"}, {"Khémisset", "الخميسات"}, {"Nador", "الناظور"}, {"Tétouan", "تطوان"},
	{"Agadir", "أكادير"}, {"Marrakech", "مراكش"}, {"Casablanca", "الدار البيضاء"}, {"Rabat", "الرباط"}, {"Essaouira", "الصويرة"},
	{"Errachidia", "الرشيدية"}, {"Taza", "تازة"}, {"Settat", "سطات"}, {"Khouribga", "خريبكة"}, {"Guelmim", "كلميم"},
}

// genList is a choice list: name, French label, Arabic label.
type genList struct {
	name    string
	choices [][3]string
}

var (
	genOuiNon = genList{"oui_non", [][3]string{{"oui", "Oui", "نعم"}, {"non", "Non", "لا"}}}
	genAccord = genList{"accord", [][3]string{{"accord", "En accord", "موافق"}, {"desaccord", "En désaccord", "غير موافق"}}}
	genProfil = genList{"profil", [][3]string{{"associatif", "Associatif", "جمعوي"}, {"institutionnel", "Institutionnel", "مؤسساتي"},
		{"academique", "Académique", "أكاديمي"}, {"prive", "Privé", "قطاع خاص"}, {"porteur", "Porteur de projet", "حامل مشروع"},
		{"cooperation", "Coopération internationale", "تعاون دولي"}, {"media", "Média", "إعلام"}}}
	genEtude = genList{"etude", [][3]string{{"leviers", "Découvrir les leviers", "اكتشاف الرافعات"}, {"etat", "Découvrir l’état des lieux", "اكتشاف الواقع"},
		{"pratiques", "Découvrir les meilleures pratiques", "اكتشاف أفضل الممارسات"}, {"principes", "Découvrir les principes", "اكتشاف المبادئ"}}}
)

// genQuestion is one generated closed question.
type genQuestion struct {
	name, fr, ar string
	list         genList
	multiple     bool
	blank        float64 // share of blank answers
}

func genQuestions(n int) []genQuestion {
	base := []genQuestion{
		{"profil", "Profil", "الصفة", genProfil, false, 0},
		{"q1_levier", "Est-ce que l’innovation sociale peut être un levier de développement pour le pays ?", "هل يمكن أن يكون الابتكار الاجتماعي رافعة للتنمية؟", genOuiNon, false, 0},
		{"q2_innovateur", "Existe-t-il un innovateur social dans votre région qui mérite d’être visibilisé ?", "هل يوجد في جهتكم مبتكر اجتماعي يستحق التعريف به؟", genOuiNon, false, 0},
		{"q3_etude", "Qu’avez-vous découvert grâce à l’étude ?", "ماذا اكتشفتم من خلال الدراسة؟", genEtude, true, 0},
		{"q4_ressources", "L’écosystème dispose-t-il d’assez de ressources pédagogiques ?", "هل تتوفر المنظومة على ما يكفي من الموارد البيداغوجية؟", genOuiNon, false, 0},
		{"q5_pouvoirs_publics", "Les pouvoirs publics ont un rôle leader", "للسلطات العمومية دور ريادي", genAccord, false, 0},
	}
	var out []genQuestion
	lists := []genList{genOuiNon, genAccord, genProfil, genEtude}
	for i := 0; i < n; i++ {
		var q genQuestion
		if i < len(base) {
			q = base[i]
		} else {
			l := lists[i%len(lists)]
			q = genQuestion{fmt.Sprintf("q%d", i), fmt.Sprintf("Question %d, posée à tous", i), fmt.Sprintf("السؤال %d", i), l, l.name == "etude", 0}
		}
		q.blank = 0.04 + 0.09*float64(i%10)/9 // 4% to 13%
		out = append(out, q)
	}
	return out
}

func genCity(i int) (id, fr, ar string) {
	if i < len(genCities) {
		fr, ar = genCities[i][0], genCities[i][1]
	} else {
		fr, ar = fmt.Sprintf("Ville %d", i+1), fmt.Sprintf("المدينة %d", i+1)
	}
	return strings.ToLower(strings.NewReplacer("â", "a", "è", "e", "é", "e", " ", "_").Replace(fr)), fr, ar
}

// GenerateProject writes a project folder for the generated survey into
// dir: manifest, questionnaire, meetings and responses.csv.
func GenerateProject(dir string, opt GenOptions) error {
	opt = opt.norm()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	qs := genQuestions(opt.Questions)
	write := func(name string, rows [][]string) error {
		var b strings.Builder
		w := csv.NewWriter(&b)
		w.WriteAll(rows)
		return os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644)
	}
	survey := [][]string{{"type", "name", "label::Français (fr)", "label::العربية (ar)"},
		{"start", "start", "Horodateur", "الطابع الزمني"},
		{"select_one ville", "ville", "Ville de la rencontre", "مدينة اللقاء"}}
	choices := [][]string{{"list_name", "name", "label::Français (fr)", "label::العربية (ar)"}}
	meetings := [][]string{{"meeting_id", "city_fr", "city_ar", "start_date", "end_date"}}
	day := time.Date(2020, 11, 24, 0, 0, 0, 0, time.UTC)
	for i := 0; i < opt.Cities; i++ {
		id, fr, ar := genCity(i)
		choices = append(choices, []string{"ville", id, fr, ar})
		d := day.AddDate(0, 0, 7*i).Format("2006-01-02")
		meetings = append(meetings, []string{id, fr, ar, d, d})
	}
	lists := map[string]bool{}
	for _, q := range qs {
		typ := "select_one "
		if q.multiple {
			typ = "select_multiple "
		}
		survey = append(survey, []string{typ + q.list.name, q.name, q.fr, q.ar})
		if !lists[q.list.name] {
			lists[q.list.name] = true
			for _, c := range q.list.choices {
				choices = append(choices, []string{q.list.name, c[0], c[1], c[2]})
			}
		}
	}
	// The title's row count written as each language writes numbers.
	count := map[string]string{}
	for _, lang := range []string{"fr", "ar"} {
		c, err := i18n.For(lang)
		if err != nil {
			return err
		}
		count[lang] = c.Int(int64(opt.Rows))
	}
	manifest := fmt.Sprintf(`# A generated survey (synthese gen): %d rows, %d cities, %d questions, seed %d.
title:
  fr: "Consultation générée — %s réponses"
  ar: "استشارة مولدة — %s جواب"
languages: [fr, ar]
questionnaire:
  survey: survey.csv
  choices: choices.csv
  settings: settings.csv
responses: [responses.csv]
meeting_question: ville
meetings: meetings.csv
small_cell: 5
`, opt.Rows, opt.Cities, opt.Questions, opt.Seed, count["fr"], count["ar"])
	if err := os.WriteFile(filepath.Join(dir, form.ManifestName), []byte(manifest), 0o644); err != nil {
		return err
	}
	for name, rows := range map[string][][]string{"survey.csv": survey, "choices.csv": choices, "meetings.csv": meetings,
		"settings.csv": {{"form_title", "form_id", "default_language"}, {"Consultation générée", "gen", "Français (fr)"}}} {
		if err := write(name, rows); err != nil {
			return err
		}
	}
	f, err := os.Create(filepath.Join(dir, "responses.csv"))
	if err != nil {
		return err
	}
	if err := GenerateResponses(f, opt); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// GenerateResponses writes the responses file of the generated survey.
func GenerateResponses(w io.Writer, opt GenOptions) error {
	opt = opt.norm()
	qs := genQuestions(opt.Questions)
	bw := bufio.NewWriterSize(w, 1<<20)
	hw := csv.NewWriter(bw)
	header := []string{"Horodateur", "Ville de la rencontre"}
	for _, q := range qs {
		header = append(header, q.fr)
	}
	hw.Write(header)
	hw.Flush()
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5eed))
	cities := make([]string, opt.Cities)
	cum := make([]float64, opt.Cities) // larger cities first: weights 1/(i+2)
	total := 0.0
	for i := range cities {
		_, cities[i], _ = genCity(i)
		total += 1 / float64(i+2)
		cum[i] = total
	}
	// An incremental clock: one submission per second from 24/11/2020 08:00.
	clock := time.Date(2020, 11, 24, 8, 0, 0, 0, time.UTC)
	date := clock.Format("02/01/2006")
	h, m, s := 8, 0, 0
	var line []byte
	two := func(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }
	repeats := rand.New(rand.NewPCG(opt.Seed, 0xd0b1e)) // its own draws: the rows do not depend on it
	for r := 0; r < opt.Rows; r++ {
		if r > 0 && opt.Repeats > 0 && repeats.Float64() < opt.Repeats {
			if _, err := bw.Write(line); err != nil {
				return err
			}
			continue
		}
		line = append(line[:0], date...)
		line = append(line, ' ')
		line = two(line, h)
		line = append(line, ':')
		line = two(line, m)
		line = append(line, ':')
		line = two(line, s)
		line = append(line, ',')
		x := rng.Float64() * total
		c := 0
		for c < len(cum)-1 && cum[c] < x {
			c++
		}
		line = append(line, cities[c]...)
		for _, q := range qs {
			line = append(line, ',')
			u := rng.Uint64()
			if float64(u>>11)/(1<<53) < q.blank {
				continue
			}
			u = rng.Uint64()
			n := len(q.list.choices)
			switch {
			case u%1000 == 0:
				line = append(line, "NSP"...)
			case q.multiple:
				// One to three choices, names joined as Google Forms joins labels.
				k := 1 + int(u>>8)%3
				first := int(u>>16) % n
				if k > 1 {
					line = append(line, '"')
				}
				for j := 0; j < k; j++ {
					if j > 0 {
						line = append(line, ", "...)
					}
					line = append(line, q.list.choices[(first+j)%n][0]...)
				}
				if k > 1 {
					line = append(line, '"')
				}
			default:
				// Skewed towards the first answers, varying by city.
				i := int((u>>8)%uint64(n*n)) % (n + c%3)
				if i >= n {
					i = 0
				}
				label := q.list.choices[i][1]
				if u%997 == 1 {
					label = strings.ToLower(label) // a spelling read after folding
				}
				line = append(line, label...)
			}
		}
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
		if s++; s == 60 {
			s = 0
			if m++; m == 60 {
				m = 0
				if h++; h == 24 {
					h = 0
					clock = clock.AddDate(0, 0, 1)
					date = clock.Format("02/01/2006")
				}
			}
		}
	}
	return bw.Flush()
}

// LoadGenerated writes a generated project into dir (GenerateProject),
// loads it, and gives the size of its responses file: for benchmarks and
// tests that need a survey of a given size.
func LoadGenerated(dir string, opt GenOptions) (*form.Project, int64, error) {
	if err := GenerateProject(dir, opt); err != nil {
		return nil, 0, err
	}
	p, err := form.LoadProject(os.DirFS(dir))
	if err != nil {
		return nil, 0, err
	}
	st, err := os.Stat(filepath.Join(dir, "responses.csv"))
	if err != nil {
		return nil, 0, err
	}
	return p, st.Size(), nil
}
