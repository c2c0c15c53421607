#!/usr/bin/env python3
"""Quantiles of one Prometheus histogram family from /metrics text on stdin,
its label sets summed, interpolated linearly inside a bucket as PromQL's
histogram_quantile does. Usage: histogram_quantiles.py NAME Q [Q...]
Prints `count=N q0.5=... q0.99=...` in the family's unit."""
import re
import sys


def main():
    name, qs = sys.argv[1], [float(q) for q in sys.argv[2:]]
    buckets = {}
    for line in sys.stdin:
        m = re.match(r'%s_bucket\{(.*)\} (\S+)' % re.escape(name), line)
        if not m:
            continue
        le = re.search(r'le="([^"]+)"', m.group(1)).group(1)
        bound = float("inf") if le == "+Inf" else float(le)
        buckets[bound] = buckets.get(bound, 0.0) + float(m.group(2))
    bounds = sorted(buckets)
    total = buckets.get(float("inf"), 0.0)
    out = [f"count={int(total)}"]
    for q in qs:
        rank, lo, below, v = q * total, 0.0, 0.0, float("nan")
        for b in bounds:
            if total and buckets[b] >= rank:
                v = b if b == float("inf") else lo + (b - lo) * (rank - below) / max(buckets[b] - below, 1e-12)
                break
            lo, below = b, buckets[b]
        out.append(f"q{q}={v}")
    print(" ".join(out))


if __name__ == "__main__":
    main()
