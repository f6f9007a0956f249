package reports

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/phpdave11/gofpdf"
	"github.com/synthese-project/synthese/pipeline/provenance"
)

// uncompressedPDF is a few pages written by gofpdf with its compression
// off, as the report is before finishPDF.
func uncompressedPDF(t *testing.T, pages int) []byte {
	t.Helper()
	f := gofpdf.New("P", "mm", "A4", "")
	f.SetCompression(false)
	f.SetFont("Helvetica", "", 12)
	for p := range pages {
		f.AddPage()
		for l := range 30 {
			f.Text(20, float64(20+8*l), fmt.Sprintf("page %d, line %d: endstream endobj 12 0 obj", p+1, l+1))
		}
	}
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var streamObj = regexp.MustCompile(`(?s)(\d+) 0 obj\n<<(/Filter /FlateDecode )?/Length (\d+)>>\nstream\n`)

// streamsOf returns each stream object's data, decompressed, by number.
func streamsOf(t *testing.T, pdf []byte) map[int]string {
	t.Helper()
	out := map[int]string{}
	for _, m := range streamObj.FindAllSubmatchIndex(pdf, -1) {
		n, _ := strconv.Atoi(string(pdf[m[2]:m[3]]))
		l, _ := strconv.Atoi(string(pdf[m[6]:m[7]]))
		data := pdf[m[1] : m[1]+l]
		if !bytes.HasPrefix(pdf[m[1]+l:], []byte("\nendstream\nendobj\n")) {
			t.Fatalf("object %d: %d bytes of stream, then %q", n, l, pdf[m[1]+l:min(len(pdf), m[1]+l+20)])
		}
		if m[4] >= 0 {
			r, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("object %d: %v", n, err)
			}
			if data, err = io.ReadAll(r); err != nil {
				t.Fatalf("object %d: %v", n, err)
			}
		}
		out[n] = string(data)
	}
	return out
}

// The pages' streams come out compressed, holding what they held; every
// entry of the new cross-reference table points at its object, and
// startxref at the table.
func TestCompressStreams(t *testing.T) {
	in := uncompressedPDF(t, 3)
	out, err := compressStreams(in, mustXref(t, in), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	before, after := streamsOf(t, in), streamsOf(t, out)
	if len(before) < 3 || len(after) != len(before) {
		t.Fatalf("%d streams before, %d after", len(before), len(after))
	}
	for n, s := range before {
		if after[n] != s {
			t.Fatalf("object %d changed:\n%q\n%q", n, s, after[n])
		}
	}
	if strings.Count(string(out), "/Filter /FlateDecode") < 3 || len(out) >= len(in) {
		t.Fatalf("not compressed: %d bytes, was %d", len(out), len(in))
	}
	x, err := readXref(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out[x.at:], []byte("xref\n")) || !bytes.HasSuffix(out, []byte("%%EOF\n")) {
		t.Fatalf("startxref %d does not point at the table", x.at)
	}
	for n := 1; n < len(x.offsets); n++ {
		if !bytes.HasPrefix(out[x.offsets[n]:], []byte(strconv.Itoa(n)+" 0 obj\n")) {
			t.Fatalf("entry %d points at %q", n, out[x.offsets[n]:x.offsets[n]+12])
		}
	}
	if !bytes.Equal(x.trailer, mustXref(t, in).trailer) {
		t.Fatalf("trailer changed")
	}
	// The same input, the same bytes.
	if again, _ := compressStreams(in, mustXref(t, in), nil, nil); !bytes.Equal(again, out) {
		t.Fatal("not deterministic")
	}
}

func mustXref(t *testing.T, pdf []byte) *xref {
	x, err := readXref(pdf)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// What gofpdf would not write is refused, not copied wrong.
func TestCompressStreamsRefuses(t *testing.T) {
	in := uncompressedPDF(t, 1)
	x := mustXref(t, in)
	moved := bytes.Replace(in, fmt.Appendf(nil, "startxref\n%d\n", x.at), fmt.Appendf(nil, "startxref\n%d\n", x.at-3), 1)
	stream := bytes.Index(in, []byte(">>\nstream\n"))
	for name, pdf := range map[string][]byte{
		"cut":            in[:len(in)/2],
		"no table":       in[:x.at],
		"table moved":    moved,
		"entry off":      bytes.Replace(in, fmt.Appendf(nil, "%010d 00000 n", x.offsets[1]), fmt.Appendf(nil, "%010d 00000 n", x.offsets[1]+1), 1),
		"length too big": append(append(append([]byte{}, in[:stream]...), '0'), in[stream:]...), // ten times
	} {
		if _, err := finishPDF(pdf, "fr", "", nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// finishPDF declares the language in the catalog and the inputs' digest
// in the document information, in the rewrite itself.
func TestFinishPDF(t *testing.T) {
	in := uncompressedPDF(t, 2)
	out, err := finishPDF(in, "ar", "abc123", nil)
	if err != nil {
		t.Fatal(err)
	}
	if i := bytes.LastIndex(out, []byte("/Type /Catalog")); i < 0 || !bytes.Contains(out[i:i+200], []byte("/Lang (ar)\n>>\nendobj\n")) {
		t.Fatal("no /Lang in the catalog")
	}
	if provenance.PDFDigestOf(out) != "abc123" || !bytes.Contains(out, []byte("/Producer")) {
		t.Fatalf("digest %q", provenance.PDFDigestOf(out))
	}
	x := mustXref(t, out)
	for n := 1; n < len(x.offsets); n++ {
		if !bytes.HasPrefix(out[x.offsets[n]:], []byte(strconv.Itoa(n)+" 0 obj\n")) {
			t.Fatalf("entry %d points at %q", n, out[x.offsets[n]:x.offsets[n]+12])
		}
	}
	if bytes.Count(out, []byte("startxref")) != 1 {
		t.Fatal("an update appended: the document is rewritten once")
	}
}
