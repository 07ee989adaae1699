"""The wheel ships the grammar: build it, install it apart from the source tree, compile."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_grammar_and_schemas(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("attioql-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for required in ("attioql/attioql.lark", "attioql/py.typed", "attioql/schemas/demo.json",
                     "attioql/schemas/standard.json"):
        assert required in names

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        check=True, capture_output=True,
    )
    script = (
        "import attioql, json, pathlib;"
        "print(pathlib.Path(attioql.__file__).parent);"
        "print(json.dumps(attioql.compile_filter('tier = smb', target='companies', schema='demo')))"
    )
    environment = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=environment,
                            check=True, capture_output=True, text=True)
    location, output = result.stdout.splitlines()
    assert Path(location) == target / "attioql"
    assert output == '{"tier": "SMB"}'
