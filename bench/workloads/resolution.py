"""Entity resolution over labelled synthetic subjects: seconds, peak memory, precision and recall."""
from __future__ import annotations

import multiprocessing
import resource
import time
from typing import Any

LINK, POSSIBLE = 88, 72  # the defaults of PEP_MATCH_LINK_SCORE and PEP_MATCH_POSSIBLE_SCORE


def _resolve_in_child(records: int, partnerships: int, out: Any) -> None:
    """Runs in a fresh process so that its peak resident memory is the resolution's alone."""
    from engine.resolution import Record, resolve
    from tests.synthetic_people import generate, precision_recall, predicted_pairs, true_pairs

    data = generate(records, partnerships, duplicate_share=0.3, seed=7)
    inputs = [Record(i, str(r.partnership), r.name, r.aliases, r.born) for i, r in enumerate(data)]
    wall, cpu = time.perf_counter(), time.process_time()
    result = resolve(inputs, LINK, POSSIBLE)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    precision, recall = precision_recall(true_pairs(data), predicted_pairs(result.people))
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.put({"wall": wall, "cpu": cpu, "peak_mib": peak_kib / 1024, "precision": precision, "recall": recall,
             "people": len(result.people), "possible": len(result.possible)})


def run(quick: bool = False) -> list[dict[str, Any]]:
    records, partnerships = (10_000, 20) if quick else (100_000, 200)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_resolve_in_child, args=(records, partnerships, queue))
    child.start()
    found = queue.get(timeout=1800)
    child.join()
    return [{"workload": "resolution", "variant": f"{records:,} records, {partnerships} partnerships, 30% duplicates",
             "n": records, "figures": [
                 {"name": "seconds to resolve (wall)", "value": round(found["wall"], 1), "unit": "s"},
                 {"name": "seconds to resolve (CPU)", "value": round(found["cpu"], 1), "unit": "s"},
                 {"name": "peak memory of the resolving process", "value": round(found["peak_mib"]), "unit": "MiB"},
                 {"name": "precision (pairs)", "value": round(found["precision"], 4), "unit": ""},
                 {"name": "recall (pairs)", "value": round(found["recall"], 4), "unit": ""},
                 {"name": "people found", "value": found["people"], "unit": ""},
                 {"name": "possible matches to review", "value": found["possible"], "unit": ""},
             ]}]
