#!/usr/bin/env python3
"""Computes expected.csv for this case without Tally: NPS per segment, then the segment's
weight and label from metrics/cx/segment_weights.csv (absent segment -> empty cells)."""
import csv, os
here = os.path.dirname(os.path.abspath(__file__))
table = {r["segment"]: r for r in csv.DictReader(open(os.path.join(here, "metrics/cx/segment_weights.csv")))}
groups = {}
for r in csv.DictReader(open(os.path.join(here, "input.csv"))):
    rating = int(r["rating"])
    if not 0 <= rating <= 10:
        continue  # the require rejects it
    groups.setdefault(r["segment"], []).append(rating)
def fmt(x):
    if x is None:
        return ""
    return str(int(x)) if x == int(x) else repr(x)
out = ["segment,responses,nps,label,weight,weighted"]
for seg in sorted(groups):
    g = groups[seg]
    nps = 100 * (sum(1 for x in g if x >= 9) - sum(1 for x in g if x <= 6)) / len(g)
    row = table.get(seg)
    weight = float(row["weight"]) if row else None
    label = row["label"] if row and row["label"] else None
    out.append(",".join([seg, str(len(g)), fmt(nps), label or "", fmt(weight), fmt(None if weight is None else nps * weight)]))
print("\n".join(out))
