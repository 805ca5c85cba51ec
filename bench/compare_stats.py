#!/usr/bin/env python3
"""Compare lmis estimates with R survey's, for bench/stats.sh (stdlib only).

  compare_stats.py compare --by A,B,C --expect N R.csv STAT=LMIS.json...
      R.csv is what bench/stats.R writes (domain, stat, estimate, se; the domain is
      the by-values joined by '.', in the order of --by). Each LMIS.json is the output
      of `lmis survey estimate ... --by A,B,C --json` for the statistic STAT. Every
      (domain, stat) of either side must be on the other, there must be exactly N of
      them, estimates must agree to a relative 1e-9 and standard errors to 1e-6.
      Prints one line `agreement: N estimates, max rel diff estimate A, se B` and
      exits 1 (naming the worst offenders) when anything differs.

  compare_stats.py colbytes SHOW.json COLUMN...
      SHOW.json is `lmis survey show NAME --json`. Prints the bytes of the design
      columns (weight, strata, psu, fpc) and of the named columns (by name or
      concept, as lmis resolves them) as lmis stores them, then their names:
      n_rows times 8 for a numeric column (float64), times 1, 2 or 4 for a
      categorical one (level indices in the fewest bytes that hold n_levels:
      int8 up to 127 levels, int16 up to 32767, else int32), and the fpc once
      per stratum (n_strata x 8) when there are fewer strata than rows.
"""
import csv
import json
import math
import sys

EST_TOL = 1e-9
SE_TOL = 1e-6


def fail(msg):
    print("compare_stats: " + msg, file=sys.stderr)
    sys.exit(2)


def find_rows(doc):
    """The list of estimate rows in an lmis JSON document, wherever it is nested."""
    if isinstance(doc, list):
        if doc and all(isinstance(r, dict) for r in doc) and any("estimate" in r for r in doc):
            return doc
        for item in doc:
            rows = find_rows(item)
            if rows is not None:
                return rows
    elif isinstance(doc, dict):
        for key in ("rows", "estimates", "results", "data"):
            if key in doc:
                rows = find_rows(doc[key])
                if rows is not None:
                    return rows
        for value in doc.values():
            rows = find_rows(value)
            if rows is not None:
                return rows
    return None


def by_value(row, var):
    """A row's level of the by-variable var: top level, or under by/domain."""
    if var in row:
        return str(row[var])
    for key in ("by", "domain"):
        sub = row.get(key)
        if isinstance(sub, dict) and var in sub:
            return str(sub[var])
    return None


def as_number(v):
    if v is None:
        return math.nan
    if isinstance(v, str):
        return float(v)  # "NaN", "Inf" as R writes them
    return float(v)


def rel_diff(a, b):
    """Relative difference of a (lmis) to b (R); both NaN agree; 0 when both are 0."""
    if math.isnan(a) and math.isnan(b):
        return 0.0
    if math.isnan(a) or math.isnan(b):
        return math.inf
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(b), abs(a))


def load_lmis(pairs, by):
    out = {}
    for pair in pairs:
        stat, _, path = pair.partition("=")
        if not path:
            fail("expected STAT=FILE.json, got " + pair)
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        rows = find_rows(doc)
        if rows is None:
            fail(f"{path}: no rows with an estimate")
        for row in rows:
            levels = [by_value(row, v) for v in by]
            if None in levels:
                fail(f"{path}: a row without the by-variables {by}: {row}")
            key = (".".join(levels), stat)
            if key in out:
                fail(f"{path}: domain {key[0]} twice")
            out[key] = (as_number(row.get("estimate")), as_number(row.get("se")))
    return out


def load_r(path):
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out[(row["domain"], row["stat"])] = (as_number(row["estimate"]), as_number(row["se"]))
    return out


def compare(argv):
    by, expect, rest = None, None, []
    i = 0
    while i < len(argv):
        if argv[i] == "--by":
            by = argv[i + 1].split(",")
            i += 2
        elif argv[i] == "--expect":
            expect = int(argv[i + 1])
            i += 2
        else:
            rest.append(argv[i])
            i += 1
    if by is None or len(rest) < 2:
        fail("usage: compare --by A,B --expect N R.csv STAT=LMIS.json...")
    r = load_r(rest[0])
    lm = load_lmis(rest[1:], by)
    problems = []
    for key in sorted(set(r) - set(lm)):
        problems.append(f"{key[1]} {key[0]}: in R's output only")
    for key in sorted(set(lm) - set(r)):
        problems.append(f"{key[1]} {key[0]}: in lmis's output only")
    worst_est, worst_se = (0.0, None), (0.0, None)
    for key in sorted(set(r) & set(lm)):
        (le, ls), (re_, rs) = lm[key], r[key]
        de, ds = rel_diff(le, re_), rel_diff(ls, rs)
        # The maxima are over the pairs of numbers; a number against a missing value
        # (NaN, null) is listed as a problem instead.
        if math.isfinite(de) and de > worst_est[0]:
            worst_est = (de, key)
        if math.isfinite(ds) and ds > worst_se[0]:
            worst_se = (ds, key)
        if de > EST_TOL:
            problems.append(f"{key[1]} {key[0]}: estimate lmis {le!r} R {re_!r} (rel diff {de:.3g})")
        if ds > SE_TOL:
            problems.append(f"{key[1]} {key[0]}: se lmis {ls!r} R {rs!r} (rel diff {ds:.3g})")
    n = len(set(r) & set(lm))
    if expect is not None and n != expect:
        problems.append(f"{n} estimates in common, expected {expect}")
    print(f"agreement: {n} estimates, max rel diff estimate {worst_est[0]:.3g}, se {worst_se[0]:.3g}"
          f" (tolerance {EST_TOL:g}, {SE_TOL:g})")
    if problems:
        print(f"agreement: FAILED, {len(problems)} problem(s):", file=sys.stderr)
        for p in problems[:30]:
            print("  " + p, file=sys.stderr)
        if len(problems) > 30:
            print(f"  ... and {len(problems) - 30} more", file=sys.stderr)
        return 1
    return 0


def colbytes(argv):
    if len(argv) < 1:
        fail("usage: colbytes SHOW.json COLUMN...")
    with open(argv[0], encoding="utf-8") as f:
        doc = json.load(f)
    survey = doc["survey"] if isinstance(doc.get("survey"), dict) else doc
    n = int(survey["n_rows"])
    kinds = {c["name"]: c["kind"] for c in survey["columns"]}
    roles = {c["name"]: c.get("role") for c in survey["columns"]}
    wanted = [name for name, role in roles.items() if role in ("weight", "strata", "psu", "fpc")]
    concepts = {c["concept"]: c["name"] for c in survey["columns"] if c.get("concept")}
    for given in argv[1:]:
        name = given if given in kinds else concepts.get(given)
        if name is None:
            fail(f"no column {given} in the survey (by name or concept)")
        if name not in wanted:
            wanted.append(name)
    nlevels = {c["name"]: int(c.get("n_levels") or 0) for c in survey["columns"]}
    nstrata = int(survey.get("design", {}).get("n_strata") or 1)

    def stored(c):
        if roles[c] == "fpc" and nstrata < n:
            return nstrata * 8
        if kinds[c] == "numeric":
            return n * 8
        k = nlevels[c]
        return n * (1 if k <= 127 else 2 if k <= 32767 else 4)

    total = sum(stored(c) for c in wanted)
    print(total, " ".join(wanted))
    return 0


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("compare", "colbytes"):
        fail("usage: compare_stats.py compare|colbytes ... (see the file's header)")
    return (compare if sys.argv[1] == "compare" else colbytes)(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
