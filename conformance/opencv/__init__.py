"""The OpenCV side: its cached environments, the worker processes that read and run models, and their runner."""
