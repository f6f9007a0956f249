package input

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Excerpt quotes short text as %q does, and cuts long or binary text to a
// short, escaped, valid excerpt.
func TestExcerpt(t *testing.T) {
	if got := Excerpt("oui"); got != `"oui"` {
		t.Errorf("Excerpt(oui) = %s", got)
	}
	bin := string([]byte{0, 0xff, 0xfe, '\n', 0x1b, 'x'}) + strings.Repeat("\x00\xff", 5000)
	got := Excerpt(bin)
	if len(got) > 300 || !utf8.ValidString(got) || strings.ContainsAny(got, "\x00\x1b\n") || !strings.HasSuffix(got, "…") {
		t.Errorf("Excerpt(binary) = %q (%d bytes): want at most a short, escaped excerpt", got, len(got))
	}
	if got := Excerpt(strings.Repeat("é", 61)); utf8.RuneCountInString(got) != 60+3 {
		t.Errorf("Excerpt of 61 letters = %s: want 60 of them, quoted, and an ellipsis", got)
	}
}

// CheckLines names the first line over the limit.
func TestCheckLines(t *testing.T) {
	defer func(n int) { MaxLineBytes = n }(MaxLineBytes)
	MaxLineBytes = 10
	if err := CheckLines("f.csv", "a\nbb\n0123456789\n"); err != nil {
		t.Errorf("lines within the limit: %v", err)
	}
	err := CheckLines("f.csv", "a\nbb\n0123456789x\nc")
	ie, ok := err.(*InputError)
	if !ok || ie.File != "f.csv" || ie.Line != 3 {
		t.Errorf("a line over the limit: %v; want f.csv:3", err)
	}
}

// LineEnds reads CR LF, LF and a lone CR as line ends.
func TestLineEnds(t *testing.T) {
	if got := LineEnds("a\r\nb\rc\nd\r"); got != "a\nb\nc\nd\n" {
		t.Errorf("LineEnds = %q", got)
	}
}
