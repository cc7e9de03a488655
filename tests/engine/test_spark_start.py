"""Spark that cannot start says what is missing (exit 2), never a traceback (exit 1): no Java
for a local Spark; Spark Connect (SPARK_REMOTE) without its packages. No JVM starts here; each
run is a fresh process, as a user's is (the parity tests' session would otherwise be reused)."""
from __future__ import annotations

import importlib.util
import json
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
    calls.write_text("call_id,agent_id,start_time,connected,success\n1,A1,2026-08-03 09:00:00,是,否\n", encoding="utf-8")
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


def test_spark_submit_runs_the_readme_job_on_its_own_master(tmp_path):
    """README "When one machine is not enough": spark-submit runs a .py file that calls cctool;
    spark-submit's --master is the one used (cctool sets none of its own: a local[*] set here
    would quietly run a `--master yarn` job on the edge node alone)."""
    import pyarrow.parquet as pq

    submit = Path(sys.executable).parent / "spark-submit"
    if not submit.exists():
        pytest.skip("no spark-submit beside this python")
    calls = tmp_path / "calls.csv"
    calls.write_text("call_id,agent_id,start_time,connected,success\n1,A1,2026-08-03 09:00:00,是,否\n"
                     "2,A1,2026-08-04 09:00:00,否,否\n", encoding="utf-8")
    job = tmp_path / "cctool_job.py"
    job.write_text("from cctool.engine import Engine\nfrom cctool.engine.spark_backend import session\n"
                   "print('master:', session(Engine('spark')).sparkContext.master)\n"
                   "from cctool.cli.main import run; run()\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("SPARK_REMOTE", "CCTOOL_DEBUG")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env["PYSPARK_PYTHON"] = env["PYSPARK_DRIVER_PYTHON"] = sys.executable
    r = subprocess.run([str(submit), "--master", "local[1]", "--conf", "spark.ui.enabled=false", str(job),
                        "call-metrics", "--month", "2026-08", "--calls", str(calls), "--engine", "spark",
                        "--out", str(tmp_path / "m.parquet")], capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "master: local[1]" in r.stdout
    meta = json.loads(pq.read_schema(tmp_path / "m.parquet").metadata[b"cctool.metrics"])
    assert meta["engine"] == "spark" and meta["rows_read"] == 2
