package relevance

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/synthese-project/synthese/pipeline/input"
)

// answers is Values over a map: the questions it lacks are unanswered.
func answers(m map[string]string) Values {
	return func(name string) (string, bool) {
		v, ok := m[name]
		return v, ok
	}
}

type a = map[string]string

// TestEval: expressions in the shapes of real forms' relevant columns
// (/work/shared/data/wild: Kobo, pyxform and KoboCollect forms), and every
// operator and function, each against answers that make it true and false.
func TestEval(t *testing.T) {
	tests := []struct {
		name, expr string
		values     a
		self       string
		want       bool
	}{
		// Equality with a choice, as most relevant cells are.
		{"choice single quotes", "${consent} = 'yes'", a{"consent": "yes"}, "", true},
		{"choice other answer", "${consent} = 'yes'", a{"consent": "no"}, "", false},
		{"choice unanswered", "${consent} = 'yes'", a{}, "", false},
		{"choice double quotes", `${consent} = "no"`, a{"consent": "no"}, "", true},
		{"case matters", "${consent} = 'Yes'", a{"consent": "yes"}, "", false},
		{"no spaces", "${tree_health}='dead'", a{"tree_health": "dead"}, "", true},
		{"trailing blanks", "${toilet} = 'Other' \t", a{"toilet": "Other"}, "", true},
		{"typographic single quotes", "${leader} = ‘other’", a{"leader": "other"}, "", true},
		{"typographic double quotes", "${leader}=“other”", a{"leader": "other"}, "", true},
		{"typographic quote inside", "${q} = \"it’s\"", a{"q": "it's"}, "", true},

		// Empty and unanswered.
		{"not empty answered", "${first_name}!=''", a{"first_name": "Amal"}, "", true},
		{"not empty unanswered", "${first_name}!=''", a{}, "", false},
		{"empty when unanswered", "${first_name} = ''", a{}, "", true},
		{"empty when answered empty", "${first_name} = ''", a{"first_name": ""}, "", true},
		{"not answered ignores its value", "${first_name} = ''", nil, "", true},
		{"bare reference answered", "${household_size}", a{"household_size": "4"}, "", true},
		{"bare reference unanswered", "${household_size}", a{}, "", false},
		{"bare reference 0 is text", "${household_size}", a{"household_size": "0"}, "", true},
		{"two unanswered equal", "${a} = ${b}", a{}, "", true},
		{"unanswered != number", "${a} != 5", a{}, "", true},
		{"unanswered = number", "${a} = 5", a{}, "", false},

		// or and and chains.
		{"or chain", `${housing} = "h1" or  ${housing} = "h2" or ${housing} = "h3"`, a{"housing": "h2"}, "", true},
		{"or chain none", `${housing} = "h1" or  ${housing} = "h2" or ${housing} = "h3"`, a{"housing": "h5"}, "", false},
		{"and chain", `${u1} = "No" and  ${u2} = "No" and ${u3} = "No"`, a{"u1": "No", "u2": "No", "u3": "No"}, "", true},
		{"and chain one differs", `${u1} = "No" and  ${u2} = "No" and ${u3} = "No"`, a{"u1": "No", "u2": "Si", "u3": "No"}, "", false},
		{"range in parens and", "(${age} > 4 and  ${age} < 18) and ${hh_size}!=''", a{"age": "12", "hh_size": "5"}, "", true},
		{"range in parens and: out", "(${age} > 4 and  ${age} < 18) and ${hh_size}!=''", a{"age": "18", "hh_size": "5"}, "", false},
		{"or with empty test", "${age} < 5 or ${months} != ''", a{"months": "7"}, "", true},
		{"negated alternatives", "${water} != 'private' or (${src} != 'piped_dwel' and ${src} != 'piped_yard')", a{"water": "private", "src": "piped_yard"}, "", false},
		{"negated alternatives: other source", "${water} != 'private' or (${src} != 'piped_dwel' and ${src} != 'piped_yard')", a{"water": "private", "src": "well"}, "", true},
		{"age window", "${sex}='female' and ${age_in_years}>=15 and ${age_in_years}<=49", a{"sex": "female", "age_in_years": "49"}, "", true},
		{"age window: over", "${sex}='female' and ${age_in_years}>=15 and ${age_in_years}<=49", a{"sex": "female", "age_in_years": "50"}, "", false},

		// Precedence: and binds tighter than or, comparisons tighter than and.
		{"and before or", "'x' = 'x' or 'a' = 'b' and 'c' = 'd'", nil, "", true},
		{"and before or, left", "'a' = 'b' and 'c' = 'd' or 'x' = 'x'", nil, "", true},
		{"parens first", "('x' = 'x' or 'a' = 'b') and 'c' = 'd'", nil, "", false},
		{"or of and", "true() or false() and false()", nil, "", true},
		{"arithmetic before comparison", "1 + 2 * 3 = 7", nil, "", true},
		{"left associative minus", "10 - 4 - 3 = 3", nil, "", true},
		{"left associative div", "12 div 2 div 3 = 2", nil, "", true},

		// Numbers and text: < <= > >= convert both sides to numbers.
		{"number <=", "${age} <= 18", a{"age": "18"}, "", true},
		{"number <= over", "${age} <= 18", a{"age": "19"}, "", false},
		{"number unanswered is NaN", "${age} <= 18", a{}, "", false},
		{"number unanswered is NaN >", "${age} > 18", a{}, "", false},
		{"text is NaN", "${age} < 18", a{"age": "twelve"}, "", false},
		{"text is NaN >=", "${age} >= 18", a{"age": "twelve"}, "", false},
		{"decimal comma", "${weight} < 2", a{"weight": "1,5"}, "", true},
		{"decimal point", "${weight} >= 1.5", a{"weight": "1.5"}, "", true},
		{"spaces around a number", "${cbh} >= 200", a{"cbh": " 200 "}, "", true},
		{"no exponent", "${n} > 1", a{"n": "1e5"}, "", false},
		{"no plus sign", "${n} > 1", a{"n": "+5"}, "", false},
		{"negative", "${n} < 0", a{"n": "-3"}, "", true},
		{"texts compare as numbers", "'10' > '9'", nil, "", true},
		{"texts that are not numbers", "'abc' < 'abd'", nil, "", false},
		{"two references as numbers", "${a} > ${b}", a{"a": "10", "b": "9"}, "", true},
		{"= with a number literal is numeric", "${children} = 0", a{"children": "0.0"}, "", true},
		{"= with a number literal, leading zeros", "${children} = 0", a{"children": "00"}, "", true},
		{"= with a number literal, unanswered", "${children} = 0", a{}, "", false},
		{"= between texts is textual", "${children} = '0'", a{"children": "0.0"}, "", false},
		{"!= number", "${children} != 0", a{"children": "2"}, "", true},
		{"NaN != NaN", "number('x') != number('x')", nil, "", true},
		{"NaN = NaN is false", "number('x') = number('x')", nil, "", false},

		// Booleans.
		{"true()", "true()", nil, "", true},
		{"false()", "false()", nil, "", false},
		{"boolean of empty", "boolean('')", nil, "", false},
		{"boolean of text false", "boolean('false')", nil, "", true},
		{"boolean of 0", "boolean(0)", nil, "", false},
		{"boolean of NaN", "boolean(number('x'))", nil, "", false},
		{"text = true()", "${a} = true()", a{"a": "x"}, "", true},
		{"unanswered = true()", "${a} = true()", a{}, "", false},
		{"text 'false' = true()", "'false' = true()", nil, "", true},
		{"1 = true()", "1 = true()", nil, "", true},
		{"true() > false()", "true() > false()", nil, "", true},
		{"not", "not(${a} = 'x')", a{"a": "y"}, "", true},
		{"not not", "not(not(${a} = 'x'))", a{"a": "x"}, "", true},
		{"number result is true", "${a} + 1", a{"a": "1"}, "", true},
		{"number result 0 is false", "${a} - 1", a{"a": "1"}, "", false},
		{"boolean-from-string", "boolean-from-string('TRUE') and boolean-from-string(1) and not(boolean-from-string('yes'))", nil, "", true},

		// Arithmetic.
		{"plus", "${a} + ${b} > 10", a{"a": "4", "b": "7"}, "", true},
		{"mod", "7 mod 3 = 1", nil, "", true},
		{"mod keeps the dividend's sign", "-7 mod 3 = -1", nil, "", true},
		{"div", "10 div 4 = 2.5", nil, "", true},
		{"div by 0", "1 div 0 > 1000000", nil, "", true},
		{"unary minus twice", "1 - -1 = 2", nil, "", true},
		{"times", "${a} * 2 = 8", a{"a": "4"}, "", true},
		{"number literals", ".5 + 5. = 5.5", nil, "", true},
		{"arithmetic on unanswered is NaN", "${a} + 1 > 0", a{}, "", false},
		{"int", "int(-2.7) = -2 and int('3.9') = 3", nil, "", true},

		// select_multiple: choice names separated by spaces.
		{"selected", "selected(${m}, 'b')", a{"m": "a b c"}, "", true},
		{"selected first", "selected(${m}, 'a')", a{"m": "a b c"}, "", true},
		{"selected last", "selected(${m}, 'c')", a{"m": "a b c"}, "", true},
		{"selected only", "selected(${m}, 'a')", a{"m": "a"}, "", true},
		{"selected not a prefix", "selected(${m}, 'yes')", a{"m": "yesno no"}, "", false},
		{"selected not a suffix", "selected(${m}, 'no')", a{"m": "yesno"}, "", false},
		{"selected later occurrence", "selected(${m}, 'no')", a{"m": "yesno no"}, "", true},
		{"selected unanswered", "selected(${m}, 'a')", a{}, "", false},
		{"selected trims the choice", "selected(${m}, ' b ')", a{"m": "a b"}, "", true},
		{"selected double spaces", "selected(${m}, 'b')", a{"m": "a  b"}, "", true},
		{"selected empty choice, unanswered (JavaRosa)", "selected(${m}, '')", a{}, "", true},
		{"selected empty choice, answered", "selected(${m}, '')", a{"m": "a b"}, "", false},
		{"not selected", "not(selected(${skip_to_end}, 'yes'))", a{"skip_to_end": "yes"}, "", false},
		{"not selected unanswered", "not(selected(${skip_to_end}, 'yes'))", a{}, "", true},
		{"is-selected", "is-selected(${m}, 'b')", a{"m": "a b"}, "", true},
		{"selected on self", "not(selected(., 'yes') and selected (., 'no'))", nil, "yes no", false},
		{"selected on self, one", "not(selected(., 'yes') and selected (., 'no'))", nil, "yes", true},
		{"selected nested", "not(selected(., 'NA') and (selected(., 'Other') or selected(., 'Boil')))", nil, "NA Boil", false},
		{"selected nested, NA alone", "not(selected(., 'NA') and (selected(., 'Other') or selected(., 'Boil')))", nil, "NA", true},
		{"count-selected", "count-selected(${m}) >= 2", a{"m": "a b"}, "", true},
		{"count-selected spaces", "count-selected(${m}) = 2", a{"m": " a  b "}, "", true},
		{"count-selected unanswered", "count-selected(${m}) = 0", a{}, "", true},
		{"selected-at", "selected-at(${m}, 1) = 'b'", a{"m": "a b"}, "", true},
		{"selected-at outside", "selected-at(${m}, 5) = ''", a{"m": "a b"}, "", true},
		{"selected-at NaN is 0", "selected-at(${m}, 'x') = 'a'", a{"m": "a b"}, "", true},

		// The question's own value.
		{"self number", ". >= 1", nil, "2", true},
		{"self against a reference", ".<= ${household_size}", a{"household_size": "5"}, "3", true},
		{"self against a reference: over", ".<= ${household_size}", a{"household_size": "5"}, "6", false},
		{"self empty", ". = ''", nil, "", true},

		// Strings.
		{"string-length", "string-length(${name}) > 3", a{"name": "Amal"}, "", true},
		{"string-length unanswered", "string-length(${name}) = 0", a{}, "", true},
		{"string-length UTF-16", "string-length('é😀') = 3", nil, "", true},
		{"string-length of self", "string-length() = 2", nil, "ab", true},
		{"contains", "contains(${t}, 'ab')", a{"t": "xaby"}, "", true},
		{"contains empty", "contains(${t}, '')", a{}, "", true},
		{"starts-with", "starts-with(${t}, 'xa')", a{"t": "xaby"}, "", true},
		{"ends-with", "ends-with(${t}, 'by')", a{"t": "xaby"}, "", true},
		{"concat", "concat(${a}, '-', ${b}) = 'x-y'", a{"a": "x", "b": "y"}, "", true},
		{"concat numbers", "concat(1, 2.50, true()) = '12.5true'", nil, "", true},
		{"concat none", "concat() = ''", nil, "", true},
		{"string of numbers", "string(2) = '2' and string(1.50) = '1.5' and string(0.5 - 0.5) = '0'", nil, "", true},
		{"string of large and small numbers", "string(10000000 + 0.5) = '1.00000005E7' and string(0.0001) = '1.0E-4' and string(3000000000) = '3.0E9'", nil, "", true},
		{"string of non-numbers", "string(1 div 0) = 'Infinity' and string(-1 div 0) = '-Infinity' and string(0 div 0) = 'NaN'", nil, "", true},
		{"number()", "number('12') = 12 and number(' 4 ') = 4", nil, "", true},
		{"normalize-space", "normalize-space('  a \t  b ') = 'a b'", nil, "", true},
		{"regex whole value", `regex(${email}, '[a-z]+@[a-z]+\.[a-z]{2,4}')`, a{"email": "amal@example.org"}, "", true},
		{"regex not a part", `regex(${email}, '[a-z]+@[a-z]+\.[a-z]{2,4}')`, a{"email": "to amal@example.org"}, "", false},

		// Choices by value.
		{"if then", "if(${zone}='z1', ${s1}, ${s2}) = 'x'", a{"zone": "z1", "s1": "x", "s2": "y"}, "", true},
		{"if else", "if(${zone}='z1', ${s1}, ${s2}) = 'x'", a{"zone": "z2", "s1": "x", "s2": "y"}, "", false},
		{"nested if", "if(${z}='1', 'a', if(${z}='2', 'b', 'ERROR')) = 'b'", a{"z": "2"}, "", true},
		{"coalesce first", "coalesce(${a}, 'd') = 'x'", a{"a": "x"}, "", true},
		{"coalesce second", "coalesce(${a}, 'd') = 'd'", a{}, "", true},
		{"coalesce NaN", "coalesce(number(${a}), 7) = 7", a{"a": "x"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.expr)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.expr, err)
			}
			values := answers(tt.values)
			if tt.values == nil {
				values = func(string) (string, bool) { return "junk", false }
			}
			got, err := e.Eval(values, tt.self)
			if err != nil {
				t.Fatalf("Eval(%q): %v", tt.expr, err)
			}
			if got != tt.want {
				t.Errorf("%q with %v, . = %q: %v, want %v", tt.expr, tt.values, tt.self, got, tt.want)
			}
		})
	}
}

// TestEvalError: selected() given a number to look for at evaluation
// (JavaRosa raises a type mismatch); false with the error.
func TestEvalError(t *testing.T) {
	e, err := Parse("selected(${m}, if(${a} = 'x', 1, 'b'))")
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Eval(answers(a{"m": "1 b", "a": "x"}), "")
	if err == nil || got {
		t.Errorf("a number to look for: %v, %v; want false and an error", got, err)
	}
	got, err = e.Eval(answers(a{"m": "1 b", "a": "y"}), "")
	if err != nil || !got {
		t.Errorf("a text to look for: %v, %v; want true", got, err)
	}
}

// TestParseErrors: what Parse refuses, where, and the part it names.
func TestParseErrors(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("not(", n) + "true()" + strings.Repeat(")", n) }
	tests := []struct {
		name, expr string
		pos        int
		part, msg  string
	}{
		{"unknown function", "xyz(${a}) = 1", 1, "xyz(${a})", "not a function"},
		{"ODK date function", "${a} = 'x' and today() > 3", 16, "today()", "dates"},
		{"repeat function with a path", "${R01} = indexed-repeat(${R01}, ${S1A}, position(..))", 10, "indexed-repeat(…)", "repeats"},
		{"repeat function", "count(${members}) > 2", 1, "count(${members})", "repeats"},
		{"choice label", "jr:choice-name(${a}, '${a}') = 'x'", 1, "jr:choice-name(${a}, '${a}')", "choice labels"},
		// ‘it’s’ is 'it's' once pyxform straightens the quotes: 'it' then s'.
		{"typographic apostrophe", "${a} = ‘it’s’", 12, "s", "an operator"},
		{"string not closed", "${a} = 'x", 8, "'x", "not closed"},
		{"reference not closed", "${a = 'x'", 1, "${a = 'x'", "not closed by }"},
		{"empty reference", "${} = 1", 1, "${}", "names no question"},
		{"reference with a space", "${my name} = 1", 1, "${my name}", "not a question's name"},
		{"last-saved", "${last-saved#a} = 1", 1, "${last-saved#a}", "last saved"},
		{"dollar alone", "$a = 1", 1, "$", "${name}"},
		{"==", "${a} == 'x'", 6, "==", "single ="},
		{"upper-case AND", "${a} = 'x' AND ${b} = 'y'", 12, "AND", "lower case: and"},
		{"upper-case OR in parens", "(${a} = 'x' OR ${b} = 'y')", 13, "OR", "lower case: or"},
		{"&&", "${a} = 'x' && ${b} = 'y'", 12, "&&", "the word and"},
		{"<>", "${a} <> 1", 6, "<>", "!="},
		{"!", "!${a}", 1, "!", "not(...)"},
		{"bare name", "village=${village}", 1, "village", "${village}"},
		{"true without ()", "${a} = true", 8, "true", "true()"},
		{"path", "/data/a = 'x'", 1, "/", "paths"},
		{"parent", ".. = 'x'", 1, "..", "paths"},
		{"union", "${a} | ${b}", 6, "|", "unions"},
		{"predicate", "${a}[1] = 'x'", 5, "[", "predicates"},
		{"not closed", "not(${a} = 'x'", 1, "not(${a} = 'x'", "( is not closed"},
		{"paren not closed", "(${a} = 'x' or ${b} = 'y'", 1, "(${a} = 'x' or ${b} = 'y'", "( is not closed"},
		{"extra )", "${a} = 'x')", 11, ")", "closes no ("},
		{"ends after operator", "${a} =", 6, "=", "ends where a value is expected"},
		{"ends after and", "${a} = 'x' and", 12, "and", "ends where a value is expected"},
		{"operator first", "= 'x'", 1, "=", "a value is expected"},
		{"and first", "and ${a}", 1, "and", "before the operator and"},
		{"empty parentheses", "() = 1", 1, "()", "empty parentheses"},
		{"two values", "${a} = 'x' ${b}", 12, "${b}", "an operator"},
		{"exponent", "${a} > 1e5", 9, "e5", "an operator"},
		{"arity", "selected(${a})", 1, "selected(${a})", "takes 2 arguments, not 1"},
		{"arity range", "string-length('a', 'b')", 1, "string-length('a', 'b')", "takes 0 or 1 arguments, not 2"},
		{"missing comma", "selected(${a} 'x')", 15, "'x'", "an operator or )"},
		{"trailing comma", "selected(${a}, )", 16, ")", "a value is expected"},
		{"selected number", "selected(${a}, 1)", 1, "selected(${a}, 1)", "in quotes"},
		{"regex pattern from a reference", "regex(${a}, ${b})", 1, "regex(${a}, ${b})", "pattern in quotes"},
		{"regex Java only", "regex(${a}, '(?<=a)b')", 1, "regex(${a}, '(?<=a)b')", "Go's regexp"},
		{"no-break space", "${a}\u00a0= 'x'", 5, "\u00a0", "no-break space"},
		{"control character", "${a}\x00= 'x'", 5, "\x00", "control"},
		{"invalid UTF-8", "${a} = \xff", 8, "\xff", "UTF-8"},
		{"position in characters", "'é' = ${a} or xyz()", 15, "xyz()", "not a function"},
		{"too deep", deep(MaxDepth), 401, "true()" + strings.Repeat(")", 54) + "…", "nested more than 100"},
		{"too deep parens", strings.Repeat("(", MaxDepth+1) + "1" + strings.Repeat(")", MaxDepth+1), 101, "(1" + strings.Repeat(")", 58) + "…", "nested"},
		{"too deep minus", strings.Repeat("-", MaxDepth+1) + "1", 101, "-1", "nested"},
		{"too long", strings.Repeat("1+", MaxLength/2) + "1", 1, strings.Repeat("1+", 30) + "…", "longer than 10000 characters"},
		{"no expression", "\u00a0", 1, "", ""}, // blank: no error, see TestBlank
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.expr)
			if tt.msg == "" {
				if err != nil || e != nil {
					t.Fatalf("Parse(%q) = %v, %v; want nil, nil", tt.expr, e, err)
				}
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %v, %v; want a *SyntaxError", tt.expr, e, err)
			}
			if se.Pos != tt.pos || se.Part != tt.part || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("Parse(%q): %#v\nwant Pos %d, Part %q, Msg with %q", tt.expr, se, tt.pos, tt.part, tt.msg)
			}
		})
	}
	// What is allowed up to the limits.
	for _, expr := range []string{deep(MaxDepth - 1), strings.Repeat("1+", MaxLength/2-1) + "1", strings.Repeat("-", MaxDepth) + "1"} {
		if _, err := Parse(expr); err != nil {
			t.Errorf("Parse(%.40q…): %v", expr, err)
		}
	}
}

// TestSyntaxErrorMessage: the message a caller puts after the cell's place.
func TestSyntaxErrorMessage(t *testing.T) {
	_, err := Parse("${a} = 'x' and xyz(${b})")
	want := "character 16: `xyz(${b})` not understood: xyz() is not a function this tool evaluates"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// TestBlank: an empty relevant cell is no condition.
func TestBlank(t *testing.T) {
	for _, expr := range []string{"", " ", "\t\n"} {
		e, err := Parse(expr)
		if e != nil || err != nil {
			t.Fatalf("Parse(%q) = %v, %v", expr, e, err)
		}
		if ok, err := e.Eval(nil, ""); !ok || err != nil {
			t.Errorf("nil Eval = %v, %v; want true", ok, err)
		}
		if e.Refs() != nil || e.UsesSelf() || e.String() != "true()" {
			t.Errorf("nil Expr: %v %v %q", e.Refs(), e.UsesSelf(), e.String())
		}
	}
}

// TestNilValues: a nil Values has every question unanswered.
func TestNilValues(t *testing.T) {
	e, err := Parse("${a} = '' and not(selected(${m}, 'x'))")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := e.Eval(nil, ""); !ok || err != nil {
		t.Errorf("Eval(nil) = %v, %v; want true", ok, err)
	}
}

// TestRefs: the names referred to, in order, once each.
func TestRefs(t *testing.T) {
	tests := []struct {
		expr string
		want []string
		self bool
	}{
		{"${b} = 'x' or ${a} = ${b} and selected(${c}, 'y')", []string{"b", "a", "c"}, false},
		{". >= ${min} and . <= ${max}", []string{"min", "max"}, true},
		{"true()", nil, false},
		{"${ä_1.x-y} = 1", []string{"ä_1.x-y"}, false},
	}
	for _, tt := range tests {
		e, err := Parse(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.Refs(); !slices.Equal(got, tt.want) || e.UsesSelf() != tt.self {
			t.Errorf("%q: Refs %q UsesSelf %v; want %q %v", tt.expr, got, e.UsesSelf(), tt.want, tt.self)
		}
	}
}

// TestString: the canonical form shows how Parse grouped the expression,
// and reads back into itself.
func TestString(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"${a}='x' or ${b}='y' and ${c}='z'", "${a} = 'x' or ${b} = 'y' and ${c} = 'z'"},
		{"(${a}='x' or ${b}='y') and ${c}='z'", "(${a} = 'x' or ${b} = 'y') and ${c} = 'z'"},
		{"${a} and (${b} and ${c})", "${a} and ${b} and ${c}"},
		{"((${a}))", "${a}"},
		{"1+2*3", "1 + 2 * 3"},
		{"(1+2)*3", "(1 + 2) * 3"},
		{"1-(2-3)", "1 - (2 - 3)"},
		{"(1-2)-3", "1 - 2 - 3"},
		{"- -1", "--1"},
		{"-(1+2)", "-(1 + 2)"},
		{"${a}=${b}=${c}", "${a} = ${b} = ${c}"},
		{"${a}=(${b}=${c})", "${a} = (${b} = ${c})"},
		{`concat("it's", 'say "hi"')`, `concat("it's", 'say "hi"')`},
		{"5. div .5 mod 2", "5. div .5 mod 2"},
		{"not(${a}!=1)", "not(${a} != 1)"},
	}
	for _, tt := range tests {
		e, err := Parse(tt.expr)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.expr, err)
		}
		got := e.String()
		if got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.expr, got, tt.want)
		}
		e2, err := Parse(got)
		if err != nil || e2.String() != got {
			t.Errorf("Parse(%q) = %v, %v", got, e2, err)
		}
	}
}

// TestCombine: a question's relevance within its groups.
func TestCombine(t *testing.T) {
	must := func(s string) *Expr {
		e, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	household := must("${consent} = 'yes' and ${members} > 0")
	// In a group, . is the group's value: always empty.
	children := must("not(selected(., 'x')) and . = '' or ${kids} > 0")
	own := must(". != 'skip' and ${age} >= 18")

	c := Combine(own, household, nil, children)
	if got, want := c.Refs(), []string{"consent", "members", "kids", "age"}; !slices.Equal(got, want) {
		t.Errorf("Refs = %q, want %q", got, want)
	}
	if !c.UsesSelf() {
		t.Error("UsesSelf false: own reads .")
	}
	want := "${consent} = 'yes' and ${members} > 0 and (not(selected('', 'x')) and '' = '' or ${kids} > 0) and . != 'skip' and ${age} >= 18"
	if c.String() != want {
		t.Errorf("String =\n%s\nwant\n%s", c.String(), want)
	}
	if children.String() != "not(selected(., 'x')) and . = '' or ${kids} > 0" {
		t.Errorf("Combine changed a group's expression: %s", children)
	}
	yes := a{"consent": "yes", "members": "3", "age": "20"}
	for _, tt := range []struct {
		change a
		self   string
		want   bool
	}{
		{nil, "", true},
		{a{"consent": "no"}, "", false}, // the outer group is not relevant
		{a{"members": "0"}, "", false},
		{a{"age": "17"}, "", false}, // the question's own relevance
		{nil, "skip", false},        // . in own is the question's value
		{nil, "x", true},            // . in a group is not
	} {
		m := a{}
		for k, v := range yes {
			m[k] = v
		}
		for k, v := range tt.change {
			m[k] = v
		}
		if got, err := c.Eval(answers(m), tt.self); got != tt.want || err != nil {
			t.Errorf("with %v, . = %q: %v, %v; want %v", tt.change, tt.self, got, err, tt.want)
		}
	}

	if Combine(nil) != nil || Combine(nil, nil, nil) != nil {
		t.Error("Combine of nothing is not nil")
	}
	if Combine(own) != own || Combine(own, nil) != own {
		t.Error("Combine without groups is not own")
	}
	if g := Combine(nil, children); g.String() != "not(selected('', 'x')) and '' = '' or ${kids} > 0" || g.UsesSelf() {
		t.Errorf("Combine(nil, children) = %s (UsesSelf %v)", g, g.UsesSelf())
	}
}

// wildDir holds real forms (see its README); tests that read it skip
// when it is absent.
const wildDir = "../../../shared/data/wild"

// TestWildForms: every relevant cell of the real XLSX forms parses (the
// legacy .xls ones cannot be read here), and their references are
// questions of the same sheet.
func TestWildForms(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(wildDir, "*", "*.xlsx"))
	if len(files) == 0 {
		t.Skip("no real forms in", wildDir)
	}
	cells := 0
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		ts, err := input.ReadTables(filepath.Base(file), f, input.ReadOptions{})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		survey := input.SheetNamed(ts, filepath.Base(file), "survey")
		if survey == nil {
			continue // an export, not a form
		}
		col, nameCol := -1, -1
		for i, h := range survey.Header {
			switch strings.ToLower(strings.TrimSpace(h)) {
			case "relevant", "bind:relevant", "relevance":
				col = i
			case "name":
				nameCol = i
			}
		}
		if col < 0 {
			continue
		}
		names := map[string]bool{}
		for _, rec := range survey.Records {
			if nameCol < len(rec) && nameCol >= 0 {
				names[strings.TrimSpace(rec[nameCol])] = true
			}
		}
		for i, rec := range survey.Records {
			if col >= len(rec) || strings.TrimSpace(rec[col]) == "" {
				continue
			}
			cells++
			e, err := Parse(rec[col])
			if err != nil {
				t.Errorf("%s row %d: %q: %v", survey.File, survey.Lines[i], rec[col], err)
				continue
			}
			for _, r := range e.Refs() {
				if !names[r] {
					t.Errorf("%s row %d: %q refers to %s, not a question of the form", survey.File, survey.Lines[i], rec[col], r)
				}
			}
		}
	}
	if cells == 0 {
		t.Error("no relevant cell read")
	}
	t.Logf("%d relevant cells of %d files parsed", cells, len(files))
}

// FuzzRelevance: Parse never panics, its errors are *SyntaxError within the
// expression; what it parses evaluates without panicking, and its String
// reads back into the same expression with the same value.
func FuzzRelevance(f *testing.F) {
	for _, s := range []string{
		"${a} = 'x' or ${b} = 'y' and ${c} != ''",
		"not(selected(., 'NA') and (selected(., 'Other') or selected (., 'Boil')))",
		"(${age} > 4 and  ${age} < 18) and ${hh}!=''",
		"count-selected(${m}) >= 2 and string-length(${n}) > 3",
		"if(${z}='1', ${a}, coalesce(${b}, 'ERROR')) = concat('a', 1 div 0)",
		"regex(${e}, '[a-z]+@[a-z]+')", "-7 mod 3 = -1", "${leader} = ‘other’", "selected-at(${m}, 'x')",
		"xyz(${a})", "${a", "'x", "((((1", "${a} == 1", "int(number(.)) + .5 * 5.", "boolean-from-string(normalize-space())",
	} {
		f.Add(s, "a b")
	}
	f.Fuzz(func(t *testing.T, expr, answer string) {
		e, err := Parse(expr)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): %T %v", expr, err, err)
			}
			if se.Pos < 1 || se.Pos > utf8.RuneCountInString(expr)+1 {
				t.Fatalf("Parse(%q): Pos %d outside", expr, se.Pos)
			}
			return
		}
		values := func(name string) (string, bool) {
			if len(name)%2 == 0 {
				return answer, true
			}
			return name, len(answer)%3 == 0
		}
		got, err1 := e.Eval(values, answer)
		s := e.String()
		if utf8.RuneCountInString(s) > MaxLength {
			return
		}
		e2, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q: %v", expr, s, err)
		}
		if s2 := e2.String(); s2 != s {
			t.Fatalf("Parse(%q).String() = %q, then %q", expr, s, s2)
		}
		got2, err2 := e2.Eval(values, answer)
		if got2 != got || (err1 == nil) != (err2 == nil) {
			t.Fatalf("%q: %v %v, its String %q: %v %v", expr, got, err1, s, got2, err2)
		}
		if !slices.Equal(e.Refs(), e2.Refs()) {
			t.Fatalf("%q: Refs %q, its String's %q", expr, e.Refs(), e2.Refs())
		}
	})
}

// BenchmarkEval: one respondent, a typical expression parsed once.
func BenchmarkEval(b *testing.B) {
	e, err := Parse("${sex} = 'female' and ${age} >= 15 and ${age} <= 49 and not(selected(${methods}, 'none'))")
	if err != nil {
		b.Fatal(err)
	}
	m := map[string]string{"sex": "female", "age": "27", "methods": "pill condom"}
	values := answers(m)
	for b.Loop() {
		if ok, err := e.Eval(values, ""); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkEvalShort: the commonest shape, ${q} = 'choice'.
func BenchmarkEvalShort(b *testing.B) {
	e, err := Parse("${consent} = 'yes'")
	if err != nil {
		b.Fatal(err)
	}
	values := answers(map[string]string{"consent": "yes"})
	for b.Loop() {
		if ok, _ := e.Eval(values, ""); !ok {
			b.Fatal(ok)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := Parse("${sex} = 'female' and ${age} >= 15 and ${age} <= 49 and not(selected(${methods}, 'none'))"); err != nil {
			b.Fatal(err)
		}
	}
}
