"""Reading the centre's exports: files -> typed DataFrames plus the issues found on the way."""
