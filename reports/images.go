package reports

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
)

// distinctWidth returns the PNG with extra white columns on its right.
//
// gofpdf, with the catalog sorted for reproducible output, orders image
// objects by pixel width only and leaves equal widths in Go map order, so
// same-size charts would change places from one run to the next. Giving the
// k-th distinct image k extra columns makes every width unique and the
// order fixed. The columns are white, on the chart's white margin.
func distinctWidth(b []byte, extra int) ([]byte, error) {
	if extra == 0 {
		return b, nil
	}
	src, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	r := src.Bounds()
	dst := image.NewNRGBA(image.Rect(0, 0, r.Dx()+extra, r.Dy()))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, image.Rect(0, 0, r.Dx(), r.Dy()), src, r.Min, draw.Src)
	var out bytes.Buffer
	if err := png.Encode(&out, dst); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
