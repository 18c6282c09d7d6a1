"""Hearth as the HTTP benchmarks serve it: its own settings plus a server-time header (see settings.py)."""
