"""Modal screens: help, traceback and the CPU vs GPU benchmark table."""
