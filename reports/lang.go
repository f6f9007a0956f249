package reports

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/synthese-project/synthese/pipeline/provenance"
)

var (
	trailerRoot = regexp.MustCompile(`/Root (\d+) 0 R`)
	trailerInfo = regexp.MustCompile(`/Info (\d+) 0 R`)
)

// finishPDF rewrites the PDF gofpdf made with its compression off: its
// streams compressed (compressStreams), the document's language declared
// (/Lang in the catalog, which gofpdf does not write), and the digest of
// the report's inputs added to the document information
// (/SyntheseInputDigest, when digest is set); with sw, the stand-ins'
// images swapped for the drawn charts (see standIns).
func finishPDF(pdf []byte, lang, digest string, sw *imageSwap) ([]byte, error) {
	x, err := readXref(pdf)
	if err != nil {
		return nil, err
	}
	entries := map[int]string{}
	root := trailerRoot.FindSubmatch(x.trailer)
	if root == nil {
		return nil, fmt.Errorf("finishing the PDF: no trailer with /Root")
	}
	n, _ := strconv.Atoi(string(root[1]))
	entries[n] = "/Lang (" + lang + ")"
	if digest != "" {
		info := trailerInfo.FindSubmatch(x.trailer)
		if info == nil {
			return nil, fmt.Errorf("finishing the PDF: trailer without /Info")
		}
		n, _ := strconv.Atoi(string(info[1]))
		entries[n] = provenance.PDFInfoKey + " (" + digest + ")"
	}
	out, err := compressStreams(pdf, x, entries, sw)
	if err != nil {
		return nil, err
	}
	if sw != nil {
		if err := sw.complete(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
