"""Pure policy functions: DataFrames and pydantic rules in, DataFrames out. No I/O."""
