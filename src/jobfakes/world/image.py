"""The embedded default world: the database of `WorldConfig()` as built, shipped compressed.

Building 5000 ads takes seconds of CPU; loading this image takes a few hundredths of one, so
`jobfakes serve` on its defaults starts at once. zstd, not xz: the same ratio within 30 %, and
it decompresses 25 MB in 30 ms where xz took 270 ms, most of the cold start. A test checks
that the image holds exactly what a fresh build gives; after changing the generator or its
vocabulary, rebuild it with `python -m jobfakes.world.image`.
"""

from __future__ import annotations

import sqlite3
from concurrent.futures import Future, ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path

import zstandard

IMAGE_NAME = "default_world.sqlite.zst"


def image_path() -> Path:
    return Path(str(files("jobfakes.world.data.nav") / IMAGE_NAME))


def decompressing() -> Future[bytes] | None:
    """The default world's database, decompressing in a thread (zstd lets go of the GIL), or
    None when the image is missing."""
    if not image_path().exists():
        return None
    pool = ThreadPoolExecutor(1)
    future = pool.submit(lambda: zstandard.decompress(image_path().read_bytes()))
    pool.shutdown(wait=False)
    return future


def write_image(conn: sqlite3.Connection, path: Path) -> None:
    path.write_bytes(zstandard.ZstdCompressor(level=19).compress(conn.serialize()))


def _rebuild() -> None:
    from jobfakes.world.world import World, WorldConfig

    world = World(WorldConfig(), use_image=False)
    write_image(world.store.conn, image_path())
    print(f"wrote {image_path()} ({image_path().stat().st_size} bytes)")


if __name__ == "__main__":
    _rebuild()
