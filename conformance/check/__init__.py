"""Bring your own model: `python -m conformance.check MODEL --opencv 4.9,4.12 --out DIR` runs it through every
route on each asked OpenCV, with the suite's own routes, OpenCV side, verdict, triage and known failures
(docs/check.md). model.py: the TF side (reading the model, its inputs and reference); run.py: the cells;
similar.py: the catalogue cell that fails the same way; output.py: the table, the advice and the --out folder."""
