package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/responses"
)

// shape reads a response file of testdata/shapes.
func shape(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(shapesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// bothAgree reads data as the responses of the shapes' project with both
// readers, checks that they agree, and returns the reference's ingest.
func bothAgree(t *testing.T, data []byte) *Ingested {
	t.Helper()
	fsys := fuzzProject(data)
	p, err := form.LoadProject(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, chunk := range []int64{7, 4 << 20} {
		stream, ref, spq, rpq, serr, rerr := bothReaders(t, fsys, chunk)
		if serr != nil || rerr != nil {
			t.Fatalf("stream: %v; reference: %v", serr, rerr)
		}
		sameIngest(t, p, stream, ref, spq, rpq)
		if chunk > 7 {
			return ref
		}
	}
	return nil
}

// One byte that is not UTF-8, in one cell of a UTF-8 export, is that cell's
// reject (naming its line and column): the file stays UTF-8, every header is
// read, every other row and cell counts as in the clean file.
func TestOneBadByteKeepsTheFileUTF8(t *testing.T) {
	for _, name := range []string{"google_fr.csv", "arabic.csv", "clean.csv"} {
		t.Run(name, func(t *testing.T) {
			clean := shape(t, name)
			lines := bytes.SplitAfter(clean, []byte("\n"))
			// Third data line, its third field: a closed question's answer.
			fields := bytes.SplitN(lines[3], []byte(","), 4)
			fields[2] = append([]byte("\xff\xfe"), fields[2]...)
			lines[3] = bytes.Join(fields, []byte(","))
			bad := bytes.Join(lines, nil)
			want := bothAgree(t, clean)
			got := bothAgree(t, bad)
			f := got.Responses.Files[0]
			if f.Encoding != string(input.EncodingUTF8) || f.EncodingReason != input.EncodingMostlyUTF8 || f.InvalidSequences != 2 {
				t.Fatalf("file read as %s (%s, %d invalid): want utf-8 with 2 invalid sequences", f.Encoding, f.EncodingWhy, f.InvalidSequences)
			}
			if got.Responses.RowsRead != want.Responses.RowsRead || got.Responses.Kept != want.Responses.Kept {
				t.Fatalf("rows %d kept %d, want %d and %d as in the clean file", got.Responses.RowsRead, got.Responses.Kept,
					want.Responses.RowsRead, want.Responses.Kept)
			}
			var bads []input.Reject
			for _, r := range got.Responses.Rejects {
				if r.Code == input.RejectBadText {
					bads = append(bads, r)
				}
			}
			if len(bads) != 1 || bads[0].Line != 4 || bads[0].Column == "" || !strings.Contains(bads[0].Value, "\uFFFD") {
				t.Fatalf("bad-text rejects %+v: want one on line 4 naming its column", bads)
			}
			if len(got.Responses.Rejects) != len(want.Responses.Rejects)+1 {
				t.Errorf("%d rejects, want the clean file's %d and one", len(got.Responses.Rejects), len(want.Responses.Rejects))
			}
		})
	}
}

// A file in Windows-1252 (French Excel) is still read as such, and says so.
func TestWindows1252IsStillRecognised(t *testing.T) {
	in := bothAgree(t, shape(t, "excel_fr_cp1252.csv"))
	f := in.Responses.Files[0]
	if f.Encoding != string(input.EncodingCP1252) || f.EncodingReason != input.EncodingNotUTF8 || !strings.Contains(f.EncodingWhy, "Windows-1252") {
		t.Fatalf("read as %s (%s): want windows-1252", f.Encoding, f.EncodingWhy)
	}
	if in.Responses.Kept == 0 {
		t.Fatal("no respondent")
	}
}

// Classic Mac OS line ends (a lone CR), and a mix of line ends, are line
// ends: the file gives the clean file's rows and counts.
func TestCarriageReturnLineEnds(t *testing.T) {
	clean := shape(t, "clean.csv")
	want := bothAgree(t, clean)
	mac := bytes.ReplaceAll(clean, []byte("\n"), []byte("\r"))
	lines := bytes.SplitAfter(clean, []byte("\n"))
	for i := range lines {
		if i%2 == 1 {
			lines[i] = bytes.Replace(lines[i], []byte("\n"), []byte("\r"), 1)
		} else if i%3 == 0 {
			lines[i] = bytes.Replace(lines[i], []byte("\n"), []byte("\r\n"), 1)
		}
	}
	for name, data := range map[string][]byte{"mac": mac, "mixed": bytes.Join(lines, nil)} {
		t.Run(name, func(t *testing.T) {
			got := bothAgree(t, data)
			if got.Responses.RowsRead != want.Responses.RowsRead || got.Responses.Kept != want.Responses.Kept || got.Responses.Kept == 0 {
				t.Fatalf("rows %d kept %d, want %d and %d", got.Responses.RowsRead, got.Responses.Kept, want.Responses.RowsRead, want.Responses.Kept)
			}
			mq := "ville"
			if a, b := got.Responses.Tally.Results(mq, 5), want.Responses.Tally.Results(mq, 5); len(a) != len(b) {
				t.Fatalf("%d result rows, want %d", len(a), len(b))
			}
		})
	}
}

// A line longer than the limit, or a record of more fields than the
// limit, is an input error naming the file and the line, from both readers
// (the streaming reader hands such a file to the reference reader).
func TestLongLinesAndWideRecordsRefused(t *testing.T) {
	defer func(l, c int) { input.MaxLineBytes, input.MaxColumns = l, c }(input.MaxLineBytes, input.MaxColumns)
	input.MaxLineBytes, input.MaxColumns = 1<<10, 40
	clean := string(shape(t, "clean.csv"))
	lines := strings.SplitAfter(clean, "\n")
	long := strings.Join(lines[:3], "") + "2020-11-24 11:00:00,oujda,oui,etat,accord," + strings.Repeat("x", 2<<10) + "\n" + strings.Join(lines[3:], "")
	wide := strings.Join(lines[:2], "") + strings.TrimSuffix(lines[2], "\n") + strings.Repeat(",", 50) + "\n" + strings.Join(lines[3:], "")
	for name, c := range map[string]struct {
		data string
		line int
		msg  string
	}{
		"long":        {long, 4, "a line of more than"},
		"long header": {strings.Repeat("x", 100<<10) + "\n" + clean, 1, "a line of more than"},
		"long quoted field": {strings.Join(lines[:3], "") + "2020-11-24 11:00:00,oujda,oui,etat,accord,\"" + strings.Repeat("aaa\n", 1000) + "\"\n" +
			strings.Join(lines[3:], ""), 4, "a quoted field that opens here"},
		"wide": {wide, 3, "fields in a record"},
	} {
		t.Run(name, func(t *testing.T) {
			fsys := fuzzProject([]byte(c.data))
			_, _, _, _, serr, rerr := bothReaders(t, fsys, 64)
			for _, err := range []error{serr, rerr} {
				var ie *input.InputError
				if !errors.As(err, &ie) || ie.File != "responses.csv" || ie.Line != c.line || !strings.Contains(ie.Msg, c.msg) {
					t.Fatalf("error %v: want an input error on responses.csv:%d saying %q", err, c.line, c.msg)
				}
			}
		})
	}
}

// A binary file given as responses: messages quote at most a short,
// escaped excerpt of it.
func TestBinaryFileMessagesAreShort(t *testing.T) {
	bin := make([]byte, 4096)
	for i := range bin {
		bin[i] = byte(i*7 + i/13)
	}
	fsys := fuzzProject(bin)
	_, _, _, _, serr, rerr := bothReaders(t, fsys, 4<<20)
	for _, err := range []error{serr, rerr} {
		if err == nil {
			t.Fatal("a binary file was read")
		}
		if msg := err.Error(); len(msg) > 600 || !validPrintable(msg) {
			t.Fatalf("message of %d bytes, or with raw bytes: %q", len(msg), msg)
		}
	}
}

func validPrintable(s string) bool {
	for _, r := range s {
		if r == '\uFFFD' || (r < ' ' && r != '\n') {
			return false
		}
	}
	return true
}

// rejects.csv is UTF-8 whatever bytes the inputs held (a meeting cell or a
// header with bytes that are not UTF-8), and a huge value is cut, saying
// how long it was.
func TestRejectsFileIsUTF8(t *testing.T) {
	var b bytes.Buffer
	err := WriteRejects(&b, []input.Reject{
		{Code: input.RejectNoMeeting, File: "r.csv", Line: 2, Column: "ville", Value: "La\xe2youne", Reason: "no meeting"},
		{Code: input.RejectUnknownColumn, File: "r.csv", Line: 1, Column: "Pro\xe9fil", Reason: "matches no question"},
		{Code: input.RejectUnknownValue, File: "r.csv", Line: 3, Column: "q1", Value: strings.Repeat("a", 5000), Reason: "matches no choice"},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !utf8.ValidString(out) || !strings.Contains(out, "La\uFFFDyoune") || !strings.Contains(out, "Pro\uFFFDfil") {
		t.Errorf("rejects.csv not UTF-8, or its values lost: %q", out)
	}
	if strings.Contains(out, strings.Repeat("a", 1001)) || !strings.Contains(out, "(5000 bytes in all)") {
		t.Errorf("a 5000-byte value written whole")
	}
}

// A select inside a repeat (answered once per item) is not counted with
// the respondent-level questions, and the notes say so.
func TestRepeatQuestionsNotCounted(t *testing.T) {
	fsys := fuzzProject(shape(t, "clean.csv"))
	survey := string(fsys["survey.csv"].Data)
	survey += "begin_repeat,kids,Enfants\nselect_one oui_non,school,À l'école ?\nend_repeat,,\n"
	fsys["survey.csv"] = &fstest.MapFile{Data: []byte(survey)}
	p, err := form.LoadProject(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, qu := range p.ReportedQuestions() {
		if qu.Name == "school" {
			t.Fatal("a question inside a repeat is reported")
		}
	}
	in, err := Ingest(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, counted := in.Responses.Tally.QuestionIdx["school"]; counted {
		t.Error("a question inside a repeat is counted")
	}
	if !strings.Contains(strings.Join(in.Responses.Notes, "\n"), "inside repeats") {
		t.Errorf("notes %q: want one on the repeat's questions", in.Responses.Notes)
	}
}

// A counted question the export has no column for is listed as not in
// the export (quality.json), by both readers, not reported as unanswered.
func TestQuestionNotInExport(t *testing.T) {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(shape(t, "clean.csv"))), "\n") {
		f := strings.Split(l, ",")
		lines = append(lines, strings.Join(append(f[:4:4], f[5:]...), ",")) // without q3
	}
	fsys := fuzzProject([]byte(strings.Join(lines, "\n") + "\n"))
	stream, ref, _, _, serr, rerr := bothReaders(t, fsys, 64)
	if serr != nil || rerr != nil {
		t.Fatalf("stream: %v; reference: %v", serr, rerr)
	}
	for _, in := range []*Ingested{stream, ref} {
		if got := in.Quality().Responses.NotInExport; len(got) != 1 || got[0] != "q3" {
			t.Errorf("not in the export: %v, want [q3]", got)
		}
	}
	if got := bothAgree(t, shape(t, "clean.csv")).Quality().Responses.NotInExport; len(got) != 0 {
		t.Errorf("the clean export: %v not in it", got)
	}
}

// Every column of an export is accounted for by kind, by both readers:
// the counted questions, the others (not summarised yet), the export's
// own, those matching nothing, those without a header.
func TestColumnsAccountedFor(t *testing.T) {
	data := strings.Replace(string(shape(t, "clean.csv")), "start,ville,q1,q2,q3,commentaire", "start,ville,q1,q2,q3,commentaire,_id,inconnue,", 1)
	var lines []string
	for i, l := range strings.Split(strings.TrimSpace(data), "\n") {
		if i > 0 {
			l += fmt.Sprintf(",%d,x,", i)
		}
		lines = append(lines, l)
	}
	in := bothAgree(t, []byte(strings.Join(lines, "\n")+"\n"))
	got := in.Quality().Responses.Columns
	want := map[string]int{responses.ColumnCounted: 4, responses.ColumnNotSummarised: 1, responses.ColumnMetadata: 2,
		responses.ColumnUnknown: 1, responses.ColumnUnnamed: 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("columns %v, want %v", got, want)
	}
	n := 0
	for _, c := range got {
		n += c
	}
	if n != 9 {
		t.Errorf("%d columns accounted for, the header has 9", n)
	}
}

// A survey without a meeting question (one scope) is read by the
// streaming reader too, record by record, and gives what the reference
// reader gives.
func TestOneScopeStreams(t *testing.T) {
	for _, name := range []string{"clean.csv", "google_fr.csv", "odk.csv", "split_crlf.csv"} {
		fsys := fuzzProject(shape(t, name))
		m := string(fsys[form.ManifestName].Data)
		m = strings.Replace(strings.Replace(m, "meeting_question: ville\n", "", 1), "meetings: meetings.csv\n", "", 1)
		fsys[form.ManifestName] = &fstest.MapFile{Data: []byte(m)}
		p, err := form.LoadProject(fsys)
		if err != nil {
			t.Fatal(err)
		}
		for _, chunk := range []int64{1, 7, 64, 4 << 20} {
			stream, ref, spq, rpq, serr, rerr := bothReaders(t, fsys, chunk)
			if serr != nil || rerr != nil {
				t.Fatalf("%s: stream: %v; reference: %v", name, serr, rerr)
			}
			sameIngest(t, p, stream, ref, spq, rpq)
			if stream.Responses.Written == nil {
				t.Fatalf("%s: the streaming reader handed the file back", name)
			}
			if stream.Responses.FastRows != 0 || stream.Responses.Kept == 0 {
				t.Fatalf("%s: the fast path took %d records, %d kept", name, stream.Responses.FastRows, stream.Responses.Kept)
			}
		}
	}
}
