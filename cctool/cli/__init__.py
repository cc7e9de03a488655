"""The thin Typer layer: options -> one pipeline call -> render. The only code that knows
typer, rich or exit codes."""
