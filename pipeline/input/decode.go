package input

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// Encoding names a text encoding of an input file.
type Encoding string

const (
	EncodingAuto    Encoding = ""
	EncodingUTF8    Encoding = "utf-8"
	EncodingUTF16LE Encoding = "utf-16le"
	EncodingUTF16BE Encoding = "utf-16be"
	EncodingCP1252  Encoding = "windows-1252"
)

// ParseEncoding reads an encoding name given by the user.
func ParseEncoding(s string) (Encoding, error) {
	switch strings.ToLower(strings.ReplaceAll(s, "_", "-")) {
	case "", "auto":
		return EncodingAuto, nil
	case "utf-8", "utf8":
		return EncodingUTF8, nil
	case "utf-16le", "utf16le", "utf-16":
		return EncodingUTF16LE, nil
	case "utf-16be", "utf16be":
		return EncodingUTF16BE, nil
	case "windows-1252", "cp1252", "latin1", "latin-1", "iso-8859-1":
		return EncodingCP1252, nil
	}
	return "", fmt.Errorf("unknown encoding %q: expected auto, utf-8, utf-16le, utf-16be or windows-1252", s)
}

// decodeText turns a file's bytes into UTF-8. With EncodingAuto: a byte-order
// mark decides (UTF-8, UTF-16 LE or BE); else valid UTF-8 is UTF-8; else the
// file is Windows-1252 (what French Excel writes as "CSV"). It reports the
// encoding used.
func decodeText(data []byte, enc Encoding) (string, Encoding, error) {
	if enc == EncodingAuto {
		switch {
		case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
			enc = EncodingUTF8
		case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
			enc = EncodingUTF16LE
		case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
			enc = EncodingUTF16BE
		case utf8.Valid(data):
			enc = EncodingUTF8
		default:
			enc = EncodingCP1252
		}
	}
	var dec *encoding.Decoder
	switch enc {
	case EncodingUTF8:
		data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
		if !utf8.Valid(data) {
			return "", enc, fmt.Errorf("not valid UTF-8 (use --encoding windows-1252 if the file comes from Excel)")
		}
		return string(data), enc, nil
	case EncodingUTF16LE:
		dec = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
	case EncodingUTF16BE:
		dec = unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder()
	case EncodingCP1252:
		dec = charmap.Windows1252.NewDecoder()
	default:
		return "", enc, fmt.Errorf("unknown encoding %q", enc)
	}
	out, err := dec.Bytes(data)
	if err != nil {
		return "", enc, fmt.Errorf("cannot decode as %s: %w", enc, err)
	}
	return strings.TrimPrefix(string(out), "\uFEFF"), enc, nil
}
