"""The results files' schema number: standard library only, so the matrix CLI (run by the nightly without numpy)
writes the same number the suite does. 2: cells carry the OpenCV 5.x reader `engine`; `not_installable`.
3: the compact form (results.committed). 4: cells' error lines and blames stored once per file, in `shared`, and
their families in `families`."""
RESULTS_SCHEMA = 4
READABLE_SCHEMAS = (3, 4)  # what conformance.results.read takes: 3 is 4 without `shared` and `families`
