"""Times red-dwarf (PyPI `red-dwarf`, the Python reimplementation of pol.is's math) on a votes
CSV written by the engine benchmark, so both run on the same input on the same machine.
Usage: python run_reddwarf.py VOTES.csv"""
import csv
import sys
import time

from reddwarf.implementations.polis import run_pipeline

votes = []
with open(sys.argv[1]) as f:
    for row in csv.DictReader(f):
        votes.append({
            "participant_id": int(row["participant_id"]),
            "statement_id": int(row["statement_id"]),
            "vote": int(row["vote"]),
            "modified": int(row["modified"]),
        })
# red-dwarf wants one vote per participant and statement: keep the latest (outside the timing).
latest = {}
for v in votes:
    key = (v["participant_id"], v["statement_id"])
    if key not in latest or v["modified"] >= latest[key]["modified"]:
        latest[key] = v
votes = list(latest.values())
start = time.perf_counter()
result = run_pipeline(votes=votes, random_state=0)
elapsed = time.perf_counter() - start
groups = len(set(result.clusterer.labels_)) if result.clusterer is not None else 0
print(f"red-dwarf: {len(votes)} votes, {elapsed:.2f} s, {groups} groups")
