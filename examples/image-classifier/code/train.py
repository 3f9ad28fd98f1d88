"""Trains an image classifier on a labeled dataset version and writes a ModelArts model package.

A training job runs it with a dataset version as its data_url input. Atelier stages the images the
version lists and passes the path of a manifest whose sources are local files, as --data_url (and
as the environment variable data_url). Each manifest line is one sample:
{"source": "/.../red-000.png", "usage": "TRAIN", "annotation": [{"name": "red", "type": "modelarts/image_classification", ...}]}

The classifier is scikit-learn's random forest on colour features (features.py). Samples the
version marks EVAL (a train_evaluate_sample_ratio below 1) measure it; without any, a fifth of the
samples is held back for that. The result goes to --train_url as the package the guide specifies
for Scikit_Learn:

    model/model.m               the fitted classifier (joblib)
    model/config.json           model type, API (multipart "images" file in, label and scores out)
    model/customize_service.py  _preprocess reads the image, _postprocess names the label
    model/features.py           the same features as in training
"""
import argparse
import json
import os
import shutil
import sys

# The sandbox gives no shared memory for joblib's process pool: say at once that there is none,
# rather than have joblib find out and warn.
os.environ.setdefault("JOBLIB_MULTIPROCESSING", "0")

import joblib  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402

from features import features  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def read_manifest(path):
    samples = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            s = json.loads(line)
            names = [a["name"] for a in s.get("annotation", []) if a.get("type", "").endswith("image_classification")]
            if len(names) == 1:  # unlabeled samples do not train; this is single-label classification
                samples.append((s["source"], names[0], s.get("usage", "TRAIN")))
    return samples


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data_url", default=os.environ.get("data_url"))
    p.add_argument("--train_url", default=os.environ.get("train_url"))
    p.add_argument("--n_estimators", type=int, default=100)
    args, _unknown = p.parse_known_args()
    if not args.data_url or not args.train_url:
        sys.exit("give --data_url (a dataset version's manifest) and --train_url (the output folder)")

    samples = read_manifest(args.data_url)
    if len({label for _s, label, _u in samples}) < 2:
        sys.exit("the version needs labeled samples of at least two classes, it has %d sample(s)" % len(samples))
    train = [s for s in samples if s[2] != "EVAL"]
    held = [s for s in samples if s[2] == "EVAL"]
    if not held:
        rng = np.random.default_rng(0)
        order = rng.permutation(len(samples))
        cut = max(1, len(samples) // 5)
        held = [samples[i] for i in order[:cut]]
        train = [samples[i] for i in order[cut:]]
    print("training on %d image(s), measuring on %d" % (len(train), len(held)))

    X = np.array([features(src) for src, _l, _u in train])
    y = np.array([label for _s, label, _u in train])
    model = RandomForestClassifier(n_estimators=args.n_estimators, random_state=0)
    model.fit(X, y)
    accuracy = float(np.mean(model.predict(np.array([features(src) for src, _l, _u in held])) == np.array([l for _s, l, _u in held])))
    # One line in the metrics format: name=value pairs.
    print("accuracy=%.4f" % accuracy)

    out = os.path.join(args.train_url, "model")
    os.makedirs(out, exist_ok=True)
    joblib.dump(model, os.path.join(out, "model.m"))
    for name in ("config.json", "customize_service.py"):
        shutil.copy(os.path.join(HERE, "serving", name), os.path.join(out, name))
    shutil.copy(os.path.join(HERE, "features.py"), os.path.join(out, "features.py"))
    with open(os.path.join(out, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    config["metrics"] = {"accuracy": round(accuracy, 4)}
    with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
    print("classes %s; model package written to %s" % (", ".join(model.classes_), out))


if __name__ == "__main__":
    main()
