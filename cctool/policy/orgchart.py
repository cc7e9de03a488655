"""The reporting line of the roster: who stands above whom, and who is "the manager"."""
from __future__ import annotations

import pandas as pd

ROLE_RANK = {"agent": 0, "team_lead": 1, "supervisor": 2, "deputy_manager": 3, "manager": 4,
             "ops_manager": 4, "support_manager": 4, "director": 5}
DEPARTMENT_MANAGER = {"operations": "ops_manager", "support": "support_manager"}
MAX_DEPTH = 12


class OrgChart:
    def __init__(self, roster: pd.DataFrame):
        self.roster = roster.set_index("agent_id", drop=False)
        self.role = _as_dict(roster, "role")
        self.department = _as_dict(roster, "department") if "department" in roster else {}
        self._above: dict[str, list[str]] = {}
        self.boss = _as_dict(roster[roster["reports_to"].notna()], "reports_to") if "reports_to" in roster else {}

    def line_above(self, agent_id: str) -> list[str]:
        """Everyone above `agent_id`, nearest first (stops at loops and unknown ids). Kept per
        person: every approval of every request of theirs asks again."""
        if agent_id not in self._above:
            self._above[agent_id] = self._walk_up(agent_id)
        return list(self._above[agent_id])

    def _walk_up(self, agent_id: str) -> list[str]:
        out, seen, current = [], {agent_id}, agent_id
        for _ in range(MAX_DEPTH):
            nxt = self.boss.get(current)
            if nxt is None or nxt in seen:
                break
            out.append(nxt)
            seen.add(nxt)
            current = nxt
        return out

    def resolve_role(self, required: str, requester: str) -> str:
        """`manager` means the requester's department's manager (POLICY.md)."""
        if required == "manager":
            return DEPARTMENT_MANAGER.get(self.department.get(requester, "operations"), "ops_manager")
        return required

    def may_approve(self, approver: str, required: str, requester: str) -> tuple[bool, str]:
        """An approval counts only from the required role in the requester's own line, or
        from the centre's director / the department's manager."""
        role = self.resolve_role(required, requester)
        actual = self.role.get(approver)
        if actual is None:
            return False, f"{approver} is not in the roster"
        if actual != role:
            return False, f"{approver} is {actual}, not {role}"
        if role == "director" or role == self.resolve_role("manager", requester):
            return True, ""
        if approver in self.line_above(requester):
            return True, ""
        return False, f"{approver} ({role}) is not in {requester}'s reporting line"


def _as_dict(roster: pd.DataFrame, column: str) -> dict:
    """agent_id -> the column's value, as `Series.to_dict` gives it (the last row of an id wins, a
    blank as the column holds it) through two `tolist` calls: `to_dict` reads an Arrow string column cell by cell."""
    return dict(zip(roster["agent_id"].tolist(), roster[column].tolist()))
