package redact

import (
	"bytes"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	for _, c := range []struct {
		in, want string
		n        int
	}{
		// E-mail addresses.
		{"ali@example.org", "[e-mail]", 1},
		{"écrire à Ali.Ben-Salah+survey@mail.example.co.ma svp", "écrire à [e-mail] svp", 1},
		{"a@b.ma, c_d@e.org", "[e-mail], [e-mail]", 2},
		{"0612345678@gmail.com", "[e-mail]", 1},
		{"ahmed＠gmail.com", "[e-mail]", 1},
		{"mon numéro 6 12 34 56 78 merci", "mon numéro [phone] merci", 1},
		{"7.12.34.56.78", "[phone]", 1},
		{"mailto:x@y.fr.", "mailto:[e-mail].", 1},
		// Moroccan phone numbers.
		{"0612345678", "[phone]", 1},
		{"06 12 34 56 78", "[phone]", 1},
		{"07.12.34.56.78", "[phone]", 1},
		{"05-22-12-34-56", "[phone]", 1},
		{"0661 23 45 67", "[phone]", 1},
		{"06\u00a012\u00a034\u00a056\u00a078", "[phone]", 1},
		{"+212 6 12 34 56 78", "[phone]", 1},
		{"+212612345678", "[phone]", 1},
		{"+212 (0)6 12 34 56 78", "[phone]", 1},
		{"+212-661-234567", "[phone]", 1},
		{"00212 6 12 34 56 78", "[phone]", 1},
		{"00212.612.345.678", "[phone]", 1},
		{"212 6 12 34 56 78", "[phone]", 1},
		{"Tél: 06 12 34 56 78.", "Tél: [phone].", 1},
		{"tel0612345678", "tel[phone]", 1},
		{"(06) 12 34 56 78", "([phone]", 1},
		{"٠٦١٢٣٤٥٦٧٨", "[phone]", 1},
		{"appelez le ۰۶۱۲۳۴۵۶۷۸ ou 0712345678", "appelez le [phone] ou [phone]", 1 + 1},
		// International phone numbers.
		{"+33 6 12 34 56 78", "[phone]", 1},
		{"+1 (415) 555-2671", "[phone]", 1},
		{"+44 20 7946 0958", "[phone]", 1},
		{"(+49) 30 1234567", "([phone]", 1},
		{"0033 6 12 34 56 78", "[phone]", 1},
		// Long digit runs.
		{"123456789", "[number]", 1},
		{"CIN AB123456789", "CIN AB[number]", 1},
		{"id 1700000000, again 12345678901234567890", "id [number], again [number]", 2},
		{"06123456789", "[number]", 1}, // 11 digits: not a phone's shape, an id's
		// Several kinds at once.
		{"ali@example.org / +212 6 12 34 56 78 / 987654321", "[e-mail] / [phone] / [number]", 3},
		// Not personal data: left alone.
		{"", "", 0},
		{"Oui", "Oui", 0},
		{"2020-11-24", "2020-11-24", 0},
		{"24/11/2020 10:30:59", "24/11/2020 10:30:59", 0},
		{"20201124", "20201124", 0},
		{"2020-11-24T08:00:00.123456789Z", "2020-11-24T08:00:00.123456789Z", 0},
		{"du 24/11/2020 au 05/12/2020", "du 24/11/2020 au 05/12/2020", 0},
		{"2019 2020 2021", "2019 2020 2021", 0},
		{"12345678", "12345678", 0},
		{"1 500 000 000 MAD", "1 500 000 000 MAD", 0},
		{"3,5", "3,5", 0},
		{"-3", "-3", 0},
		{"45 %", "45 %", 0},
		{"3.14159265358979", "3.14159265358979", 0},
		{"0,061234567890", "0,061234567890", 0},
		{"+5 000 habitants", "+5 000 habitants", 0},
		{"05 ou 06", "05 ou 06", 0},
		{"@asso_maroc", "@asso_maroc", 0},
		{"a@b", "a@b", 0},
		{"L’innovation sociale, levier de développement", "L’innovation sociale, levier de développement", 0},
		{"نعم، 12 مشاركا", "نعم، 12 مشاركا", 0},
		{"[e-mail] [phone] [number]", "[e-mail] [phone] [number]", 0},
	} {
		got, n := Text(c.in)
		if got != c.want || n != c.n {
			t.Errorf("Text(%q) = %q, %d; want %q, %d", c.in, got, n, c.want, c.n)
		}
	}
}

func TestCell(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"=1+1", "'=1+1"},
		{"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"\tOui", "'\tOui"},
		{"  =1+1", "'  =1+1"},
		{"\n@x", "'\n@x"},
		{"＝1+1", "'＝1+1"},
		{"+212 6 12 34 56 78", "'+212 6 12 34 56 78"},
		{"-1e5", "'-1e5"},
		{"-", "'-"},
		// Plain numbers stay numbers.
		{"-3", "-3"},
		{"+4.5", "+4.5"},
		{"-3,5", "-3,5"},
		{" -3", " -3"},
		// Nothing to run.
		{"", ""},
		{"Oui", "Oui"},
		{" Oui", " Oui"},
		{"a=b", "a=b"},
		{"'=1+1", "'=1+1"},
		{"   ", "   "},
		{"نعم", "نعم"},
		{"[phone]", "[phone]"},
	} {
		if got := Cell(c.in); got != c.want {
			t.Errorf("Cell(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestCSVWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewCSVWriter(&b)
	w.Write([]string{"value", "n"})
	w.Write([]string{`=HYPERLINK("http://x","y")`, "-3"})
	w.Write([]string{"@x", "Oui"})
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	want := "value,n\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-3\n'@x,Oui\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// emailShaped reports whether s holds something that reads as an e-mail
// address: an @ with a letter or digit on each side, and a dot inside the
// run of domain characters after it, followed by a letter or digit.
// Written apart from emailRE, to check it.
func emailShaped(s string) bool {
	local := func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) || strings.ContainsRune("._%+-", r)
	}
	domain := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) || r == '-' }
	for i := 0; i < len(s); i++ {
		if s[i] != '@' {
			continue
		}
		if l, _ := utf8.DecodeLastRuneInString(s[:i]); i == 0 || !local(l) {
			continue
		}
		j := i + 1
		for j < len(s) {
			r, w := utf8.DecodeRuneInString(s[j:])
			if domain(r) {
				j += w
				continue
			}
			if r == '.' && j > i+1 {
				if r2, _ := utf8.DecodeRuneInString(s[j+1:]); j+1 < len(s) && domain(r2) {
					return true
				}
			}
			break
		}
	}
	return false
}

// FuzzRedact: Text never panics, is idempotent, leaves nothing shaped as
// an e-mail address, and counts what it replaced; Cell is idempotent and
// never leaves a cell a spreadsheet would run.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{"ali@example.org", "+212 6 12 34 56 78", "06.12.34.56.78", "2020-11-24", "3,5",
		"123456789", "1234567890+33 6 12 34 56 78", "x@y.zz@w.org", "=HYPERLINK(\"http://x\",\"y\")", "\t-3", "٠٦١٢٣٤٥٦٧٨"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		once, n := Text(s)
		if twice, m := Text(once); twice != once || m != 0 {
			t.Fatalf("Text not idempotent: %q -> %q -> %q (%d)", s, once, twice, m)
		}
		if emailShaped(once) || emailRE.MatchString(once) {
			t.Fatalf("Text(%q) = %q still holds an e-mail address", s, once)
		}
		if (n == 0) != (once == s) {
			t.Fatalf("Text(%q) = %q, %d replaced", s, once, n)
		}
		c := Cell(s)
		if Cell(c) != c {
			t.Fatalf("Cell not idempotent: %q -> %q -> %q", s, c, Cell(c))
		}
		if c != s && c != "'"+s {
			t.Fatalf("Cell(%q) = %q: only a quote may be added", s, c)
		}
		if tr := strings.TrimLeftFunc(c, unicode.IsSpace); c == s && tr != "" {
			if r, _ := utf8.DecodeRuneInString(tr); strings.ContainsRune("=@＝＠", r) || s[0] == '\t' || s[0] == '\r' ||
				strings.ContainsRune("+-＋－", r) && !plainNumber.MatchString(tr) {
				t.Fatalf("Cell(%q) left it as it is", s)
			}
		}
	})
}
