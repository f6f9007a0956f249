package reports

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
)

var (
	trailerRoot = regexp.MustCompile(`trailer\s*<<(?s:.*?)/Root (\d+) 0 R(?s:.*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$`)
	trailerSize = regexp.MustCompile(`/Size (\d+)`)
	trailerInfo = regexp.MustCompile(`/Info (\d+) 0 R`)
)

// setLanguage declares the document's language (/Lang in the catalog), which
// gofpdf does not write, by a PDF incremental update: a new revision of the
// catalog object, its cross-reference entry and a trailer pointing to the
// previous one are appended; no byte of the original is changed.
func setLanguage(pdf []byte, lang string) ([]byte, error) {
	tail := pdf[max(0, len(pdf)-1024):]
	m := trailerRoot.FindSubmatch(tail)
	if m == nil {
		return nil, fmt.Errorf("setting the document language: no trailer with /Root")
	}
	root, prev := string(m[1]), string(m[2])
	size := trailerSize.FindSubmatch(tail)
	info := trailerInfo.FindSubmatch(tail)
	if size == nil || info == nil {
		return nil, fmt.Errorf("setting the document language: trailer without /Size or /Info")
	}
	start := bytes.LastIndex(pdf, []byte("\n"+root+" 0 obj"))
	if start < 0 {
		return nil, fmt.Errorf("setting the document language: catalog object %s not found", root)
	}
	body := pdf[start+1:]
	open := bytes.Index(body, []byte("<<"))
	end := bytes.Index(body, []byte("endobj"))
	if open < 0 || end < 0 || open > end {
		return nil, fmt.Errorf("setting the document language: catalog object %s unreadable", root)
	}
	dict := bytes.TrimSpace(body[open:end])
	if !bytes.HasSuffix(dict, []byte(">>")) {
		return nil, fmt.Errorf("setting the document language: catalog is not a dictionary")
	}
	dict = append(append(append([]byte{}, dict[:len(dict)-2]...), []byte("/Lang ("+lang+")\n")...), ">>"...)
	var out bytes.Buffer
	out.Write(pdf)
	if !bytes.HasSuffix(pdf, []byte("\n")) {
		out.WriteByte('\n')
	}
	objAt := out.Len()
	fmt.Fprintf(&out, "%s 0 obj\n%s\nendobj\n", root, dict)
	xrefAt := out.Len()
	n, _ := strconv.Atoi(root)
	fmt.Fprintf(&out, "xref\n%d 1\n%010d 00000 n \ntrailer\n<<\n/Size %s\n/Root %s 0 R\n/Info %s 0 R\n/Prev %s\n>>\nstartxref\n%d\n%%%%EOF\n",
		n, objAt, size[1], root, info[1], prev, xrefAt)
	return out.Bytes(), nil
}
