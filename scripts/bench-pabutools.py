#!/usr/bin/env python3
"""Times pabutools on a .pb file, for crates/domain/benches/budget.rs.

Usage: bench-pabutools.py FILE.pb greedy|mes-add1

greedy:   greedy_utilitarian_welfare with Cost_Sat (projects by votes, skipping those that
          no longer fit), pabutools' reading of Pabulib's "greedy".
mes-add1: method_of_equal_shares with Cost_Sat and voter_budget_increment=1, pabutools'
          reading of Pabulib's "equalshares/add1".

Prints one JSON line: {"rule", "parse_s", "rule_s", "selected": [project ids]}.
Needs pabutools (pip install pabutools); tested with pabutools 1.2.3.
"""

import json
import sys
import time

from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[2] not in ("greedy", "mes-add1"):
        sys.exit(__doc__)
    path, rule = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    instance, profile = parse_pabulib(path)
    parsed = time.perf_counter()
    if rule == "greedy":
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    else:
        outcome = method_of_equal_shares(
            instance, profile, sat_class=Cost_Sat, voter_budget_increment=1
        )
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "rule": rule,
                "parse_s": parsed - started,
                "rule_s": done - parsed,
                "selected": sorted(p.name for p in outcome),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
