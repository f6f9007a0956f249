package stage

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/synthese-project/synthese/pipeline/form"
)

// memOutputs is an output folder in memory that refuses, as a file system
// would or should, a name outside it, a folder other than charts/ and
// parquet/, and a file name longer than 255 bytes.
type memOutputs struct {
	files map[string][]byte
	mu    sync.Mutex // the charts are written on every core
}

func (o *memOutputs) check(name string) error {
	dir, file := path.Split(name)
	if !fs.ValidPath(name) || (dir != "" && dir != "charts/" && dir != "parquet/") {
		return fmt.Errorf("%s: outside the output folder or in a folder of its own", name)
	}
	if len(file) > 255 {
		return fmt.Errorf("%s: file name too long", name)
	}
	return nil
}

func (o *memOutputs) Path(name string) string { return "out/" + name }

func (o *memOutputs) Read(name, stage string) (*bytes.Reader, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	b, ok := o.files[name]
	if !ok {
		return nil, fmt.Errorf("%s: missing; run %s first", name, stage)
	}
	return bytes.NewReader(b), nil
}

func (o *memOutputs) Write(name string, write func(*bytes.Buffer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	return o.WriteBytes(name, b.Bytes())
}

func (o *memOutputs) WriteBytes(name string, content []byte) error {
	if err := o.check(name); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.files[name] = bytes.Clone(content)
	return nil
}

func (o *memOutputs) Create(name string) (Pending, error) {
	if err := o.check(name); err != nil {
		return nil, err
	}
	return &memPending{o: o, name: name}, nil
}

func (o *memOutputs) Remove(name string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.files, name)
	return nil
}

func (o *memOutputs) FS() fs.FS {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := fstest.MapFS{}
	for name, b := range o.files {
		m[name] = &fstest.MapFile{Data: b}
	}
	return m
}

type memPending struct {
	o    *memOutputs
	name string
	buf  bytes.Buffer
}

func (p *memPending) Reset() (io.Writer, error) { p.buf.Reset(); return &p.buf, nil }
func (p *memPending) Commit() error             { return p.o.WriteBytes(p.name, p.buf.Bytes()) }
func (p *memPending) Abort()                    {}

// hostileProject is a project whose names would not make file names as
// they are: a question name of 300 letters, one that differs from another
// only in case, one named as the stakeholder chart, and meeting ids with
// "/" and "..". Then, given to the stages as if the questionnaire's checks
// had let them through, question names made of "../" and "/".
func hostileProject(t *testing.T) *form.Project {
	t.Helper()
	long := strings.Repeat("q", 300)
	fsys := fstest.MapFS{
		form.ManifestName: {Data: []byte("languages: [fr]\nquestionnaire: {survey: survey.csv, choices: choices.csv}\n" +
			"responses: [r.csv]\nmeeting_question: ville\nmeetings: meetings.csv\nsmall_cell: 0\n")},
		"survey.csv": {Data: []byte("type,name,label\nselect_one ville,ville,Ville\n" +
			"select_one yn,q1,Première\nselect_one yn," + long + ",Longue\nselect_one yn,Q1,Majuscule\n" +
			"select_one yn,stakeholders,Acteurs\nselect_one yn,traversal,Deux\nselect_one yn,folder,Trois\n")},
		"choices.csv": {Data: []byte("list_name,name,label\nyn,oui,Oui\nyn,non,Non\n")},
		"meetings.csv": {Data: []byte("meeting_id,start_date,end_date,city_fr\n" +
			"oujda,2020-11-24,2020-11-24,Oujda\nx/../../../y,2020-11-25,2020-11-25,Ailleurs\n../evil,2020-11-26,2020-11-26,Loin\n")},
		"r.csv": {Data: []byte("Ville,Première,Longue,Majuscule,Acteurs,Deux,Trois\n" +
			"Oujda,Oui,Non,Oui,Non,Oui,Non\nAilleurs,Non,Oui,Non,Oui,Non,Oui\nLoin,Oui,Oui,Oui,Oui,Oui,Oui\n")},
	}
	p, err := form.LoadProject(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for i, qu := range p.Questionnaire.Questions {
		switch qu.Name {
		case "traversal":
			p.Questionnaire.Questions[i].Name = "../../x"
		case "folder":
			p.Questionnaire.Questions[i].Name = "a/b"
		}
	}
	return p
}

// TestChartsStayInTheChartsFolder: whatever the names, every chart is one
// file in charts/ (none outside the output folder, none in a folder of its
// own), its name short, no two the same ignoring case, the report finds
// them all, and FirstChart is the first of them.
func TestChartsStayInTheChartsFolder(t *testing.T) {
	p := hostileProject(t)
	out := &memOutputs{files: map[string][]byte{}}
	e := &Env{Project: p, Out: out, Now: time.Date(2020, 12, 24, 0, 0, 0, 0, time.UTC), Version: "test", Quiet: true,
		Stdout: io.Discard, Digests: func() (map[string]string, error) { return map[string]string{}, nil }}
	for _, st := range []func(*Env) error{Ingest, Aggregate, Charts, Report} {
		if err := st(e); err != nil {
			t.Fatal(err)
		}
	}
	var written []string
	for name := range out.files {
		if strings.HasPrefix(name, "charts/") {
			written = append(written, strings.TrimPrefix(name, "charts/"))
		}
	}
	sort.Strings(written)
	folded := map[string]bool{}
	for _, f := range written {
		if len(f) > 90 || strings.Contains(f, "..") || strings.HasPrefix(f, ".") {
			t.Errorf("charts/%s: want a short name without ..", f)
		}
		if folded[strings.ToLower(f)] {
			t.Errorf("charts/%s: two charts differ only in case", f)
		}
		folded[strings.ToLower(f)] = true
	}
	// 6 questions, the stakeholder chart is not drawn without lists, 3
	// meetings in one language.
	if len(written) != 9 {
		t.Errorf("charts written: %q; want 9", written)
	}
	for _, want := range []string{"q1.png", "meeting-oujda-fr.png"} {
		if !folded[want] {
			t.Errorf("charts/%s missing (a safe name is kept as it is): %q", want, written)
		}
	}
	if first := FirstChart(p); out.files["charts/"+first] == nil || first != "q1.png" {
		t.Errorf("FirstChart = %q; want q1.png, written", first)
	}
	if _, ok := out.files["synthese.pdf"]; !ok {
		t.Error("no PDF")
	}
}

// TestChartStems: the stems of chart files, name by name: a safe name is
// kept, any other is the slug of its safe characters and 8 hex digits of
// its SHA-256, a second name equal but for case is hashed too, a question
// never takes the stakeholder chart's or a meeting chart's name, and a
// chart in parts keeps its "+N" suffix.
func TestChartStems(t *testing.T) {
	long := strings.Repeat("q", 300)
	names := []string{"q1_levier", "Q1_LEVIER", "../../x", "a/b", "/etc/passwd", long, "qualité", "a..b", ".hidden", "stakeholders", "Meeting-oujda-fr", "ns:q", "x-1.2"}
	stems, err := questionChartStems(&form.Project{
		Manifest:      &form.Manifest{MeetingQuestion: "ville"},
		Questionnaire: questionnaireOf(names),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"q1_levier": "q1_levier", "x-1.2": "x-1.2", "../../x": "x-", "a/b": "a_b-", "/etc/passwd": "etc_passwd-",
		long: strings.Repeat("q", maxSlug) + "-", "qualité": "qualit-", "a..b": "a.b-", ".hidden": "hidden-", "stakeholders": "stakeholders-",
		"Meeting-oujda-fr": "Meeting-oujda-fr-", "ns:q": "ns_q-", "Q1_LEVIER": "Q1_LEVIER-"}
	for i, name := range names {
		w := want[name]
		if strings.HasSuffix(w, "-") {
			if !strings.HasPrefix(stems[i], w) || len(stems[i]) != len(w)+8 {
				t.Errorf("%q → %q; want %s and 8 hex digits", name, stems[i], w)
			}
		} else if stems[i] != w {
			t.Errorf("%q → %q; want it kept", name, stems[i])
		}
	}
	// Distinct names whose slugs are the same get distinct stems.
	a, b := hashedStem("a/b", 1), hashedStem("a\\b", 1)
	if a == b || a[:4] != b[:4] {
		t.Errorf("a/b → %q, a\\b → %q; want the same slug, different hashes", a, b)
	}
	ids, err := chartStems([]string{"oujda", "Oujda", "x/../../../y", "../evil"}, nil)
	if err != nil || ids[0] != "oujda" || !strings.HasPrefix(ids[1], "Oujda-") || !strings.HasPrefix(ids[2], "x_._._._y-") || !strings.HasPrefix(ids[3], "evil-") {
		t.Errorf("meeting ids → %q, %v", ids, err)
	}
	if partName(stems[0], 0) != "q1_levier.png" || partName(stems[0], 2) != "q1_levier+3.png" {
		t.Errorf("parts of q1_levier: %s, %s", partName(stems[0], 0), partName(stems[0], 2))
	}
}

func questionnaireOf(names []string) *form.Questionnaire {
	q := &form.Questionnaire{Lists: map[string][]form.Choice{"yn": {{Name: "oui"}}}}
	for _, n := range names {
		q.Questions = append(q.Questions, form.Question{Name: n, Type: form.SelectOne, List: "yn"})
	}
	return q
}
