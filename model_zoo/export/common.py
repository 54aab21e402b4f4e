"""Pieces shared by the export recipes: the traced serving function and its frozen graph."""
from __future__ import annotations

import re
from typing import Any


def serving_function(built: Any) -> Any:
    """The model traced at batch 1 with named inputs, as `tf.function(...).get_concrete_function(spec)`."""
    import tensorflow as tf

    model = built.model

    def call(*inputs):
        return model(list(inputs) if len(inputs) > 1 else inputs[0], training=False)

    return tf.function(call).get_concrete_function(*built.input_specs)


def frozen_graph(built: Any) -> tuple[Any, list[str], list[str]]:
    """Freeze the serving function: (GraphDef, input node names, output node names)."""
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    frozen = convert_variables_to_constants_v2(serving_function(built))
    inputs = [t.name.split(":")[0] for t in frozen.inputs]
    outputs = [t.name.split(":")[0] for t in frozen.outputs]
    return frozen.graph.as_graph_def(), inputs, outputs


def in_case_order(case_names: tuple[str, ...], artifact_names: list[str]) -> tuple[str, ...]:
    """Order the artifact's input names like the case's inputs.

    Converters decorate names ('serving_default_input_a:0'): each case name must match exactly one artifact name
    as its last '_'-separated part, or the export fails; names are never guessed.
    """
    if len(artifact_names) != len(case_names):
        raise ValueError(f"artifact has inputs {artifact_names}, the model has {list(case_names)}")
    ordered = []
    for name in case_names:
        pattern = re.compile(rf"(.*_)?{re.escape(name)}(:\d+)?")
        candidates = [a for a in artifact_names if pattern.fullmatch(a)]
        if len(candidates) != 1:
            raise ValueError(f"input {name!r} matches {candidates} among the artifact's inputs {artifact_names}")
        ordered.append(candidates[0])
    return tuple(ordered)


def onnx_input_names(model_proto: Any) -> list[str]:
    initializers = {init.name for init in model_proto.graph.initializer}
    return [i.name for i in model_proto.graph.input if i.name not in initializers]


ONNX_OPSET = 15  # tf2onnx's preferred opset in 1.16 and 1.17, read by every OpenCV ONNX importer from 4.7 on
