package reports

import (
	"bytes"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"sync"

	"github.com/klauspost/compress/zlib"
)

// compressStreams compresses the streams of a PDF written by gofpdf with
// its compression off (objects "N 0 obj\n<</Length L>>\nstream\n...\n
// endstream\nendobj\n": the pages' contents), as FlateDecode, adds
// entries[N] to the dictionary of object N, and writes the cross-reference
// table again. gofpdf compresses each page through a new zlib writer of
// the standard library, a megabyte of tables zeroed each time, at the
// report's very end (BENCHMARKS.md). Here writers are reused, on every
// core. Other objects are copied as they are, but for stand-ins' images
// and names when sw is set (the names changed in pdf itself).
func compressStreams(pdf []byte, x *xref, entries map[int]string, sw *imageSwap) ([]byte, error) {
	// The objects in file order, each up to the next (the last up to the
	// table).
	order := make([]int, 0, len(x.offsets))
	for n, off := range x.offsets {
		if n > 0 && off > 0 {
			order = append(order, n)
		}
	}
	sort.Slice(order, func(i, j int) bool { return x.offsets[order[i]] < x.offsets[order[j]] })
	if len(order) == 0 {
		return nil, fmt.Errorf("compressing the PDF: no objects")
	}
	bodies := make([][]byte, len(order))
	for i, n := range order {
		end := x.at
		if i+1 < len(order) {
			end = x.offsets[order[i+1]]
		}
		if x.offsets[n] >= end {
			return nil, fmt.Errorf("compressing the PDF: object %d out of order", n)
		}
		bodies[i] = pdf[x.offsets[n]:end]
	}
	out := make([][]byte, len(order))
	var wg sync.WaitGroup
	var failed error
	var mu sync.Mutex
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			zw, _ := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
			for i := range next {
				o, err := compressObject(bodies[i], order[i], entries[order[i]], zw, &buf, sw)
				if err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
				}
				out[i] = o
			}
		}()
	}
	for i := range order {
		next <- i
	}
	close(next)
	wg.Wait()
	if failed != nil {
		return nil, failed
	}
	var b bytes.Buffer
	b.Grow(len(pdf))
	b.Write(pdf[:x.offsets[order[0]]])
	offsets := make([]int, len(x.offsets))
	for i, n := range order {
		offsets[n] = b.Len()
		b.Write(out[i])
	}
	at := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(x.offsets))
	for n := 1; n < len(x.offsets); n++ {
		fmt.Fprintf(&b, "%010d 00000 n \n", offsets[n])
	}
	b.Write(x.trailer)
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", at)
	return b.Bytes(), nil
}

// compressObject returns object n (its bytes, body) with its stream
// compressed when it is an uncompressed stream, with entry added when it
// is a dictionary and entry is set, a stand-in image's data swapped, else
// body itself.
func compressObject(body []byte, n int, entry string, zw *zlib.Writer, buf *bytes.Buffer, sw *imageSwap) ([]byte, error) {
	if !bytes.HasPrefix(body, []byte(strconv.Itoa(n)+" 0 obj\n")) {
		return nil, fmt.Errorf("compressing the PDF: the table does not point at object %d", n)
	}
	if sw != nil {
		if o, ok := sw.image(body, n); ok {
			return o, nil
		}
		sw.rename(body)
	}
	if entry != "" {
		const end = ">>\nendobj\n"
		if !bytes.HasSuffix(body, []byte(end)) || bytes.Contains(body, []byte("\nstream\n")) {
			return nil, fmt.Errorf("finishing the PDF: object %d is not a dictionary", n)
		}
		return fmt.Appendf(nil, "%s%s\n%s", body[:len(body)-len(end)], entry, end), nil
	}
	head := []byte(strconv.Itoa(n) + " 0 obj\n<</Length ")
	if !bytes.HasPrefix(body, head) {
		return body, nil
	}
	rest := body[len(head):]
	i := bytes.Index(rest, []byte(">>\nstream\n"))
	if i < 0 {
		return body, nil
	}
	length, err := strconv.Atoi(string(rest[:i]))
	if err != nil {
		return body, nil // an indirect length, or more keys: not ours
	}
	data := rest[i+len(">>\nstream\n"):]
	const tail = "\nendstream\nendobj\n"
	if length > len(data) || string(data[length:]) != tail {
		return nil, fmt.Errorf("compressing the PDF: object %d: stream of %d bytes not as gofpdf writes it", n, length)
	}
	buf.Reset()
	zw.Reset(buf)
	zw.Write(data[:length])
	if err := zw.Close(); err != nil {
		return nil, err
	}
	o := make([]byte, 0, buf.Len()+64)
	o = fmt.Appendf(o, "%d 0 obj\n<</Filter /FlateDecode /Length %d>>\nstream\n", n, buf.Len())
	o = append(o, buf.Bytes()...)
	return append(o, tail...), nil
}

// xref is a PDF's cross-reference table (one section, as gofpdf writes
// it): where it is, each object's offset, and the trailer up to startxref.
type xref struct {
	at      int
	offsets []int // by object number (0: the free head)
	trailer []byte
}

func readXref(pdf []byte) (*xref, error) {
	tail := pdf[max(0, len(pdf)-64):]
	i := bytes.LastIndex(tail, []byte("startxref\n"))
	if i < 0 {
		return nil, fmt.Errorf("compressing the PDF: no startxref")
	}
	num, _, _ := bytes.Cut(tail[i+len("startxref\n"):], []byte("\n"))
	at, err := strconv.Atoi(string(num))
	if err != nil || at <= 0 || at >= len(pdf) {
		return nil, fmt.Errorf("compressing the PDF: startxref %q", num)
	}
	t := pdf[at:]
	var size int
	if _, err := fmt.Sscanf(string(t[:min(len(t), 32)]), "xref\n0 %d\n", &size); err != nil || size < 1 {
		return nil, fmt.Errorf("compressing the PDF: cross-reference table: %v", err)
	}
	_, entries, _ := bytes.Cut(t, []byte("\n"))
	_, entries, _ = bytes.Cut(entries, []byte("\n"))
	const entry = 20 // "0000000000 65535 f \n"
	if len(entries) < size*entry {
		return nil, fmt.Errorf("compressing the PDF: cross-reference table cut short")
	}
	x := &xref{at: at, offsets: make([]int, size)}
	for n := 1; n < size; n++ {
		e := entries[n*entry : (n+1)*entry]
		off, err := strconv.Atoi(string(e[:10]))
		if err != nil || string(e[10:]) != " 00000 n \n" || off <= 0 || off >= at {
			return nil, fmt.Errorf("compressing the PDF: cross-reference entry %d: %q", n, e)
		}
		x.offsets[n] = off
	}
	rest := entries[size*entry:]
	end := bytes.LastIndex(rest, []byte("startxref\n"))
	if !bytes.HasPrefix(rest, []byte("trailer\n")) || end < 0 {
		return nil, fmt.Errorf("compressing the PDF: no trailer after the table")
	}
	x.trailer = rest[:end]
	return x, nil
}
