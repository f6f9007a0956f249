package relevance

import (
	"slices"
	"strings"
)

// Expr is a parsed relevance expression. It is immutable: one Expr may be
// evaluated by several goroutines at once. A nil *Expr is no condition:
// always relevant.
type Expr struct {
	root *node
	refs []string
	self bool
}

// Values gives one respondent's raw answer to the question name: the text
// as exported, the choice names separated by spaces for a select_multiple.
// A question not answered, or not relevant, reads as the empty string
// whatever value comes with answered false (so a map's lookup does); a nil
// Values has every question unanswered.
type Values func(name string) (value string, answered bool)

// Eval tells whether the expression holds for one respondent: values gives
// the answers, self the value of the question the expression belongs to
// (what `.` reads). The result is the expression's value as an XPath
// boolean: a text is true when not empty, a number when neither 0 nor
// NaN. A nil Expr is true.
//
// The error is one JavaRosa also raises on evaluation (selected() given a
// number or a boolean to look for through if() or coalesce()); the result
// is then false.
func (e *Expr) Eval(values Values, self string) (bool, error) {
	if e == nil {
		return true, nil
	}
	ev := evaluator{values: values, self: self}
	r := toBool(ev.eval(e.root))
	if ev.err != nil {
		return false, ev.err
	}
	return r, nil
}

// Refs are the names of the questions the expression refers to with
// ${name}, in order of first appearance, once each.
func (e *Expr) Refs() []string {
	if e == nil {
		return nil
	}
	return slices.Clone(e.refs)
}

// UsesSelf reports whether the expression reads `.`, the value of its own
// question (which a relevance rarely means: ODK clears the value of a
// question that is not relevant).
func (e *Expr) UsesSelf() bool { return e != nil && e.self }

// String writes the expression back in a canonical form: single spaces
// around operators, parentheses only where the precedence needs them,
// texts in single quotes (double when they hold one), numbers as written.
// Parse reads it back into the same expression. A nil Expr is "true()".
func (e *Expr) String() string {
	if e == nil {
		return "true()"
	}
	var b strings.Builder
	write(&b, e.root)
	return b.String()
}

var opText = map[op]string{
	opOr: " or ", opAnd: " and ", opEq: " = ", opNe: " != ", opLt: " < ", opLe: " <= ", opGt: " > ", opGe: " >= ",
	opAdd: " + ", opSub: " - ", opMul: " * ", opDiv: " div ", opMod: " mod ",
}

func write(b *strings.Builder, n *node) {
	paren := func(k *node, need bool) {
		if need {
			b.WriteByte('(')
		}
		write(b, k)
		if need {
			b.WriteByte(')')
		}
	}
	switch n.op {
	case opStr:
		q := "'"
		if strings.Contains(n.text, "'") {
			q = `"`
		}
		b.WriteString(q + n.text + q)
	case opNum:
		b.WriteString(n.text)
	case opRef:
		b.WriteString("${" + n.text + "}")
	case opSelf:
		b.WriteByte('.')
	case opOr, opAnd:
		for i, k := range n.kids {
			if i > 0 {
				b.WriteString(opText[n.op])
			}
			paren(k, k.prec() <= n.prec())
		}
	case opNeg:
		b.WriteByte('-')
		paren(n.kids[0], n.kids[0].prec() < n.prec())
	case opCall:
		b.WriteString(n.text + "(")
		for i, k := range n.kids {
			if i > 0 {
				b.WriteString(", ")
			}
			write(b, k)
		}
		b.WriteByte(')')
	default: // binary, left-associative
		paren(n.kids[0], n.kids[0].prec() < n.prec())
		b.WriteString(opText[n.op])
		paren(n.kids[1], n.kids[1].prec() <= n.prec())
	}
}

// Combine is the relevance of a question within its groups: own (the
// question's) and every enclosing group's must hold, the outermost group
// first. ODK makes every question of a group that is not relevant not
// relevant. Nil expressions are no condition; Combine returns nil when all
// are nil.
//
// In a group's expression `.` is the group's value, which is always empty
// (JavaRosa reads a node without a value as ""): Combine writes it as an empty literal.
// In own, `.` stays the question's value, Eval's self.
func Combine(own *Expr, enclosing ...*Expr) *Expr {
	if !slices.ContainsFunc(enclosing, func(g *Expr) bool { return g != nil }) {
		return own
	}
	var parts []*node
	c := &Expr{}
	seen := map[string]bool{}
	add := func(e *Expr, root *node) {
		if root.op == opAnd {
			parts = append(parts, root.kids...)
		} else {
			parts = append(parts, root)
		}
		for _, r := range e.refs {
			if !seen[r] {
				seen[r] = true
				c.refs = append(c.refs, r)
			}
		}
	}
	for _, g := range enclosing {
		if g != nil {
			add(g, withoutSelf(g.root))
		}
	}
	if own != nil {
		add(own, own.root)
		c.self = own.self
	}
	if len(parts) == 1 {
		c.root = parts[0]
	} else {
		c.root = &node{op: opAnd, kind: kBool, kids: parts}
	}
	return c
}

// withoutSelf is n with every `.` replaced by an empty literal; n itself when it has no
// `.` (nodes are never changed, so they can be shared).
func withoutSelf(n *node) *node {
	if n.op == opSelf {
		return &node{op: opStr, kind: kStr}
	}
	var kids []*node
	for i, k := range n.kids {
		if w := withoutSelf(k); w != k {
			if kids == nil {
				kids = slices.Clone(n.kids)
			}
			kids[i] = w
		}
	}
	if kids == nil {
		return n
	}
	c := *n
	c.kids = kids
	return &c
}
