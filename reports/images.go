package reports

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
)

// distinctWidths makes every PNG's pixel width unique, in order.
//
// gofpdf, with the catalog sorted for reproducible output, orders image
// objects by pixel width only and leaves equal widths in Go map order, so
// same-size charts would change places from one run to the next. The charts
// stage already draws each chart a distinct width; an image whose width was
// taken by an earlier one gets white columns on its right (on the chart's
// white margin) until its width is free.
type distinctWidths map[int]bool

func (d distinctWidths) fix(b []byte) ([]byte, error) {
	w, err := pngWidth(b)
	if err != nil {
		return nil, err
	}
	extra := d.take(w)
	if extra == 0 {
		return b, nil
	}
	return padPNG(b, extra)
}

// take returns the columns to add to width w for a width not taken yet,
// and takes it.
func (d distinctWidths) take(w int) int {
	extra := 0
	for d[w+extra] {
		extra++
	}
	d[w+extra] = true
	return extra
}

// pngWidth reads the width from a PNG's header.
func pngWidth(b []byte) (int, error) {
	if len(b) < 24 || !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || string(b[12:16]) != "IHDR" {
		return 0, errors.New("not a PNG image")
	}
	return int(binary.BigEndian.Uint32(b[16:20])), nil
}

// padPNG returns the PNG with extra white columns on its right.
func padPNG(b []byte, extra int) ([]byte, error) {
	src, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	r := src.Bounds()
	dst := image.NewNRGBA(image.Rect(0, 0, r.Dx()+extra, r.Dy()))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, image.Rect(0, 0, r.Dx(), r.Dy()), src, r.Min, draw.Src)
	var out bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&out, dst); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
