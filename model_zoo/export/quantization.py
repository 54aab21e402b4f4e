"""Post-training quantization for the quantized TFLite routes, and what their cells are judged against.

Each starts from the batch-1 converter (common.batch1_converter, the TFLite entry point OpenCV reads best) and
sets the options of TF's post-training quantization guide. A quantized file is not meant to give TF's float
numbers: its cells are judged against the TFLite interpreter running the same file on the same inputs, kept in
the export folder (`interpreter-outputs.npz`), within a bound the route documents; the error against TF's float
output is recorded beside it (the cell's `float_metrics`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from model_zoo.export.common import batch1_converter, tflite_artifact

JUDGE_FILE = "interpreter-outputs.npz"


def quantized(built: Any, folder: Any, configure: Callable[[Any], None], bound: Callable[[Any], tuple[float, str]]):
    """Convert with `configure(converter)` applied, keep the interpreter's outputs on the reference inputs, and
    the absolute bound (with its reason) that `bound(interpreter)` gives for OpenCV's error against them."""
    import tensorflow as tf

    converter = batch1_converter(built)
    configure(converter)
    artifact = tflite_artifact(built, folder, converter.convert())
    interpreter = tf.lite.Interpreter(model_path=str(folder / artifact.model))
    interpreter.allocate_tensors()
    index = {detail["name"]: detail["index"] for detail in interpreter.get_input_details()}
    for name, array in zip(artifact.input_names, built.inputs, strict=True):
        interpreter.set_tensor(index[name], np.ascontiguousarray(array, dtype=np.float32))
    interpreter.invoke()
    outputs = [interpreter.get_tensor(detail["index"]) for detail in interpreter.get_output_details()]
    np.savez(folder / JUDGE_FILE, *outputs)
    limit, reason = bound(interpreter)
    return replace(artifact, judge_outputs=JUDGE_FILE, bound=limit, bound_reason=reason)


def float_bound(_interpreter: Any) -> tuple[float, str]:
    return 0.0, "the case's float tolerance: the interpreter computes in float32 on the dequantized weights"


def output_step(interpreter: Any) -> tuple[float, str]:
    """One quantization step of the int8 tensor that each float output is dequantized from (the largest)."""
    dequantized = {output: op for op in interpreter._get_ops_details() if op["op_name"] == "DEQUANTIZE"
                   for output in op["outputs"]}  # (a delegate's op lists the same outputs: not asked)
    tensors = {detail["index"]: detail for detail in interpreter.get_tensor_details()}
    steps = []
    for detail in interpreter.get_output_details():
        op = dequantized.get(detail["index"])
        if op is not None:
            scales = tensors[op["inputs"][0]]["quantization_parameters"]["scales"]
            steps.extend(float(s) for s in scales)
    if not steps:
        return 0.0, "the case's float tolerance: no output is dequantized from int8"
    return max(steps), "one quantization step of the int8 output (its DEQUANTIZE's scale)"

