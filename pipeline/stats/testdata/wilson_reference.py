"""Reference Wilson 95% intervals for stats_test.go, computed independently of
the Go code: the interval is the pair of roots p of (p_hat - p)^2 = z^2 p (1-p) / n,
solved as a quadratic. Run: python3 testdata/wilson_reference.py"""
import math
from statistics import NormalDist

z = NormalDist().inv_cdf(0.975)
for k, n in [(6, 34), (29, 31), (0, 10), (10, 10), (1, 1), (50, 100), (3, 27)]:
    ph, z2 = k / n, z * z
    a, b, c = 1 + z2 / n, -(2 * ph + z2 / n), ph * ph
    d = math.sqrt(b * b - 4 * a * c)
    print(f"{{{k}, {n}, {(-b - d) / (2 * a):.10f}, {(-b + d) / (2 * a):.10f}}},")
