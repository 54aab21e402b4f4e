"""Merge `reports/results/<env>.json` into the support table: SUPPORT.md and its pages (routes/, families/),
DIFF.md, support.json, support.html and heatmaps (`python -m reports.builder`).

Stages, one module each, each step one direction: load (files, schema upgrade 1 -> 2) -> merge (pure Table of
envs, columns and cells) -> rates, first_working, route_advice, diff (pure) -> document (support.json's content)
-> view (what the pages say) -> markdown, html, heatmap (renderers) -> cli. `python -m reports.builder.baseline`
writes the diff's baseline from the results committed at a git revision. Imports neither TensorFlow nor OpenCV.
"""
