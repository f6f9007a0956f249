package charts

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"io"
	"runtime"
	"slices"
	"sync"

	"git.sr.ht/~sbinet/gg"
	"github.com/klauspost/compress/flate"
	xdraw "golang.org/x/image/draw"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// writePNG encodes a drawn chart as an 8-bit RGB PNG, pad white columns
// wider than drawn (a PDF writer that orders images by width then sees a
// distinct width per chart, see reports). Every row uses the Up filter and
// the fastest deflate level: charts are flat colours in horizontal bands,
// where Up does about as well as trying every filter, at a fraction of the
// cost of image/png's adaptive choice.
//
// It is the canvas's last use: its pixels go back to the pool.
func writePNG(w io.Writer, c *vgimg.Canvas, pad int) error {
	img, ok := c.Image().(*image.RGBA)
	if !ok {
		panic("charts: vgimg canvas is not RGBA")
	}
	defer pixels.put(img.Pix)
	return encodeRGB(w, img, pad)
}

// encodeRGB is writePNG's encoder: img's colours (alpha dropped), pad
// white columns on the right.
func encodeRGB(w io.Writer, img *image.RGBA, pad int) error {
	b := img.Bounds()
	width, height := b.Dx()+pad, b.Dy()
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write([]byte("\x89PNG\r\n\x1a\n"))
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(height))
	ihdr[8], ihdr[9] = 8, 2 // 8 bits, RGB
	chunk(bw, "IHDR", ihdr[:])
	idat := &chunkWriter{w: bw, kind: "IDAT", buf: make([]byte, 0, 64<<10)}
	zw := newZlib(idat)
	defer zw.release()
	stride := 1 + 3*width
	cur := make([]byte, stride+2) // 2 spare: upRow stores 8 bytes for 6
	cur[0] = 2                    // Up: each byte minus the byte above (0 above the first row)
	// A row the same as the one above (most: margins, inside bars) is
	// all zeros once filtered, its padding too.
	same := make([]byte, stride)
	same[0] = 2
	w4 := 4 * b.Dx()
	above := make([]byte, w4) // zeros above the first row
	for y := 0; y < height; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+w4]
		filtered := same
		if y == 0 || !bytes.Equal(row, above) {
			o := 1 + upRow(cur[1:], row, above)
			for ; o < stride; o++ { // the white padding: 0xff, then 0 under it
				cur[o] = 0
				if y == 0 {
					cur[o] = 0xff
				}
			}
			filtered = cur[:stride]
		}
		if _, err := zw.Write(filtered); err != nil {
			return err
		}
		above = row
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := idat.flush(); err != nil {
		return err
	}
	chunk(bw, "IEND", nil)
	return bw.Flush()
}

// upRow writes into dst the RGB bytes of the RGBA pixels of row minus
// those of above (byte by byte, modulo 256: PNG's Up filter) and returns
// the bytes written (3 a pixel). Two pixels at a time as one word: the
// bytes subtracted without a borrow crossing from one to the next, the
// alphas squeezed out, 8 bytes stored for 6 (dst has 2 spare at its end).
func upRow(dst, row, above []byte) int {
	const hi = 0x8080808080808080
	o, x := 0, 0
	for ; x+8 <= len(row) && o+8 <= len(dst); x, o = x+8, o+6 {
		a := binary.LittleEndian.Uint64(row[x:])
		b := binary.LittleEndian.Uint64(above[x:])
		d := ((a | hi) - (b &^ hi)) ^ ((a ^ ^b) & hi)
		binary.LittleEndian.PutUint64(dst[o:], d&0xffffff|d>>8&0xffffff000000)
	}
	for ; x+3 < len(row); x, o = x+4, o+3 {
		dst[o], dst[o+1], dst[o+2] = row[x]-above[x], row[x+1]-above[x+1], row[x+2]-above[x+2]
	}
	return o
}

// chunk writes one PNG chunk: length, type, data, CRC of type and data.
func chunk(w io.Writer, kind string, data []byte) error {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	crc := crc32.NewIEEE()
	crc.Write([]byte(kind))
	crc.Write(data)
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc.Sum32())
	for _, b := range [][]byte{n[:], []byte(kind), data, sum[:]} {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// chunkWriter cuts a stream into chunks of at most 64 KiB.
type chunkWriter struct {
	w    io.Writer
	kind string
	buf  []byte
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), 64<<10-len(c.buf))
		c.buf = append(c.buf, p[:k]...)
		p = p[k:]
		if len(c.buf) == 64<<10 {
			if err := c.flush(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (c *chunkWriter) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	err := chunk(c.w, c.kind, c.buf)
	c.buf = c.buf[:0]
	return err
}

// Measure is a writer that charts are not drawn into: a Draw function given
// one lays the chart out, sets the size in pixels it will have, and returns
// without drawing; Render then draws it (once, from any goroutine). The
// report lays pages out from chart sizes while the charts are drawn.
type Measure struct {
	Size   image.Point
	render func(io.Writer) error
}

func (m *Measure) Write([]byte) (int, error) { return 0, io.ErrShortWrite }

// Render writes the measured chart as a PNG, as the Draw function would have.
func (m *Measure) Render(w io.Writer) error {
	if m.render == nil {
		return errors.New("charts: Render before a Draw function measured the chart")
	}
	return m.render(w)
}

// finish ends a Draw function: given a Measure, the chart's size and what
// draws it; else the PNG, drawn now.
func finish(w io.Writer, size image.Point, render func(io.Writer) error) error {
	if m, ok := w.(*Measure); ok {
		m.Size, m.render = size, render
		return nil
	}
	return render(w)
}

// pixelSize is the size of a chart of w × h points, pad columns added.
func pixelSize(w, h vg.Length, pad int) image.Point {
	return image.Pt(int(w/vg.Inch*vg.Length(dpi)+0.5)+pad, int(h/vg.Inch*vg.Length(dpi)+0.5))
}

// PlaceholderPNG is the header of a PNG of the given size, without pixels:
// enough for a layout that only reads sizes (image.DecodeConfig).
func PlaceholderPNG(size image.Point) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(size.X))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(size.Y))
	ihdr[8], ihdr[9] = 8, 2
	chunk(&b, "IHDR", ihdr[:])
	return b.Bytes()
}

// StandInPNG is PlaceholderPNG with data as its IDAT chunk (not pixels: a
// marker a PDF writer copies without reading it) and its end.
func StandInPNG(size image.Point, data []byte) []byte {
	b := bytes.NewBuffer(PlaceholderPNG(size))
	chunk(b, "IDAT", data)
	chunk(b, "IEND", nil)
	return b.Bytes()
}

// pixels are the pixel buffers of charts drawn, to draw others on (a
// sync.Pool would drop them at each collection, and the run collects
// often).
var pixels pixelPool

type pixelPool struct {
	mu   sync.Mutex
	free [][]byte
}

// get returns a buffer of n bytes, the largest free one when it is big
// enough.
func (p *pixelPool) get(n int) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, b := range p.free {
		if cap(b) >= n {
			p.free = append(p.free[:i], p.free[i+1:]...)
			return b[:n]
		}
	}
	return make([]byte, n)
}

// put keeps b for another chart, one buffer a core at most (the smallest
// is dropped).
func (p *pixelPool) put(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free = append(p.free, b)
	slices.SortFunc(p.free, func(a, b []byte) int { return cap(b) - cap(a) })
	if len(p.free) > runtime.GOMAXPROCS(0) {
		p.free = p.free[:runtime.GOMAXPROCS(0)]
	}
}

// newCanvas is a white canvas of w × h points at the charts' resolution.
// Its drawing context places text glyphs, already rasterised at that
// resolution, without resampling (nearest neighbour): the same pixels as
// gg's default bilinear transform for glyphs on whole pixels, at a fraction
// of its cost.
//
// Its pixels come from a pool (vgimg paints every one white first): fresh
// memory for each chart cost more, in page faults, than the drawing.
func newCanvas(w, h vg.Length) *vgimg.Canvas {
	px := pixelSize(w, h, 0)
	n := 4 * px.X * px.Y
	img := &image.RGBA{Pix: pixels.get(n), Stride: 4 * px.X, Rect: image.Rect(0, 0, px.X, px.Y)}
	ctx := gg.NewContextForRGBA(img)
	ctx.SetInterpolator(xdraw.NearestNeighbor)
	ctx.SetLineCapButt()
	ctx.InvertY()
	return vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(dpi))
}

// newPlot is a plot without a background of its own: newCanvas's pixels
// are white already, and gonum/plot would paint the whole canvas white
// again through the rasteriser (a quarter of a chart's drawing).
// Its title's lines are `leading` apart.
func newPlot() *plot.Plot {
	p := plot.New()
	p.BackgroundColor = nil
	p.Title.TextStyle.Handler = lineHandler
	return p
}

// zlibStream is a zlib stream (RFC 1950) at deflate's fastest level, the
// stream klauspost/compress/zlib writes at BestSpeed, with the Adler-32
// checksum taken a word at a time, zero words at once (filtered chart
// rows are mostly zeros: hash/adler32 took a sixth of a chart's encoding).
// Its deflate writers are reused.
type zlibStream struct {
	w     io.Writer
	fw    *flate.Writer
	a, b  uint32
	start bool
	err   error
}

var deflaters = struct {
	mu   sync.Mutex
	free []*flate.Writer
}{}

func newZlib(w io.Writer) *zlibStream {
	z := &zlibStream{w: w, a: 1}
	deflaters.mu.Lock()
	if n := len(deflaters.free); n > 0 {
		z.fw = deflaters.free[n-1]
		deflaters.free = deflaters.free[:n-1]
	}
	deflaters.mu.Unlock()
	if z.fw == nil {
		z.fw, z.err = flate.NewWriter(w, flate.BestSpeed)
	} else {
		z.fw.Reset(w)
	}
	return z
}

func (z *zlibStream) Write(p []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	if !z.start {
		z.start = true
		// CMF 0x78: deflate, 32 KiB window; FLG: fastest level, no
		// dictionary, check bits making CMF·256+FLG a multiple of 31.
		if _, z.err = z.w.Write([]byte{0x78, 0x01}); z.err != nil {
			return 0, z.err
		}
	}
	z.a, z.b = adler32Update(z.a, z.b, p)
	n, err := z.fw.Write(p)
	z.err = err
	return n, err
}

// Close ends the deflate stream and writes the checksum.
func (z *zlibStream) Close() error {
	if z.err == nil && !z.start {
		z.Write(nil)
	}
	if z.err != nil {
		return z.err
	}
	if z.err = z.fw.Close(); z.err != nil {
		return z.err
	}
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], z.b<<16|z.a)
	if _, err := z.w.Write(sum[:]); err != nil {
		z.err = err
		return err
	}
	z.err = errZlibClosed
	return nil
}

var errZlibClosed = errors.New("charts: write to a closed zlib stream")

// release hands the deflate writer back (after Close or on an error).
func (z *zlibStream) release() {
	if z.fw == nil {
		return
	}
	deflaters.mu.Lock()
	if len(deflaters.free) < runtime.GOMAXPROCS(0) {
		deflaters.free = append(deflaters.free, z.fw)
	}
	deflaters.mu.Unlock()
	z.fw = nil
}

// adlerMod is Adler-32's modulus; adlerMax the most bytes added before
// the sums must be reduced (b stays below 2^32: 255·n(n+1)/2 +
// (n+1)(adlerMod-1) < 2^32).
const (
	adlerMod = 65521
	adlerMax = 5552
)

// adler32Update adds p to Adler-32's two sums a (1 + the bytes) and b (the
// sum of a after each byte), both below adlerMod. 32 zero bytes leave a
// as it is and add 32a to b.
func adler32Update(a, b uint32, p []byte) (uint32, uint32) {
	for len(p) > 0 {
		q := p[:min(len(p), adlerMax)]
		p = p[len(q):]
		le := binary.LittleEndian
		for ; len(q) >= 32; q = q[32:] {
			if le.Uint64(q)|le.Uint64(q[8:])|le.Uint64(q[16:])|le.Uint64(q[24:]) == 0 {
				b += 32 * a
				continue
			}
			for _, c := range q[:32] {
				a += uint32(c)
				b += a
			}
		}
		for _, c := range q {
			a += uint32(c)
			b += a
		}
		a %= adlerMod
		b %= adlerMod
	}
	return a, b
}
