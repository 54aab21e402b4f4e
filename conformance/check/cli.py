"""`python -m conformance.check MODEL --opencv 4.9,4.12,5.0 --out DIR`: the user's model through every route on
every asked OpenCV (docs/check.md). Exit 0 when every asked version has a passing route, 1 when one has none,
2 for bad input (one line on stderr, never a traceback)."""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from conformance import matrix
from conformance.check import model as user_model
from conformance.check import output
from conformance.check.model import BadInput
from conformance.check.run import TFSide, export_all, run_cells
from conformance.opencv.install import DEFAULT_WHEEL, WHEELS
from conformance.opencv.runner import DEFAULT_MEMORY_LIMIT_MB, blob_calls
from conformance.opencv.side import OpenCVSide

PROGRESS = sys.stderr  # where progress lines go; TF's and the converters' own output goes to a log instead


def say(line: str) -> None:
    print(line, file=PROGRESS, flush=True)


@contextlib.contextmanager
def output_to(log: Path):
    """File descriptors 1 and 2 (TF's C++ logging, converters' prints) into `log`; progress stays visible."""
    global PROGRESS
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    PROGRESS = os.fdopen(os.dup(2), "w")
    with open(log, "a") as handle:
        os.dup2(handle.fileno(), 1)
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            for fd, copy in zip((1, 2), saved, strict=True):
                os.dup2(copy, fd)
                os.close(copy)
            PROGRESS.close()
            PROGRESS = sys.stderr


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m conformance.check", description=__doc__.split("\n\n")[0])
    p.add_argument("model", type=Path, help=".keras, .h5 or SavedModel folder; or an exported .onnx, .tflite, .pb")
    p.add_argument("--opencv", default=default_opencv(),
                   help=f"comma-separated OpenCV versions among {', '.join(matrix.OPENCV_VERSIONS)} (or exact, "
                        "4.9.0.80); default: the env's")
    p.add_argument("--out", type=Path, help="write report.json, report.html, the passing artifacts and bundles here")
    p.add_argument("--routes", help="comma-separated routes to try (default: every one that applies)")
    p.add_argument("--custom-objects", help="MODULE (registers the custom layers) or MODULE:ATTR (dict or class)")
    p.add_argument("--input-shape", action="append", default=[],
                   help="shape without batch for a dynamic input: H,W,C, or NAME=H,W,C for one of several")
    feeds = p.add_mutually_exclusive_group()
    feeds.add_argument("--input", type=Path, help="the model's input as a .npy array (Keras layout, batch 1)")
    feeds.add_argument("--image", type=Path, help="an image made into the input by cv2.dnn.blobFromImage")
    p.add_argument("--scalefactor", type=float, default=1.0, help="blobFromImage scalefactor (with --image)")
    p.add_argument("--size", help="blobFromImage size W,H (with --image; default: the model's input size)")
    p.add_argument("--mean", default="0,0,0", help="blobFromImage mean B,G,R (with --image)")
    p.add_argument("--swap-rb", action="store_true", help="blobFromImage swapRB (with --image)")
    p.add_argument("--crop", action="store_true", help="blobFromImage crop (with --image)")
    p.add_argument("--tolerance", type=float, default=1e-4, help="relative max-abs tolerance (default 1e-4)")
    p.add_argument("--wheel", default=DEFAULT_WHEEL, choices=WHEELS)
    p.add_argument("--cache-dir", type=Path, default=Path(os.environ.get("CONFORMANCE_CACHE_DIR",
                                                                           ".conformance-cache")),
                   help="where the OpenCV environments are cached (env CONFORMANCE_CACHE_DIR)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds before an OpenCV run counts as hung")
    return p


def default_opencv() -> str:
    """The OpenCV of the conformance env this runs in (CONFORMANCE_ENV), else the CORE env's newest."""
    pair = matrix.Pair.parse(os.environ.get("CONFORMANCE_ENV", ""))
    return pair.opencv if pair else matrix.Pair.parse(matrix.CORE[-1]).opencv


def opencv_versions(text: str) -> list[str]:
    versions = [v.strip() for v in text.split(",") if v.strip()]
    for version in versions:
        if ".".join(version.split(".")[:2]) not in matrix.OPENCV_VERSIONS or not all(
                part.isdigit() for part in version.split(".")):
            raise BadInput(f"--opencv {version!r}: unknown OpenCV version; known: {', '.join(matrix.OPENCV_VERSIONS)}")
    if not versions:
        raise BadInput("--opencv: give at least one version")
    return versions


def model_kind(model: Path) -> str:
    """"keras" or "exported", or BadInput for what is neither."""
    if not model.exists():
        raise BadInput(f"{model}: no such file or folder")
    if model.is_dir():
        if not (model / "saved_model.pb").is_file():
            raise BadInput(f"{model}: a folder, but not a SavedModel (no saved_model.pb in it)")
        return "keras"
    if model.suffix in user_model.EXPORTED_READERS:
        return "exported"
    if model.suffix in user_model.KERAS_SUFFIXES:
        return "keras"
    raise BadInput(f"{model}: unknown format {model.suffix!r}; expected .keras, .h5, a SavedModel folder, "
                   ".onnx, .tflite or .pb")


def chosen_routes(kind: str, model: Path, names: str | None) -> list[Any]:
    from model_zoo.export import all_routes

    if kind == "exported":
        return [user_model.exported_route(model)]
    routes = all_routes()
    if not names:
        return routes
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    unknown = sorted(set(wanted) - {route.name for route in routes})
    if unknown:
        raise BadInput(f"--routes: unknown {', '.join(unknown)}; known: {', '.join(r.name for r in routes)}")
    return [route for route in routes if route.name in wanted]


def image_input(args: argparse.Namespace, side: OpenCVSide, shape: tuple[int, ...], work: Path) -> Any:
    """The --image made into a blob by the first OpenCV side's blobFromImage, as the model takes it (NHWC)."""
    if len(shape) != 3:
        raise BadInput(f"--image: the model's input is {shape}, not an image (H, W, C)")
    size = tuple(int(v) for v in args.size.split(",")) if args.size else (shape[1], shape[0])
    kwargs = {"scalefactor": args.scalefactor, "size": list(size), "mean": [float(v) for v in args.mean.split(",")],
              "swapRB": args.swap_rb, "crop": args.crop}
    call = {"id": "image", "function": "blobFromImage", "images": [str(args.image.resolve())], "kwargs": kwargs,
            "out": str(work / "image-blob.npy")}
    outcome = blob_calls(side.python, [call], work, side.timeout)["image"]
    if outcome.status != "ok":
        raise BadInput(f"--image {args.image}: blobFromImage failed on OpenCV {side.version}: {outcome.error}")
    blob = outcome.outputs[0].transpose(0, 2, 3, 1)
    if blob.shape[1:] != shape:
        raise BadInput(f"--image: blobFromImage gave {blob.shape[1:]} (H, W, C); the model takes {shape}: "
                       "give --size W,H")
    return blob.astype("float32")


def prepare(args: argparse.Namespace, kind: str, sides: list[OpenCVSide], work: Path) -> tuple[Any, TFSide]:
    """The BuiltCase of the user's model (TF imported here) and the TF side's description."""
    from model_zoo import versions

    say(f"reading {args.model} (importing TensorFlow)")
    versions_now = versions.tf_side()
    if kind == "exported":
        names, declared = user_model.exported_inputs(args.model)
        layer_classes: dict[str, str] = {}
    else:
        keras_model = user_model.load_keras(args.model, user_model.custom_objects(args.custom_objects))
        names, declared = user_model.keras_input_layout(keras_model)
        layer_classes = {layer.name: type(layer).__name__ for layer in keras_model.layers}
    shapes = user_model.static_shapes(names, declared, user_model.parse_shapes(args.input_shape, names))
    if (args.input or args.image) and len(shapes) != 1:
        raise BadInput("--input and --image feed a model with one input; this one has "
                       f"{len(shapes)}: leave them out (seeded inputs are used)")
    case = user_model.user_case(names, shapes, args.tolerance)
    if args.input:
        inputs = [user_model.given_input(args.input, shapes[0])]
    elif args.image:
        inputs = [image_input(args, sides[0], shapes[0], work)]
    else:
        inputs = user_model.seeded_inputs(shapes)
    built = (user_model.built_exported(args.model, case, inputs) if kind == "exported"
             else user_model.built_keras(keras_model, case, inputs))
    tf_side = TFSide(versions_now, versions.tensorflow_version(versions_now), layer_classes)
    return built, tf_side


def open_sides(args: argparse.Namespace, versions: list[str], work: Path) -> list[OpenCVSide]:
    sides = []
    for version in versions:
        say(f"OpenCV {version}: preparing its environment under {args.cache_dir / 'opencv-envs'}")
        try:
            sides.append(OpenCVSide(version, args.wheel, args.cache_dir.resolve(), args.timeout, work / "logs",
                                    DEFAULT_MEMORY_LIMIT_MB))
        except RuntimeError as error:
            said = [line.strip() for line in str(error).splitlines() if line.strip()]
            raise BadInput(f"OpenCV {version} ({args.wheel}) cannot be installed or started: {said[-1]}") from None
    return sides


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="conformance-check-"))
    try:
        return check(args, work)
    finally:  # also after a bad input or an error: 164 of these folders had gathered in /tmp
        shutil.rmtree(work, ignore_errors=True)


def check(args: argparse.Namespace, work: Path) -> int:
    """The command's work, in the scratch folder `work`: the exit code."""
    sides: list[OpenCVSide] = []
    try:
        versions = opencv_versions(args.opencv)
        kind = model_kind(args.model)
        routes = chosen_routes(kind, args.model, args.routes)
        bundles = None if args.out is None else args.out / "bundles"
        with output_to(work / "tf-side.log"):
            sides = open_sides(args, versions, work)
            built, tf_side = prepare(args, kind, sides, work)
            reference, exports = export_all(built, routes, tf_side, work, say)
            if bundles is not None:
                shutil.rmtree(bundles, ignore_errors=True)
            records = run_cells(reference, routes, exports, sides, tf_side, work, bundles, say)
    except BadInput as error:
        print(f"check: {error}", file=sys.stderr)
        return 2
    finally:
        for side in sides:
            side.close()
    chosen, lines = output.advice_lines(records, [side.version for side in sides])
    print(output.table(records))
    print()
    print("Advice:")
    print("\n".join(lines))
    if args.out is not None:
        write_report(args, sides, tf_side, records, chosen, routes, exports, reference)
    return output.exit_code(chosen)


def write_report(args: argparse.Namespace, sides: list[OpenCVSide], tf_side: TFSide, records: list[dict[str, Any]],
                 chosen: list[Any], routes: list[Any], exports: dict[str, Any], reference: Any) -> None:
    from reports.builder.check_page import check_html

    passing: dict[str, list[str]] = {}
    for record in records:
        if record["status"] == "pass":
            passing.setdefault(record["path"], []).append(output.column_name(record))
    artifacts = {route.name: output.artifact_notes(route, exports[route.name], reference, passing[route.name])
                 for route in routes if route.name in passing}
    document = output.report(args.model.name, tf_side.versions, [side.versions for side in sides], records, chosen,
                             artifacts)
    reasons = {route.name: output.reason(next(r for r in records if r["path"] == route.name
                                              and r["status"] not in ("pass", "n/a")))
               for route in routes if any(r["path"] == route.name and r["status"] not in ("pass", "n/a")
                                          for r in records)}
    output.write_out(args.out, document, exports, check_html(document, reasons))
    say(f"wrote {args.out}/report.json, report.html, artifacts/ ({len(artifacts)} passing)"
        + (", bundles/" if (args.out / "bundles").exists() else ""))
