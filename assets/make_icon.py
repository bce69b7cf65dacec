#!/usr/bin/env python3
"""Draws assets/icon.png, the extension's icon (512x512 RGBA, the size Claude Desktop recommends): a rounded clay square
with three white report bars and a baseline. Standard library only (zlib + struct),
so it runs anywhere: python3 assets/make_icon.py."""
import struct
import zlib
from pathlib import Path

SIZE = 512
# The drawing is on a 256 grid, scaled up.
K = SIZE // 256
CLAY = (217, 119, 87)
WHITE = (255, 255, 255)


def inside_rounded_square(x, y, margin=8 * K, radius=48 * K):
    lo, hi = margin, SIZE - 1 - margin
    if not (lo <= x <= hi and lo <= y <= hi):
        return False
    cx = min(max(x, lo + radius), hi - radius)
    cy = min(max(y, lo + radius), hi - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius


# Bars (left, right, top) above a baseline at y=196.
BARS = [tuple(v * K for v in bar) for bar in [(60, 96, 132), (110, 146, 92), (160, 196, 60)]]
BASELINE = tuple(v * K for v in (52, 204, 196, 208))


def pixel(x, y):
    if not inside_rounded_square(x, y):
        return (0, 0, 0, 0)
    for left, right, top in BARS:
        if left <= x <= right and top <= y <= BASELINE[2] - 8 * K:
            return WHITE + (255,)
    x0, x1, y0, y1 = BASELINE
    if x0 <= x <= x1 and y0 <= y <= y1:
        return WHITE + (255,)
    return CLAY + (255,)


def png(width, height, rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(value for px in row for value in px) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    rows = [[pixel(x, y) for x in range(SIZE)] for y in range(SIZE)]
    out = Path(__file__).with_name("icon.png")
    out.write_bytes(png(SIZE, SIZE, rows))
    print(f"wrote {out} ({out.stat().st_size} bytes)")
