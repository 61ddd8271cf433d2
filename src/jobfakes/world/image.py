"""The embedded default world: the database of `WorldConfig()` as built, shipped compressed.

Building 5000 ads takes most of a second of CPU; loading this image takes a tenth of that, so
`jobfakes serve` on its defaults starts at once. A test checks that the image holds exactly
what a fresh build gives; after changing the generator or its vocabulary, rebuild it with
`python -m jobfakes.world.image`.
"""

from __future__ import annotations

import lzma
import sqlite3
from concurrent.futures import Future, ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path

IMAGE_NAME = "default_world.sqlite.xz"


def image_path() -> Path:
    return Path(str(files("jobfakes.world.data.nav") / IMAGE_NAME))


def decompressing() -> Future[bytes] | None:
    """The default world's database, decompressing in a thread (lzma lets go of the GIL), or
    None when the image is missing."""
    if not image_path().exists():
        return None
    pool = ThreadPoolExecutor(1)
    future = pool.submit(lambda: lzma.decompress(image_path().read_bytes()))
    pool.shutdown(wait=False)
    return future


def write_image(conn: sqlite3.Connection, path: Path) -> None:
    path.write_bytes(lzma.compress(conn.serialize(), preset=9 | lzma.PRESET_EXTREME))


def _rebuild() -> None:
    from jobfakes.world.world import World, WorldConfig

    world = World(WorldConfig(), use_image=False)
    write_image(world.store.conn, image_path())
    print(f"wrote {image_path()} ({image_path().stat().st_size} bytes)")


if __name__ == "__main__":
    _rebuild()
