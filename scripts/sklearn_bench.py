#!/usr/bin/env python3
"""scikit-learn side of the training benchmark, on the same time split as TrainingBenchmark.

usage: sklearn_bench.py TRAINING.parquet [LARDER_LOGISTIC_ARTIFACT.json]
Split: rows ordered by (event_timestamp, row index); the latest 20 % validate (round(n * 0.2) rows).
Models: mean imputation + missing indicator + StandardScaler + LogisticRegression(C=1);
HistGradientBoostingClassifier(max_iter=100, early_stopping=False) (ours is run with early stopping off too).
"""
import sys, time
import numpy as np
import pyarrow.parquet as pq
import sklearn
from sklearn.pipeline import make_pipeline
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import StandardScaler
from sklearn.linear_model import LogisticRegression
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score, log_loss

FEATURES = ["conv_rate", "acc_rate", "avg_daily_trips", "current_balance", "avg_passenger_count", "lifetime_trip_count"]
t = pq.read_table(sys.argv[1])
X = np.column_stack([t[c].to_numpy(zero_copy_only=False).astype(np.float64) for c in FEATURES])
y = t["trip_completed"].to_numpy().astype(np.int64)
ts = t["event_timestamp"].to_numpy().astype("datetime64[us]").astype(np.int64)
order = np.lexsort((np.arange(len(ts)), ts))
n_val = int(round(len(ts) * 0.2))
tr, va = order[: len(ts) - n_val], order[len(ts) - n_val:]

def compare_logistic(pipeline, artifact_path):
    """Max difference between Larder's coefficients and sklearn's (the benchmarked default lbfgs fit, and
    a reference fit converged tightly with newton-cholesky, tol 1e-10) on the same standardized inputs."""
    import json
    art = json.load(open(artifact_path))
    ours = dict(zip(art["preprocessor"]["outputNames"], art["linear"]["weights"]))
    reference = make_pipeline(SimpleImputer(strategy="mean", add_indicator=True), StandardScaler(),
                              LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-10, max_iter=1000)).fit(X[tr], y[tr])
    for label, fitted in [("default lbfgs", pipeline), ("newton-cholesky tol 1e-10", reference)]:
        ind = [FEATURES[i] + "__missing" for i in fitted[0].indicator_.features_]
        theirs = dict(zip(FEATURES + ind, fitted[-1].coef_[0]))
        diff = max(abs(ours[k] - theirs[k]) for k in ours)
        print(f"  logistic coefficients vs sklearn {label}: max |diff| over {len(ours)} weights {diff:.1e}, "
              f"intercept diff {abs(art['linear']['intercept'] - fitted[-1].intercept_[0]):.1e}")

def run(name, model):
    Xtr, ytr = X[tr], y[tr]
    t0, c0 = time.perf_counter(), time.process_time()
    model.fit(Xtr, ytr)
    fit, cpu = time.perf_counter() - t0, time.process_time() - c0
    p = model.predict_proba(X[va])[:, 1]
    print(f"sklearn {sklearn.__version__} {name:<20} fit {fit:7.3f} s (cpu {cpu:6.2f} s)  AUC {roc_auc_score(y[va], p):.4f}  "
          f"logloss {log_loss(y[va], p):.4f}  train {len(tr)} valid {len(va)}", flush=True)
    return model

lr = run("logistic", make_pipeline(SimpleImputer(strategy="mean", add_indicator=True), StandardScaler(),
                                   LogisticRegression(C=1.0, max_iter=1000)))
if len(sys.argv) > 2:
    compare_logistic(lr, sys.argv[2])
run("hist-gbt(100)", HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0))
