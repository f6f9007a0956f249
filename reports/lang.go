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
// gofpdf does not write, and adds the digest of the report's inputs to the
// document information (/SyntheseInputDigest, when digest is set), by a
// PDF incremental update: new revisions of the catalog and information
// objects, their cross-reference entries and a trailer pointing to the
// previous one are appended; no byte of the original is changed.
func setLanguage(pdf []byte, lang, digest string) ([]byte, error) {
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
	catalog, err := objectDict(pdf, root)
	if err != nil {
		return nil, err
	}
	revised := []struct{ num, dict string }{{root, addEntry(catalog, "/Lang ("+lang+")")}}
	if digest != "" {
		infoDict, err := objectDict(pdf, string(info[1]))
		if err != nil {
			return nil, err
		}
		revised = append(revised, struct{ num, dict string }{string(info[1]), addEntry(infoDict, "/SyntheseInputDigest ("+digest+")")})
	}
	var out bytes.Buffer
	out.Write(pdf)
	if !bytes.HasSuffix(pdf, []byte("\n")) {
		out.WriteByte('\n')
	}
	at := make([]int, len(revised))
	for i, r := range revised {
		at[i] = out.Len()
		fmt.Fprintf(&out, "%s 0 obj\n%s\nendobj\n", r.num, r.dict)
	}
	xrefAt := out.Len()
	out.WriteString("xref\n")
	for i, r := range revised {
		n, _ := strconv.Atoi(r.num)
		fmt.Fprintf(&out, "%d 1\n%010d 00000 n \n", n, at[i])
	}
	fmt.Fprintf(&out, "trailer\n<<\n/Size %s\n/Root %s 0 R\n/Info %s 0 R\n/Prev %s\n>>\nstartxref\n%d\n%%%%EOF\n",
		size[1], root, info[1], prev, xrefAt)
	return out.Bytes(), nil
}

// objectDict returns the dictionary of object num (its last revision).
func objectDict(pdf []byte, num string) ([]byte, error) {
	start := bytes.LastIndex(pdf, []byte("\n"+num+" 0 obj"))
	if start < 0 {
		return nil, fmt.Errorf("finishing the PDF: object %s not found", num)
	}
	body := pdf[start+1:]
	open := bytes.Index(body, []byte("<<"))
	end := bytes.Index(body, []byte("endobj"))
	if open < 0 || end < 0 || open > end {
		return nil, fmt.Errorf("finishing the PDF: object %s unreadable", num)
	}
	dict := bytes.TrimSpace(body[open:end])
	if !bytes.HasSuffix(dict, []byte(">>")) {
		return nil, fmt.Errorf("finishing the PDF: object %s is not a dictionary", num)
	}
	return dict, nil
}

// addEntry appends an entry to a dictionary.
func addEntry(dict []byte, entry string) string {
	return string(dict[:len(dict)-2]) + entry + "\n>>"
}

// InputDigestOf returns the input digest a report carries ("" if none).
func InputDigestOf(pdf []byte) string {
	const key = "/SyntheseInputDigest ("
	i := bytes.LastIndex(pdf, []byte(key))
	if i < 0 {
		return ""
	}
	rest := pdf[i+len(key):]
	j := bytes.IndexByte(rest, ')')
	if j < 0 || j > 128 {
		return ""
	}
	return string(rest[:j])
}
