"""The canonical schedule holds several shifts per person and day (a split day): keyed on
agent_id + date + shift_start; an exact duplicate or a second row with the same start is a
duplicate, and a shift starting before the same person's earlier shift has ended is an error."""
from cctool.io.readers import read_table


def _read(tmp_path, body: str):
    path = tmp_path / "schedule.csv"
    path.write_text("agent_id,date,shift_start,shift_end\n" + body, encoding="utf-8")
    return read_table(path, "schedule")


def test_split_day_is_two_shifts(tmp_path):
    t = _read(tmp_path, "E1,2026-10-01,08:00,11:20\nE1,2026-10-01,13:50,16:40\n"
                        "E2,2026-10-01,09:00,18:00\nE2,2026-10-01,18:00,22:00\n")  # touching is no overlap
    assert t.issues == []
    assert len(t.frame) == 4
    assert list(t.frame["_row"]) == [2, 3, 4, 5]


def test_exact_duplicate_and_same_start_are_duplicates(tmp_path):
    t = _read(tmp_path, "E1,2026-10-01,08:00,11:20\nE1,2026-10-01,08:00,11:20\nE1,2026-10-01,08:00,12:00\n")
    assert len(t.frame) == 1 and t.frame["_row"].tolist() == [2]
    assert [(i.row, i.column, i.value) for i in t.issues] == [(3, "agent_id", "E1 / 2026-10-01 / 08:00"),
                                                             (4, "agent_id", "E1 / 2026-10-01 / 08:00")]
    assert all("duplicate agent_id+date+shift_start (first at row 2); row excluded" in i.problem for i in t.issues)


def test_overlapping_shifts_the_later_one_is_excluded(tmp_path):
    # listed afternoon first: the overlap is judged by time, the shift starting later is the error
    t = _read(tmp_path, "E1,2026-10-01,11:00,15:00\nE1,2026-10-01,08:00,12:00\n"
                        "E1,2026-10-02,08:00,11:20\nE1,2026-10-02,13:50,16:40\n")
    assert sorted(t.frame["_row"]) == [3, 4, 5]
    [issue] = t.issues
    assert (issue.row, issue.column, issue.value) == (2, "shift_start", "11:00-15:00")
    assert "overlaps the same person's shift at row 3; row excluded" in issue.problem


def test_night_shift_overlapping_next_morning(tmp_path):
    t = _read(tmp_path, "E1,2026-10-01,22:00,06:00\nE1,2026-10-02,05:00,13:00\nE1,2026-10-03,06:00,14:00\n"
                        "E2,2026-10-01,22:00,06:00\nE2,2026-10-02,06:00,14:00\n")
    assert sorted(t.frame["_row"]) == [2, 4, 5, 6]
    [issue] = t.issues
    assert issue.row == 3 and "at row 2" in issue.problem


def test_a_shift_inside_a_long_one_names_the_long_one(tmp_path):
    t = _read(tmp_path, "E1,2026-10-01,08:00,20:00\nE1,2026-10-01,09:00,10:00\nE1,2026-10-01,12:00,13:00\n")
    assert t.frame["_row"].tolist() == [2]
    assert [(i.row, "at row 2" in i.problem) for i in t.issues] == [(3, True), (4, True)]
