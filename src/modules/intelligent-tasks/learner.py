"""The learning engine of intelligent tasks, run as a sandboxed workload.

Reads <work>/input.json: {"mode": "classify" | "group", "algorithm": "fast" | "accurate",
"labeled": [[features...]], "labels": [int...], "unlabeled": [[features...]], "n_clusters": int,
"hard_low": float, "hard_high": float}. Writes output.json (into <work>, or the folder given second)
and prints "progress <percent>" lines as it goes. Uses only numpy and scikit-learn; nothing is downloaded.
"""
import json
import os
import sys
import time

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.preprocessing import StandardScaler, normalize

TEXT_DIMS = 1024
from sklearn.semi_supervised import SelfTrainingClassifier


def tfidf(job, *parts):
    """Texts: terms weighed by rarity over all the samples; a term of one sample only is dropped."""
    if not job.get("text"):
        return parts
    rows = [np.asarray(p, dtype=np.float64).reshape(-1, TEXT_DIMS) for p in parts]
    both = np.vstack(rows)
    keep = (both > 0).sum(axis=0) >= 2
    model = TfidfTransformer(sublinear_tf=True).fit(both[:, keep])
    return tuple(model.transform(r[:, keep]).toarray() for r in rows)


def progress(p):
    print(f"progress {p}", flush=True)


def classifier(text):
    # TF-IDF rows are already comparable; image features of different kinds are standardised first.
    if text:
        return LogisticRegression(C=10.0, max_iter=2000)
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=2000))


def classify(job):
    x = np.asarray(job["labeled"], dtype=np.float64)
    y = np.asarray(job["labels"], dtype=np.int64)
    u = np.asarray(job["unlabeled"], dtype=np.float64)
    x, u = tfidf(job, x, u)
    progress(20)
    if job.get("algorithm") == "accurate" and len(u) > 0:
        # Self-training: confident predictions on the unlabeled samples join the training set.
        model = SelfTrainingClassifier(classifier(job.get("text")), threshold=0.8, max_iter=5)
        model.fit(np.vstack([x, u]), np.concatenate([y, -np.ones(len(u), dtype=np.int64)]))
    else:
        model = classifier(job.get("text"))
        model.fit(x, y)
    progress(70)
    proba = model.predict_proba(u) if len(u) > 0 else np.zeros((0, 1))
    classes = model.classes_
    low, high = float(job.get("hard_low", 0.0)), float(job.get("hard_high", 1.0))
    out = []
    for row in proba:
        order = np.argsort(row)[::-1]
        best = float(row[order[0]])
        margin = best - float(row[order[1]]) if len(order) > 1 else best
        out.append({"label": int(classes[order[0]]), "score": best, "margin": margin, "in_scope": low <= best <= high})
    progress(95)
    return {"predictions": out}


def group(job):
    (u,) = tfidf(job, np.asarray(job["unlabeled"], dtype=np.float64))
    k = int(job["n_clusters"])
    progress(20)
    # Unit-length rows, reduced to their main directions (LSA for texts), then k-means.
    z = normalize(u)
    dims = min(20, z.shape[0] - 1, z.shape[1])
    if dims >= k and z.shape[1] > dims:
        z = normalize(TruncatedSVD(n_components=dims, random_state=0).fit_transform(z))
    model = KMeans(n_clusters=k, n_init=20, random_state=0).fit(z)
    progress(95)
    return {"groups": [int(g) for g in model.labels_]}


def main():
    # learner.py WORK [OUT]: input.json is read from WORK, output.json written to OUT (default WORK); on the Kubernetes
    # executor OUT is the folder stage.py uploads.
    work = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else work
    with open(f"{work}/input.json", encoding="utf-8") as f:
        job = json.load(f)
    progress(5)
    pause = float(os.environ.get("ATELIER_LEARNER_PAUSE_S", "0") or 0)
    if pause > 0:
        time.sleep(pause)
    result = classify(job) if job["mode"] == "classify" else group(job)
    os.makedirs(out, exist_ok=True)
    with open(f"{out}/output.json.tmp", "w", encoding="utf-8") as f:
        json.dump(result, f)
    os.replace(f"{out}/output.json.tmp", f"{out}/output.json")
    progress(100)


if __name__ == "__main__":
    main()
