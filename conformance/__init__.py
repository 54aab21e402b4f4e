"""Conformance harness: isolated cv2.dnn runs, verdicts, known failures, results."""
