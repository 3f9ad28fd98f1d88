"""Makes a folder of small synthetic images for the image-classifier example: coloured shapes
(circles, squares, triangles) on a noisy background, one folder per colour, the layout a ModelArts
image classification dataset reads its labels from:

    python3 make_images.py OUT [--per-class 20] [--seed 1] [--misplace]

writes OUT/red/red-000.png, OUT/green/..., OUT/blue/... (32x32 PNG). With --misplace one red image
is put into green/ as green/misplaced-red.png: a wrong label for the walkthrough to correct. The
same command with another seed makes held-out images the model has never seen."""
import argparse
import os
import random

from PIL import Image, ImageDraw

# Each class is a colour: its hue varies a little, its brightness more, and the shape does not matter.
COLOURS = {
    "red": (200, 40, 40),
    "green": (40, 170, 60),
    "blue": (40, 70, 200),
}
SIZE = 32


def jitter(rgb, rng):
    scale = rng.uniform(0.7, 1.2)
    return tuple(max(0, min(255, int(c * scale + rng.randint(-25, 25)))) for c in rgb)


def image(colour, rng):
    grey = rng.randint(150, 235)
    img = Image.new("RGB", (SIZE, SIZE), (grey, grey, grey))
    px = img.load()
    for x in range(SIZE):
        for y in range(SIZE):
            n = rng.randint(-20, 20)
            px[x, y] = tuple(max(0, min(255, grey + n)) for _ in range(3))
    draw = ImageDraw.Draw(img)
    r = rng.randint(8, 13)
    cx, cy = rng.randint(r, SIZE - r), rng.randint(r, SIZE - r)
    fill = jitter(COLOURS[colour], rng)
    shape = rng.choice(["circle", "square", "triangle"])
    if shape == "circle":
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
    elif shape == "square":
        draw.rectangle([cx - r, cy - r, cx + r, cy + r], fill=fill)
    else:
        draw.polygon([(cx, cy - r), (cx - r, cy + r), (cx + r, cy + r)], fill=fill)
    return img


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out")
    p.add_argument("--per-class", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--misplace", action="store_true", help="put one red image into green/")
    args = p.parse_args()
    rng = random.Random(args.seed)
    for colour in COLOURS:
        os.makedirs(os.path.join(args.out, colour), exist_ok=True)
        for i in range(args.per_class):
            image(colour, rng).save(os.path.join(args.out, colour, "%s-%03d.png" % (colour, i)))
    if args.misplace:
        image("red", rng).save(os.path.join(args.out, "green", "misplaced-red.png"))
    print("wrote %d images per class to %s" % (args.per_class, args.out))


if __name__ == "__main__":
    main()
