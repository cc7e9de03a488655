"""cctool: a call centre's operations manual, applied to its own exports."""

__version__ = "0.1.0"
