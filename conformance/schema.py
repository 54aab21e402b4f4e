"""The results files' schema number: standard library only, so the matrix CLI (run by the nightly without numpy)
writes the same number the suite does. 2: cells carry the OpenCV 5.x reader `engine`; `not_installable`.
3: the compact form (results.committed)."""
RESULTS_SCHEMA = 3
