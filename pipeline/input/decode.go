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

// Why an encoding was chosen (Table.EncodingReason).
const (
	EncodingByBOM      = "bom"         // a byte-order mark
	EncodingValidUTF8  = "valid"       // valid UTF-8 throughout
	EncodingMostlyUTF8 = "mostly_utf8" // UTF-8 with a few invalid byte sequences
	EncodingNotUTF8    = "not_utf8"    // not UTF-8: Windows-1252
	EncodingSet        = "set"         // the user's setting
)

// UTF8Reason is why a file read as UTF-8 throughout is UTF-8: the user set
// it, else its byte-order mark, else its bytes (valid UTF-8). The reason
// code and the words, the same from both response readers.
func UTF8Reason(bom, set bool) (reason, why string) {
	switch {
	case set:
		return EncodingSet, "set by --encoding or the manifest's encoding"
	case bom:
		return EncodingByBOM, "UTF-8 byte-order mark"
	}
	return EncodingValidUTF8, "valid UTF-8"
}

// decoded is a file's text and the encoding it was read in, with why.
type decoded struct {
	text   string
	enc    Encoding
	reason string // an Encoding… reason code
	why    string
	// invalid is the number of byte sequences that are not UTF-8 in a
	// file read as UTF-8: their cells are rejected, one by one.
	invalid int
}

// utf8Evidence counts, in data that is not valid UTF-8, the multi-byte
// UTF-8 characters, the invalid byte sequences, and among those the bytes
// that Windows-1252 reads as what French, Spanish or Portuguese text holds
// (accented letters, typographic quotes, dashes, guillemets, €).
func utf8Evidence(data []byte) (valid, invalid, latin int) {
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			invalid++
			if cp1252Text[data[i]] {
				latin++
			}
		} else {
			valid++
		}
		i += n
	}
	return valid, invalid, latin
}

// cp1252Text are the bytes above ASCII that Windows-1252 text in a Latin
// language is made of: àâäáãçéèêëíìîïñóòôöõúùûüœæß and their capitals,
// ’ ‘ “ ” … – — € « » ° and the no-break space.
var cp1252Text = func() (t [256]bool) {
	for _, r := range "àâäáãçéèêëíìîïñóòôöõúùûüœæßÀÂÄÁÃÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜŒÆ’‘“”…–—€«»°\u00a0" {
		if b, ok := charmap.Windows1252.EncodeRune(r); ok {
			t[b] = true
		}
	}
	return t
}()

// likelyCP1252 weighs text that is not valid UTF-8: Windows-1252 when its
// invalid sequences outnumber its UTF-8 characters and are, nearly all,
// what Latin-language text is made of; else UTF-8 with a few bad bytes (a
// stray byte, a cell pasted from elsewhere), whose cells are rejected.
func likelyCP1252(valid, invalid, latin int) bool {
	return invalid > valid && latin*5 >= invalid*4
}

// decodeText turns a file's bytes into text. With EncodingAuto: a
// byte-order mark decides (UTF-8, UTF-16 LE or BE); else valid UTF-8 is
// UTF-8; else the file is weighed (likelyCP1252): Windows-1252 (what French
// Excel writes as "CSV") when it reads as Latin-language text in it, else
// UTF-8 with a few invalid sequences, left in place for the cells that hold
// them to be rejected, one by one. One stray byte never switches a whole file. UTF-8 given
// by the user (--encoding, the manifest) is weighed the same way, and a
// file that is plainly not UTF-8 is then an error. It says which encoding
// it used, and why.
func decodeText(data []byte, enc Encoding) (decoded, error) {
	reason, why := UTF8Reason(false, true)
	if enc == EncodingAuto {
		switch {
		case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
			enc = EncodingUTF8
			reason, why = UTF8Reason(true, false)
		case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
			enc, reason, why = EncodingUTF16LE, EncodingByBOM, "UTF-16 LE byte-order mark"
		case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
			enc, reason, why = EncodingUTF16BE, EncodingByBOM, "UTF-16 BE byte-order mark"
		case utf8.Valid(data):
			enc = EncodingUTF8
			reason, why = UTF8Reason(false, false)
		default:
			valid, invalid, latin := utf8Evidence(data)
			if !likelyCP1252(valid, invalid, latin) {
				enc, reason = EncodingUTF8, EncodingMostlyUTF8
				why = fmt.Sprintf("UTF-8 with %d invalid byte sequences (their cells are rejected; %d UTF-8 characters beyond ASCII)", invalid, valid)
			} else {
				enc, reason = EncodingCP1252, EncodingNotUTF8
				why = fmt.Sprintf("not UTF-8 (%d invalid byte sequences, %d UTF-8 characters beyond ASCII): read as Windows-1252", invalid, valid)
			}
		}
	}
	if enc == EncodingCP1252 && reason == EncodingSet && utf8.Valid(data) {
		if valid, _, _ := utf8Evidence(data); valid > 0 {
			return decoded{}, fmt.Errorf("the file is valid UTF-8 (%d characters beyond ASCII), not Windows-1252 as set: remove encoding: windows-1252 from the manifest (or --encoding)", valid)
		}
	}
	var dec *encoding.Decoder
	switch enc {
	case EncodingUTF8:
		data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
		d := decoded{text: string(data), enc: enc, reason: reason, why: why}
		if !utf8.Valid(data) {
			valid, invalid, latin := utf8Evidence(data)
			if likelyCP1252(valid, invalid, latin) {
				return d, fmt.Errorf("not valid UTF-8: %d invalid byte sequences, %d UTF-8 characters beyond ASCII (use --encoding windows-1252 if the file comes from Excel)", invalid, valid)
			}
			d.invalid = invalid
		}
		return d, nil
	case EncodingUTF16LE:
		dec = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
	case EncodingUTF16BE:
		dec = unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder()
	case EncodingCP1252:
		dec = charmap.Windows1252.NewDecoder()
	default:
		return decoded{}, fmt.Errorf("unknown encoding %q", enc)
	}
	out, err := dec.Bytes(data)
	if err != nil {
		return decoded{}, fmt.Errorf("cannot decode as %s: %w", enc, err)
	}
	return decoded{text: strings.TrimPrefix(string(out), "\uFEFF"), enc: enc, reason: reason, why: why}, nil
}
