"""The OpenCV side of a cell, run as a script under an environment holding only OpenCV and numpy.

Never imports TensorFlow nor this project. Protocol on stdin/stdout, one JSON object per line:
  -> at start-up: {"hello": {versions}}
  <- request:     {"model": PATH, "reader": "readNetFromONNX", "engine": "" | "classic" | "new" | "auto",
                   "inputs": [[NAME, ARRAY]], "out_dir": DIR | null, "layers": false, "output_shapes": [[1, 3], ...],
                   "feed": {"as": ..., "layout": ...}}   (feed: optional, see `fed`)
                  (output_shapes: the model's; with two or more, all its outputs are fetched, see forward_outputs)
                  (ARRAY: a .npy file's path, or inline {"dtype", "shape", "base64"}; outputs come back as files
                  in out_dir when one is given, else inline: a cell then costs no file)
  -> progress:    {"stage": "import"} then {"stage": "forward"}   (so a crash can be placed in its stage)
  -> result:      {"status": "ok", "outputs": [ARRAY...], "seconds": {...}}
                  with "layers": true (triage of a mismatch) fusion is off, and the result also holds
                  "layers": [[LAYER NAME, NPY]...] in OpenCV's layer order, or "layers_error": LINE
                  or {"status": "import-error" | "forward-error" | "unsupported", "error": LINE, "detail": TEXT}
Anything OpenCV prints on stdout is moved to stderr, so it cannot corrupt the protocol.
Started with `--zygote FD`, the script imports cv2 once and forks each worker on request (see `zygote`).
"""
import base64
import contextlib
import json
import os
import platform
import resource
import socket
import sys
import time
import traceback

FAILURE_STAGES = {"import-error": "import", "forward-error": "forward", "unsupported": "import"}  # status: stage


def distribution_versions():
    from importlib import metadata

    found = {}
    for name in ("opencv-python", "opencv-python-headless", "opencv-contrib-python", "opencv-contrib-python-headless"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    return found


def hello(cv2, numpy):
    wheels = distribution_versions()
    return {
        "opencv": cv2.__version__,
        "wheel": ", ".join(f"{name}=={version}" for name, version in wheels.items()) or "unknown",
        "numpy": numpy.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def one_line(error, limit=400):
    """The error on one line: OpenCV puts a check's expected/actual values on the lines after the first."""
    text = " ".join(line.strip() for line in str(error).splitlines() if line.strip()) or type(error).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def failure(status, error):
    return {"status": status, "error": one_line(error), "detail": f"{type(error).__name__}: {error}"}


def run(cv2, numpy, request, say):
    reader = getattr(cv2.dnn, request["reader"], None)
    if reader is None:
        missing = f"cv2.dnn.{request['reader']} does not exist in OpenCV {cv2.__version__}"
        return {"status": "unsupported", "error": missing}
    options = {}
    if request.get("engine"):  # OpenCV 5.x: the reader's engine, ENGINE_CLASSIC / ENGINE_NEW / ENGINE_AUTO
        constant = f"ENGINE_{request['engine'].upper()}"
        if not hasattr(cv2.dnn, constant):
            return {"status": "unsupported", "error": f"cv2.dnn.{constant} does not exist in OpenCV {cv2.__version__}"}
        options["engine"] = getattr(cv2.dnn, constant)
    seconds = {}
    say({"stage": "import"})
    started = time.perf_counter()
    try:
        # Read from inside the model's folder, so that error messages name the file, not where the cache lives.
        os.chdir(os.path.dirname(request["model"]))
        net = reader(os.path.basename(request["model"]), **options)
        if net.empty():
            return {"status": "import-error", "error": f"{request['reader']} returned an empty network"}
        if request.get("layers"):  # every layer's own output: fused layers would hide theirs
            net.enableFusion(False)
    except Exception as error:  # cv2.error and whatever the bindings raise
        return failure("import-error", error)
    seconds["import"] = time.perf_counter() - started
    say({"stage": "forward"})
    started = time.perf_counter()
    try:
        for name, given in request["inputs"]:
            net.setInput(fed(cv2, numpy, array_in(numpy, given), request.get("feed") or {}), name)
        outputs = forward_outputs(net, request.get("output_shapes") or [])
    except Exception as error:
        return failure("forward-error", error)
    seconds["forward"] = time.perf_counter() - started
    given = []
    for index, output in enumerate(outputs if isinstance(outputs, (list, tuple)) else [outputs]):
        if request.get("out_dir"):
            given.append(os.path.join(request["out_dir"], f"output_{index}.npy"))
            numpy.save(given[-1], numpy.asarray(output))
        else:
            given.append(inline(numpy, output))
    result = {"status": "ok", "outputs": given, "seconds": seconds}
    if request.get("layers"):
        result.update(layer_outputs(net, numpy, request["out_dir"]))
    return result


def array_in(numpy, given):
    """An array of the protocol: a .npy file's path, or inline {"dtype", "shape", "base64"}."""
    if isinstance(given, str):
        return numpy.load(given)
    return numpy.frombuffer(base64.b64decode(given["base64"]), dtype=given["dtype"]).reshape(given["shape"])


def inline(numpy, array):
    """An array written inline in the protocol (see array_in)."""
    array = numpy.ascontiguousarray(array)
    return {"dtype": array.dtype.str, "shape": list(array.shape), "base64": base64.b64encode(array.tobytes()).decode()}


def fed(cv2, numpy, array, feed):
    """The float32 input as the cell feeds it (model_zoo.case.FEEDS): {"as": "uint8" | "float64" (cast; a uint8
    feed's values are whole numbers below 256), "transposed-view" (the same values in a transposed view of a
    contiguous array, which is not C-contiguous), "blob-from-images" (the batch rebuilt by cv2.dnn.blobFromImages
    from its images, then laid out as "layout" says: NCHW as it gives, or NHWC made contiguous), "wrong-layout"
    (the array, given in "layout", in the other one)}, or as it is."""
    kind = feed.get("as", "")
    if kind == "wrong-layout":
        return numpy.ascontiguousarray(array.transpose((0, 2, 3, 1) if feed["layout"] == "nchw" else (0, 3, 1, 2)))
    if kind in ("uint8", "float64"):
        return array.astype(kind)
    if kind == "transposed-view":
        return numpy.ascontiguousarray(array.T).T
    if kind == "blob-from-images":
        nchw = feed["layout"] == "nchw"
        blob = cv2.dnn.blobFromImages(list(array.transpose(0, 2, 3, 1) if nchw else array))
        return blob if nchw else numpy.ascontiguousarray(blob.transpose(0, 2, 3, 1))
    return array


def forward_outputs(net, output_shapes):
    """`net.forward()` for a model of one output; for several, every unconnected output (as a user of a
    multi-output model asks for them), put in the order of `output_shapes` (TF's output shapes, in the path's
    layout) when each shape matches exactly one of them. OpenCV's order is not the model's (a frozen graph's
    heads come in another order) and its layer names are not the model's output names on every path."""
    if len(output_shapes) < 2:
        return net.forward()
    return in_expected_order(list(net.forward(net.getUnconnectedOutLayersNames())), output_shapes)


def in_expected_order(blobs, output_shapes):
    """`blobs` reordered to match `output_shapes` one to one by shape; as they are where that is ambiguous (the
    comparison then judges them in OpenCV's order)."""
    matches = [[blob for blob in blobs if list(blob.shape) == list(shape)] for shape in output_shapes]
    if len(blobs) == len(output_shapes) and all(len(found) == 1 for found in matches):
        return [found[0] for found in matches]
    return blobs


def layer_outputs(net, numpy, out_dir):
    """Each layer's (first) output, saved in OpenCV's layer order: {"layers": [[NAME, NPY]...]}, or
    {"layers_error": LINE} where this OpenCV cannot give them."""
    try:
        names = list(net.getLayerNames())
        blobs = net.forward(names)
    except Exception as error:
        return {"layers_error": one_line(error)}
    saved = []
    for index, (name, blob) in enumerate(zip(names, blobs, strict=True)):
        path = os.path.join(out_dir, f"layer_{index}.npy")
        numpy.save(path, numpy.asarray(blob))
        saved.append([name, path])
    return {"layers": saved}


def protocol_on_stdout():
    """Keep stdout for the protocol and send what else is printed there (OpenCV's own messages) to stderr; return
    the function that writes one message."""
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def say(message):
        protocol.write(json.dumps(message) + "\n")
        protocol.flush()

    return say


def serve(cv2, numpy, say):
    say({"hello": hello(cv2, numpy)})
    for line in sys.stdin:
        if line.strip():
            say(run(cv2, numpy, json.loads(line), say))


def zygote(cv2, numpy, control):
    """Fork a worker per request on `control` (a UNIX SOCK_SEQPACKET socket, one JSON message each way), so that a
    worker costs a fork, not an interpreter start and cv2's import (0.3 to 0.5 CPU-s: an OpenCV 5 env with 300
    crashing cells starts 600 workers):
      -> at start-up: {"ready": true}
      <- {"spawn": {"memory_limit_mb": N}} with three file descriptors: the worker's stdin, stdout and stderr
      -> {"pid": PID}
      <- {"wait": PID, "timeout": SECONDS}   (0: only look)
      -> {"returncode": CODE | null}         (negative: killed by that signal; null: still running)
    The zygote runs no OpenCV code itself: every worker starts from a process that has only imported cv2."""
    control.send(json.dumps({"ready": True}).encode())
    finished = {}
    while True:
        message, fds, _, _ = socket.recv_fds(control, 1 << 16, 3)
        if not message:
            return
        request = json.loads(message)
        if "spawn" in request:
            pid = os.fork()
            if pid == 0:
                forked_worker(cv2, numpy, control, fds, request["spawn"])
            for fd in fds:
                os.close(fd)
            answer = {"pid": pid}
        else:
            answer = {"returncode": returncode(request["wait"], request["timeout"], finished)}
        control.send(json.dumps(answer).encode())


def forked_worker(cv2, numpy, control, fds, options):
    """The child of a spawn: a session of its own (so that a process-group kill stops it alone), the address-space
    cap, the runner's stdin, stdout and stderr; then it serves cells like a started worker, and never returns."""
    code = 0
    try:
        control.close()
        os.setsid()
        if options.get("memory_limit_mb"):
            size = options["memory_limit_mb"] * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (size, size))
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        serve(cv2, numpy, protocol_on_stdout())
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)


def returncode(pid, timeout, finished):
    """The exit code of the zygote's child `pid` once it ends within `timeout` seconds, else None; `finished` keeps
    the codes of children already reaped."""
    deadline = time.monotonic() + timeout
    while pid not in finished:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            finished[pid] = os.waitstatus_to_exitcode(status)
        elif time.monotonic() >= deadline:
            return None
        else:
            time.sleep(0.002)
    return finished[pid]


def main():
    if sys.argv[1:2] == ["--zygote"]:
        import cv2
        import numpy

        zygote(cv2, numpy, socket.socket(fileno=int(sys.argv[2])))
        return
    say = protocol_on_stdout()
    import cv2
    import numpy

    serve(cv2, numpy, say)


if __name__ == "__main__":
    main()
