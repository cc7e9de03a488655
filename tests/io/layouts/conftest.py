from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture
def people():
    """A roster as the reader returns it: 张伟 has a DingTalk UserId and a WeCom account, two
    people are called 王芳 (ambiguous by name)."""
    return pd.DataFrame({
        "agent_id": ["A001", "A002", "A003", "A004", "A005"],
        "name": ["张伟", "李娜", "王芳", "王芳", "刘洋"],
        "team": ["T1"] * 5,
        "dingtalk_userid": ["0123456789", None, None, None, None],
        "wecom_account": ["zhangwei", None, None, None, None],
    }).astype({"agent_id": "str", "name": "str"})
