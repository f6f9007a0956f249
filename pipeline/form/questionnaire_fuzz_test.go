package form

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/synthese-project/synthese/pipeline/input"
)

// FuzzQuestionnaire: the XLSForm reader on any survey and choices text
// (seeded with the reference sheets and forms of every feature) never
// panics; it refuses with an *input.InputError naming one of its sheets
// (or a file beside the form), or gives a questionnaire whose question
// names are unique, whose closed questions have their lists, and whose
// groups' paths end with their names.
func FuzzQuestionnaire(f *testing.F) {
	for _, pair := range [][2]string{{"survey.csv", "choices.csv"}} {
		sv, err := os.ReadFile("../../data/" + pair[0])
		if err != nil {
			f.Fatal(err)
		}
		ch, err := os.ReadFile("../../data/" + pair[1])
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(sv), string(ch))
	}
	f.Add("type,name,label,relevant\nbegin_group,g,**G**,${a} = 'x'\nselect_one yn or_other,a,A ${b},\nbegin repeat,r,R,\ntext,a,A,\nend repeat,zz,,\nend_group,,,\nnote,,<b>Hi</b>,\n",
		"list name,name,label\nyn,oui,Oui\nyn,oui,Oui\n")
	f.Add("type,name,label::English (en),label::عربي,hint::English\nselect one from yn,q,Q,س,h\nselect_one_from_file c.csv,c,C,,\nrank yn,r,R,,\nbegin loop over yn,l,L,,\ninteger,n,N,,\nend loop,,,,\n",
		"list_name,name,label::English,label::العربية\nyn,yes,Yes,نعم\n")
	f.Add("type,name,label,kobo--score-choices\nbegin_score,s,S,yn\nscore__row,s1,S1,\nend_score,,,\nend_group,,,\n", "list_name,name,label\nyn,a,A\n")
	files := fstest.MapFS{"c.csv": {Data: []byte("name,label\nx,X\n")}}
	open := func(name string) (io.ReadCloser, error) { return files.Open(name) }
	f.Fuzz(func(t *testing.T, survey, choices string) {
		q, err := ReadQuestionnaireWith("survey.csv", strings.NewReader(survey), "choices.csv", strings.NewReader(choices), "", nil, FormOptions{OpenFile: open})
		if err != nil {
			var ie *input.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("err %T %v is not an InputError", err, err)
			}
			if ie.File != "survey.csv" && ie.File != "choices.csv" && ie.File != "c.csv" {
				t.Fatalf("err names %q: %v", ie.File, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, qu := range q.Questions {
			if seen[qu.Name] {
				t.Fatalf("question name %q twice", qu.Name)
			}
			seen[qu.Name] = true
			if qu.Closed() && len(q.Choices(qu)) == 0 {
				t.Fatalf("closed question %q without choices", qu.Name)
			}
		}
		for _, g := range q.Groups {
			if len(g.Path) == 0 || g.Path[len(g.Path)-1] != g.Name {
				t.Fatalf("group %+v", g)
			}
		}
	})
}
