#!/usr/bin/env python3
"""Expected output of telco.segment_key on a Telco file, without Tally (the string rules of
docs/language.md written again in Python, as in expected.py). Run: python3 expected_key.py FILE"""
import csv
import sys

from expected import ascii_lower, ascii_trim  # noqa: E402  (the same two rules)

print("customerID,segment,id_prefix,method_chars")
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        bank = row["PaymentMethod"].startswith("Bank")
        segment = ascii_lower(ascii_trim(row["Contract"])) + ("/bank" if bank else "/other")
        print(",".join([row["customerID"], segment, row["customerID"][:4], str(len(row["PaymentMethod"]))]))
