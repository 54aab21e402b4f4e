"""Keras model zoo: a declarative catalogue of small models and the paths that export them."""
