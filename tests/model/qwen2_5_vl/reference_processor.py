"""Independent reference for Qwen2.5-VL's image processor, written with Pillow and numpy (Debian's python3-pil and
python3-numpy), following the published processor's steps: smart resize (Python round), Pillow bicubic, rescale,
normalise, repeat over the temporal patch, and the (t, h/m, w/m, m, m, C, T, P, P) patch layout.

Usage: python3 reference_processor.py IMAGE PREPROCESSOR_CONFIG OUT.json
Writes {"grid": [t, h, w], "shape": [rows, cols], "pixel_values": [...]} (row-major float32 values)."""
import json
import math
import sys

import numpy as np
from PIL import Image


def smart_resize(height, width, factor, min_pixels, max_pixels):
    if height < factor or width < factor:
        raise ValueError(f"height:{height} or width:{width} must be larger than factor:{factor}")
    if max(height, width) / min(height, width) > 200:
        raise ValueError("absolute aspect ratio must be smaller than 200")
    h_bar = round(height / factor) * factor
    w_bar = round(width / factor) * factor
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt((height * width) / max_pixels)
        h_bar = max(factor, math.floor(height / beta / factor) * factor)
        w_bar = max(factor, math.floor(width / beta / factor) * factor)
    elif h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h_bar = math.ceil(height * beta / factor) * factor
        w_bar = math.ceil(width * beta / factor) * factor
    return h_bar, w_bar


def main():
    image_path, config_path, out_path = sys.argv[1:4]
    cfg = json.load(open(config_path))
    ps, tp, m = cfg["patch_size"], cfg["temporal_patch_size"], cfg["merge_size"]
    image = Image.open(image_path).convert("RGB")
    h, w = smart_resize(image.height, image.width, ps * m, cfg["min_pixels"], cfg["max_pixels"])
    resized = np.asarray(image.resize((w, h), resample=Image.BICUBIC))  # (h, w, 3) uint8
    x = (resized.astype(np.float64) * (1 / 255)).astype(np.float32)
    x = (x - np.array(cfg["image_mean"], dtype=np.float32)) / np.array(cfg["image_std"], dtype=np.float32)
    x = x.transpose(2, 0, 1)[np.newaxis]  # (1, 3, h, w)
    x = np.tile(x, (tp, 1, 1, 1))
    gt, gh, gw = x.shape[0] // tp, h // ps, w // ps
    x = x.reshape(gt, tp, 3, gh // m, m, ps, gw // m, m, ps).transpose(0, 3, 6, 4, 7, 2, 1, 5, 8)
    rows = x.reshape(gt * gh * gw, 3 * tp * ps * ps)
    json.dump({"grid": [gt, gh, gw], "shape": list(rows.shape), "pixel_values": rows.astype(np.float32).ravel().tolist()}, open(out_path, "w"))


main()
