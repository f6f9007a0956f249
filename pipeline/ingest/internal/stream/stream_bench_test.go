package stream

import (
	"bytes"
	"io"
	"testing"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/gen"
	"github.com/synthese-project/synthese/pipeline/ingest/internal/scan"
	"github.com/synthese-project/synthese/pipeline/responses"
	"github.com/synthese-project/synthese/pipeline/store"
)

// genProject writes a generated project of n rows into a temporary folder.
func genProject(b testing.TB, n int) (*form.Project, int64) {
	b.Helper()
	p, size, err := gen.LoadGenerated(b.TempDir(), gen.GenOptions{Rows: n, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	return p, size
}

// BenchmarkCacheLookup: resolving a cell through a column's cache.
func BenchmarkCacheLookup(b *testing.B) {
	var vc valueCache
	keys := [][]byte{[]byte("Oui"), []byte("Non"), []byte("Coopération internationale"), []byte("En désaccord"), []byte("leviers, etat, pratiques")}
	for _, k := range keys {
		vc.add(&cacheEntry{key: string(k)})
	}
	b.ResetTimer()
	for i := range b.N {
		k := keys[i%len(keys)]
		w, h := scan.CacheKey(k)
		if e, _ := vc.find(k, w, h); e == nil {
			b.Fatal("miss")
		}
	}
}

// generatedStream opens rows generated responses (the reference
// questionnaire) as a stream, with their bytes.
func generatedStream(b *testing.B, rows int) (*streamFile, []byte) {
	p, _ := genProject(b, 1)
	var buf bytes.Buffer
	if err := gen.GenerateResponses(&buf, gen.GenOptions{Rows: rows, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	var into responses.Responses
	s, err := streamOf(p, &source{name: "responses.csv", r: bytes.NewReader(data), size: int64(len(data))}, &into)
	if err != nil {
		b.Fatal(err)
	}
	return s, data
}

// BenchmarkSpanLookup: finding the end of each record's spans of closed
// cells in a chunk's maps and looking them up in their caches, the fast
// path's main work, in ns a span.
func BenchmarkSpanLookup(b *testing.B) {
	s, data := generatedStream(b, 20_000)
	w := s.newWorker()
	w.buf = data
	w.markStops()
	// Where each record's spans start (after its first field, the time).
	type at struct {
		sg    fastSeg
		start int
	}
	var spans []at
	for _, sg := range s.fast.segs[1:] {
		if sg.span < 0 {
			b.Fatal("the generated records are not a time and spans")
		}
	}
	for pos := bytes.IndexByte(data, '\n') + 1; pos < len(data); {
		p := scan.NextStop(w.stops, pos) + 1
		for _, sg := range s.fast.segs[1:] {
			spans = append(spans, at{sg, p})
			if p = scan.SpanEnd(w.stops, p, sg.last-sg.first+1) + 1; p == 0 {
				b.Fatal("a record without its spans")
			}
		}
		pos = p
	}
	b.ResetTimer()
	for i := range b.N {
		a := spans[i%len(spans)]
		e := scan.SpanEnd(w.stops, a.start, a.sg.last-a.sg.first+1)
		if _, ok, _ := w.spanEntry(a.sg, a.start, e+1); !ok {
			b.Fatal("not plain")
		}
	}
}

// BenchmarkResponsesWriter: encoding a row group of 50,000 respondents
// (answers at random: nulls where the generated exports have them).
func BenchmarkResponsesWriter(b *testing.B) {
	p, _ := genProject(b, 1)
	rw := store.NewResponsesWriter(io.Discard, p.Questionnaire, p.Manifest.MeetingQuestion)
	g := &store.RowGroup{FirstID: 1, File: "responses.csv", Answers: make([]store.AnswerColumn, len(rw.Questions))}
	for i := range 50_000 {
		g.Lines = append(g.Lines, int64(i+2))
		g.Meeting = append(g.Meeting, int32(i%25))
		g.Weight = append(g.Weight, 1)
		for a := range g.Answers {
			if i < 4 {
				g.Answers[a].Dict = append(g.Answers[a].Dict, "x"+string(rune('a'+i)))
			}
			// One answer of four, or none one time in ten, at random.
			c := int32(scan.Mix64(uint64(i*len(g.Answers)+a))%40)/9 - 1
			g.Answers[a].Codes = append(g.Answers[a].Codes, c)
		}
	}
	b.ResetTimer()
	for range b.N {
		g.Body = nil
		if err := rw.WriteGroup(g); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChunkOneCore: one worker reading one chunk of 50,000 generated
// rows (4 MB), the hot loop of the counting pass on one core.
func BenchmarkChunkOneCore(b *testing.B) {
	s, data := generatedStream(b, 50_000)
	s.collectFP = true
	defer func(n int64) { StreamChunkSize = n }(StreamChunkSize)
	StreamChunkSize = int64(len(data))
	s.chunks = 1
	w := s.newWorker()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		o := w.run(0, -1)
		if o.err != nil || o.kept != 50_000 {
			b.Fatal(o.err, o.kept)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/50_000, "ns/row")
}
