package store

import (
	"encoding/binary"
	"io"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// A Parquet writer for responses.parquet, the one table whose size grows
// with the survey. It writes row groups as the readers hand them over, so
// memory stays flat, and encodes what survey answers are: few distinct
// texts per question (dictionary pages, indexes bit-packed), increasing ids
// and lines (delta encoding), pages compressed with zstd. parquet-go reads
// it back (ReadResponsesParquet); DuckDB too (make bench).

// Parquet's thrift enums and constants used here.
const (
	pqBoolean   = 0
	pqInt64     = 2
	pqDouble    = 5
	pqByteArray = 6

	pqRequired = 0
	pqOptional = 1

	encPlain        = 0
	encRLE          = 3
	encDeltaBinary  = 5
	encRLEDict      = 8
	encBitPacked    = 4
	codecZstd       = 6
	pageData        = 0
	pageDictionary  = 2
	convertedUTF8   = 0
	deltaBlockSize  = 128
	deltaMiniblocks = 4
)

// compact is a thrift compact-protocol encoder.
type compact struct {
	b    []byte
	last []int16 // last field id of each open struct
}

func (c *compact) field(id int16, typ byte) {
	last := c.last[len(c.last)-1]
	if d := id - last; d > 0 && d <= 15 {
		c.b = append(c.b, byte(d)<<4|typ)
	} else {
		c.b = append(c.b, typ)
		c.b = binary.AppendUvarint(c.b, uint64((id<<1)^(id>>15)))
	}
	c.last[len(c.last)-1] = id
}
func (c *compact) varint(v int64)        { c.b = binary.AppendUvarint(c.b, uint64((v<<1)^(v>>63))) }
func (c *compact) i32(id int16, v int32) { c.field(id, 5); c.varint(int64(v)) }
func (c *compact) i64(id int16, v int64) { c.field(id, 6); c.varint(v) }
func (c *compact) str(id int16, s string) {
	c.field(id, 8)
	c.b = binary.AppendUvarint(c.b, uint64(len(s)))
	c.b = append(c.b, s...)
}
func (c *compact) boolean(id int16, v bool) {
	if v {
		c.field(id, 1)
	} else {
		c.field(id, 2)
	}
}
func (c *compact) begin(id int16) { c.field(id, 12); c.last = append(c.last, 0) }
func (c *compact) end()           { c.b = append(c.b, 0); c.last = c.last[:len(c.last)-1] }
func (c *compact) list(id int16, elem byte, n int) {
	c.field(id, 9)
	if n < 15 {
		c.b = append(c.b, byte(n)<<4|elem)
	} else {
		c.b = append(c.b, 0xf0|elem)
		c.b = binary.AppendUvarint(c.b, uint64(n))
	}
}
func (c *compact) listStruct() { c.last = append(c.last, 0) } // an element of a list of structs
func (c *compact) listString(s string) {
	c.b = binary.AppendUvarint(c.b, uint64(len(s)))
	c.b = append(c.b, s...)
}

func newCompact() *compact { return &compact{last: []int16{0}} }

// pqColumn describes one column of the table.
type pqColumn struct {
	name     string
	typ      int32
	optional bool
	utf8     bool
}

// columnChunk is one column of one row group, encoded.
type columnChunk struct {
	pages        []byte  // dictionary page (if any) then the data page
	lent         *[]byte // pages' buffer, from byteBuffers: handed back once written
	dictLen      int     // bytes of the dictionary page, 0 without one
	numValues    int64
	uncompressed int64
	encodings    []int32
}

// pqWriter writes a Parquet file row group by row group.
type pqWriter struct {
	W       io.Writer
	Off     int64
	cols    []pqColumn
	Groups  []GroupMeta
	rows    int64
	meta    [][2]string
	sorting []int // columns the rows are sorted by, ascending
	zenc    *zstd.Encoder
	err     error
}

// GroupMeta is where a written row group's column chunks are in the file
// (the patcher copies row groups from it).
type GroupMeta struct {
	rows   int64
	chunks []pqChunkMeta
	start  int64
	size   int64
}

type pqChunkMeta struct {
	dictOff, dataOff int64
	hasDict          bool
	compressed       int64
	uncompressed     int64
	numValues        int64
	encodings        []int32
}

func newPQWriter(w io.Writer, cols []pqColumn) *pqWriter {
	// One encoder a core: EncodeAll takes one from a pool of that many, and
	// the reading workers encode their row groups side by side (with one,
	// each waited for the other's pages).
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)),
		zstd.WithLowerEncoderMem(true))
	p := &pqWriter{W: w, cols: cols, zenc: enc}
	p.write([]byte("PAR1"))
	return p
}

func (p *pqWriter) write(b []byte) {
	if p.err != nil {
		return
	}
	n, err := p.W.Write(b)
	p.Off += int64(n)
	p.err = err
}

// writeGroup appends a row group of encoded column chunks, in column order.
func (p *pqWriter) writeGroup(rows int64, chunks []columnChunk) error {
	g := GroupMeta{rows: rows, start: p.Off}
	for _, c := range chunks {
		m := pqChunkMeta{compressed: int64(len(c.pages)), uncompressed: c.uncompressed, numValues: c.numValues, encodings: c.encodings}
		if c.dictLen > 0 {
			m.hasDict, m.dictOff = true, p.Off
		}
		m.dataOff = p.Off + int64(c.dictLen)
		p.write(c.pages)
		g.chunks = append(g.chunks, m)
		if c.lent != nil {
			*c.lent = c.pages
			byteBuffers.Put(c.lent)
		}
	}
	g.size = p.Off - g.start
	p.Groups = append(p.Groups, g)
	p.rows += rows
	return p.err
}

// close writes the footer.
func (p *pqWriter) close() error {
	c := newCompact()
	c.i32(1, 1) // version
	c.list(2, 12, len(p.cols)+1)
	c.listStruct()
	c.str(4, "schema")
	c.i32(5, int32(len(p.cols)))
	c.end()
	for _, col := range p.cols {
		c.listStruct()
		c.i32(1, col.typ)
		rep := int32(pqRequired)
		if col.optional {
			rep = pqOptional
		}
		c.i32(3, rep)
		c.str(4, col.name)
		if col.utf8 {
			c.i32(6, convertedUTF8)
			c.begin(10) // logicalType
			c.begin(1)  // STRING
			c.end()
			c.end()
		}
		c.end()
	}
	c.i64(3, p.rows)
	c.list(4, 12, len(p.Groups))
	for _, g := range p.Groups {
		c.listStruct()
		c.list(1, 12, len(g.chunks))
		for i, m := range g.chunks {
			c.listStruct()
			first := m.dataOff
			if m.hasDict {
				first = m.dictOff
			}
			c.i64(2, first)
			c.begin(3)
			c.i32(1, p.cols[i].typ)
			c.list(2, 5, len(m.encodings))
			for _, e := range m.encodings {
				c.varint(int64(e))
			}
			c.list(3, 8, 1)
			c.listString(p.cols[i].name)
			c.i32(4, codecZstd)
			c.i64(5, m.numValues)
			c.i64(6, m.uncompressed)
			c.i64(7, m.compressed)
			c.i64(9, m.dataOff)
			if m.hasDict {
				c.i64(11, m.dictOff)
			}
			c.end()
			c.end()
		}
		c.i64(2, g.size)
		c.i64(3, g.rows)
		if len(p.sorting) > 0 {
			c.list(4, 12, len(p.sorting))
			for _, s := range p.sorting {
				c.listStruct()
				c.i32(1, int32(s))
				c.boolean(2, false)
				c.boolean(3, false)
				c.end()
			}
		}
		c.i64(5, g.start)
		c.i64(6, g.size)
		c.end()
	}
	if len(p.meta) > 0 {
		c.list(5, 12, len(p.meta))
		for _, kv := range p.meta {
			c.listStruct()
			c.str(1, kv[0])
			c.str(2, kv[1])
			c.end()
		}
	}
	c.str(6, "synthese version "+Version)
	c.b = append(c.b, 0)
	p.write(c.b)
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(c.b)))
	p.write(n[:])
	p.write([]byte("PAR1"))
	return p.err
}

// page compresses a page body and prepends its header; hdr writes the
// type-specific header fields.
func (p *pqWriter) page(typ int32, body []byte, hdr func(c *compact)) ([]byte, int64) {
	return p.appendPage(nil, typ, body, hdr)
}

// appendPage appends to dst the page of body, compressed, and its header;
// it returns dst and the page's uncompressed size.
func (p *pqWriter) appendPage(dst []byte, typ int32, body []byte, hdr func(c *compact)) ([]byte, int64) {
	scratch := borrowBytes()
	comp := p.zenc.EncodeAll(body, *scratch)
	c := newCompact()
	c.i32(1, typ)
	c.i32(2, int32(len(body)))
	c.i32(3, int32(len(comp)))
	hdr(c)
	c.b = append(c.b, 0)
	dst = append(append(dst, c.b...), comp...)
	*scratch = comp
	byteBuffers.Put(scratch)
	return dst, int64(len(c.b) + len(body))
}

// byteBuffers lends the byte slices a column chunk is made in: its page
// bodies, their compressed bytes, and its pages until they are written:
// fresh arrays for each chunk are memory the kernel has to clear, and
// grow with the rows (BENCHMARKS.md).
var byteBuffers = sync.Pool{New: func() any { return new([]byte) }}

// borrowBytes is an empty slice from byteBuffers; give it back with
// byteBuffers.Put (set to what it grew to) once used.
func borrowBytes() *[]byte {
	b := byteBuffers.Get().(*[]byte)
	*b = (*b)[:0]
	return b
}

// dictChunk encodes a column of dictionary indexes: codes[i] < 0 is null
// (optional columns only).
func (p *pqWriter) dictChunk(dict []string, codes []int32, optional bool) columnChunk {
	dbody := borrowBytes()
	for _, s := range dict {
		*dbody = binary.LittleEndian.AppendUint32(*dbody, uint32(len(s)))
		*dbody = append(*dbody, s...)
	}
	body := borrowBytes()
	if optional {
		*body = append(*body, 0, 0, 0, 0) // length of the levels, set below
		*body = appendLevels(*body, codes)
		binary.LittleEndian.PutUint32(*body, uint32(len(*body)-4))
	}
	c := p.dictionaryChunk(*dbody, len(dict), body, codes)
	byteBuffers.Put(dbody)
	return c
}

// dictionaryChunk makes a column chunk of a dictionary page (its values
// PLAIN in dbody) and a data page: body (the levels, if any, lent by
// byteBuffers and given back here) followed by the non-null codes.
func (p *pqWriter) dictionaryChunk(dbody []byte, n int, body *[]byte, codes []int32) columnChunk {
	pages := borrowBytes()
	var dun int64
	*pages, dun = p.appendPage(*pages, pageDictionary, dbody, func(c *compact) {
		c.begin(7)
		c.i32(1, int32(n))
		c.i32(2, encPlain)
		c.end()
	})
	dictLen := len(*pages)
	width := max(1, bits.Len(uint(max(n-1, 0))))
	*body = append(*body, byte(width))
	*body = appendCodes(*body, codes, width)
	var un int64
	*pages, un = p.appendPage(*pages, pageData, *body, func(c *compact) {
		c.begin(5)
		c.i32(1, int32(len(codes)))
		c.i32(2, encRLEDict)
		c.i32(3, encRLE)
		c.i32(4, encRLE)
		c.end()
	})
	byteBuffers.Put(body)
	return columnChunk{pages: *pages, lent: pages, dictLen: dictLen, numValues: int64(len(codes)),
		uncompressed: dun + un, encodings: []int32{encPlain, encRLE, encRLEDict}}
}

// appendLevels writes the definition levels of an optional column (1 for
// a value, 0 for null): one RLE run when all are the same, else bit-packed.
func appendLevels(b []byte, codes []int32) []byte {
	nulls := 0
	for _, c := range codes {
		nulls += int(uint32(c) >> 31)
	}
	if nulls == 0 || nulls == len(codes) {
		b = binary.AppendUvarint(b, uint64(len(codes))<<1)
		if nulls == 0 {
			return append(b, 1)
		}
		return append(b, 0)
	}
	groups := (len(codes) + 7) / 8
	b = binary.AppendUvarint(b, uint64(groups)<<1|1)
	// A bit a code, set for a value (the sign bit of its complement).
	for len(codes) >= 8 {
		e := codes[:8:8]
		b = append(b, byte(uint32(^e[0])>>31|uint32(^e[1])>>31<<1|uint32(^e[2])>>31<<2|uint32(^e[3])>>31<<3|
			uint32(^e[4])>>31<<4|uint32(^e[5])>>31<<5|uint32(^e[6])>>31<<6|uint32(^e[7])>>31<<7))
		codes = codes[8:]
	}
	if len(codes) > 0 {
		var v byte
		for i, c := range codes {
			v |= byte(uint32(^c)>>31) << i
		}
		b = append(b, v)
	}
	return b
}

// appendCodes writes the non-null codes: one RLE run when all are the
// same, else bit-packed at width (at most 32). Without a branch on the
// codes (a null is as likely as any answer).
func appendCodes(b []byte, codes []int32, width int) []byte {
	first := int32(-1)
	for _, c := range codes {
		if c >= 0 {
			first = c
			break
		}
	}
	if first < 0 {
		return b
	}
	n, diff := 0, int32(0)
	for _, c := range codes {
		keep := ^c >> 31 // all ones for a code, zero for a null
		n += int(keep & 1)
		diff |= (c ^ first) & keep
	}
	if diff == 0 {
		b = binary.AppendUvarint(b, uint64(n)<<1)
		for i := 0; i < (width+7)/8; i++ {
			b = append(b, byte(first>>(8*i)))
		}
		return b
	}
	groups := (n + 7) / 8
	b = binary.AppendUvarint(b, uint64(groups)<<1|1)
	start := len(b)
	b = slices.Grow(b, groups*width+8)
	// The codes gathered a block at a time, the nulls left out (each code
	// is written, the position moves past codes only), then packed eight
	// at a time; the last group padded with zeros.
	var vals [codeBlock + 8]uint32
	k := 0
	for i := 0; i < len(codes); i += codeBlock {
		for _, c := range codes[i:min(i+codeBlock, len(codes))] {
			vals[k] = uint32(c)
			k += int(uint32(^c) >> 31)
		}
		full := k &^ 7
		b = packEights(b, vals[:full], width)
		k = copy(vals[:], vals[full:k])
	}
	if k > 0 {
		clear(vals[k:8])
		b = packEights(b, vals[:8], width)
	}
	if len(b) != start+groups*width {
		panic("appendCodes: packed length")
	}
	return b
}

// codeBlock is the number of codes appendCodes gathers at a time.
const codeBlock = 1024

// packEights appends v (a multiple of eight values below 1<<width) bit-
// packed: width bytes for every eight values.
func packEights(b []byte, v []uint32, width int) []byte {
	if width > 8 {
		bp := bitPacker{b: b}
		for _, x := range v {
			bp.put(uint64(x), width)
		}
		return bp.flush()
	}
	w := uint(width)
	for g := 0; g+8 <= len(v); g += 8 {
		e := v[g : g+8 : g+8]
		x := uint64(e[0]) | uint64(e[1])<<w | uint64(e[2])<<(2*w) | uint64(e[3])<<(3*w) |
			uint64(e[4])<<(4*w) | uint64(e[5])<<(5*w) | uint64(e[6])<<(6*w) | uint64(e[7])<<(7*w)
		b = binary.LittleEndian.AppendUint64(b, x)[:len(b)+width]
	}
	return b
}

type bitPacker struct {
	b   []byte
	acc uint64
	nb  int
}

func (p *bitPacker) put(v uint64, width int) {
	p.acc |= v << p.nb
	p.nb += width
	for p.nb >= 8 {
		p.b = append(p.b, byte(p.acc))
		p.acc >>= 8
		p.nb -= 8
	}
}

// flush writes the last, partly filled byte.
func (p *bitPacker) flush() []byte {
	if p.nb > 0 {
		p.b = append(p.b, byte(p.acc))
	}
	return p.b
}

// doubleDictChunk encodes a required DOUBLE column with a dictionary of
// its distinct values (weights are few: often all 1).
func (p *pqWriter) doubleDictChunk(vals []float64) columnChunk {
	index := map[uint64]int32{}
	var dict []float64
	codes := borrowCodes(len(vals))
	defer codeBuffers.Put(codes)
	last, lastCode := uint64(0), int32(-1)
	for i, v := range vals {
		b := math.Float64bits(v)
		if lastCode >= 0 && b == last {
			(*codes)[i] = lastCode
			continue
		}
		c, ok := index[b]
		if !ok {
			c = int32(len(dict))
			index[b] = c
			dict = append(dict, v)
		}
		(*codes)[i], last, lastCode = c, b, c
	}
	dbody := borrowBytes()
	for _, v := range dict {
		*dbody = binary.LittleEndian.AppendUint64(*dbody, math.Float64bits(v))
	}
	c := p.dictionaryChunk(*dbody, len(dict), borrowBytes(), *codes)
	byteBuffers.Put(dbody)
	return c
}

// codeBuffers lends the code slices that a chunk's encoding fills and
// drops (a row group's worth each, once a row group).
var codeBuffers = sync.Pool{New: func() any { return new([]int32) }}

// borrowCodes is a slice of n codes from codeBuffers (not cleared); give
// it back with codeBuffers.Put once encoded.
func borrowCodes(n int) *[]int32 {
	b := codeBuffers.Get().(*[]int32)
	if cap(*b) < n {
		*b = make([]int32, n)
	}
	*b = (*b)[:n]
	return b
}

// deltaChunk encodes a required INT64 column with DELTA_BINARY_PACKED.
func (p *pqWriter) deltaChunk(vals []int64) columnChunk {
	return p.deltaPage(appendDelta(nil, vals), len(vals))
}

// countChunk is deltaChunk of first, first+1, … (n values: the
// respondents' ids), written without the values.
func (p *pqWriter) countChunk(first int64, n int) columnChunk {
	return p.deltaPage(appendDeltaCount(nil, first, n), n)
}

func (p *pqWriter) deltaPage(body []byte, n int) columnChunk {
	data, un := p.page(pageData, body, func(c *compact) {
		c.begin(5)
		c.i32(1, int32(n))
		c.i32(2, encDeltaBinary)
		c.i32(3, encRLE)
		c.i32(4, encRLE)
		c.end()
	})
	return columnChunk{pages: data, numValues: int64(n), uncompressed: un, encodings: []int32{encDeltaBinary, encRLE}}
}

// appendDeltaCount is appendDelta of first, first+1, … (n values): each
// block a delta of 1 and four zero widths.
func appendDeltaCount(b []byte, first int64, n int) []byte {
	if n == 0 {
		first = 0 // as appendDelta writes no values
	}
	b = appendDeltaHeader(b, n, first)
	for i := 1; i < n; i += deltaBlockSize {
		b = appendEqualDeltas(b, 1)
	}
	return b
}

// appendDeltaHeader writes DELTA_BINARY_PACKED's header: the block size,
// the miniblocks a block, the number of values and the first.
func appendDeltaHeader(b []byte, n int, first int64) []byte {
	b = binary.AppendUvarint(b, deltaBlockSize)
	b = binary.AppendUvarint(b, deltaMiniblocks)
	b = binary.AppendUvarint(b, uint64(n))
	return binary.AppendVarint(b, first)
}

// appendEqualDeltas writes a block whose deltas all equal d: d as its
// smallest delta and every miniblock 0 bits wide.
func appendEqualDeltas(b []byte, d int64) []byte {
	b = binary.AppendVarint(b, d)
	return append(b, make([]byte, deltaMiniblocks)...)
}

// appendDelta writes DELTA_BINARY_PACKED: blocks of 128 deltas in 4
// miniblocks, each at the width its largest delta above the block's
// smallest needs. A block of equal deltas (ids, the lines of a file
// without blank lines) is its delta and four zero widths.
func appendDelta(b []byte, vals []int64) []byte {
	var first int64
	if len(vals) > 0 {
		first = vals[0]
	}
	b = appendDeltaHeader(b, len(vals), first)
	const per = deltaBlockSize / deltaMiniblocks
	var deltas [deltaBlockSize]int64
	for i := 1; i < len(vals); i += deltaBlockSize {
		d := deltas[:min(deltaBlockSize, len(vals)-i)]
		prev := vals[i-1 : i-1+len(d)]
		next := vals[i : i+len(d)]
		minD, maxD := next[0]-prev[0], next[0]-prev[0]
		for j := range d {
			x := next[j] - prev[j]
			d[j] = x
			minD, maxD = min(minD, x), max(maxD, x)
		}
		if minD == maxD {
			b = appendEqualDeltas(b, minD)
			continue
		}
		b = binary.AppendVarint(b, minD)
		var widths [deltaMiniblocks]int
		used := (len(d) + per - 1) / per
		for m := 0; m < used; m++ {
			var mx uint64
			for _, x := range d[m*per : min((m+1)*per, len(d))] {
				mx = max(mx, uint64(x-minD))
			}
			widths[m] = bits.Len64(mx)
		}
		for _, w := range widths {
			b = append(b, byte(w))
		}
		for m := 0; m < used; m++ {
			w := widths[m]
			if w == 0 {
				continue
			}
			// per values, LSB first; those past the end are written as 0.
			bp := bitPacker{b: b}
			for k := range per {
				var v uint64
				if j := m*per + k; j < len(d) {
					v = uint64(d[j] - minD)
				}
				if w > 32 { // put takes at most 57 bits at once
					bp.put(v&(1<<32-1), 32)
					bp.put(v>>32, w-32)
				} else {
					bp.put(v, w)
				}
			}
			b = bp.flush()
		}
	}
	return b
}
