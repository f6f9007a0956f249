package relevance

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on what Parse reads: no real form comes near them, and they keep
// the parser's and the evaluator's recursion small.
const (
	// MaxLength is the longest expression, in characters.
	MaxLength = 10_000
	// MaxDepth is the deepest nesting of parentheses, function calls and
	// unary minus signs.
	MaxDepth = 100
)

// SyntaxError is an expression Parse does not understand or will not
// evaluate.
type SyntaxError struct {
	Pos  int    // 1-based, in characters, where Part starts
	Part string // the part not understood, as written (long parts cut, with …)
	Msg  string // why, in English
}

func (e *SyntaxError) Error() string {
	if e.Part == "" {
		return fmt.Sprintf("character %d: %s", e.Pos, e.Msg)
	}
	return fmt.Sprintf("character %d: `%s` not understood: %s", e.Pos, e.Part, e.Msg)
}

// syntaxErr is the *SyntaxError for expr[start:end].
func syntaxErr(expr string, start, end int, msg string) *SyntaxError {
	return &SyntaxError{Pos: utf8.RuneCountInString(expr[:start]) + 1, Part: excerpt(expr[start:end]), Msg: msg}
}

// excerpt cuts a part longer than 60 characters.
func excerpt(s string) string {
	const max = 60
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// op is what a node computes.
type op uint8

const (
	opStr  op = iota // a literal: text
	opNum            // a number: num (text as written)
	opRef            // ${text}
	opSelf           // .
	opOr             // kids, any number
	opAnd            // kids, any number
	opEq
	opNe
	opLt
	opLe
	opGt
	opGe
	opAdd
	opSub
	opMul
	opDiv
	opMod
	opNeg
	opCall // a function: fn, kids its arguments
)

// kind is the type of a value; a node's static kind is kAny when it
// depends on the answers (if, coalesce).
type kind uint8

const (
	kStr kind = iota
	kNum
	kBool
	kAny
)

// fn is a function of the subset.
type fn uint8

const (
	fnTrue fn = iota
	fnFalse
	fnNot
	fnBoolean
	fnNumber
	fnString
	fnInt
	fnBooleanFromString
	fnStringLength
	fnNormalizeSpace
	fnContains
	fnStartsWith
	fnEndsWith
	fnConcat
	fnCoalesce
	fnIf
	fnSelected
	fnCountSelected
	fnSelectedAt
	fnRegex
)

// function is a function's entry in functions.
type function struct {
	fn       fn
	min, max int // arguments; max -1: any number
	kind     kind
}

// functions: the subset of XPath 1.0 and of ODK's extensions that Eval
// computes as JavaRosa does (org/javarosa/xpath/expr/XPathFuncExpr.java).
var functions = map[string]function{
	"true":                {fnTrue, 0, 0, kBool},
	"false":               {fnFalse, 0, 0, kBool},
	"not":                 {fnNot, 1, 1, kBool},
	"boolean":             {fnBoolean, 1, 1, kBool},
	"number":              {fnNumber, 1, 1, kNum},
	"string":              {fnString, 1, 1, kStr},
	"int":                 {fnInt, 1, 1, kNum},
	"boolean-from-string": {fnBooleanFromString, 1, 1, kBool},
	"string-length":       {fnStringLength, 0, 1, kNum},
	"normalize-space":     {fnNormalizeSpace, 0, 1, kStr},
	"contains":            {fnContains, 2, 2, kBool},
	"starts-with":         {fnStartsWith, 2, 2, kBool},
	"ends-with":           {fnEndsWith, 2, 2, kBool},
	"concat":              {fnConcat, 0, -1, kStr},
	"coalesce":            {fnCoalesce, 2, 2, kAny},
	"if":                  {fnIf, 3, 3, kAny},
	"selected":            {fnSelected, 2, 2, kBool},
	"is-selected":         {fnSelected, 2, 2, kBool},
	"count-selected":      {fnCountSelected, 1, 1, kNum},
	"selected-at":         {fnSelectedAt, 2, 2, kStr},
	"regex":               {fnRegex, 2, 2, kBool},
}

// odkOnly: functions of ODK forms that this package does not evaluate,
// and why (the message of their SyntaxError).
var odkOnly = map[string]string{
	"today": "dates", "now": "dates", "date": "dates", "date-time": "dates", "decimal-date": "dates",
	"decimal-date-time": "dates", "decimal-time": "dates", "format-date": "dates", "format-date-time": "dates",
	"position": "repeats", "count": "repeats", "sum": "repeats", "max": "repeats", "min": "repeats",
	"indexed-repeat": "repeats", "last": "repeats", "current": "repeats",
	"jr:choice-name": "choice labels", "pulldata": "other files", "instance": "other files",
	"once": "values computed on the device", "random": "values computed on the device",
	"uuid": "values computed on the device", "version": "values computed on the device",
	"area": "geometry", "distance": "geometry",
}

// node is a node of a parsed expression.
type node struct {
	op   op
	kind kind // static
	fn   fn   // opCall
	text string
	num  float64
	kids []*node
	re   *regexp.Regexp // regex() with a literal pattern
}

// Precedence, from XPath 1.0 §3: or < and < = != < relational < + - <
// * div mod < unary minus < the rest.
func (n *node) prec() int {
	switch n.op {
	case opOr:
		return 1
	case opAnd:
		return 2
	case opEq, opNe:
		return 3
	case opLt, opLe, opGt, opGe:
		return 4
	case opAdd, opSub:
		return 5
	case opMul, opDiv, opMod:
		return 6
	case opNeg:
		return 7
	}
	return 8
}

// parser reads tokens into nodes.
type parser struct {
	expr   string
	toks   []token
	lexErr error
	i      int // the current token
	depth  int
	refs   []string
	seen   map[string]bool
	self   bool
}

func (p *parser) cur() token  { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

// peek is the token after the current one (tEOF past the end).
func (p *parser) peek() token {
	if p.i+1 < len(p.toks) {
		return p.toks[p.i+1]
	}
	return token{kind: tEOF}
}

func (p *parser) errAt(t token, msg string) error {
	if t.kind == tErr {
		return p.lexErr
	}
	return syntaxErr(p.expr, t.start, t.end, msg)
}

// isWord reports whether t is the operator name w (and, or, div, mod).
func isWord(t token, w string) bool { return t.kind == tName && t.text == w }

func (p *parser) enter(t token) error {
	p.depth++
	if p.depth > MaxDepth {
		return &SyntaxError{Pos: utf8.RuneCountInString(p.expr[:t.start]) + 1, Part: excerpt(p.expr[t.start:]),
			Msg: fmt.Sprintf("nested more than %d deep", MaxDepth)}
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// parseList parses operands separated by the operator name w (and, or)
// into one node with every operand as a kid, flattening parenthesised
// groups of the same operator: a and (b and c) is a and b and c.
func (p *parser) parseList(w string, o op, operand func() (*node, error)) (*node, error) {
	first, err := operand()
	if err != nil || !isWord(p.cur(), w) {
		return first, err
	}
	n := &node{op: o, kind: kBool}
	add := func(k *node) {
		if k.op == o {
			n.kids = append(n.kids, k.kids...)
		} else {
			n.kids = append(n.kids, k)
		}
	}
	add(first)
	for isWord(p.cur(), w) {
		p.next()
		k, err := operand()
		if err != nil {
			return nil, err
		}
		add(k)
	}
	return n, nil
}

func (p *parser) parseOr() (*node, error) { return p.parseList("or", opOr, p.parseAnd) }

func (p *parser) parseAnd() (*node, error) { return p.parseList("and", opAnd, p.parseEquality) }

// binary parses left-associative operators: ops maps the operators this
// level reads (a tOp's text or an operator name) to their node.
func (p *parser) binary(ops map[string]op, k kind, operand func() (*node, error)) (*node, error) {
	left, err := operand()
	if err != nil {
		return nil, err
	}
	for {
		t := p.cur()
		o, ok := ops[t.text]
		if !ok || (t.kind != tOp && t.kind != tName) {
			return left, nil
		}
		p.next()
		right, err := operand()
		if err != nil {
			return nil, err
		}
		left = &node{op: o, kind: k, kids: []*node{left, right}}
	}
}

var (
	equalityOps   = map[string]op{"=": opEq, "!=": opNe}
	relationalOps = map[string]op{"<": opLt, "<=": opLe, ">": opGt, ">=": opGe}
	additiveOps   = map[string]op{"+": opAdd, "-": opSub}
	multiplyOps   = map[string]op{"*": opMul, "div": opDiv, "mod": opMod}
)

func (p *parser) parseEquality() (*node, error) {
	return p.binary(equalityOps, kBool, p.parseRelational)
}

func (p *parser) parseRelational() (*node, error) {
	return p.binary(relationalOps, kBool, p.parseAdditive)
}

func (p *parser) parseAdditive() (*node, error) {
	return p.binary(additiveOps, kNum, p.parseMultiplicative)
}

func (p *parser) parseMultiplicative() (*node, error) {
	return p.binary(multiplyOps, kNum, p.parseUnary)
}

func (p *parser) parseUnary() (*node, error) {
	t := p.cur()
	if t.kind != tOp || t.text != "-" {
		return p.parsePrimary()
	}
	if err := p.enter(t); err != nil {
		return nil, err
	}
	defer p.leave()
	p.next()
	k, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	return &node{op: opNeg, kind: kNum, kids: []*node{k}}, nil
}

func (p *parser) parsePrimary() (*node, error) {
	t := p.cur()
	switch t.kind {
	case tNum:
		p.next()
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil && !isRange(err) { // the lexer's numbers are digits with one dot at most
			return nil, p.errAt(t, "not a number")
		}
		return &node{op: opNum, kind: kNum, text: t.text, num: v}, nil
	case tStr:
		p.next()
		return &node{op: opStr, kind: kStr, text: t.text}, nil
	case tRef:
		p.next()
		if !p.seen[t.text] {
			p.seen[t.text] = true
			p.refs = append(p.refs, t.text)
		}
		return &node{op: opRef, kind: kStr, text: t.text}, nil
	case tDot:
		p.next()
		p.self = true
		return &node{op: opSelf, kind: kStr}, nil
	case tLParen:
		if err := p.enter(t); err != nil {
			return nil, err
		}
		defer p.leave()
		p.next()
		if p.cur().kind == tRParen {
			return nil, syntaxErr(p.expr, t.start, p.cur().end, "empty parentheses")
		}
		n, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if p.cur().kind != tRParen {
			return nil, p.unclosed(t, p.cur())
		}
		p.next()
		return n, nil
	case tName:
		if p.peek().kind == tLParen {
			return p.parseCall()
		}
		return nil, p.errAt(t, p.bareName(t.text))
	case tEOF:
		if p.i == 0 {
			return nil, p.errAt(t, "no expression")
		}
		prev := p.toks[p.i-1]
		return nil, syntaxErr(p.expr, prev.start, prev.end, "the expression ends where a value is expected after it")
	case tErr:
		return nil, p.lexErr
	}
	return nil, p.errAt(t, "a value is expected here (${name}, 'text', a number, a function, or parentheses)")
}

// bareName is the message for a name that is not a function call.
func (p *parser) bareName(name string) string {
	switch {
	case name == "and" || name == "or" || name == "div" || name == "mod":
		return "a value is expected before the operator " + name
	case name == "true" || name == "false":
		return "the boolean is written " + name + "()"
	case isOperatorWord(name):
		return "operators are written in lower case: " + strings.ToLower(name)
	}
	return "a question is referred to as ${" + name + "}; other paths are not evaluated"
}

func isOperatorWord(s string) bool {
	switch strings.ToLower(s) {
	case "and", "or", "div", "mod":
		return true
	}
	return false
}

// unclosed is the error for a parenthesis opened at open and not closed
// where at is.
func (p *parser) unclosed(open, at token) error {
	switch at.kind {
	case tEOF:
		return syntaxErr(p.expr, open.start, len(p.expr), "( is not closed by )")
	case tErr:
		return p.lexErr
	case tName:
		if isOperatorWord(at.text) {
			return p.errAt(at, "operators are written in lower case: "+strings.ToLower(at.text))
		}
	}
	return p.errAt(at, "an operator or ) is expected here")
}

// callText is the text of the call whose name is token i: up to its ")"
// when the tokens are whole, name(…) otherwise.
func (p *parser) callText(i int) (start, end int, text string) {
	depth := 0
	for j := i + 1; j < len(p.toks); j++ {
		switch p.toks[j].kind {
		case tLParen:
			depth++
		case tRParen:
			depth--
			if depth == 0 {
				return p.toks[i].start, p.toks[j].end, excerpt(p.expr[p.toks[i].start:p.toks[j].end])
			}
		case tErr, tEOF:
			j = len(p.toks)
		}
	}
	return p.toks[i].start, p.toks[i].end, p.toks[i].text + "(…)"
}

func (p *parser) callErr(i int, msg string) error {
	start, _, text := p.callText(i)
	return &SyntaxError{Pos: utf8.RuneCountInString(p.expr[:start]) + 1, Part: text, Msg: msg}
}

func (p *parser) parseCall() (*node, error) {
	nameAt := p.i
	nameTok := p.next()
	name := nameTok.text
	p.next() // (
	f, ok := functions[name]
	if !ok {
		if why, ok := odkOnly[name]; ok {
			return nil, p.callErr(nameAt, name+"() is an ODK function this tool does not evaluate ("+why+")")
		}
		return nil, p.callErr(nameAt, name+"() is not a function this tool evaluates")
	}
	if err := p.enter(nameTok); err != nil {
		return nil, err
	}
	defer p.leave()
	n := &node{op: opCall, fn: f.fn, kind: f.kind, text: name}
	if p.cur().kind != tRParen {
		for {
			a, err := p.parseOr()
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, a)
			if p.cur().kind == tComma {
				p.next()
				continue
			}
			if p.cur().kind != tRParen {
				return nil, p.unclosed(nameTok, p.cur())
			}
			break
		}
	}
	p.next() // )
	if len(n.kids) < f.min || f.max >= 0 && len(n.kids) > f.max {
		want := strconv.Itoa(f.min)
		if f.max != f.min {
			want = fmt.Sprintf("%d or %d", f.min, f.max)
		}
		return nil, p.callErr(nameAt, fmt.Sprintf("%s() takes %s arguments, not %d", name, want, len(n.kids)))
	}
	switch f.fn {
	case fnSelected:
		if k := n.kids[1].kind; k == kNum || k == kBool {
			return nil, p.callErr(nameAt, "the choice in "+name+"() is written in quotes, like '1'")
		}
	case fnRegex:
		pat := n.kids[1]
		if pat.op != opStr {
			return nil, p.callErr(nameAt, "regex() is evaluated only with its pattern in quotes")
		}
		// JavaRosa calls Pattern.matches: the whole value must match.
		re, err := regexp.Compile(`^(?:` + pat.text + `)$`)
		if err != nil {
			return nil, p.callErr(nameAt, "this pattern is not one Go's regexp reads the same as Java's")
		}
		n.re = re
	}
	return n, nil
}

// Parse reads an XLSForm relevance expression. A blank expression (the
// cell left empty) is no condition: Parse returns nil, which Eval finds
// always relevant. Errors are *SyntaxError.
func Parse(expr string) (*Expr, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, nil
	}
	if len(expr) > MaxLength && utf8.RuneCountInString(expr) > MaxLength {
		return nil, &SyntaxError{Pos: 1, Part: excerpt(expr), Msg: fmt.Sprintf("longer than %d characters", MaxLength)}
	}
	toks, lexErr := lex(expr)
	p := &parser{expr: expr, toks: toks, lexErr: lexErr, seen: map[string]bool{}}
	root, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.cur(); t.kind != tEOF {
		switch {
		case t.kind == tErr:
			return nil, p.lexErr
		case t.kind == tRParen:
			return nil, p.errAt(t, "this ) closes no (")
		case t.kind == tName && isOperatorWord(t.text):
			return nil, p.errAt(t, "operators are written in lower case: "+strings.ToLower(t.text))
		}
		return nil, p.errAt(t, "an operator (and, or, =, !=, <, >, …) or the end is expected here")
	}
	return &Expr{root: root, refs: p.refs, self: p.self}, nil
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}
