#!/usr/bin/env python3
"""Expected output of telco.churn_by_string_segment on input.csv, without Tally: plain Python.

The string rules of docs/language.md ("String functions"), written again here: lower() maps
ASCII A-Z only (so "Über" keeps its "Ü"), trim() removes ASCII whitespace at both ends,
starts_with/ends_with compare bytes, substr(s, 1, 3) is the first 3 characters. Groups are
written in byte order of the contract, then false before true. Floats are printed as Python's
repr (the shortest round-trip text, what Tally writes) with a trailing ".0" dropped.
Run: python3 expected.py > expected.csv; with a path (the real Telco file), the same for it.
"""
import csv
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))


def ascii_lower(s):
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def ascii_trim(s):
    return s.strip(" \t\n\v\f\r")


def text(x):
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        r = repr(x)
        return r[:-2] if r.endswith(".0") else r
    return str(x)


def main():
    groups = {}
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "input.csv")
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = (ascii_lower(ascii_trim(row["Contract"])), row["PaymentMethod"].startswith("Bank"))
            groups.setdefault(key, []).append(row)

    print("contract,bank,customers,churned,churn_rate,avg_monthly,automatic,label")
    for key in sorted(groups, key=lambda k: (k[0].encode("utf-8"), k[1])):
        rows = groups[key]
        churned = sum(1 for r in rows if ascii_lower(r["Churn"]) == "yes")
        total = 0.0
        for r in rows:  # in input order, as Tally sums
            total += float(r["MonthlyCharges"])
        automatic = sum(1 for r in rows if r["PaymentMethod"].endswith("(automatic)"))
        label = key[0][:3] + ("/bank" if key[1] else "/other")
        print(",".join(text(x) for x in [key[0], key[1], len(rows), churned, float(churned) / float(len(rows)),
                                          total / len(rows), automatic, label]))


if __name__ == "__main__":
    main()
