"""Just enough PNG decoding to check a screenshot (8-bit RGB/RGBA, not interlaced: what Chromium writes).

The standard library has zlib but no image decoder, and a test should not pull
in an imaging library to count colours.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {2: 3, 6: 4}  # colour type → bytes per pixel at 8 bits


@dataclass(frozen=True, slots=True)
class Image:
    width: int
    height: int
    channels: int
    pixels: bytes  # rows of width × channels bytes, filters undone

    def colours(self) -> set[tuple[int, int, int]]:
        """The distinct RGB colours (alpha ignored)."""
        step = self.channels
        data = self.pixels
        return {(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data), step)}


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(data: bytes) -> Image:
    """The pixels of a PNG; ValueError for anything else than 8-bit RGB(A) without interlacing."""
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PNG")
    pos, idat = len(SIGNATURE), bytearray()
    width = height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in _CHANNELS or interlace:
                raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}")
            channels = _CHANNELS[colour]
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(bytes(idat))
    stride = width * channels
    out = bytearray(height * stride)
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        method, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if method == 1:
                line[x] = (line[x] + left) & 0xFF
            elif method == 2:
                line[x] = (line[x] + up) & 0xFF
            elif method == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif method == 4:
                line[x] = (line[x] + _paeth(left, up, corner)) & 0xFF
        out[y * stride : (y + 1) * stride] = line
        previous = line
    return Image(width, height, channels, bytes(out))
