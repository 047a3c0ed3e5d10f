#!/usr/bin/env python3
"""Expected output of telco.churn_by_tier on input.csv, without Tally: plain Python.

Quantiles by Hyndman-Fan type 7 as docs/language.md writes it (h = (n-1)*p,
v[i] + (h-i)*(v[i+1]-v[i])); the sample standard deviation over the sorted values, two-pass.
Floats are printed as Python's repr (the shortest round-trip text, what Tally writes), with a
trailing ".0" dropped. Run: python3 expected.py > expected.csv
With a path (the real ../shared/data/telco-churn/Telco-Customer-Churn.csv), the same for
that file: real-data.sh compares it with Tally's output.
"""
import csv
import math
import os
import statistics
import sys

here = os.path.dirname(os.path.abspath(__file__))


def q7(values, p):
    v = sorted(values)
    n = len(v)
    h = float(n - 1) * p
    i = math.floor(h)
    if i >= n - 1:
        return v[n - 1]
    return v[i] + (h - i) * (v[i + 1] - v[i])


def stddev(values):
    v = sorted(values)
    if len(v) < 2:
        return None
    total = 0.0
    for x in v:
        total += x
    m = total / len(v)
    squares = 0.0
    for x in v:
        squares += (x - m) * (x - m)
    return math.sqrt(squares / (len(v) - 1))


def text(x):
    if x is None:
        return ""
    if isinstance(x, float):
        r = repr(x)
        return r[:-2] if r.endswith(".0") else r
    return str(x)


def tier(tenure):
    return "new" if tenure < 12 else "established" if tenure < 48 else "loyal"


groups = {}
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "input.csv")
with open(path, newline="") as f:
    for row in csv.DictReader(f):
        if int(row["tenure"]) < 0:  # `require tenure >= 0` rejects it
            continue
        groups.setdefault(tier(int(row["tenure"])), []).append(row)

print("tier,customers,churned,churn_rate,median_monthly,p25_monthly,p75_monthly,sd_monthly,distinct_charges")
for name in sorted(groups):  # byte order of the key
    rows = groups[name]
    monthly = [float(r["MonthlyCharges"]) for r in rows]
    churned = sum(1 for r in rows if r["Churn"] == "Yes")
    median = q7(monthly, 0.5)
    # A cross-check by another method: statistics.median is (a+b)/2 for even n.
    assert abs(median - statistics.median(monthly)) < 1e-9
    print(",".join(text(x) for x in [
        name, len(rows), churned, float(churned) / float(len(rows)), median,
        q7(monthly, 0.25), q7(monthly, 0.75), stddev(monthly), len(set(monthly))]))
