"""Spark that cannot start says what is missing (exit 2), never a traceback (exit 1): no Java
for a local Spark; Spark Connect (SPARK_REMOTE) without its packages. No JVM starts here; each
run is a fresh process, as a user's is (the parity tests' session would otherwise be reused)."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.spark
pytest.importorskip("pyspark")
pytest.importorskip("sqlglot")

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path, env: dict, *engine_args: str) -> subprocess.CompletedProcess:
    calls = tmp_path / "calls.csv"
    calls.write_text("agent_id,start_time,connected,success\nA1,2026-08-03 09:00:00,是,否\n", encoding="utf-8")
    full = {k: v for k, v in os.environ.items() if k not in ("SPARK_REMOTE", "CCTOOL_DEBUG", "SPARK_HOME")}
    full.update(env, PYTHONPATH=os.pathsep.join([str(ROOT), full.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-m", "cctool", "call-metrics", "--month", "2026-08", "--calls", str(calls),
                           "--engine", "spark", *engine_args, "--out", str(tmp_path / "m.parquet")],
                          capture_output=True, text=True, env=full, timeout=120)


def test_local_spark_without_java(tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("bash", "sh", "env", "dirname", "uname", "ps", "head", "cat"):  # spark's launcher scripts, no java
        for folder in ("/usr/bin", "/bin"):
            if Path(folder, tool).exists():
                (bare / tool).symlink_to(Path(folder, tool))
                break
    r = run(tmp_path, {"JAVA_HOME": str(tmp_path / "no-java"), "PATH": str(bare)}, "--spark-master", "local[1]")
    assert r.returncode == 2, r.stderr
    assert "Java 17 or newer must be installed" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "m.parquet").exists()


@pytest.mark.skipif(importlib.util.find_spec("grpc") is not None, reason="Spark Connect's packages are installed")
def test_spark_connect_without_its_packages(tmp_path):
    r = run(tmp_path, {"SPARK_REMOTE": "sc://spark-gw.invalid:15002/;token=SECRET"})
    assert r.returncode == 2, r.stderr
    assert 'pip install "pyspark[connect]"' in r.stderr and "SPARK_REMOTE=sc://spark-gw.invalid:15002" in r.stderr
    assert "SECRET" not in r.stderr + r.stdout
