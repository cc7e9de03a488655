"""The call log as every command that reads it takes it: `--calls` aggregated by `--engine`
(DuckDB here, or Spark at `--spark-master` / SPARK_REMOTE), or `--metrics`, the small file
`cctool call-metrics` wrote. One object per run; the commands ask it for the small tables."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from cctool.errors import CctoolError


def engine_of(engine: str, spark_master: Optional[str]):
    from cctool.engine import Engine

    engine = str(engine)  # the CLI passes a str Enum member; the engine layer keeps plain words
    if spark_master and engine != "spark":
        raise CctoolError("--spark-master needs --engine spark")
    return Engine(engine, spark_master)


@dataclass
class CallsInput:
    """Where this run's call figures come from, and the input records they leave on the report."""

    calls: Optional[Path]
    metrics: Optional[Path]
    engine: object
    rules: object
    records: list = field(default_factory=list)
    _file: object = None
    _sha: object = None

    @classmethod
    def of(cls, calls, metrics, engine: str, spark_master, rules, *, required: bool = True) -> "CallsInput":
        if calls is not None and metrics is not None:
            raise CctoolError("give --calls or --metrics, not both")
        if required and calls is None and metrics is None:
            raise CctoolError("missing option: --calls (the call log) or --metrics (from `cctool call-metrics`)")
        if metrics is not None and (engine != "duckdb" or spark_master):
            raise CctoolError("--engine and --spark-master apply to --calls; --metrics is already aggregated")
        return cls(calls, metrics, engine_of(engine, spark_master), rules)

    @property
    def label(self) -> str:
        """The call log's name for coverage lines: the log itself, or the one the metrics came from."""
        return str(self.calls) if self.metrics is None else str(self._metrics().meta["calls"])

    @property
    def given(self) -> bool:
        return self.calls is not None or self.metrics is not None

    def _metrics(self):
        from cctool.engine import metrics_file

        if self._file is None:
            self._file = metrics_file.read(self.metrics)
            metrics_file.check_rules(self._file, self.rules)
        return self._file

    def fingerprint(self) -> str:
        """The call log's SHA-256 ("-" for a URL); computed once (a command may start it early,
        in a thread, beside the aggregation)."""
        from cctool.engine.calls import calls_fingerprint

        if self._sha is None:
            self._sha = (calls_fingerprint(self.calls) if self.metrics is None else self._metrics().meta.get(
                "calls_sha256")) or "-"
        return self._sha

    def _record(self, rows: int) -> None:
        """The call log's fingerprint on the report; via a metrics file, the file and the log it was made from."""
        from cctool.io.readers import file_sha256
        from cctool.report.writer import InputRecord

        if self.records:
            return
        if self.metrics is None:
            self.records.append(InputRecord("calls", str(self.calls), self.fingerprint(), rows))
            return
        m = self._metrics()
        self.records.append(InputRecord("calls", f"{m.meta['calls']} (via {self.metrics})", self.fingerprint(), rows))
        self.records.append(InputRecord("call_metrics", str(self.metrics), file_sha256(Path(self.metrics)), rows))

    def _limits(self) -> dict:
        """The rules file's limits: plausible amounts and durations, and how large an .xlsx
        call log may be before it is read."""
        return dict(limits=self.rules.limits)

    def _require_success(self, frame, success_optional: bool) -> None:
        """A metrics file made from a call log without success serves only where the call log
        itself would (grading.calls_without_success: grade_other_criteria, never pay): the same
        refusal as reading that log, not successes counted as 0."""
        if frame.attrs.get("has_success") is False and not success_optional:
            from cctool.errors import InputError

            raise InputError(
                f"{self.metrics}: made by call-metrics from a call log without a success column "
                f"({self._metrics().meta.get('calls')}); this report needs success: monthly-payroll always (commission "
                "is paid per successful call), grade-agents, kpi-report and daily-brief unless the rules file sets "
                "grading.calls_without_success: grade_other_criteria")

    def per_agent(self, start, end, known, *, cph_calls="all", success_denominator="connected",
                  success_optional=False):
        if self.metrics is not None:
            from cctool.engine import metrics_file

            out = metrics_file.per_agent(self._metrics(), start, end, known, cph_calls=cph_calls,
                                         success_denominator=success_denominator)
            self._require_success(out[0], success_optional)
        else:
            from cctool.engine.calls import call_metrics

            out = call_metrics(self.calls, start, end, known, cph_calls=cph_calls,
                               success_denominator=success_denominator,
                               aliases=self.rules.columns.aliases.get("calls"),
                               field_map=self.rules.columns.mapping("calls"), success_optional=success_optional,
                               engine=self.engine, **self._limits())
        self._record(int(out[0].attrs.get("rows_read", 0)))
        return out

    def daily(self, start, end, known, *, windows, schedule: Optional[Path]):
        if self.metrics is not None:
            from cctool.engine import metrics_file
            from cctool.io.readers import file_sha256, split_spec

            dated_by = file_sha256(split_spec(schedule)[0]) if windows is not None and schedule is not None else None
            out = metrics_file.daily(self._metrics(), start, end, known, dated_by=dated_by)
            self._require_success(out[0], self.rules.grading.calls_without_success == "grade_other_criteria")
        else:
            from cctool.engine.calls import daily_call_metrics

            # A log without success is read when the rules grade on the other criteria
            # (grading.calls_without_success): success rates are then unknown, never met.
            out = daily_call_metrics(self.calls, start, end, known, windows=windows,
                                     aliases=self.rules.columns.aliases.get("calls"),
                                     field_map=self.rules.columns.mapping("calls"), engine=self.engine,
                                     success_optional=self.rules.grading.calls_without_success
                                     == "grade_other_criteria", **self._limits())
        self._record(int(out[0].attrs.get("rows_read", 0)))
        return out

    def shift_counts(self, shifts):
        """(per-shift calls, centre CPH) for PAY-OT."""
        from cctool.engine import calls as engine_calls

        if self.metrics is None:
            return engine_calls.shift_call_counts(self.calls, shifts, self.rules,
                                                  aliases=self.rules.columns.aliases.get("calls"),
                                                  field_map=self.rules.columns.mapping("calls"), engine=self.engine)
        from cctool.engine import metrics_file

        windows = engine_calls.shift_windows(shifts)
        if windows.empty:
            return windows.reindex(columns=["agent_id", "date", "shift_start_at", "calls", "hours"]), None
        per_shift = metrics_file.shift_counts(self._metrics(), windows)
        return per_shift, engine_calls.centre_cph(per_shift)
