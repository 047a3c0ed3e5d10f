# Expected output of cdnow.recency, computed with Python's datetime (not Tally):
#   python3 expected.py > expected.csv
import csv, datetime, sys
as_of = datetime.date(1998, 6, 30)
w = sys.stdout
w.write("customer_id,recency_days,month_start,quarter,weekday,cents\n")
for r in csv.DictReader(open("input.csv")):
    try:
        d = datetime.datetime.strptime(r["date"], "%Y%m%d").date()
        assert len(r["date"]) == 8
    except (ValueError, AssertionError):
        continue  # rejected: not a date in YYYYMMDD form
    v = float(r["dollar_value"])
    if v < 0:
        continue  # rejected by the require
    cents = int(abs(v) * 100 + 0.5) * (1 if v >= 0 else -1)  # round half away from zero
    w.write(f"{r['customer_id']},{(as_of - d).days},{d.replace(day=1)},{(d.month + 2) // 3},{d.isoweekday()},{cents}\n")
