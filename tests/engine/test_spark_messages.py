"""What cctool says when Spark cannot start never shows a Spark Connect token: SPARK_REMOTE's
parameters after `/;` (where a token goes) are left out, and a `;token=` in pyspark's own message
is blanked. Runs without pyspark: only the message is built."""
from __future__ import annotations

from cctool.engine.spark_backend import _cannot_start


class _SparkError(Exception):
    pass


_SparkError.__module__ = "pyspark.errors.exceptions"  # as pyspark's own errors are


def test_a_spark_connect_token_never_reaches_the_message():
    remote = "sc://gateway:15002/;token=s3cr3t;user_id=lead"
    said = str(_cannot_start(_SparkError(f"[CONNECT] cannot reach {remote}: connection refused"), None, remote))
    assert "s3cr3t" not in said and "user_id" not in said
    assert "sc://gateway:15002" in said and "connection refused" in said
    said = str(_cannot_start(_SparkError("handshake failed for ;token=abc123 at host"), None, None))
    assert "abc123" not in said and ";token=…" in said


def test_an_error_not_from_spark_stays_a_bug():
    bug = ValueError("not pyspark's")
    assert _cannot_start(bug, "local[2]", None) is bug


def test_a_token_in_an_sc_master_is_not_shown_either():
    master = "sc://gateway:15002/;token=t0k3n"
    said = str(_cannot_start(_SparkError(f"cannot reach {master}"), master, None))
    assert "t0k3n" not in said and "sc://gateway:15002" in said
