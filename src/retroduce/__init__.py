"""Retroduce: a workbench for realist syntheses."""

__version__ = "0.1.0"
