package relevance

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// The rules below are JavaRosa's (getodk/javarosa, src/main/java/org/
// javarosa/xpath/expr/): XPathFuncExpr.toBoolean, toNumeric, toString,
// multiSelected, countSelected, selectedAt, isNull; XPathEqExpr,
// XPathCmpExpr, XPathArithExpr, XPathBoolExpr.

// value is an XPath value: a string, a number or a boolean.
type value struct {
	s string
	n float64
	k kind // kStr, kNum or kBool
	b bool
}

// evaluator evaluates nodes on one respondent's answers; err is the first
// error met (the evaluation goes on, its result unused).
type evaluator struct {
	values Values
	self   string
	err    error
}

var errChoiceNotText = errors.New("the choice selected() looks for is not text (JavaRosa refuses it)")

func (ev *evaluator) eval(n *node) value {
	switch n.op {
	case opStr:
		return value{k: kStr, s: n.text}
	case opNum:
		return value{k: kNum, n: n.num}
	case opRef:
		if ev.values == nil {
			return value{k: kStr}
		}
		s, answered := ev.values(n.text)
		if !answered {
			s = ""
		}
		return value{k: kStr, s: s}
	case opSelf:
		return value{k: kStr, s: ev.self}
	case opOr:
		for _, k := range n.kids {
			if toBool(ev.eval(k)) {
				return value{k: kBool, b: true}
			}
		}
		return value{k: kBool}
	case opAnd:
		for _, k := range n.kids {
			if !toBool(ev.eval(k)) {
				return value{k: kBool}
			}
		}
		return value{k: kBool, b: true}
	case opEq, opNe:
		eq := equal(ev.eval(n.kids[0]), ev.eval(n.kids[1]))
		return value{k: kBool, b: eq == (n.op == opEq)}
	case opLt, opLe, opGt, opGe:
		a, b := toNum(ev.eval(n.kids[0])), toNum(ev.eval(n.kids[1]))
		var r bool
		switch n.op {
		case opLt:
			r = a < b
		case opLe:
			r = a <= b
		case opGt:
			r = a > b
		default:
			r = a >= b
		}
		return value{k: kBool, b: r}
	case opAdd, opSub, opMul, opDiv, opMod:
		a, b := toNum(ev.eval(n.kids[0])), toNum(ev.eval(n.kids[1]))
		var r float64
		switch n.op {
		case opAdd:
			r = a + b
		case opSub:
			r = a - b
		case opMul:
			r = a * b
		case opDiv:
			r = a / b
		default:
			r = math.Mod(a, b) // Java's % on doubles: the dividend's sign
		}
		return value{k: kNum, n: r}
	case opNeg:
		return value{k: kNum, n: -toNum(ev.eval(n.kids[0]))}
	case opCall:
		return ev.call(n)
	}
	return value{k: kStr}
}

// arg is the i-th argument, or the question's own value when the function
// was called without it (string-length(), normalize-space()).
func (ev *evaluator) arg(n *node, i int) value {
	if i < len(n.kids) {
		return ev.eval(n.kids[i])
	}
	return value{k: kStr, s: ev.self}
}

func (ev *evaluator) call(n *node) value {
	switch n.fn {
	case fnTrue:
		return value{k: kBool, b: true}
	case fnFalse:
		return value{k: kBool}
	case fnNot:
		return value{k: kBool, b: !toBool(ev.arg(n, 0))}
	case fnBoolean:
		return value{k: kBool, b: toBool(ev.arg(n, 0))}
	case fnNumber:
		return value{k: kNum, n: toNum(ev.arg(n, 0))}
	case fnString:
		return value{k: kStr, s: toStr(ev.arg(n, 0))}
	case fnInt:
		return value{k: kNum, n: math.Trunc(toNum(ev.arg(n, 0)))}
	case fnBooleanFromString:
		s := toStr(ev.arg(n, 0))
		return value{k: kBool, b: strings.EqualFold(s, "true") || s == "1"}
	case fnStringLength:
		return value{k: kNum, n: float64(utf16Len(toStr(ev.arg(n, 0))))}
	case fnNormalizeSpace:
		return value{k: kStr, s: normalizeSpace(toStr(ev.arg(n, 0)))}
	case fnContains:
		return value{k: kBool, b: strings.Contains(toStr(ev.arg(n, 0)), toStr(ev.arg(n, 1)))}
	case fnStartsWith:
		return value{k: kBool, b: strings.HasPrefix(toStr(ev.arg(n, 0)), toStr(ev.arg(n, 1)))}
	case fnEndsWith:
		return value{k: kBool, b: strings.HasSuffix(toStr(ev.arg(n, 0)), toStr(ev.arg(n, 1)))}
	case fnConcat:
		var b strings.Builder
		for _, k := range n.kids {
			b.WriteString(toStr(ev.eval(k)))
		}
		return value{k: kStr, s: b.String()}
	case fnCoalesce:
		if v := ev.eval(n.kids[0]); !isNull(v) {
			return v
		}
		return ev.eval(n.kids[1])
	case fnIf:
		if toBool(ev.eval(n.kids[0])) {
			return ev.eval(n.kids[1])
		}
		return ev.eval(n.kids[2])
	case fnSelected:
		list, choice := ev.eval(n.kids[0]), ev.eval(n.kids[1])
		if choice.k != kStr {
			if ev.err == nil {
				ev.err = errChoiceNotText
			}
			return value{k: kBool}
		}
		return value{k: kBool, b: selected(toStr(list), javaTrim(choice.s))}
	case fnCountSelected:
		return value{k: kNum, n: float64(countChoices(toStr(ev.eval(n.kids[0]))))}
	case fnSelectedAt:
		list := toStr(ev.eval(n.kids[0]))
		i := javaInt(toNum(ev.eval(n.kids[1])))
		if cs := choices(list, nil); i >= 0 && i < len(cs) {
			return value{k: kStr, s: cs[i]}
		}
		return value{k: kStr}
	case fnRegex:
		return value{k: kBool, b: n.re.MatchString(toStr(ev.eval(n.kids[0])))}
	}
	return value{k: kStr}
}

// equal is XPathEqExpr: as booleans when a side is a boolean, as numbers
// (within 1e-12) when a side is a number, as strings otherwise.
func equal(a, b value) bool {
	switch {
	case a.k == kBool || b.k == kBool:
		return toBool(a) == toBool(b)
	case a.k == kNum || b.k == kNum:
		return math.Abs(toNum(a)-toNum(b)) < 1e-12
	}
	return a.s == b.s
}

// toBool: a string is true when not empty (so 'false' is true), a number
// when neither zero nor NaN.
func toBool(v value) bool {
	switch v.k {
	case kBool:
		return v.b
	case kNum:
		return math.Abs(v.n) > 1e-12 && !math.IsNaN(v.n)
	}
	return v.s != ""
}

func toNum(v value) float64 {
	switch v.k {
	case kBool:
		if v.b {
			return 1
		}
		return 0
	case kNum:
		return v.n
	}
	return number(v.s)
}

func toStr(v value) string {
	switch v.k {
	case kBool:
		if v.b {
			return "true"
		}
		return "false"
	case kNum:
		return formatNumber(v.n)
	}
	return v.s
}

// isNull: what coalesce() skips, the empty string and NaN.
func isNull(v value) bool {
	return v.k == kStr && v.s == "" || v.k == kNum && math.IsNaN(v.n)
}

// number is JavaRosa's toNumeric on a string: commas read as decimal
// points, spaces trimmed, then digits, '-' and '.' only (no exponent, no
// '+', no Infinity), NaN for anything else, the empty string included.
func number(s string) float64 {
	if strings.IndexByte(s, ',') >= 0 {
		s = strings.ReplaceAll(s, ",", ".")
	}
	s = javaTrim(s)
	if len(s) > 0 && len(s) <= 15 { // whole numbers, exact in a float64: no ParseFloat
		v, whole := int64(0), true
		for i := 0; i < len(s) && whole; i++ {
			c := s[i]
			whole = c >= '0' && c <= '9'
			v = v*10 + int64(c-'0')
		}
		if whole {
			return float64(v)
		}
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '-' && c != '.' && (c < '0' || c > '9') {
			return math.NaN()
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !isRange(err) {
		return math.NaN()
	}
	return f
}

// javaTrim is Java's String.trim: it removes the characters up to ' '.
func javaTrim(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] <= ' ' {
		i++
	}
	for j > i && s[j-1] <= ' ' {
		j--
	}
	return s[i:j]
}

// formatNumber is JavaRosa's toString on a number: "NaN", "Infinity",
// whole numbers (within Java's int) without a decimal point, others as
// Java's Double.toString writes them.
func formatNumber(d float64) string {
	switch {
	case math.IsNaN(d):
		return "NaN"
	case math.Abs(d) < 1e-12:
		return "0"
	case math.IsInf(d, 1):
		return "Infinity"
	case math.IsInf(d, -1):
		return "-Infinity"
	}
	if i := javaInt(d); math.Abs(d-float64(i)) < 1e-12 {
		return strconv.Itoa(i)
	}
	if a := math.Abs(d); a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(d, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(d, 'e', -1, 64) // 1.5e+10
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// javaInt is Java's (int) cast of a double: NaN is 0, the rest truncated
// and clamped to 32 bits.
func javaInt(d float64) int {
	switch {
	case math.IsNaN(d):
		return 0
	case d >= math.MaxInt32:
		return math.MaxInt32
	case d <= math.MinInt32:
		return math.MinInt32
	}
	return int(d)
}

// utf16Len is the length Java gives a string: UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// normalizeSpace is JavaRosa's: trim, then each run of whitespace
// (space, tab, newline, vertical tab, form feed, return) one space.
func normalizeSpace(s string) string {
	s = javaTrim(s)
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\v', '\f', '\r':
			space = true
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// selected is JavaRosa's multiSelected: whether " "+list+" " contains
// " "+choice+" ", without building either.
func selected(list, choice string) bool {
	if choice == "" { // "  " in " list "
		return list == "" || list[0] == ' ' || list[len(list)-1] == ' ' || strings.Contains(list, "  ")
	}
	from := 0
	for {
		i := strings.Index(list[from:], choice)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(choice)
		if (i == 0 || list[i-1] == ' ') && (end == len(list) || list[end] == ' ') {
			return true
		}
		from = i + 1
	}
}

// choices appends to dst the choices of a select_multiple answer: the
// text between spaces, empty pieces left out (DateUtils.split with
// combineMultipleDelimiters).
func choices(list string, dst []string) []string {
	for _, c := range strings.Split(list, " ") {
		if c != "" {
			dst = append(dst, c)
		}
	}
	return dst
}

// countChoices is len(choices(list, nil)), without the slice.
func countChoices(list string) int {
	n := 0
	for i := 0; i < len(list); i++ {
		if list[i] != ' ' && (i == 0 || list[i-1] == ' ') {
			n++
		}
	}
	return n
}
