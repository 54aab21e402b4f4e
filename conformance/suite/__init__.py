"""The pytest suite: the plugin and session behind `pytest conformance`, cells, fuzz and blob tests."""
