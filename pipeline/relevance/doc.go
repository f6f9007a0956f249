// Package relevance reads the `relevant` column of an XLSForm: it parses
// the XPath subset real forms use (${name} references, literals, `.`,
// comparisons, and/or, arithmetic, selected(), count-selected() and a few
// string functions) and evaluates it on one respondent's raw answers, so
// that a later step can tell a question not asked from a question not
// answered.
//
// Evaluation follows ODK's (JavaRosa's) rules: an unanswered question reads
// as the empty string; = and != compare as booleans when a side is a
// boolean, as numbers when a side is a number, as strings otherwise; <,
// <=, > and >= always compare numbers, a text that is not a number being
// NaN (every comparison with NaN false); selected() looks for a choice
// among the space-separated names of a select_multiple answer.
//
// Answers are untyped text here, where ODK holds an integer or decimal
// answer as a number: ${age} = '27' compares numbers in ODK and texts
// here, which differ only when the export writes the number otherwise
// (27.0); ${age} = 27 compares numbers in both.
//
// Parse refuses, with a *SyntaxError naming the part not understood, what
// it cannot evaluate exactly (unknown functions, paths, repeats, dates), so
// that the caller can count such a question without skip logic and say so.
// Combine joins a question's relevance with its enclosing groups'.
//
// It imports nothing of this module.
package relevance
