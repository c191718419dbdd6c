"""`python -m bench [WORKLOAD …]`: run the workloads (all by default) and record their figures."""
from __future__ import annotations

import argparse
import importlib
import sys

from bench import machine, report

WORKLOADS = ["isa_roundtrip", "intake", "processing", "tick", "audience", "fanout", "resolution", "reports", "digest"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("workloads", nargs="*", help=f"some of: {', '.join(WORKLOADS)} (default all)")
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the harness works")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/benchmarks.md")
    args = parser.parse_args(argv)
    chosen = args.workloads or WORKLOADS
    unknown = [name for name in chosen if name not in WORKLOADS]
    if unknown:
        print(f"python -m bench: unknown workload {unknown[0]!r} (one of {', '.join(WORKLOADS)})", file=sys.stderr)
        return 2
    results = []
    for name in chosen:
        module = importlib.import_module(f"bench.workloads.{name}")
        print(f"running {name} …", file=sys.stderr, flush=True)
        for result in module.run(quick=args.quick):
            results.append(result)
            for figure in result["figures"]:
                print(f"  {result['workload']} {result.get('variant', '')}: {figure['name']} = "
                      f"{figure['value']} {figure.get('unit', '')}", file=sys.stderr, flush=True)
    described = machine.describe()
    path = report.save(results, described)
    if not args.no_doc:
        report.update_doc(results, described)
    print(f"results in {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
