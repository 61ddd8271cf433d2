"""A built wheel carries every fake, every contract and the vocabulary data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from jobfakes.core import registry

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_every_fake_and_contract(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("jobfakes-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for fake in registry.names():
        for module in ("__init__", "params", "backend", "serialize", "views", "errors"):
            assert f"jobfakes/fakes/{fake}/{module}.py" in names
        contract = registry.spec(fake).contract
        assert f"jobfakes/contracts/{contract}" in names
    for data in ("geography.json", "occupations.json", "text.json", "default_world.sqlite.zst"):
        assert f"jobfakes/world/data/nav/{data}" in names
    assert "jobfakes/world/data/nav/words.txt.xz" in names  # the text's vocabulary, both worlds
    for data in ("places.json", "codes.json", "words.txt.xz"):
        assert f"jobfakes/world/data/nl/{data}" in names
    assert "jobfakes/py.typed" in names
    assert "jobfakes/recording/recorder.py" in names  # record/replay ships with the wheel
    for asset in ("index.html", "app.js", "app.css"):  # the dashboard works offline
        assert f"jobfakes/core/dashboard/{asset}" in names


def test_every_fake_has_the_same_modules():
    for fake in registry.names():
        folder = ROOT / "fakes" / fake
        assert {p.stem for p in folder.glob("*.py")} >= {
            "__init__",
            "params",
            "backend",
            "serialize",
            "views",
            "errors",
        }
