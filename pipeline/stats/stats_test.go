package stats

import (
	"math"
	"testing"
)

// Reference values from testdata/wilson_reference.py, which solves the Wilson
// quadratic independently (the same interval as R's prop.test(correct = FALSE)).
func TestWilsonInterval(t *testing.T) {
	cases := []struct {
		k, n     int64
		low, hig float64
	}{
		{6, 34, 0.0834896905, 0.3351373740},
		{29, 31, 0.7928136326, 0.9821252165},
		{0, 10, 0.0000000000, 0.2775327999},
		{10, 10, 0.7224672001, 1.0000000000},
		{1, 1, 0.2065493144, 1.0000000000},
		{50, 100, 0.4038315304, 0.5961684696},
		{3, 27, 0.0385203483, 0.2805780082},
	}
	for _, c := range cases {
		lo, hi := WilsonInterval(c.k, c.n)
		if math.Abs(lo-c.low) > 1e-9 || math.Abs(hi-c.hig) > 1e-9 {
			t.Errorf("Wilson(%d, %d) = [%.8f, %.8f], want [%.8f, %.8f]", c.k, c.n, lo, hi, c.low, c.hig)
		}
	}
	if lo, hi := WilsonInterval(0, 0); lo != 0 || hi != 1 {
		t.Errorf("Wilson(0, 0) = [%v, %v], want [0, 1]", lo, hi)
	}
}

func TestLargestRemainder(t *testing.T) {
	cases := []struct{ counts, want []int64 }{
		{[]int64{1, 1, 1}, []int64{34, 33, 33}}, // 33.3 each: first gets the point
		{[]int64{6, 28}, []int64{18, 82}},       // 17.6 / 82.4
		{[]int64{1, 1}, []int64{50, 50}},        // exact
		{[]int64{2, 2, 3}, []int64{29, 28, 43}}, // 28.57 28.57 42.86: tie to the first
		{[]int64{0, 0}, []int64{0, 0}},          // nothing to share
		{[]int64{1, 6, 13}, []int64{5, 30, 65}}, // exact
		{[]int64{7, 7, 7, 7, 7, 7, 1}, nil},     // checked by sum only
		{[]int64{0, 5}, []int64{0, 100}},
	}
	for _, c := range cases {
		got := LargestRemainder(c.counts)
		var sum int64
		for _, g := range got {
			sum += g
		}
		if sum != 100 && c.counts[0]+c.counts[len(c.counts)-1] > 0 {
			t.Errorf("LargestRemainder(%v) = %v sums to %d", c.counts, got, sum)
		}
		if c.want == nil {
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("LargestRemainder(%v) = %v, want %v", c.counts, got, c.want)
				break
			}
		}
	}
}

func TestHalfUpPercent(t *testing.T) {
	for _, c := range []struct{ k, n, want int64 }{{1, 8, 13}, {1, 200, 1}, {1, 40, 3}, {0, 7, 0}, {7, 7, 100}, {1, 3, 33}, {2, 3, 67}} {
		if got := HalfUpPercent(c.k, c.n); got != c.want {
			t.Errorf("HalfUpPercent(%d, %d) = %d, want %d", c.k, c.n, got, c.want)
		}
	}
}
