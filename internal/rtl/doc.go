// Package rtl prepares text for renderers that draw strings left to right
// without shaping: maroto (gofpdf) for the PDF and gonum/plot for the charts.
//
// Arabic is shaped by substituting the contextual presentation forms
// (isolated, initial, medial, final; lam-alef ligatures), the paragraph's
// embedding levels are resolved with go-text's conformant bidi package, lines
// are broken in logical order at spaces, and then each line is reordered into
// visual order (UAX #9 rules L1, L2 and L4). Latin words and numbers inside
// Arabic text therefore keep their reading order.
//
// The result of Layout is a list of strings that a renderer must draw exactly
// as given, left to right, one per line.
package rtl
