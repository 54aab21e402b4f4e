"""The performance benchmark (tox -e bench)."""
