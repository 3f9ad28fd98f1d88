"""Logistic regression with Python's standard library: a ModelArts-style training script.

Reads every CSV file of the data_url input (numeric feature columns, the label in the last column,
0 or 1, a header row), trains by batch gradient descent, prints the loss and accuracy as it learns,
and writes model.json and metrics.json to the train_url output.
"""
import argparse
import csv
import glob
import json
import math
import os


def load(data_url):
    files = [data_url] if os.path.isfile(data_url) else sorted(glob.glob(os.path.join(data_url, "**", "*.csv"), recursive=True))
    rows = []
    header = None
    for path in files:
        with open(path, newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            rows += [[float(v) for v in r] for r in reader if r]
    if not rows:
        raise SystemExit(f"no CSV rows found under {data_url}")
    return header, [r[:-1] for r in rows], [r[-1] for r in rows]


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def main():
    parser = argparse.ArgumentParser(description="logistic regression")
    parser.add_argument("--data_url", required=True)
    parser.add_argument("--train_url", required=True)
    parser.add_argument("--learning_rate", type=float, default=0.5)
    parser.add_argument("--epochs", type=int, default=200)
    args, _ = parser.parse_known_args()

    header, xs, ys = load(args.data_url)
    n, d = len(xs), len(xs[0])
    # Standardize features so one learning rate suits them all.
    means = [sum(x[j] for x in xs) / n for j in range(d)]
    stds = [math.sqrt(sum((x[j] - means[j]) ** 2 for x in xs) / n) or 1.0 for j in range(d)]
    xs = [[(x[j] - means[j]) / stds[j] for j in range(d)] for x in xs]
    w, b = [0.0] * d, 0.0
    rank = os.environ.get("MA_TASK_INDEX", "0")
    print(f"rank {rank}: {n} samples, {d} features, lr={args.learning_rate}, epochs={args.epochs}")

    def evaluate():
        loss, correct = 0.0, 0
        for x, y in zip(xs, ys):
            p = sigmoid(sum(wj * xj for wj, xj in zip(w, x)) + b)
            p = min(max(p, 1e-12), 1 - 1e-12)
            loss -= y * math.log(p) + (1 - y) * math.log(1 - p)
            correct += (p >= 0.5) == (y >= 0.5)
        return loss / n, correct / n

    first_loss, _ = evaluate()
    for epoch in range(1, args.epochs + 1):
        gw, gb = [0.0] * d, 0.0
        for x, y in zip(xs, ys):
            err = sigmoid(sum(wj * xj for wj, xj in zip(w, x)) + b) - y
            for j in range(d):
                gw[j] += err * x[j]
            gb += err
        w = [wj - args.learning_rate * g / n for wj, g in zip(w, gw)]
        b -= args.learning_rate * gb / n
        if epoch == 1 or epoch % 50 == 0 or epoch == args.epochs:
            loss, acc = evaluate()
            print(f"epoch {epoch}: loss={loss:.4f} accuracy={acc:.4f}")

    loss, acc = evaluate()
    os.makedirs(args.train_url, exist_ok=True)
    with open(os.path.join(args.train_url, "model.json"), "w") as f:
        json.dump({"features": header[:-1], "means": means, "stds": stds, "weights": w, "bias": b}, f, indent=2)
    with open(os.path.join(args.train_url, "metrics.json"), "w") as f:
        json.dump({"initial_loss": first_loss, "loss": loss, "accuracy": acc, "samples": n}, f, indent=2)
    print(f"final: loss={loss:.4f} accuracy={acc:.4f} (initial loss {first_loss:.4f})")


if __name__ == "__main__":
    main()
