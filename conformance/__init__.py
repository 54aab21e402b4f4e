"""Conformance harness, by stage: `opencv/` (the isolated OpenCV side), `judging/` (verdict, cells, known failures),
`evidence/` (runtime checks, triage, reproducer bundles), `suite/` (the pytest suite), and beside them the matrix of
versions, the results files, layouts and `measure` (one cell from export to verdict)."""
