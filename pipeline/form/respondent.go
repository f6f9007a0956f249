package form

// Respondent is one row of a responses file, its answers normalised to
// choice names.
type Respondent struct {
	ID      int     // 1-based, in the order the rows were read
	File    string  // source file
	Line    int     // line of the row in the source file
	Meeting string  // choice name of the meeting question
	Weight  float64 // from the weight column; 1 without one, 0 when invalid
	// Answers maps a closed question's name to the chosen choice names, in
	// the list's order. A question without a valid answer is absent.
	Answers map[string][]string
	// NotAsked are the closed questions (names, sorted) the respondent was
	// not asked: their relevance (the XLSForm relevant column, with their
	// groups') was false. Such a question has no answer in Answers and is
	// counted in not_asked_n, neither valid nor missing.
	NotAsked []string
}
