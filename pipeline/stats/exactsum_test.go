package stats

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// bigSum is the exact sum with math/big, rounded once.
func bigSum(xs []float64) float64 {
	acc := new(big.Float).SetPrec(4000)
	for _, x := range xs {
		acc.Add(acc, new(big.Float).SetPrec(4000).SetFloat64(x))
	}
	v, _ := acc.Float64()
	return v
}

func TestExactSumMatchesBigAndIgnoresOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := [][]float64{
		{0.1, 0.2, 0.3},
		{1e16, 1, -1e16},
		{math.MaxFloat64, math.MaxFloat64 / 2, -math.MaxFloat64},
		{5e-324, 5e-324, 1e-310},
		{1, 1e-30, -1},
	}
	var r []float64
	for range 1000 {
		r = append(r, (rng.Float64()-0.3)*math.Pow(10, float64(rng.IntN(40)-20)))
	}
	cases = append(cases, r)
	for i, xs := range cases {
		want := bigSum(xs)
		var a, b, c, d ExactSum
		for _, x := range xs {
			a.Add(x)
		}
		for j := len(xs) - 1; j >= 0; j-- {
			b.Add(xs[j])
		}
		for j, x := range xs { // two halves merged, as chunks are
			if j%2 == 0 {
				c.Add(x)
			} else {
				d.Add(x)
			}
		}
		c.Merge(&d)
		for _, got := range []float64{a.Float64(), b.Float64(), c.Float64()} {
			if got != want {
				t.Errorf("case %d: got %v, want %v", i, got, want)
			}
		}
	}
	var inf ExactSum
	inf.Add(1)
	inf.Add(math.Inf(1))
	if !math.IsInf(inf.Float64(), 1) {
		t.Errorf("1 + Inf = %v", inf.Float64())
	}
}
