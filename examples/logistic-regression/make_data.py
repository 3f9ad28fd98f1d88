"""Writes a linearly separable-ish two-feature CSV (deterministic) for train.py."""
import random
import sys

random.seed(7)
out = sys.stdout
out.write("x1,x2,label\n")
for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 400):
    x1, x2 = random.uniform(-3, 3), random.uniform(-3, 3)
    label = 1 if 2 * x1 - x2 + random.gauss(0, 0.5) > 0 else 0
    out.write(f"{x1:.4f},{x2:.4f},{label}\n")
