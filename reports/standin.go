package reports

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/phpdave11/gofpdf"

	"github.com/synthese-project/synthese/charts"
	"github.com/synthese-project/synthese/internal/par"
)

// Stand-ins let the PDF be made while the charts are still being drawn
// (Input.Final): each chart, known by its size only, is given to gofpdf as
// a stand-in PNG of that size whose pixel data is a marker; once the charts
// are drawn, finishPDF puts each chart's pixel data (its IDAT chunks, which
// gofpdf copies as they are into the image's stream) in place of its
// marker, and the image's name (gofpdf names an image by the SHA-1 of its
// description, pixel data included) in place of the stand-in's. The PDF is
// then the one made from the drawn charts, byte for byte: an image's object
// depends only on its size and data when it is 8-bit RGB without
// transparency, which is checked; anything else, and the PDF is made again
// from the drawn charts. Charts drawn in parts (ChartParts, …) have a
// stand-in a part.

// chartSlot is a chart's place in the report: where Input holds it and how
// an error names it.
type chartSlot struct {
	get  func(*Input) []byte
	set  func(*Input, []byte)
	what string
}

// chartSlots lists the charts of in in the report's fixed order: the
// questions', the stakeholder chart, the meetings' by language. Charts in
// none of these slots are not in the report.
func chartSlots(in *Input) []chartSlot {
	questions := func(in *Input) map[string][]byte { return in.Charts }
	questionParts := func(in *Input) map[string][][]byte { return in.ChartParts }
	meetings := func(in *Input) map[string][]byte { return in.MeetingCharts }
	meetingParts := func(in *Input) map[string][][]byte { return in.MeetingChartParts }
	var slots []chartSlot
	for _, qu := range in.Project.Questionnaire.Questions {
		if _, ok := in.Charts[qu.Name]; ok {
			slots = append(slots, slotsOf(in, questions, questionParts, qu.Name, "chart of "+qu.Name)...)
		}
	}
	if in.Mix != nil {
		slots = append(slots, chartSlot{
			get:  func(in *Input) []byte { return in.Mix },
			set:  func(in *Input, b []byte) { in.Mix = b },
			what: "stakeholder chart",
		})
		for k := range in.MixParts {
			slots = append(slots, chartSlot{
				get: func(in *Input) []byte {
					if k < len(in.MixParts) {
						return in.MixParts[k]
					}
					return nil
				},
				set:  func(in *Input, b []byte) { in.MixParts[k] = b },
				what: fmt.Sprintf("stakeholder chart, part %d", k+2),
			})
		}
	}
	for _, m := range in.Project.Meetings {
		for _, lang := range in.Project.Manifest.Languages {
			key := m.ID + "/" + lang
			if _, ok := in.MeetingCharts[key]; ok {
				slots = append(slots, slotsOf(in, meetings, meetingParts, key, "chart of meeting "+key)...)
			}
		}
	}
	return slots
}

// slotsOf are the slots of chart key and of its parts after the first, in
// the maps charts and parts give of an Input.
func slotsOf(in *Input, charts func(*Input) map[string][]byte, parts func(*Input) map[string][][]byte, key, what string) []chartSlot {
	slots := []chartSlot{{
		get:  func(in *Input) []byte { return charts(in)[key] },
		set:  func(in *Input, b []byte) { charts(in)[key] = b },
		what: what,
	}}
	for k := range parts(in)[key] {
		slots = append(slots, chartSlot{
			get:  func(in *Input) []byte { return partIn(parts(in), key, k) },
			set:  func(in *Input, b []byte) { parts(in)[key][k] = b },
			what: fmt.Sprintf("%s, part %d", what, k+2),
		})
	}
	return slots
}

// partIn is the k-th further part of a chart, nil when there is none (the
// drawn charts may have fewer parts than their placeholders).
func partIn(parts map[string][][]byte, key string, k int) []byte {
	if p := parts[key]; k < len(p) {
		return p[k]
	}
	return nil
}

// ownCharts gives in chart maps of its own (the caller's are not changed)
// and returns its chart slots.
func ownCharts(in *Input) []chartSlot {
	in.Charts, in.MeetingCharts = maps.Clone(in.Charts), maps.Clone(in.MeetingCharts)
	in.ChartParts, in.MeetingChartParts = cloneParts(in.ChartParts), cloneParts(in.MeetingChartParts)
	in.MixParts = slices.Clone(in.MixParts)
	return chartSlots(in)
}

func cloneParts(parts map[string][][]byte) map[string][][]byte {
	out := map[string][][]byte{}
	for k, p := range parts {
		out[k] = slices.Clone(p)
	}
	return out
}

// standIns are the stand-ins given for the charts of a build.
type standIns struct {
	slots   []chartSlot
	extra   []int    // by slot: white columns distinctWidths adds
	size    [][2]int // by slot: the stand-in's width and height
	markers [][]byte // by slot
	names   [][]byte // by slot: gofpdf's name of the stand-in
}

// useStandIns replaces the placeholders of in (PNG headers) by stand-ins
// at the widths distinctCharts would give the drawn charts.
func useStandIns(in *Input) (*standIns, error) {
	st := &standIns{slots: ownCharts(in)}
	widths := distinctWidths{}
	namer := newImageNamer()
	for i, s := range st.slots {
		w, h, err := pngSize(s.get(in))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.what, err)
		}
		extra := widths.take(w)
		marker := fmt.Appendf(nil, "synthese stand-in %d for a chart of %d x %d pixels\n", i, w+extra, h)
		png := charts.StandInPNG(image.Pt(w+extra, h), marker)
		name, err := namer.name(png)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.what, err)
		}
		st.extra = append(st.extra, extra)
		st.size = append(st.size, [2]int{w + extra, h})
		st.markers = append(st.markers, marker)
		st.names = append(st.names, name)
		s.set(in, png)
	}
	return st, nil
}

// swap returns what finishPDF puts in place of the stand-ins, from the
// drawn charts now in in (at their own widths: the stand-ins' padding is
// added here, as distinctCharts would), on every core. An error means the
// PDF must be made from the drawn charts, but errNotDrawn: no PDF can be.
func (st *standIns) swap(in *Input) (*imageSwap, error) {
	n := len(st.slots)
	data, names := make([][]byte, n), make([][]byte, n)
	errs := par.Do(n, func() func(int) error {
		namer := newImageNamer()
		return func(i int) error {
			var err error
			data[i], names[i], err = st.drawn(i, st.slots[i].get(in), namer)
			return err
		}
	})
	sw := &imageSwap{data: map[string][]byte{}, names: map[string][]byte{}, seen: map[string]bool{}}
	// A stand-in given back first: the other errors make the PDF again
	// from the drawn charts, that one cannot.
	for i, err := range errs {
		if errors.Is(err, errNotDrawn) {
			return nil, fmt.Errorf("%s: %w", st.slots[i].what, err)
		}
	}
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("%s: %w", st.slots[i].what, err)
		}
		sw.names[string(st.names[i])] = names[i]
		sw.data[string(st.markers[i])] = data[i]
	}
	return sw, nil
}

// drawn returns the pixel data and name of slot i's drawn chart, png.
func (st *standIns) drawn(i int, png []byte, namer *imageNamer) (data, name []byte, err error) {
	if given, _, _, err := plainRGB(png); err == nil && bytes.Equal(given, st.markers[i]) {
		return nil, nil, errNotDrawn
	}
	if st.extra[i] > 0 {
		if png, err = padPNG(png, st.extra[i]); err != nil {
			return nil, nil, err
		}
	}
	data, w, h, err := plainRGB(png)
	if err != nil {
		return nil, nil, err
	}
	if [2]int{w, h} != st.size[i] {
		return nil, nil, fmt.Errorf("drawn %d x %d pixels, laid out at %d x %d", w, h, st.size[i][0], st.size[i][1])
	}
	if name, err = namer.name(png); err != nil {
		return nil, nil, err
	}
	return data, name, nil
}

// errNotDrawn is a chart given back as its stand-in by Final.
var errNotDrawn = errors.New("given back as its stand-in (Final), not drawn")

// imageSwap is what finishPDF puts in place of stand-ins: pixel data by
// marker, image names by name (40 hex digits each). finishPDF fails unless
// every marker and every name was met.
type imageSwap struct {
	data  map[string][]byte
	names map[string][]byte
	mu    sync.Mutex
	seen  map[string]bool
}

// imageNameLen is the length of gofpdf's image names (after "/I").
const imageNameLen = 2 * sha1.Size

// rename puts, in place, the drawn charts' names where b names a stand-in;
// the images of a resource dictionary stay in gofpdf's order, by name.
func (sw *imageSwap) rename(b []byte) {
	renamed := false
	defer func() {
		if renamed {
			sortImages(b)
		}
	}()
	for p := 0; ; {
		i := bytes.Index(b[p:], []byte("/I"))
		if i < 0 {
			return
		}
		p += i + 2
		if p+imageNameLen > len(b) {
			return
		}
		if name, ok := sw.names[string(b[p:p+imageNameLen])]; ok {
			sw.met(string(b[p : p+imageNameLen]))
			copy(b[p:], name)
			p += imageNameLen
			renamed = true
		}
	}
}

// image returns object n (body) with the drawn chart's data when it is a
// stand-in's image.
func (sw *imageSwap) image(body []byte, n int) ([]byte, bool) {
	head := strconv.Itoa(n) + " 0 obj\n<</Type /XObject\n/Subtype /Image\n"
	if !bytes.HasPrefix(body, []byte(head)) {
		return nil, false
	}
	const tail = "\nendstream\nendobj\n"
	l := bytes.Index(body, []byte("\n/Length "))
	if l < 0 || !bytes.HasSuffix(body, []byte(tail)) {
		return nil, false
	}
	num, data, ok := bytes.Cut(body[l+len("\n/Length "):len(body)-len(tail)], []byte(">>\nstream\n"))
	if length, err := strconv.Atoi(string(num)); !ok || err != nil || length != len(data) {
		return nil, false
	}
	drawn, ok := sw.data[string(data)]
	if !ok {
		return nil, false
	}
	sw.met(string(data))
	o := make([]byte, 0, l+len(drawn)+64)
	o = append(o, body[:l]...)
	o = fmt.Appendf(o, "\n/Length %d>>\nstream\n", len(drawn))
	o = append(o, drawn...)
	return append(o, tail...), true
}

// sortImages sorts, in place, the image lines ("/I<name> <n> 0 R") that
// begin a resource dictionary's /XObject entry.
func sortImages(b []byte) {
	const key = "/XObject <<\n"
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return
	}
	start := i + len(key)
	var lines []string
	p := start
	for bytes.HasPrefix(b[p:], []byte("/I")) {
		e := bytes.IndexByte(b[p:], '\n')
		if e < 0 {
			break
		}
		lines = append(lines, string(b[p:p+e+1]))
		p += e + 1
	}
	// By name: each line is "/I", the name, " ".
	slices.SortStableFunc(lines, func(x, y string) int {
		return strings.Compare(x[:min(len(x), 2+imageNameLen)], y[:min(len(y), 2+imageNameLen)])
	})
	for _, l := range lines {
		start += copy(b[start:], l)
	}
}

func (sw *imageSwap) met(key string) {
	sw.mu.Lock()
	sw.seen[key] = true
	sw.mu.Unlock()
}

// complete reports an error unless every marker and name was met.
func (sw *imageSwap) complete() error {
	if len(sw.seen) != len(sw.data)+len(sw.names) {
		return fmt.Errorf("finishing the PDF: %d of %d stand-in images and names found", len(sw.seen), len(sw.data)+len(sw.names))
	}
	return nil
}

// pngSize reads the width and height from a PNG's header.
func pngSize(b []byte) (w, h int, err error) {
	if w, err = pngWidth(b); err != nil {
		return 0, 0, err
	}
	return w, int(binary.BigEndian.Uint32(b[20:24])), nil
}

// plainRGB returns a PNG's pixel data (its IDAT chunks' data, joined) and
// size when it is one gofpdf copies into the PDF as it is with nothing
// else: 8-bit RGB, not interlaced, without palette or transparency.
func plainRGB(b []byte) (data []byte, w, h int, err error) {
	if w, h, err = pngSize(b); err != nil {
		return nil, 0, 0, err
	}
	if len(b) < 33 || b[24] != 8 || b[25] != 2 || b[26] != 0 || b[27] != 0 || b[28] != 0 {
		return nil, 0, 0, errors.New("not an 8-bit RGB PNG without interlacing")
	}
	for p := 8; ; {
		if p+12 > len(b) {
			return nil, 0, 0, errors.New("PNG cut short")
		}
		n := int(binary.BigEndian.Uint32(b[p:]))
		kind := string(b[p+4 : p+8])
		if n < 0 || p+12+n > len(b) {
			return nil, 0, 0, errors.New("PNG cut short")
		}
		switch kind {
		case "IDAT":
			data = append(data, b[p+8:p+8+n]...)
		case "IEND":
			return data, w, h, nil
		case "tRNS", "PLTE":
			return nil, 0, 0, fmt.Errorf("PNG with a %s chunk", kind)
		}
		p += 12 + n
	}
}

// imageNamer names PNGs as gofpdf does in a page's resources: the hex
// SHA-1 of the image's description, in a document of the report's unit.
type imageNamer struct {
	f *gofpdf.Fpdf
	n int
}

func newImageNamer() *imageNamer { return &imageNamer{f: gofpdf.New("P", "mm", "A4", "")} }

func (nm *imageNamer) name(png []byte) ([]byte, error) {
	nm.n++
	info := nm.f.RegisterImageOptionsReader(fmt.Sprint(nm.n), gofpdf.ImageOptions{ImageType: "png"}, bytes.NewReader(png))
	if err := nm.f.Error(); err != nil {
		return nil, err
	}
	g, err := info.GobEncode()
	if err != nil {
		return nil, err
	}
	return fmt.Appendf(nil, "%x", sha1.Sum(g)), nil
}
