#!/usr/bin/env python3
"""Generate the drift fixture grid for LarderMonitoring's tests.

Each case is one feature: a reference and a current sample plus what Evidently's DataDriftPreset
defaults make of it — the test its registry picks (evidently/legacy/calculations/stattests/registry.py,
`_get_default_stattest`), that test's score, threshold and verdict, and the PSI beside it. The values
come from evidently itself (which calls scipy), on the columns cleaned the way its
`get_one_column_drift` cleans them: ±inf → NaN, NaN dropped. A side that is empty after cleaning makes
evidently raise; the case then records the error instead of a result.

The grid is deterministic (numpy's PCG64 with fixed seeds) and the samples are rounded before they are
stored, so the Swift tests read exactly the numbers evidently saw. Pinned versions:
scripts/drift_fixtures.requirements.txt.

    .venv/bin/python scripts/drift_fixtures.py > Tests/LarderMonitoringTests/Fixtures/drift_fixtures.json
"""

import json
import math
import os
import sys
import warnings

# evidently walks Python sets of category names, whose order follows the string hash: pin it, so the
# sums (and so the last bits of the scores) come out the same on every run.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})

import numpy as np
import pandas as pd
import scipy
import evidently
from evidently.legacy.calculations.stattests.psi import psi_stat_test
from evidently.legacy.calculations.stattests.registry import get_stattest
from evidently.legacy.core import ColumnType

warnings.filterwarnings("ignore")

MAX_AUTO_N = 10000  # scipy.stats.ks_2samp: method='auto' is exact when max(n1, n2) <= this


def clean(values):
    s = pd.Series(values)
    return s.replace([-np.inf, np.inf], np.nan).dropna()


def encode_num(values):
    out = []
    for v in values:
        v = float(v)
        if math.isnan(v):
            out.append(None)
        elif math.isinf(v):
            out.append("inf" if v > 0 else "-inf")
        elif v == int(v) and abs(v) < 1e15:
            out.append(int(v))
        else:
            out.append(v)
    return out


def evaluate(reference, current, column_type):
    ctype = ColumnType.Numerical if column_type == "num" else ColumnType.Categorical
    if column_type == "num":
        ref = clean(np.asarray(reference, dtype=float))
        cur = clean(np.asarray(current, dtype=float))
    else:
        ref = clean(pd.Series(reference, dtype=object))
        cur = clean(pd.Series(current, dtype=object))
    result = {"reference_size": int(ref.shape[0]), "current_size": int(cur.shape[0])}
    if ref.empty or cur.empty:
        result["error"] = "empty reference" if ref.empty else "empty current"
        return result
    result["n_unique"] = int(pd.concat([ref, cur]).nunique())
    test = get_stattest(ref, cur, ctype, None)
    r = test(ref, cur, ctype, None)
    result.update(
        stattest=test.name,
        stattest_name=test.display_name,
        drift_score=float(r.drift_score),
        stattest_threshold=float(r.actual_threshold),
        drift_detected=bool(r.drifted),
    )
    if test.name == "ks":
        result["ks_exact"] = max(len(ref), len(cur)) <= MAX_AUTO_N
    try:
        p = psi_stat_test(ref, cur, ctype, None)
        result["psi"] = float(p.drift_score)
    except ValueError as e:  # evidently's zero filling takes min() of an empty selection
        result["psi_error"] = str(e)[:80]
    return result


class Grid:
    def __init__(self):
        self.cases = []

    def add(self, name, column_type, reference, current):
        if column_type == "num":
            ref, cur = encode_num(reference), encode_num(current)
        else:
            ref, cur = list(reference), list(current)
        expected = evaluate(reference, current, column_type)
        self.cases.append({"name": name, "column_type": column_type, "reference": ref, "current": cur, "expected": expected})


def continuous(rng, n, shift=0.0, scale=1.0, decimals=3):
    return np.round(rng.normal(shift, scale, n), decimals)


def levels(rng, n, k, tilt=0.0):
    """n draws from k numeric levels; tilt moves probability mass toward the higher levels."""
    values = (np.arange(k) - 4) * 0.5  # short decimals, exact in binary
    weights = np.exp(tilt * np.linspace(0.0, 1.0, k)) * (1.0 + 0.3 * np.cos(np.arange(k)))
    return rng.choice(values, size=n, p=weights / weights.sum())


def categories(rng, n, k, tilt=0.0, prefix="c"):
    names = np.array([f"{prefix}{i}" for i in range(k)])
    weights = np.exp(tilt * np.linspace(0.0, 1.0, k)) * (1.0 + 0.3 * np.cos(np.arange(k)))
    return rng.choice(names, size=n, p=weights / weights.sum())


def build():
    g = Grid()
    rng = np.random.default_rng(20240516)

    # Numeric: reference sizes around the 1,000 cut x unique counts around 2/5/20.
    uniques = [1, 2, 3, 5, 6, 19, 20, 21, 200, None]  # None: continuous
    for n_ref in [2, 5, 40, 100, 999, 1000, 1001, 1500]:
        for k in uniques:
            for tilt, shift in [(0.0, 0.0), (1.5, 0.4)]:
                n_cur = int(rng.choice([100, 137, 400, 1000]))
                if k is None:
                    ref, cur = continuous(rng, n_ref), continuous(rng, n_cur, shift)
                else:
                    ref, cur = levels(rng, n_ref, k), levels(rng, n_cur, k, tilt)
                g.add(f"num ref={n_ref} k={k or 'cont'} cur={n_cur} tilt={tilt}", "num", ref, cur)
    # Big references: Wasserstein / Jensen-Shannon / PSI on 5,000 and 12,000 rows.
    for n_ref, ks in [(5000, [2, 5, 6, 21, None]), (12000, [5, 21, None])]:
        for k in ks:
            n_cur = 2000
            if k is None:
                ref, cur = continuous(rng, n_ref, decimals=2), continuous(rng, n_cur, 0.05, decimals=2)
            else:
                ref, cur = levels(rng, n_ref, k), levels(rng, n_cur, k, 0.3)
            g.add(f"num big ref={n_ref} k={k or 'cont'}", "num", ref, cur)

    # Two-sample KS, exact paths: equal sizes (square method), unequal sizes with various gcds,
    # and up to the 10,000 limit of scipy's 'auto'.
    for n_ref, n_cur, shift in [(100, 100, 0.0), (100, 100, 0.5), (500, 500, 0.1), (1000, 1000, 0.08),
                                (120, 300, 0.2), (7, 100, 1.0), (997, 1000, 0.0), (1000, 10000, 0.05),
                                (999, 4001, 0.0), (640, 1024, 0.12), (10, 101, 0.0), (3, 250, 2.0)]:
        ref = continuous(rng, n_ref, decimals=2 if n_cur > 2000 else 3)
        cur = continuous(rng, n_cur, shift, decimals=2 if n_cur > 2000 else 3)
        g.add(f"ks exact ref={n_ref} cur={n_cur} shift={shift}", "num", ref, cur)
    # Two-sample KS, asymptotic (a current sample over 10,000 rows): kstwo.sf at round(n*m/(n+m)),
    # with shifts reaching the Durbin-matrix, Pelz-Good, Pomeranz and Smirnov regions.
    for n_ref, shift in [(50, 0.3), (50, 0.8), (130, 0.15), (400, 0.0), (400, 0.12), (1000, 0.07), (1000, 0.3),
                         (200, 2.5)]:
        ref = continuous(rng, n_ref, decimals=1)  # ties are fine: both sides read the stored numbers
        cur = continuous(rng, 10001, shift, decimals=1)
        g.add(f"ks asymp ref={n_ref} shift={shift}", "num", ref, cur)

    # Categorical: sizes around the cut x category counts, categories unseen in the reference, nulls.
    for n_ref in [5, 100, 999, 1000, 1001, 2000]:
        for k in [1, 2, 3, 5, 20, 200]:
            for tilt in [0.0, 1.0]:
                n_cur = int(rng.choice([100, 250, 1000]))
                g.add(f"cat ref={n_ref} k={k} tilt={tilt}", "cat", categories(rng, n_ref, k), categories(rng, n_cur, k, tilt))
    for n_ref in [300, 3000]:
        ref = list(categories(rng, n_ref, 4))
        cur = list(categories(rng, 200, 4)) + ["unseen"] * 3
        g.add(f"cat unseen ref={n_ref}", "cat", ref, cur)
        cur2 = list(categories(rng, 200, 1)) + ["new"] * 50
        g.add(f"cat unseen two-valued ref={n_ref}", "cat", list(categories(rng, n_ref, 1)), cur2)
        ref3 = [None if i % 7 == 0 else v for i, v in enumerate(categories(rng, n_ref, 6))]
        cur3 = [None if i % 3 == 0 else v for i, v in enumerate(categories(rng, 300, 6, 0.5))]
        g.add(f"cat nulls ref={n_ref}", "cat", ref3, cur3)
    g.add("cat numeric-looking 2 vs 10", "cat", ["2"] * 60 + ["10"] * 40, ["2"] * 50 + ["10"] * 70)

    # NaN / inf, constants, a reference that falls under the cut once its NaNs are dropped.
    base = continuous(rng, 1010)
    with_nan = base.copy()
    with_nan[::100] = np.nan  # 11 NaNs: 999 rows left, so KS instead of Wasserstein
    g.add("nan drop crosses cut", "num", with_nan, continuous(rng, 300, 0.1))
    mixed = continuous(rng, 400)
    mixed[::13] = np.inf
    mixed[5::17] = -np.inf
    mixed[7::19] = np.nan
    cur = continuous(rng, 300, 0.2)
    cur[::11] = np.nan
    cur[3::29] = np.inf
    g.add("nan and inf mixed", "num", mixed, cur)
    g.add("constants equal", "num", np.full(500, 3.5), np.full(200, 3.5))
    g.add("constants differ", "num", np.full(500, 3.5), np.full(200, 4.0))
    g.add("constants equal big", "num", np.full(2000, -1.0), np.full(300, -1.0))
    g.add("constants differ big", "num", np.full(2000, -1.0), np.full(300, 2.0))
    g.add("constant vs two-valued", "num", np.full(300, 0.0), np.array([0.0] * 150 + [1.0] * 50))
    g.add("all nan current", "num", continuous(rng, 300), np.full(150, np.nan))
    g.add("all inf reference", "num", np.array([np.inf, -np.inf] * 40), continuous(rng, 150))
    g.add("all null categorical current", "cat", list(categories(rng, 200, 3)), [None] * 120)
    g.add("unseen numeric levels small ref", "num", levels(rng, 200, 3), np.array([50.0] * 40 + list(levels(rng, 100, 3))))
    g.add("unseen numeric levels big ref", "num", levels(rng, 2000, 3), np.array([50.0] * 40 + list(levels(rng, 100, 3))))
    # Current samples under 100 rows (insufficient data for Larder; evidently still computes).
    g.add("small current continuous", "num", continuous(rng, 500), continuous(rng, 99))
    g.add("small current categorical", "cat", list(categories(rng, 500, 4)), list(categories(rng, 60, 4)))
    g.add("small current after nan drop", "num", continuous(rng, 500), np.array(list(continuous(rng, 99)) + [np.nan] * 20))
    return g


def special_tables():
    """The distributions behind the p-values on their own, over every region scipy splits them into."""
    from scipy.stats import chi2, kstwo, norm

    kstwo_rows = []
    for n in [1, 2, 5, 10, 50, 100, 140, 141, 200, 385, 909, 1000, 5000]:
        xs = [0.4 / n, 0.7 / n, 0.99 / n, 0.5, 0.73, 1 - 0.6 / n]
        xs += [math.sqrt(c / n) for c in [0.05, 0.3, 0.7, 0.754, 0.76, 1.0, 1.5, 2.1, 2.3, 3.9, 4.1, 6, 10, 20, 100, 369, 400]]
        xs += [(1.4 / n) ** (2 / 3) * f for f in [0.9, 1.1]]
        for x in sorted(set(xs)):
            if 0 < x < 1:
                kstwo_rows.append([n, x, float(kstwo.sf(x, n))])
    chi2_rows = [[df, x, float(chi2.sf(x, df))] for df in [1, 2, 3, 4, 19, 199] for x in [1e-3, 0.5, 1.0, df * 0.5, df - 0.5, float(df), df + 3.0, df * 2.0 + 10, df * 5.0 + 50, 400.0]]
    z_rows = [[z, float(2 * (1 - norm.cdf(abs(z))))] for z in [0.0, 1e-6, 0.3, 0.7071, 0.7072, 1.0, 1.96, 2.5, 4.0, 6.0, 7.5, 8.2, -3.1]]
    return {"kstwo_sf": kstwo_rows, "chi2_sf": chi2_rows, "z_two_sided": z_rows}


def main():
    g = build()
    doc = {
        "generator": "scripts/drift_fixtures.py",
        "versions": {"evidently": evidently.__version__, "scipy": scipy.__version__, "numpy": np.__version__, "pandas": pd.__version__},
        "special": special_tables(),
        "cases": g.cases,
    }
    json.dump(doc, sys.stdout, separators=(",", ":"), allow_nan=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
