// Package stats holds the statistics the tables use, on plain numbers:
// Wilson score intervals (counts and weighted shares), largest-remainder
// rounding of shares to percentages that sum to 100, half-up percentages,
// Kish's effective sample size, Pearson's χ² with its asymptotic and Monte
// Carlo p-values, and exactly rounded float sums (ExactSum).
//
// It imports nothing of this module.
package stats
