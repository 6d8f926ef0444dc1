"""Runs red-dwarf (PyPI `red-dwarf`, the Python reimplementation of pol.is's math) on the six
openData development conversations, one update on the final votes (red-dwarf has no replay),
and prints time, number of groups and adjusted Rand index against pol.is's own `group-id`, as
the engine benchmark does for itself. Moderated-out comments are left out, as in the engine.
Usage: python run_reddwarf_polis.py POLIS_DATA_DIR"""
import csv
import warnings
import os
import sys
import time

warnings.filterwarnings("ignore")
from reddwarf.implementations.polis import run_pipeline  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402

NAMES = [
    "15-per-hour-seattle",
    "london.youth.policing",
    "football-concussions",
    "scoop-hivemind.affordable-housing",
    "scoop-hivemind.freshwater",
    "scoop-hivemind.ubi",
]


def load(folder):
    moderated_out = set()
    with open(os.path.join(folder, "comments.csv")) as f:
        for row in csv.DictReader(f):
            if row["moderated"].strip() == "-1":
                moderated_out.add(int(row["comment-id"]))
    latest = {}
    with open(os.path.join(folder, "votes.csv")) as f:
        for row in csv.DictReader(f):
            tid = int(row["comment-id"])
            if tid in moderated_out:
                continue
            vote = {
                "participant_id": int(row["voter-id"]),
                "statement_id": tid,
                "vote": int(row["vote"]),
                "modified": int(row["timestamp"]),
            }
            key = (vote["participant_id"], tid)
            if key not in latest or vote["modified"] >= latest[key]["modified"]:
                latest[key] = vote
    polis = {}
    with open(os.path.join(folder, "participants-votes.csv")) as f:
        for row in csv.DictReader(f):
            if row["group-id"].strip() != "":
                polis[int(row["participant"])] = int(row["group-id"])
    k = None
    with open(os.path.join(folder, "summary.csv")) as f:
        for line in f:
            if line.startswith("groups,"):
                k = int(line.split(",")[1])
    return list(latest.values()), polis, k


total, right, ari_sum = 0.0, 0, 0.0
for name in NAMES:
    votes, polis, polis_k = load(os.path.join(sys.argv[1], name))
    start = time.perf_counter()
    result = run_pipeline(votes=votes, random_state=0)
    elapsed = time.perf_counter() - start
    total += elapsed
    frame = result.participants_df
    ours = {int(pid): int(g) for pid, g in frame["cluster_id"].dropna().items() if int(g) >= 0}
    groups = len(set(ours.values()))
    both = [p for p in polis if p in ours]
    ari = adjusted_rand_score([polis[p] for p in both], [ours[p] for p in both]) if both else float("nan")
    right += int(groups == polis_k)
    ari_sum += ari
    print(f"red-dwarf {name}: {len(votes)} votes, {elapsed * 1000:.0f} ms, k {groups} (pol.is {polis_k}), ARI {ari:.3f} over {len(both)}")
print(f"red-dwarf all 6: {total:.2f} s, {right}/6 k right, mean ARI {ari_sum / 6:.3f}")
