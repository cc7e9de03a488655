"""Value formats of the clock exports, on data not shaped to fit the code."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from export_builders import dingtalk_raw

from cctool.io.layouts import Context, read_layout
from cctool.io.layouts.values import duration_days, parse_day, parse_slot_time, shift_periods

minutes = st.integers(min_value=0, max_value=24 * 60 - 1)


@given(minutes, st.booleans(), st.sampled_from(["", "外勤", "(补卡)", "（补卡）"]))
def test_slot_time_round_trip(m, next_day, suffix):
    text = ("次日 " if next_day else "") + f"{m // 60:02d}:{m % 60:02d}" + suffix
    day = pd.Series([pd.Timestamp("2021-09-01")])
    got = parse_slot_time(pd.Series([text]), day).iloc[0]
    assert got["time"] == pd.Timestamp("2021-09-01") + pd.Timedelta(days=int(next_day), minutes=m)
    assert got["corrected"] == ("补卡" in suffix) and not got["bad"]


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_dingtalk_and_wecom_dates(d):
    texts = pd.Series([f"{d:%y-%m-%d} 星期一", f"{d:%Y/%m/%d} 星期六", f"{d.year}/{d.month}/{d.day}"])
    days, bad = parse_day(texts)
    assert (days == pd.Timestamp(d)).all() and not bad.any()


@given(st.lists(st.tuples(minutes, minutes), min_size=1, max_size=3))
def test_shift_periods(periods):
    text = "班次 " + " ".join(f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}" for a, b in periods) + " "
    out, free, bad = shift_periods(pd.Series([text]))
    assert list(zip(out["shift_start"], out["shift_end"])) == [(a * 60, b * 60) for a, b in periods]
    assert not free.any() and not bad.any()


@given(st.decimals(min_value="0.5", max_value="80", places=1), st.sampled_from([7.5, 8.0]))
def test_hours_become_days(hours, per_day):
    days, bad = duration_days(pd.Series([f"{hours}小时", f"{hours}天"]), per_day)
    assert days.iloc[0] == float(hours) / per_day and days.iloc[1] == float(hours) and not bad.any()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["张伟", "李娜", "刘洋"]),
                          st.datetimes(min_value=dt.datetime(2020, 11, 1),
                                       max_value=dt.datetime(2020, 11, 30, 23, 59))),
                min_size=1, max_size=25))
def test_raw_punches_read_back(tmp_path, people, punches):
    rows = [dict(name=n, time=t.strftime("%Y-%m-%d %H:%M")) for n, t in punches]
    book = openpyxl.Workbook()
    dingtalk_raw(book, rows, "2020-11-01", "2020-11-30")
    book.save(path := tmp_path / "raw.xlsx")
    got = read_layout(path, "punches", Context("punches", people)).frame
    ids = {"张伟": "A001", "李娜": "A002", "刘洋": "A005"}
    want = sorted((ids[n], pd.Timestamp(t.replace(second=0, microsecond=0))) for n, t in punches)
    assert sorted(zip(got["agent_id"], got["time"])) == want
