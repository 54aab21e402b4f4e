"""Merge `reports/results/<env>.json` into the support table: SUPPORT.md, support.html, support.json, heatmap.png.

Stages, one module each, each step one direction:
load (files, schema upgrade) -> merge (pure table model) -> rates, first_working, diff (pure) ->
document (support.json) -> markdown, html, heatmap renderers -> cli (`python -m reports.builder`).
Imports neither TensorFlow nor OpenCV.
"""
