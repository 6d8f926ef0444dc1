#!/usr/bin/env python3
"""Times pabutools on a .pb file, for crates/domain/benches/budget.rs.

Usage: bench-pabutools.py FILE.pb greedy|mes-add1

greedy:   greedy_utilitarian_welfare with Cost_Sat (projects by votes, skipping those that
          no longer fit), pabutools' reading of Pabulib's "greedy".
mes-add1: method_of_equal_shares with Cost_Sat and voter_budget_increment=1, pabutools'
          reading of Pabulib's "equalshares/add1".

Prints one JSON line: {"rule", "parse_s", "rule_s", "selected": [project ids]}, or
{"rule", "error"} when pabutools runs out of memory in Python (gmpy2 aborts the whole process
instead when it cannot get memory: then nothing is printed). Its memory is capped at
INSPRAAK_PABUTOOLS_MEMORY_GB (default 8) GiB of address space, so that a large election cannot
take the machine's memory: pabutools' equal shares on 100,000 ballots grew past 11 GiB.
Needs pabutools (pip install pabutools); tested with pabutools 1.2.3.
"""

import json
import os
import resource
import sys
import time

from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[2] not in ("greedy", "mes-add1"):
        sys.exit(__doc__)
    path, rule = sys.argv[1], sys.argv[2]
    limit = int(float(os.environ.get("INSPRAAK_PABUTOOLS_MEMORY_GB", "8")) * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    started = time.perf_counter()
    parsed = started
    try:
        instance, profile = parse_pabulib(path)
        parsed = time.perf_counter()
        if rule == "greedy":
            outcome = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
        else:
            outcome = method_of_equal_shares(
                instance, profile, sat_class=Cost_Sat, voter_budget_increment=1
            )
    except MemoryError:
        spent = time.perf_counter() - started
        print(
            json.dumps(
                {
                    "rule": rule,
                    "error": f"out of memory ({limit / 2**30:g} GiB) after "
                    f"{spent:.0f} s (parse {parsed - started:.1f} s)",
                }
            ),
            flush=True,
        )
        return
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
