#!/usr/bin/env python3
"""Expected output of telco.charge_rank on input.csv, without Tally: plain Python.

The population is every row with tenure >= 0 (the require uses no window). The 80th
percentile by Hyndman-Fan type 7 as docs/language.md writes it (h = (n-1)*p,
v[i] + (h-i)*(v[i+1]-v[i])); sums and averages add the values in input order, as the
group-by does. Floats are printed as Python's repr (the shortest round-trip text, what Tally
writes), with a trailing ".0" dropped. Run: python3 expected.py > expected.csv
With a path (the real ../shared/data/telco-churn/Telco-Customer-Churn.csv), the same for
that file: real-data.sh compares it with Tally's output.
"""
import csv
import math
import os
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


def text(x):
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        r = repr(x + 0.0)
        return r[:-2] if r.endswith(".0") else r
    return str(x)


path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "input.csv")
with open(path, newline="") as f:
    rows = [r for r in csv.DictReader(f) if int(r["tenure"]) >= 0]
charges = [float(r["MonthlyCharges"]) for r in rows]
p80 = q7(charges, 0.8)
total = 0.0
for x in charges:
    total += x
by_contract = {}
for r in rows:
    by_contract.setdefault(r["Contract"], []).append(float(r["MonthlyCharges"]))
mean = {}
for k, v in by_contract.items():
    s = 0.0
    for x in v:
        s += x
    mean[k] = s / len(v)
print("customerID,top_fifth,vs_contract,share,contract_customers,contract_max")
for r in rows:
    x = float(r["MonthlyCharges"])
    c = r["Contract"]
    print(",".join([r["customerID"], text(x >= p80), text(x - mean[c]), text(x / total),
                    text(len(by_contract[c])), text(max(by_contract[c]))]))
