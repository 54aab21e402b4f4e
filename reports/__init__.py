"""Conformance reports: per-env results files (results/) and the merged support table (builder/)."""
