package ingest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/synthese-project/synthese/pipeline/form"
)

// personal is an export whose closed questions hold what a spreadsheet
// would run and what identifies a person: an e-mail address, phone
// numbers, an id; and a column headed with a phone number.
const personal = `start,ville,q1,q2,q3,Tél. 0612345678
2020-11-24 10:00:00,oujda,"=HYPERLINK(""http://x"",""y"")",etat,accord,
2020-11-24 10:01:00,oujda,ali@example.org,etat,+212 6 12 34 56 78,
2020-11-24 10:02:00,oujda,oui,"etat, écrire à ali@example.org",accord,
2020-11-24 10:03:00,+33 6 12 34 56 78,oui,etat,accord,
2020-11-24 10:04:00,oujda,-3,etat,@admin,
2020-11-24 10:05:00,oujda,	=1+1,etat,ID 123456789,
2020-11-24 10:06:00,oujda,Peut-être,etat,2020-11-24,
`

// TestRejectsAreRedactedAndNeutralised: rejects.csv and quality.json hold
// no e-mail address, phone number or long id typed into a closed question
// (markers in their place), and no cell a spreadsheet would run; both
// readers give the same rejects, values as typed, and the same files.
func TestRejectsAreRedactedAndNeutralised(t *testing.T) {
	fsys := shapeProject(t, nil, "", false)
	fsys["personal.csv"] = &fstest.MapFile{Data: []byte(personal)}
	fsys[form.ManifestName].Data = bytes.Replace(fsys[form.ManifestName].Data, []byte("responses: []"), []byte("responses: [personal.csv]"), 1)
	p, err := form.LoadProject(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, chunk := range []int64{7, 4 << 20} {
		stream, ref, spq, rpq, serr, rerr := bothReaders(t, fsys, chunk)
		if serr != nil || rerr != nil {
			t.Fatalf("stream: %v; reference: %v", serr, rerr)
		}
		sameIngest(t, p, stream, ref, spq, rpq)
		for _, in := range []*Ingested{stream, ref} {
			var rj, q bytes.Buffer
			if err := WriteRejects(&rj, in.Rejects()); err != nil {
				t.Fatal(err)
			}
			if err := WriteQuality(&q, in.Quality()); err != nil {
				t.Fatal(err)
			}
			files = append(files, rj.String()+q.String())
		}
		if !strings.Contains(ref.Responses.Rejects[2].Value, "@example.org") {
			t.Errorf("a reject in memory holds the value as typed: %+v", ref.Responses.Rejects[2])
		}
	}
	for _, f := range files[1:] {
		if f != files[0] {
			t.Fatalf("the readers' rejects.csv and quality.json differ:\n%s\n%s", files[0], f)
		}
	}
	rejects, quality, _ := strings.Cut(files[0], "\n{")
	for _, leak := range []string{"example.org", "12 34 56 78", "0612345678", "123456789"} {
		if strings.Contains(files[0], leak) {
			t.Errorf("%q left in rejects.csv or quality.json:\n%s", leak, files[0])
		}
	}
	if !strings.Contains(quality, `"redacted": 9`) || !strings.Contains(quality, `"raw": "etat, écrire à [e-mail]"`) ||
		!strings.Contains(quality, `"personal.csv: Tél. [phone]"`) {
		t.Errorf("quality.json:\n{%s", quality)
	}
	recs, err := csv.NewReader(strings.NewReader(rejects)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs[1:] {
		got = append(got, fmt.Sprintf("%s|%s|%s", r[1], r[2], r[3]))
		if !strings.HasPrefix(r[4], "row not used") && !strings.Contains(r[4], "closest is") && !strings.Contains(r[4], "no question") {
			t.Errorf("reason %q", r[4])
		}
	}
	want := []string{
		"1|Tél. [phone]|Tél. [phone]", // the ignored column: its header redacted in column and value
		"2|q1|'=HYPERLINK(\"http://x\",\"y\")",
		"3|q1|[e-mail]",
		"3|q3|[phone]",
		"4|q2|ecrire a [e-mail]", // the part of the answer that matches no choice (folded)
		"5|ville|[phone]",
		"6|q1|-3", // a plain number stays one
		"6|q3|'@admin",
		"7|q1|'=1+1", // the reader trims the tab
		"7|q3|ID [number]",
		"8|q1|Peut-être",
		"8|q3|2020-11-24", // a date is not redacted
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rejects.csv (line|column|value):\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
