package stats

import (
	"math"
	"math/big"
)

// ExactSum adds float64 values without rounding: the result, rounded once
// at the end, is the same whatever the order of the additions. The
// counting pass sums weights in parallel chunks, and the reference path in
// file order; both must give the same bytes.
//
// A finite float64 is m·2^e with m below 2^53 and e from -1074 to 971, so
// it is an integer multiple of 2^-1074 below 2^2098: the sum is kept as
// that integer, in signed 32-bit limbs held in int64s (room for 2^30
// additions between two carry passes).
type ExactSum struct {
	limbs [limbCount]int64
	adds  int
	inf   int8 // +1 or -1 once an infinity was added; NaN sets nan
	nan   bool
}

const (
	limbCount  = 68
	limbMask   = 1<<32 - 1
	carryEvery = 1 << 30
)

// Add adds x.
func (s *ExactSum) Add(x float64) {
	switch {
	case x == 0:
		return
	case math.IsNaN(x):
		s.nan = true
		return
	case math.IsInf(x, 0):
		if s.inf != 0 && (s.inf > 0) != (x > 0) {
			s.nan = true
		}
		s.inf = 1
		if x < 0 {
			s.inf = -1
		}
		return
	}
	bits := math.Float64bits(x)
	exp := int((bits >> 52) & 0x7ff)
	mant := bits & (1<<52 - 1)
	if exp == 0 {
		exp = 1 // subnormal
	} else {
		mant |= 1 << 52
	}
	p := exp - 1 // position of mant's bit 0, counted from 2^-1074
	i, sh := p/32, uint(p%32)
	lo := int64((mant << sh) & limbMask)
	rest := mant >> (32 - sh)
	mid, hi := int64(rest&limbMask), int64(rest>>32)
	if x < 0 {
		lo, mid, hi = -lo, -mid, -hi
	}
	s.limbs[i] += lo
	s.limbs[i+1] += mid
	s.limbs[i+2] += hi
	if s.adds++; s.adds >= carryEvery {
		s.carry()
	}
}

// carry brings every limb but the last back into [0, 2^32).
func (s *ExactSum) carry() {
	for i := 0; i < limbCount-1; i++ {
		c := s.limbs[i] >> 32
		s.limbs[i] -= c << 32
		s.limbs[i+1] += c
	}
	s.adds = 0
}

// Merge adds everything o holds.
func (s *ExactSum) Merge(o *ExactSum) {
	s.carry()
	c := *o
	c.carry()
	for i := range s.limbs {
		s.limbs[i] += c.limbs[i]
	}
	s.adds = 2
	if o.nan {
		s.nan = true
	}
	if o.inf != 0 {
		if s.inf != 0 && s.inf != o.inf {
			s.nan = true
		}
		s.inf = o.inf
	}
}

// Sub takes o out of s exactly; o must be finite (an infinity or a NaN
// added cannot be taken out).
func (s *ExactSum) Sub(o *ExactSum) {
	s.carry()
	c := *o
	c.carry()
	for i := range s.limbs {
		s.limbs[i] -= c.limbs[i]
	}
	s.adds = 2
}

// Finite reports whether no infinity or NaN was added.
func (s *ExactSum) Finite() bool { return s.inf == 0 && !s.nan }

// Float64 is the sum rounded to the nearest float64 (ties to even).
func (s *ExactSum) Float64() float64 {
	switch {
	case s.nan:
		return math.NaN()
	case s.inf != 0:
		return math.Inf(int(s.inf))
	}
	c := *s
	c.carry()
	n := new(big.Int)
	for i := limbCount - 1; i >= 0; i-- {
		n.Lsh(n, 32)
		n.Add(n, big.NewInt(c.limbs[i]))
	}
	f := new(big.Float).SetPrec(2200).SetInt(n)
	f.SetMantExp(f, -1074)
	v, _ := f.Float64()
	return v
}
