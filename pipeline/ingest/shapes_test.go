package ingest

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/input/xlsxtest"
	"github.com/synthese-project/synthese/pipeline/tally"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

var update = flag.Bool("update", false, "regenerate the XLSX files of testdata/shapes from their CSV sources")

const shapesDir = "testdata/shapes"

const shapesMeetings = `meeting_id,start_date,end_date,city_fr,city_ar
oujda,2020-11-24,2020-11-26,Oujda,وجدة
laayoune,2020-12-22,2020-12-24,Laâyoune,العيون
`

// shapeProject is a project folder holding the test form and the given
// response files (paths under testdata/shapes), read with manifest extras.
func shapeProject(t *testing.T, responses []string, extra string, xlsform bool) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{"meetings.csv": {Data: []byte(shapesMeetings)}}
	read := func(p string) []byte {
		b, err := os.ReadFile(filepath.Join(shapesDir, p))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var manifest strings.Builder
	if xlsform {
		fsys["form.xlsx"] = &fstest.MapFile{Data: read("form/form.xlsx")}
		manifest.WriteString("questionnaire: {xlsform: form.xlsx}\n")
	} else {
		for _, f := range []string{"survey.csv", "choices.csv", "settings.csv"} {
			fsys[f] = &fstest.MapFile{Data: read("form/" + f)}
		}
		manifest.WriteString("questionnaire: {survey: survey.csv, choices: choices.csv, settings: settings.csv}\n")
	}
	var names []string
	for _, r := range responses {
		files, err := filepath.Glob(filepath.Join(shapesDir, r))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no file", r)
		}
		for _, f := range files {
			rel, _ := filepath.Rel(shapesDir, f)
			fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: read(rel)}
		}
		names = append(names, fmt.Sprintf("%q", r))
	}
	fmt.Fprintf(&manifest, "responses: [%s]\nmeeting_question: ville\nmeetings: meetings.csv\n%s", strings.Join(names, ", "), extra)
	fsys[form.ManifestName] = &fstest.MapFile{Data: []byte(manifest.String())}
	return fsys
}

func ingestAndAggregate(t *testing.T, fsys fstest.MapFS) (*Ingested, []tally.Result) {
	t.Helper()
	_, in, rows, err := Analyse(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return in, rows
}

// TestShapesGiveTheCleanResults: every real export shape of the same eight
// submissions gives exactly the results of the clean CSV, and accounts for
// what it skipped.
func TestShapesGiveTheCleanResults(t *testing.T) {
	if *update {
		generateWorkbooks(t)
	}
	_, want := ingestAndAggregate(t, shapeProject(t, []string{"clean.csv"}, "", false))
	if len(want) == 0 {
		t.Fatal("the clean file gives no results")
	}
	cases := []struct {
		name       string
		files      []string
		extra      string
		xlsform    bool
		rejects    int // rows or cells set aside on purpose
		duplicates int
		notes      int
		folded     bool // some values needed case/accent/space folding
		missing    int  // explicit non-answers
	}{
		{name: "kobo CSV, XML values, HXL row, split and joined columns", files: []string{"kobo_xml.csv"}, notes: 1},
		{name: "kobo CSV, labels with group paths", files: []string{"kobo_labels.csv"}},
		{name: "kobo XLSX, serial dates, repeat-group sheet", files: []string{"kobo.xlsx"}, notes: 1},
		{name: "ODK Central CSV", files: []string{"odk.csv"}},
		{name: "Google Forms CSV, French", files: []string{"google_fr.csv"}, folded: true, missing: 2},
		{name: "Google Forms CSV with BOM", files: []string{"google_fr_bom.csv"}, folded: true, missing: 2},
		{name: "Google Sheets XLSX, English, ';' joins", files: []string{"google_en.xlsx"}},
		{name: "Excel Unicode text (UTF-16 LE, tabs)", files: []string{"excel_unicode_utf16le.txt"}, folded: true, missing: 2},
		{name: "UTF-16 BE", files: []string{"utf16be.csv"}, folded: true, missing: 2},
		{name: "French Excel CSV (Windows-1252, ';')", files: []string{"excel_fr_cp1252.csv"}, folded: true, missing: 2},
		{name: "Windows-1252 forced by the manifest", files: []string{"excel_fr_cp1252.csv"}, extra: "encoding: windows-1252\n", folded: true, missing: 2},
		{name: "Arabic headers, mixed-language values", files: []string{"arabic.csv"}, missing: 1},
		{name: "split 0/1 columns, CRLF, embedded newline", files: []string{"split_crlf.csv"}},
		{name: "one file per meeting, a submission in both", files: []string{"multi/*.csv"}, rejects: 1, duplicates: 1},
		{name: "XLSForm as a workbook", files: []string{"clean.csv"}, xlsform: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, got := ingestAndAggregate(t, shapeProject(t, c.files, c.extra, c.xlsform))
			if !reflect.DeepEqual(got, want) {
				for i := range want {
					if i >= len(got) || got[i] != want[i] {
						t.Errorf("first difference at row %d:\n got  %+v\n want %+v", i, got[min(i, len(got)-1)], want[i])
						break
					}
				}
				t.Fatalf("results differ from clean.csv (%d rows, want %d); rejects: %+v", len(got), len(want), in.Rejects())
			}
			q := in.Quality()
			if len(in.Rejects()) != c.rejects || in.Responses.Duplicates != c.duplicates || len(q.Notes) != c.notes {
				t.Errorf("rejects %d, duplicates %d, notes %d; want %d, %d, %d\nrejects: %+v\nnotes: %q",
					len(in.Rejects()), in.Responses.Duplicates, len(q.Notes), c.rejects, c.duplicates, c.notes, in.Rejects(), q.Notes)
			}
			if q.Responses.ExplicitMissing != c.missing {
				t.Errorf("explicit non-answers = %d, want %d", q.Responses.ExplicitMissing, c.missing)
			}
			folded := false
			for _, n := range q.Responses.Normalised {
				folded = folded || n.Folded
			}
			if folded != c.folded {
				t.Errorf("folded spellings reported = %v, want %v: %+v", folded, c.folded, q.Responses.Normalised)
			}
			if q.Responses.RowsRead != q.Responses.Respondents+q.Responses.RowsRejected[input.RejectNoMeeting]+q.Responses.Duplicates {
				t.Errorf("rows read %d != kept %d + rejected rows: nothing may be lost", q.Responses.RowsRead, q.Responses.Respondents)
			}
		})
	}
}

// generateWorkbooks writes the XLSX shapes from the CSV sources.
func generateWorkbooks(t *testing.T) {
	t.Helper()
	readCSV := func(p string) [][]string {
		b, err := os.ReadFile(filepath.Join(shapesDir, p))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	write := func(p string, sheets []xlsxtest.Sheet) {
		var b bytes.Buffer
		if err := xlsxtest.WriteXLSX(&b, sheets); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(shapesDir, p), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("form/form.xlsx", []xlsxtest.Sheet{
		xlsxtest.TextRows("survey", readCSV("form/survey.csv")),
		xlsxtest.TextRows("choices", readCSV("form/choices.csv")),
		xlsxtest.TextRows("settings", readCSV("form/settings.csv")),
	})
	// Kobo XLSX: XML values, dates as serial numbers, a repeat group's sheet.
	clean := readCSV("clean.csv")
	kobo := xlsxtest.Sheet{Name: "Sondage test"}
	kobo.Rows = append(kobo.Rows, xlsxtest.TextRows("", [][]string{append(clean[0], "_id", "_uuid", "_submission_time", "__version__", "_index")}).Rows...)
	for i, rec := range clean[1:] {
		when, err := time.Parse("2006-01-02 15:04:05", rec[0])
		if err != nil {
			t.Fatal(err)
		}
		row := []xlsxtest.Cell{{Kind: 'd', Num: xlsxtest.ToSerial(when)}}
		for _, v := range rec[1:] {
			row = append(row, xlsxtest.Cell{Text: v, Kind: 's'})
		}
		row = append(row, xlsxtest.Cell{Kind: 'n', Num: float64(201 + i)}, xlsxtest.Cell{Text: fmt.Sprintf("uuid-%d", i), Kind: 's'},
			xlsxtest.Cell{Kind: 'd', Num: xlsxtest.ToSerial(when.Add(time.Minute))}, xlsxtest.Cell{Text: "vKJh5", Kind: 's'}, xlsxtest.Cell{Kind: 'n', Num: float64(i + 1)})
		kobo.Rows = append(kobo.Rows, row)
	}
	repeat := xlsxtest.TextRows("participants_repeat", [][]string{{"nom", "_index", "_parent_index"}, {"A", "1", "1"}})
	write("kobo.xlsx", []xlsxtest.Sheet{kobo, repeat})
	// Google Sheets XLSX: English labels, multiple choices joined with ";".
	labels := map[string]string{"oujda": "Oujda", "laayoune": "Laayoune", "oui": "Yes", "non": "No",
		"leviers": "Levers, to accelerate", "etat": "The state of play", "principes": "The principles", "accord": "Agree", "desaccord": "Disagree"}
	google := xlsxtest.Sheet{Name: "Form Responses 1"}
	google.Rows = append(google.Rows, xlsxtest.TextRows("", [][]string{{"Timestamp", "Meeting city", "Is social innovation a lever?", "What did you discover?", "Public authorities lead", "Comment"}}).Rows...)
	for _, rec := range clean[1:] {
		when, _ := time.Parse("2006-01-02 15:04:05", rec[0])
		row := []xlsxtest.Cell{{Kind: 'd', Num: xlsxtest.ToSerial(when)}}
		for k, v := range rec[1:] {
			var parts []string
			for _, f := range strings.Fields(v) {
				if l, ok := labels[f]; ok && k != 4 {
					parts = append(parts, l)
				} else {
					parts = append(parts, f)
				}
			}
			row = append(row, xlsxtest.Cell{Text: strings.Join(parts, ";"), Kind: 's'})
		}
		google.Rows = append(google.Rows, row)
	}
	write("google_en.xlsx", []xlsxtest.Sheet{google})
}
