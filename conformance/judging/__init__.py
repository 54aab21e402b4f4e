"""Judging: the verdict on one run, a cell's identity, the known failures and rejudging committed results."""
