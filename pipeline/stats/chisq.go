package stats

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// DropEmpty removes rows and columns whose total is zero.
func DropEmpty(t [][]int64) [][]int64 {
	var rows, cols []int
	for i, r := range t {
		var s int64
		for _, v := range r {
			s += v
		}
		if s > 0 {
			rows = append(rows, i)
		}
	}
	if len(t) > 0 {
		for j := range t[0] {
			var s int64
			for _, r := range t {
				s += r[j]
			}
			if s > 0 {
				cols = append(cols, j)
			}
		}
	}
	out := make([][]int64, len(rows))
	for i, ri := range rows {
		out[i] = make([]int64, len(cols))
		for j, cj := range cols {
			out[i][j] = t[ri][cj]
		}
	}
	return out
}

// Pearson returns Pearson's X² of a table and its smallest expected count.
func Pearson(t [][]int64) (stat, minExpected float64) {
	rowSum := make([]float64, len(t))
	colSum := make([]float64, len(t[0]))
	var n float64
	for i, r := range t {
		for j, v := range r {
			rowSum[i] += float64(v)
			colSum[j] += float64(v)
			n += float64(v)
		}
	}
	minExpected = math.Inf(1)
	for i, r := range t {
		for j, v := range r {
			e := rowSum[i] * colSum[j] / n
			minExpected = math.Min(minExpected, e)
			d := float64(v) - e
			stat += d * d / e
		}
	}
	return stat, minExpected
}

// Seed is the random seed of a question's simulated p-value: from its
// name, so that runs agree.
func Seed(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// SimulatedP permutes the answers across respondents (keeping both margins)
// and counts the tables at least as extreme as the observed one.
func SimulatedP(observed float64, rows, cols []int, r, c int, s uint64) float64 {
	rng := rand.New(rand.NewPCG(s, 0x5eed))
	perm := append([]int(nil), cols...)
	t := make([][]int64, r)
	for i := range t {
		t[i] = make([]int64, c)
	}
	// R compares with a relative tolerance so ties in X² count as extreme.
	limit := observed * (1 - 64*2.220446049250313e-16)
	extreme := 0
	for b := 0; b < Simulations; b++ {
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		for i := range t {
			clear(t[i])
		}
		for k := range rows {
			t[rows[k]][perm[k]]++
		}
		if stat, _ := Pearson(t); stat >= limit {
			extreme++
		}
	}
	return float64(1+extreme) / float64(1+Simulations)
}

// ChiSquareSurvival is P(X > x) for X chi-square with df degrees of freedom:
// the regularised upper incomplete gamma function Q(df/2, x/2).
func ChiSquareSurvival(x, df float64) float64 {
	if x <= 0 {
		return 1
	}
	return gammaQ(df/2, x/2)
}

// gammaQ is the regularised upper incomplete gamma function, by its series
// (x < a+1) or its continued fraction (modified Lentz), to full precision.
func gammaQ(a, x float64) float64 {
	lg, _ := math.Lgamma(a)
	if x < a+1 {
		sum, term := 1/a, 1/a
		for n := 1; n < 1000; n++ {
			term *= x / (a + float64(n))
			sum += term
			if math.Abs(term) < math.Abs(sum)*1e-17 {
				break
			}
		}
		return 1 - sum*math.Exp(-x+a*math.Log(x)-lg)
	}
	const tiny = 1e-300
	b := x + 1 - a
	c := 1 / tiny
	d := 1 / b
	h := d
	for i := 1; i < 1000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-17 {
			break
		}
	}
	return math.Exp(-x+a*math.Log(x)-lg) * h
}

// Simulations is the number of random tables of a Monte Carlo p-value (R's
// default for chisq.test(simulate.p.value = TRUE)).
const Simulations = 2000
