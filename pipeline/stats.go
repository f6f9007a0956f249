package pipeline

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
	nf := float64(n)
	p := float64(k) / nf
	z2 := z95 * z95
	den := 1 + z2/nf
	center := (p + z2/(2*nf)) / den
	half := z95 / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	low, high = center-half, center+half
	if k == 0 {
		low = 0
	}
	if k == n {
		high = 1
	}
	return math.Max(0, low), math.Min(1, high)
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
