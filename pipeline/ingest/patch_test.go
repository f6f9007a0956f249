package ingest

import (
	"bytes"
	"fmt"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/ingest/internal/stream"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/responses"
	"github.com/synthese-project/synthese/pipeline/tally"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// patchedExport is an export of n submissions with repeats: copies of
// earlier rows (some twice, some next to their first), spread over the
// file; weighted, with a weight column.
func patchedExport(t *testing.T, n int, weighted, odd bool) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(shapesDir, "google_fr.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	header, data := lines[0], lines[1:]
	if weighted {
		header += ",poids"
	}
	r := rand.New(rand.NewPCG(3, 4))
	var rows []string
	for i := range n {
		row := data[i%len(data)]
		_, rest, _ := strings.Cut(row, ",")
		row = fmt.Sprintf("%02d/12/2020 %02d:%02d:%02d,%s", 1+i/3600%28, i/60%60, i%60, i%7, rest)
		if odd && i%7 == 3 { // a comment over two lines
			row = strings.TrimSuffix(row, ",") + ",\"vu\nrevu\""
		}
		if weighted {
			row += fmt.Sprintf(",%g", []float64{0.5, 1.25, 3, 0.1}[i%4])
		}
		if odd && i%333 == 5 {
			rows = append(rows, "") // an empty line
		}
		if i%40 == 11 { // an answer that is no choice: the row kept, the cell rejected
			when, rest, _ := strings.Cut(row, ",")
			city, rest, _ := strings.Cut(rest, ",")
			_, rest, _ = strings.Cut(rest, ",")
			row = when + "," + city + ",Peut-être," + rest
		}
		if i%50 == 7 { // no such meeting: a reject
			when, rest, _ := strings.Cut(row, ",")
			_, rest, _ = strings.Cut(rest, ",")
			row = when + ",Atlantis," + rest
		}
		rows = append(rows, row)
		if i > 0 && r.IntN(9) == 0 {
			// A repeat (of a repeat, now and then; in other letters now
			// and then: the same answers, a spelling met only there).
			again := rows[r.IntN(len(rows))]
			if r.IntN(3) == 0 {
				again = strings.Replace(again, "Oui", "OUi", 1)
			}
			rows = append(rows, again)
		}
	}
	return []byte(header + "\n" + strings.Join(rows, "\n") + "\n")
}

// TestPatchIsARecount: leaving duplicates out by reading their rows alone
// (and writing again the row groups of the chunks that hold one) gives
// what a whole counting pass leaving them out gives: every count, reject
// and result, and responses.parquet byte for byte; counting only or
// writing responses.parquet, weighted or not, one file or two (repeats
// across them), chunks of every size.
func TestPatchIsARecount(t *testing.T) {
	for _, c := range []struct {
		weighted, split, odd bool
		rows                 int
		chunks               []int64
	}{
		{false, false, false, 1500, []int64{61, 999, 20_000, 4 << 20}},
		{true, false, false, 1500, []int64{61, 999, 20_000, 4 << 20}},
		{false, true, false, 1500, []int64{61, 999, 20_000, 4 << 20}},
		// More than 2^16 lines in a chunk (a tag's line is modulo 2^16: the
		// rows read again are also some on other lines, inside a quoted
		// comment or empty), chunks past 2^8.
		{false, false, true, 60_000, []int64{8 << 10, 16 << 20}},
	} {
		weighted := c.weighted
		data := patchedExport(t, c.rows, weighted, c.odd)
		fsys := fuzzProject(data)
		if c.split {
			// The second half in another file, with the header again.
			header, _, _ := bytes.Cut(data, []byte("\n"))
			rows := bytes.SplitAfter(data[len(header)+1:], []byte("\n"))
			half := len(rows) / 2
			fsys["responses.csv"].Data = append(append([]byte{}, header...), append([]byte("\n"), bytes.Join(rows[:half], nil)...)...)
			fsys["more.csv"] = &fstest.MapFile{Data: append(append([]byte{}, header...), append([]byte("\n"), bytes.Join(rows[half:], nil)...)...)}
			fsys[form.ManifestName].Data = bytes.Replace(fsys[form.ManifestName].Data, []byte("[responses.csv]"), []byte("[responses.csv, more.csv]"), 1)
		}
		if weighted {
			m := string(fsys[form.ManifestName].Data) + "weight_column: poids\n"
			fsys[form.ManifestName].Data = []byte(m)
		}
		p, err := form.LoadProject(fsys)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := Ingest(p, responses.IngestOptions{Reference: true}) // the duplicates found by comparing every key
		if err != nil {
			t.Fatal(err)
		}
		for _, chunk := range c.chunks {
			for _, write := range []bool{false, true} {
				t.Run(fmt.Sprintf("weighted=%v/split=%v/rows=%d/chunk=%d/parquet=%v", weighted, c.split, c.rows, chunk, write), func(t *testing.T) {
					defer func(n int64) { stream.StreamChunkSize = n }(stream.StreamChunkSize)
					stream.StreamChunkSize = chunk
					ingest := func(patch bool) (*responses.Responses, []byte) {
						defer func(b bool) { stream.Patching = b }(stream.Patching)
						stream.Patching = patch
						var f memFile
						opt := responses.IngestOptions{}
						if write {
							opt.Responses = func() (io.Writer, error) { f.b = f.b[:0]; return &f, nil }
						}
						in, err := Ingest(p, opt)
						if err != nil {
							t.Fatal(err)
						}
						return &in.Responses, f.b
					}
					a, apq := ingest(false)
					b, bpq := ingest(true)
					norms := 0
					for _, n := range a.Normalisations() {
						if n.Raw == "OUi" {
							norms++
						}
					}
					cells := map[int]bool{} // lines of cell rejects
					for _, r := range b.Rejects {
						if r.Code != input.RejectDuplicate && r.Code != input.RejectNoMeeting {
							cells[r.Line] = true
						}
					}
					if a.Duplicates < 50 || a.Patched != 0 || len(a.Rejects) < a.Duplicates+40 || norms == 0 || len(cells) < 20 {
						t.Fatalf("%d duplicates, %d chunks patched without patching, %d rejects, OUi normalised %d times", a.Duplicates, a.Patched, len(a.Rejects), norms)
					}
					if weighted && a.Tally.Questions[0].WValid.Float64() < 100 {
						t.Fatalf("weights not read: %v", a.Tally.Questions[0].WValid.Float64())
					}
					if b.Patched != b.Duplicates {
						t.Fatalf("%d rows patched for %d duplicates", b.Patched, b.Duplicates)
					}
					if a.Kept != b.Kept || a.RowsRead != b.RowsRead || a.Duplicates != b.Duplicates || a.ExplicitMissing != b.ExplicitMissing {
						t.Fatalf("counts differ: recount %d %d %d %d, patch %d %d %d %d", a.Kept, a.RowsRead, a.Duplicates, a.ExplicitMissing,
							b.Kept, b.RowsRead, b.Duplicates, b.ExplicitMissing)
					}
					if r := ref.Responses; b.Duplicates != r.Duplicates || b.Kept != r.Kept || !reflect.DeepEqual(b.Rejects, r.Rejects) {
						t.Fatalf("the reference reader finds %d duplicates and keeps %d, the streaming reader %d and %d", r.Duplicates, r.Kept, b.Duplicates, b.Kept)
					}
					if !reflect.DeepEqual(a.Rejects, b.Rejects) || !reflect.DeepEqual(a.Files, b.Files) || !reflect.DeepEqual(a.Notes, b.Notes) {
						t.Fatalf("rejects, files or notes differ:\n recount %+v\n patch   %+v", a.Rejects, b.Rejects)
					}
					if !reflect.DeepEqual(a.Normalisations(), b.Normalisations()) {
						t.Fatalf("normalisations differ:\n recount %+v\n patch   %+v", a.Normalisations(), b.Normalisations())
					}
					sameTally(t, a.Tally, b.Tally)
					mq := p.Manifest.MeetingQuestion
					if !reflect.DeepEqual(a.Tally.Results(mq, 5), b.Tally.Results(mq, 5)) || !reflect.DeepEqual(a.Tally.Independence(mq), b.Tally.Independence(mq)) {
						t.Fatal("results differ")
					}
					if !bytes.Equal(apq, bpq) || write && len(apq) < 1000 {
						t.Fatalf("responses.parquet differs (%d and %d bytes)", len(apq), len(bpq))
					}
				})
			}
		}
	}
}

// sameTally fails unless the tallies hold the same counts and sums (sums
// compared by value: their limbs may be carried differently).
func sameTally(t *testing.T, a, b *tally.Tally) {
	t.Helper()
	if !reflect.DeepEqual(a.Respondents, b.Respondents) || len(a.Questions) != len(b.Questions) {
		t.Fatalf("respondents differ: %v, %v", a.Respondents, b.Respondents)
	}
	for k, qa := range a.Questions {
		qb := b.Questions[k]
		if !reflect.DeepEqual(qa.Counts, qb.Counts) || !reflect.DeepEqual(qa.Valid, qb.Valid) {
			t.Fatalf("%s: counts differ", qa.Question.Name)
		}
		sums := func(q *tally.QuestionTally) []float64 {
			out := []float64{q.WValid.Float64(), q.WValid2.Float64()}
			for i := range q.WChoice {
				out = append(out, q.WChoice[i].Float64())
			}
			return out
		}
		if sa, sb := sums(qa), sums(qb); !reflect.DeepEqual(sa, sb) {
			t.Fatalf("%s: weighted sums differ: %v, %v", qa.Question.Name, sa, sb)
		}
	}
}
