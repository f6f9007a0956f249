package ingest

import (
	"bytes"
	"fmt"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/gen"
	fast "github.com/synthese-project/synthese/pipeline/ingest/internal/stream"
	"github.com/synthese-project/synthese/pipeline/responses"
	"github.com/synthese-project/synthese/pipeline/store"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// bothReaders ingests a project with the streaming reader (chunks of the
// given size) and with the reference reader, writing responses.parquet
// from each.
func bothReaders(t testing.TB, fsys fstest.MapFS, chunk int64) (stream, ref *Ingested, streamPQ, refPQ []byte, streamErr, refErr error) {
	t.Helper()
	p, err := form.LoadProject(fsys)
	if err != nil {
		t.Fatal(err)
	}
	saved := fast.StreamChunkSize
	fast.StreamChunkSize = chunk
	defer func() { fast.StreamChunkSize = saved }()
	run := func(reference bool) (*Ingested, []byte, error) {
		var f memFile // read back when duplicates are left out
		in, err := Ingest(p, responses.IngestOptions{Reference: reference, Responses: func() (io.Writer, error) { f.b = f.b[:0]; return &f, nil }})
		return in, f.b, err
	}
	stream, streamPQ, streamErr = run(false)
	ref, refPQ, refErr = run(true)
	return
}

// sameIngest compares what the two readers made of the responses: every
// count, reject, note, result and row of responses.parquet.
func sameIngest(t testing.TB, p *form.Project, stream, ref *Ingested, streamPQ, refPQ []byte) {
	t.Helper()
	s, r := stream.Responses, ref.Responses
	if s.RowsRead != r.RowsRead || s.Kept != r.Kept || s.Duplicates != r.Duplicates || s.ExplicitMissing != r.ExplicitMissing {
		t.Fatalf("counts differ: stream read %d kept %d dup %d missing %d; reference %d %d %d %d",
			s.RowsRead, s.Kept, s.Duplicates, s.ExplicitMissing, r.RowsRead, r.Kept, r.Duplicates, r.ExplicitMissing)
	}
	if !reflect.DeepEqual(s.Columns, r.Columns) {
		t.Fatalf("columns differ:\n stream %v\n ref    %v", s.Columns, r.Columns)
	}
	if !reflect.DeepEqual(s.Files, r.Files) || !reflect.DeepEqual(s.Notes, r.Notes) {
		t.Fatalf("files or notes differ:\n stream %v %q\n ref    %v %q", s.Files, s.Notes, r.Files, r.Notes)
	}
	if !reflect.DeepEqual(s.Rejects, r.Rejects) {
		t.Fatalf("rejects differ:\n stream %+v\n ref    %+v", s.Rejects, r.Rejects)
	}
	if !reflect.DeepEqual(s.Normalisations(), r.Normalisations()) {
		t.Fatalf("normalisations differ:\n stream %+v\n ref    %+v", s.Normalisations(), r.Normalisations())
	}
	mq := p.Manifest.MeetingQuestion
	if a, b := s.Tally.Results(mq, 5), r.Tally.Results(mq, 5); !reflect.DeepEqual(a, b) {
		t.Fatalf("results differ")
	}
	if a, b := s.Tally.Independence(mq), r.Tally.Independence(mq); !reflect.DeepEqual(a, b) {
		t.Fatalf("tests differ")
	}
	read := func(b []byte) []form.Respondent {
		rs, err := store.ReadResponsesParquet(bytes.NewReader(b), int64(len(b)), p.Questionnaire, mq)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	sr, rr := read(streamPQ), read(refPQ)
	if len(sr) != len(r.Respondents) || len(rr) != len(r.Respondents) {
		t.Fatalf("responses.parquet rows: stream %d, reference %d, respondents %d", len(sr), len(rr), len(r.Respondents))
	}
	for i := range rr {
		want := r.Respondents[i]
		if want.Answers == nil {
			want.Answers = map[string][]string{}
		}
		if !reflect.DeepEqual(sr[i], rr[i]) || !reflect.DeepEqual(rr[i], want) {
			t.Fatalf("respondent %d:\n stream    %+v\n reference %+v\n in memory %+v", i+1, sr[i], rr[i], want)
		}
	}
}

// TestStreamMatchesReference: on every CSV export shape, with chunks of a
// few bytes (most records cross a chunk boundary, quoted newlines too) and
// of the default size, the streaming reader gives what the reference gives.
func TestStreamMatchesReference(t *testing.T) {
	var cases [][]string
	for _, f := range []string{"clean.csv", "arabic.csv", "google_fr.csv", "google_fr_bom.csv", "kobo_labels.csv", "kobo_xml.csv",
		"odk.csv", "split_crlf.csv", "excel_fr_cp1252.csv", "utf16be.csv", "excel_unicode_utf16le.txt"} {
		cases = append(cases, []string{f})
	}
	cases = append(cases, []string{"multi/*.csv"})
	for _, files := range cases {
		for _, chunk := range []int64{1, 7, 64, 4 << 20} {
			t.Run(fmt.Sprintf("%s/%d", files[0], chunk), func(t *testing.T) {
				fsys := shapeProject(t, files, "", false)
				stream, ref, spq, rpq, serr, rerr := bothReaders(t, fsys, chunk)
				if serr != nil || rerr != nil {
					t.Fatalf("stream: %v; reference: %v", serr, rerr)
				}
				p, _ := form.LoadProject(fsys)
				sameIngest(t, p, stream, ref, spq, rpq)
			})
		}
	}
}

// TestStreamFailuresMatchReference: on the failure corpus, both readers
// fail with the same message or give the same rejects.
func TestStreamFailuresMatchReference(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/failures/*")
	n := 0
	for _, input := range inputs {
		if strings.HasSuffix(input, ".want") {
			continue
		}
		data, err := os.ReadFile(input)
		if err != nil {
			t.Fatal(err)
		}
		spec, _ := os.ReadFile(strings.TrimSuffix(input, filepath.Ext(input)) + ".want")
		fsys := fuzzProject(data)
		manifest := string(fsys[form.ManifestName].Data)
		for _, line := range strings.Split(string(spec), "\n") {
			if extra, ok := strings.CutPrefix(line, "manifest: "); ok && !strings.HasPrefix(extra, "responses:") {
				manifest += extra + "\n"
			}
		}
		fsys[form.ManifestName] = &fstest.MapFile{Data: []byte(manifest)}
		p, err := form.LoadProject(fsys)
		if err != nil {
			continue // a failure of the project itself, before any response is read
		}
		n++
		t.Run(filepath.Base(input), func(t *testing.T) {
			stream, ref, spq, rpq, serr, rerr := bothReaders(t, fsys, 16)
			if serr != nil || rerr != nil {
				if fmt.Sprint(serr) != fmt.Sprint(rerr) {
					t.Fatalf("errors differ:\n stream    %v\n reference %v", serr, rerr)
				}
				return
			}
			sameIngest(t, p, stream, ref, spq, rpq)
		})
	}
	if n < 10 {
		t.Fatalf("only %d failure cases read", n)
	}
}

// fuzzProject is the shapes' form and meetings with data as responses.csv.
func fuzzProject(data []byte) fstest.MapFS {
	fsys := fstest.MapFS{"meetings.csv": {Data: []byte(shapesMeetings)}, "responses.csv": {Data: data}}
	for _, f := range []string{"survey.csv", "choices.csv", "settings.csv"} {
		b, _ := os.ReadFile(filepath.Join(shapesDir, "form", f))
		fsys[f] = &fstest.MapFile{Data: b}
	}
	fsys[form.ManifestName] = &fstest.MapFile{Data: []byte("questionnaire: {survey: survey.csv, choices: choices.csv, settings: settings.csv}\n" +
		"responses: [responses.csv]\nmeeting_question: ville\nmeetings: meetings.csv\n")}
	return fsys
}

// FuzzStreamMatchesReference: on any bytes given as a response file, the
// streaming reader (small chunks) and the reference reader agree: the
// same error, or the same counts, rejects, results and rows.
func FuzzStreamMatchesReference(f *testing.F) {
	for _, name := range []string{"clean.csv", "google_fr.csv", "kobo_xml.csv", "split_crlf.csv", "odk.csv", "arabic.csv"} {
		b, err := os.ReadFile(filepath.Join(shapesDir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(5))
		f.Add(b, uint8(0x95))
		f.Add(b, uint8(0x4d))
	}
	f.Add([]byte("ville,q1\r\n\"oujda\",\"oui\"\r\n\r\n\"oujda\r\n\",oui\r"), uint8(1))
	f.Add([]byte("Horodateur;ville;q1\n1;oujda;oui\n1;oujda;oui\n2;laayoune;\"o\"\"ui\"\n"), uint8(3))
	// A choice's split column twice: the choice counts once.
	f.Add([]byte("ville,q2/leviers,q2/leviers,q2/etat\noujda,1,1,0\nlaayoune,0,1,1\n"), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		fsys := fuzzProject(data)
		p, err := form.LoadProject(fsys)
		if err != nil {
			t.Fatal(err)
		}
		// Between 1 and 16 chunks, so that boundaries fall anywhere.
		size := max(1, int64(len(data))/int64(1+chunk%16))
		// With the top bit, span caches of 1 to 4 entries judged every 8
		// lookups: the fast path's ways for a combination without room
		// and for a span switched off.
		if chunk&0x80 != 0 {
			defer func(n, w int) { fast.MaxSpanCached, fast.SpanWindow = n, w }(fast.MaxSpanCached, fast.SpanWindow)
			fast.MaxSpanCached, fast.SpanWindow = 1+int(chunk>>4&3), 8
		}
		// With the next bit, chunks read 1 to 64 bytes at a time.
		if chunk&0x40 != 0 {
			defer func(n int64) { fast.ReadWindow = n }(fast.ReadWindow)
			fast.ReadWindow = 1 + int64(chunk>>2&0xF)*int64(chunk>>2&0xF)/4
		}
		stream, ref, spq, rpq, serr, rerr := bothReaders(t, fsys, size)
		if serr != nil || rerr != nil {
			if fmt.Sprint(serr) != fmt.Sprint(rerr) {
				t.Fatalf("errors differ:\n stream    %v\n reference %v", serr, rerr)
			}
			return
		}
		sameIngest(t, p, stream, ref, spq, rpq)
	})
}

// memFile is a file in memory: written at its end, read anywhere.
type memFile struct{ b []byte }

func (m *memFile) Write(p []byte) (int, error) {
	m.b = append(m.b, p...)
	return len(p), nil
}

func (m *memFile) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(m.b)) {
		return 0, io.EOF
	}
	n := copy(p, m.b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// TestFastRowsMatchReference: a generated export with, every 97 rows, a
// record the fast path must leave to the general one (CRLF, a quoted
// newline, an escaped quote, spaces to trim, a non-answer, an unknown
// meeting or value, a blank or empty line, too few or too many fields, a
// duplicate, other spellings, a no-break space): the streaming reader
// gives what the reference reader gives, at several chunk sizes, and its
// fast path took the plain records.
func TestFastRowsMatchReference(t *testing.T) {
	dir := t.TempDir()
	if err := gen.GenerateProject(dir, gen.GenOptions{Rows: 3000, Cities: 5, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fsys[e.Name()] = &fstest.MapFile{Data: b}
	}
	lines := strings.SplitAfter(string(fsys["responses.csv"].Data), "\n")
	odd := []string{
		"24/11/2030 09:00:00,Oujda,Média,Non,Non,\"principes, leviers\",,En désaccord\r\n",
		"24/11/2030 09:00:01,Oujda,\"Média\",Non,Non,\"principes,\nleviers\",,En accord\n",
		"24/11/2030 09:00:02,Oujda,Média,\"No\"\"n\",Oui,,,\n",
		"24/11/2030 09:00:03 , Oujda ,Média ,Non , Oui,leviers,Oui,En accord\n",
		"24/11/2030 09:00:04,Oujda,Média,NSP,Oui,,Non,\n",
		"24/11/2030 09:00:05,Paris,Média,Non,Oui,,Non,\n",
		",,,,,,,\n",
		"24/11/2030 09:00:06,Oujda,Média\n",
		"24/11/2030 09:00:07,Oujda,Média,Non,Oui,,Non,,en trop\n",
		lines[1], // a duplicate of the first submission (and each odd record comes twice)
		"24/11/2030 09:00:08,oujda,média,non,oui,LEVIERS,oui,en accord\n",
		"\n",
		"24/11/2030 09:00:09,Oujda\u00a0,Média,Non,Oui,,Non,\n",
		"24/11/2030 09:00:10,\"Oujda\",\"\",\"\",Oui,\"\",Non,\"\"\n",
		"24/11/2030 09:00:11,Oujda,Média,Non,Oui,\"leviers, inconnu\",Non,\n",
		"24/11/2030 09:00:12,Oujda,Média,Non,Peut-être,,Non,\n",
	}
	// The same submission as a plain record, less its empty last field: the
	// general path reads it, and must find it a duplicate all the same.
	for _, l := range lines[1:] {
		if strings.HasSuffix(l, ",\n") {
			odd = append(odd, strings.TrimSuffix(l, ",\n")+"\n")
			break
		}
	}
	var b strings.Builder
	for i, l := range lines {
		b.WriteString(l)
		if i > 0 && i%97 == 0 {
			b.WriteString(odd[(i/97)%len(odd)])
		}
	}
	fsys["responses.csv"] = &fstest.MapFile{Data: []byte(b.String())}
	p, err := form.LoadProject(fsys)
	if err != nil {
		t.Fatal(err)
	}
	defer func(n, w int, rw int64) { fast.MaxSpanCached, fast.SpanWindow, fast.ReadWindow = n, w, rw }(fast.MaxSpanCached, fast.SpanWindow, fast.ReadWindow)
	for _, c := range []struct {
		chunk        int64
		room, window int   // of a span's cache
		read         int64 // a chunk's reads
	}{{1 << 20, fast.MaxSpanCached, fast.SpanWindow, fast.ReadWindow}, {4096, fast.MaxSpanCached, fast.SpanWindow, fast.ReadWindow}, {333, fast.MaxSpanCached, fast.SpanWindow, fast.ReadWindow},
		{1 << 20, 3, fast.SpanWindow, fast.ReadWindow}, {1 << 20, 3, 64, fast.ReadWindow},
		// A chunk read a few records at a time, or less than one.
		{1 << 20, fast.MaxSpanCached, fast.SpanWindow, 1000}, {1 << 20, fast.MaxSpanCached, fast.SpanWindow, 37}} {
		chunk := c.chunk
		fast.MaxSpanCached, fast.SpanWindow, fast.ReadWindow = c.room, c.window, c.read
		t.Run(fmt.Sprint(chunk, "/", c.room, "/", c.window, "/", c.read), func(t *testing.T) {
			stream, ref, spq, rpq, serr, rerr := bothReaders(t, fsys, chunk)
			if serr != nil || rerr != nil {
				t.Fatalf("stream: %v; reference: %v", serr, rerr)
			}
			sameIngest(t, p, stream, ref, spq, rpq)
			r := stream.Responses
			if r.Duplicates == 0 || len(r.Rejects) < 5 || r.ExplicitMissing == 0 || len(r.Normalisations()) == 0 {
				t.Fatalf("the odd records were not all met: %d duplicates, %d rejects, %d missing, %d normalisations",
					r.Duplicates, len(r.Rejects), r.ExplicitMissing, len(r.Normalisations()))
			}
			if r.FastRows < 2900 || r.FastRows >= r.RowsRead {
				t.Fatalf("fast path took %d of %d records", r.FastRows, r.RowsRead)
			}
		})
	}
}
