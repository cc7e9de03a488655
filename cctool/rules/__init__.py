"""The rules file: pydantic models of the policy and its loader."""
from cctool.rules.load import default_rules_path, load_rules  # noqa: F401
from cctool.rules.model import Rules  # noqa: F401
