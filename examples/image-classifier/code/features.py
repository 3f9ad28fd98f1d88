"""Colour features of an image, shared by training (train.py) and serving (customize_service.py):
the mean colour of its vivid pixels (those far from grey), how many there are, the mean and spread
of each channel, and a coarse joint colour histogram (4 levels per channel)."""
import numpy as np
from PIL import Image

LEVELS = 4
VIVID = 0.2  # a pixel whose channels differ by more than this (of 1.0) counts as coloured


def features(file):
    """file: a path or a binary file object of any image PIL reads."""
    with Image.open(file) as img:
        rgb = np.asarray(img.convert("RGB").resize((32, 32)), dtype=np.float64) / 255.0
    pixels = rgb.reshape(-1, 3)
    vivid = pixels[pixels.max(axis=1) - pixels.min(axis=1) > VIVID]
    vivid_mean = vivid.mean(axis=0) if len(vivid) else pixels.mean(axis=0)
    bins = np.minimum((pixels * LEVELS).astype(int), LEVELS - 1)
    index = bins[:, 0] * LEVELS * LEVELS + bins[:, 1] * LEVELS + bins[:, 2]
    histogram = np.bincount(index, minlength=LEVELS ** 3) / len(pixels)
    return np.concatenate([vivid_mean, [len(vivid) / len(pixels)], pixels.mean(axis=0), pixels.std(axis=0), histogram])
