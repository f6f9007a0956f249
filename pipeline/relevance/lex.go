package relevance

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is what a token is.
type tokKind uint8

const (
	tEOF    tokKind = iota
	tNum            // 12, 1.5, .5, 5.
	tStr            // 'x' or "x" (text holds the value)
	tRef            // ${name} (text holds the name)
	tDot            // .
	tName           // an XPath name: a function's, or and/or/div/mod
	tLParen         // (
	tRParen         // )
	tComma          // ,
	tOp             // = != < <= > >= + - *
	tErr            // what follows could not be cut into tokens
)

// token is one token of an expression: its kind, its text (a literal's
// value, a reference's name, an operator) and the byte span it covers.
type token struct {
	kind       tokKind
	text       string
	start, end int
}

// Typographic quotes: pyxform replaces them by straight ones in every cell
// before anything else (pyxform/parsing/sheet_headers.py, SMART_QUOTES), so
// ‘yes’ is 'yes' in the form ODK Collect runs.
const (
	leftSingle  = '\u2018'
	rightSingle = '\u2019'
	leftDouble  = '\u201c'
	rightDouble = '\u201d'
)

// straight maps a quote, straight or typographic, to the straight quote
// pyxform turns it into (0 when r is not a quote).
func straight(r rune) rune {
	switch r {
	case '\'', leftSingle, rightSingle:
		return '\''
	case '"', leftDouble, rightDouble:
		return '"'
	}
	return 0
}

// lex cuts expr into tokens. When it meets something it cannot cut, it
// returns the tokens before it, ended by a tErr token, and the error (a
// *SyntaxError): the parser reports it only if it gets that far, so that
// position(..) is reported as a function not evaluated, which it is first.
func lex(expr string) ([]token, error) {
	toks, err := lexTokens(expr)
	if err != nil {
		toks = append(toks, token{kind: tErr})
	}
	return toks, err
}

func lexTokens(expr string) (toks []token, _ error) {
	i := 0
	for i < len(expr) {
		c := expr[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c >= '0' && c <= '9', c == '.' && i+1 < len(expr) && isDigit(expr[i+1]):
			j := i
			for j < len(expr) && isDigit(expr[j]) {
				j++
			}
			if j < len(expr) && expr[j] == '.' {
				j++
				for j < len(expr) && isDigit(expr[j]) {
					j++
				}
			}
			toks = append(toks, token{tNum, expr[i:j], i, j})
			i = j
			continue
		case c == '.':
			if i+1 < len(expr) && expr[i+1] == '.' {
				return toks, syntaxErr(expr, i, i+2, "the parent (..) is a path, and paths are not evaluated: refer to a question as ${name}")
			}
			toks = append(toks, token{tDot, ".", i, i + 1})
			i++
			continue
		case c == '$':
			t, err := lexRef(expr, i)
			if err != nil {
				return toks, err
			}
			toks = append(toks, t)
			i = t.end
			continue
		case c == '(' || c == ')' || c == ',':
			k := tComma
			if c == '(' {
				k = tLParen
			} else if c == ')' {
				k = tRParen
			}
			toks = append(toks, token{k, expr[i : i+1], i, i + 1})
			i++
			continue
		case c == '=':
			if i+1 < len(expr) && expr[i+1] == '=' {
				return toks, syntaxErr(expr, i, i+2, "equality is a single = in XPath")
			}
			toks = append(toks, token{tOp, "=", i, i + 1})
			i++
			continue
		case c == '!':
			if i+1 < len(expr) && expr[i+1] == '=' {
				toks = append(toks, token{tOp, "!=", i, i + 2})
				i += 2
				continue
			}
			return toks, syntaxErr(expr, i, i+1, "negation is not(...) in XPath")
		case c == '<' || c == '>':
			if c == '<' && i+1 < len(expr) && expr[i+1] == '>' {
				return toks, syntaxErr(expr, i, i+2, "inequality is != in XPath")
			}
			j := i + 1
			if j < len(expr) && expr[j] == '=' {
				j++
			}
			toks = append(toks, token{tOp, expr[i:j], i, j})
			i = j
			continue
		case c == '+' || c == '-' || c == '*':
			toks = append(toks, token{tOp, expr[i : i+1], i, i + 1})
			i++
			continue
		case c == '&' || c == '|':
			if i+1 < len(expr) && expr[i+1] == c {
				word := "and"
				if c == '|' {
					word = "or"
				}
				return toks, syntaxErr(expr, i, i+2, "the operator is the word "+word+" in XPath")
			}
			if c == '|' {
				return toks, syntaxErr(expr, i, i+1, "unions of node-sets are not evaluated")
			}
			return toks, syntaxErr(expr, i, i+1, "character not understood")
		case c == '/' || c == '@' || c == '[' || c == ']':
			return toks, syntaxErr(expr, i, i+1, "paths and predicates are not evaluated: refer to a question as ${name}")
		}
		r, size := utf8.DecodeRuneInString(expr[i:])
		if q := straight(r); q != 0 {
			t, err := lexString(expr, i, q, size)
			if err != nil {
				return toks, err
			}
			toks = append(toks, t)
			i = t.end
			continue
		}
		if isNameStart(r) {
			j := i + size
			colon := false
			for j < len(expr) {
				r, size := utf8.DecodeRuneInString(expr[j:])
				if r == ':' && !colon && j+1 < len(expr) {
					if r2, _ := utf8.DecodeRuneInString(expr[j+1:]); isNameStart(r2) {
						colon = true
						j += size
						continue
					}
				}
				if !isNameChar(r) {
					break
				}
				j += size
			}
			toks = append(toks, token{tName, expr[i:j], i, j})
			i = j
			continue
		}
		msg := "character not understood"
		switch {
		case r == utf8.RuneError && size == 1:
			msg = "not UTF-8 text"
		case r == '\u00a0' || r == '\u202f' || r == '\u2007':
			msg = "a no-break space is not a space in XPath"
		case unicode.IsSpace(r) || unicode.IsControl(r):
			msg = "this space or control character is not a space in XPath"
		}
		return toks, syntaxErr(expr, i, i+size, msg)
	}
	toks = append(toks, token{tEOF, "", len(expr), len(expr)})
	return toks, nil
}

// lexRef reads ${name} at i.
func lexRef(expr string, i int) (token, error) {
	if i+1 >= len(expr) || expr[i+1] != '{' {
		return token{}, syntaxErr(expr, i, i+1, "a question is referred to as ${name}")
	}
	end := strings.IndexByte(expr[i+2:], '}')
	if end < 0 {
		return token{}, syntaxErr(expr, i, len(expr), "${ is not closed by }")
	}
	name := expr[i+2 : i+2+end]
	j := i + 2 + end + 1
	switch {
	case name == "":
		return token{}, syntaxErr(expr, i, j, "a reference names no question")
	case strings.HasPrefix(name, "last-saved#"):
		return token{}, syntaxErr(expr, i, j, "the last saved form's values are not known here")
	case !validName(name):
		return token{}, syntaxErr(expr, i, j, "not a question's name (letters, digits, _ - .)")
	}
	return token{tRef, name, i, j}, nil
}

// lexString reads a literal opened by quote q (its straight form) at i,
// size bytes long. XPath 1.0 literals have no escapes: the literal ends at
// the next quote of the same kind, straight or typographic, and the
// typographic quotes inside become straight ones, as pyxform makes them.
func lexString(expr string, i int, q rune, size int) (token, error) {
	var b strings.Builder
	j := i + size
	for j < len(expr) {
		r, n := utf8.DecodeRuneInString(expr[j:])
		s := straight(r)
		if s == q {
			return token{tStr, b.String(), i, j + n}, nil
		}
		if s != 0 {
			b.WriteRune(s)
		} else {
			b.WriteString(expr[j : j+n])
		}
		j += n
	}
	return token{}, syntaxErr(expr, i, len(expr), "the text in quotes is not closed")
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isNameStart and isNameChar follow XML's NCName, close enough for the
// names of XLSForm questions and XPath functions.
func isNameStart(r rune) bool {
	return r == '_' || unicode.IsLetter(r)
}

func isNameChar(r rune) bool {
	return isNameStart(r) || r == '-' || r == '.' || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || r == '\u00b7'
}

// validName: a question's name, as XLSForm allows it (an XML name).
func validName(s string) bool {
	for k, r := range s {
		if k == 0 && !isNameStart(r) || !isNameChar(r) {
			return false
		}
	}
	return s != ""
}
