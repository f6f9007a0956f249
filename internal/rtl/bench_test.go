package rtl

import "testing"

// BenchmarkLayout: shaping, bidi and line breaking of a long mixed sentence.
func BenchmarkLayout(b *testing.B) {
	s := mixedSentences[5] + " " + mixedSentences[6]
	b.ReportAllocs()
	for b.Loop() {
		Layout(s, RTL, 60, measure)
	}
}
