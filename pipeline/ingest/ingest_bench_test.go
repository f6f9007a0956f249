package ingest

import (
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/gen"
	"github.com/synthese-project/synthese/pipeline/responses"
	"io"
	"testing"
)

// BenchmarkStreamCount: the counting pass (no responses.parquet) over a
// generated export of 200,000 rows, on every core.
func BenchmarkStreamCount(b *testing.B) {
	p := benchExport(b)
	for range b.N {
		if _, err := Ingest(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStreamWithParquet: the same, writing responses.parquet.
func BenchmarkStreamWithParquet(b *testing.B) {
	p := benchExport(b)
	for range b.N {
		if _, err := Ingest(p, responses.IngestOptions{Responses: func() (io.Writer, error) { return io.Discard, nil }}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchExport generates the 200,000-row export both benchmarks read and
// counts its bytes.
func benchExport(b *testing.B) *form.Project {
	b.Helper()
	p, size, err := gen.LoadGenerated(b.TempDir(), gen.GenOptions{Rows: 200_000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ResetTimer()
	return p
}
