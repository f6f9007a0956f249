package reports

// Swapped reports whether the PDF was made with stand-ins for its charts.
func Swapped(d *Document) bool { return d.swapped }
