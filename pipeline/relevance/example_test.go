package relevance_test

import (
	"errors"
	"fmt"

	"github.com/synthese-project/synthese/pipeline/relevance"
)

func Example() {
	// A question asked to women of 15 to 49 who use a method, in a group
	// asked when the respondent consented.
	group, _ := relevance.Parse("${consent} = 'yes'")
	own, _ := relevance.Parse("${sex} = 'female' and ${age} >= 15 and ${age} <= 49 and not(selected(${methods}, 'none'))")
	asked := relevance.Combine(own, group)
	fmt.Println(asked.Refs())

	respondents := []map[string]string{
		{"consent": "yes", "sex": "female", "age": "27", "methods": "pill condom"},
		{"consent": "yes", "sex": "female", "age": "27", "methods": "none"},
		{"consent": "yes", "sex": "female"}, // age not answered
		{"consent": "no", "sex": "female", "age": "27", "methods": "pill"},
	}
	for _, r := range respondents {
		ok, _ := asked.Eval(func(name string) (string, bool) { v, ok := r[name]; return v, ok }, "")
		fmt.Println(ok)
	}

	// What Parse refuses names the part, for the caller's message.
	_, err := relevance.Parse("${a} = 'x' and today() > ${b}")
	var se *relevance.SyntaxError
	if errors.As(err, &se) {
		fmt.Printf("survey.xlsx row 12, column relevant: %v\n", se)
	}
	// Output:
	// [consent sex age methods]
	// true
	// false
	// false
	// false
	// survey.xlsx row 12, column relevant: character 16: `today()` not understood: today() is an ODK function this tool does not evaluate (dates)
}
