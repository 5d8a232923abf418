"""Stepping: the step vocabulary, the step machine with its undo history, traces and snapshots."""
