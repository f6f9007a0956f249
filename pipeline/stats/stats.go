package stats

import "math"

// z95 is the two-sided 95% standard normal quantile, qnorm(0.975).
const z95 = 1.959963984540054

// WilsonInterval returns the Wilson score interval for k successes out of n
// at 95% confidence (as R's prop.test(k, n, correct = FALSE)$conf.int).
// With n = 0 there is no information: the interval is [0, 1].
func WilsonInterval(k, n int64) (low, high float64) {
	if n <= 0 {
		return 0, 1
	}
	return WilsonIntervalShare(float64(k)/float64(n), float64(n))
}

// WilsonIntervalShare is the Wilson score interval of a share p observed
// with an effective sample size n (not necessarily whole: Kish's n for
// weighted data). With n = 0 it is [0, 1].
func WilsonIntervalShare(p, n float64) (low, high float64) {
	if n <= 0 {
		return 0, 1
	}
	z2 := z95 * z95
	den := 1 + z2/n
	center := (p + z2/(2*n)) / den
	half := z95 / den * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	low, high = center-half, center+half
	if p == 0 {
		low = 0
	}
	if p == 1 {
		high = 1
	}
	return math.Max(0, low), math.Min(1, high)
}

// KishN is Kish's effective sample size of weights: (Σw)² / Σw².
func KishN(weights []float64) float64 {
	var s, s2 float64
	for _, w := range weights {
		s += w
		s2 += w * w
	}
	if s2 == 0 {
		return 0
	}
	return s * s / s2
}

// LargestRemainderShares is LargestRemainder for shares that are not
// counts (weighted): percentages summing to 100, ties to the earlier answer.
func LargestRemainderShares(shares []float64) []int64 {
	out := make([]int64, len(shares))
	var total float64
	for _, s := range shares {
		total += s
	}
	if !(total > 0) || math.IsInf(total, 0) {
		return out // nothing to share, or shares that do not add up
	}
	rem := make([]float64, len(shares))
	var given int64
	for i, s := range shares {
		q := 100 * s / total
		out[i] = int64(math.Floor(q + 1e-9))
		rem[i] = q - float64(out[i])
		given += out[i]
	}
	for left := 100 - given; left > 0; left-- {
		best := -1
		for i := range rem {
			if rem[i] >= 0 && (best < 0 || rem[i] > rem[best]+1e-12) {
				best = i
			}
		}
		if best < 0 {
			break // remainders that are not numbers: no more to give
		}
		out[best]++
		rem[best] = -1
	}
	return out
}

// LargestRemainder returns integer percentages of counts that sum to 100:
// each count gets the floor of its exact percentage, and the points left are
// given to the largest remainders (ties to the earlier answer). All zero
// counts give all zero percentages.
func LargestRemainder(counts []int64) []int64 {
	var n int64
	for _, c := range counts {
		n += c
	}
	out := make([]int64, len(counts))
	if n == 0 {
		return out
	}
	rem := make([]int64, len(counts))
	var given int64
	for i, c := range counts {
		out[i] = 100 * c / n
		rem[i] = 100 * c % n // exact remainders in units of 1/n
		given += out[i]
	}
	for left := 100 - given; left > 0; left-- {
		best := -1
		for i := range rem {
			if rem[i] >= 0 && (best < 0 || rem[i] > rem[best]) {
				best = i
			}
		}
		out[best]++
		rem[best] = -1 // each answer gets at most one extra point
	}
	return out
}

// HalfUpPercent returns 100*k/n rounded half up, computed exactly.
func HalfUpPercent(k, n int64) int64 {
	if n <= 0 {
		return 0
	}
	return (200*k + n) / (2 * n)
}
