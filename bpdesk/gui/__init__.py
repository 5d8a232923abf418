"""The window (Qt only): the shell, the workers, the views and the teaching tools."""
