"""The version of bpdesk, read by the package metadata, the CLI and the installers."""

__version__ = "0.1.0"
