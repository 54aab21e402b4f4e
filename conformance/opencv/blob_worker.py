"""The OpenCV side of the preprocessing cells: `cv2.dnn.blobFromImage(s)` run under the OpenCV environment.

Never imports TensorFlow nor this project. `python blob_worker.py REQUEST.json`, where the request is
  {"calls": [{"id": ID, "function": "blobFromImage" | "blobFromImages", "images": [NPY or IMAGE FILE...],
              "kwargs": {...}, "out": NPY}]}
(an image file that is not .npy is read by cv2.imread, as a user's photo is)
prints one JSON line per call on stdout: {"id": ID, "status": "ok"} (the blob saved to `out`) or
{"id": ID, "status": "forward-error", "error": LINE}. Lists in kwargs (size, mean) are passed as tuples.
"""
import json
import sys


def read_image(cv2, path):
    image = cv2.imread(path)
    if image is None:
        raise ValueError(f"cv2.imread cannot read {path}")
    return image


def main():
    protocol = sys.stdout
    sys.stdout = sys.stderr  # whatever OpenCV prints cannot corrupt the protocol
    import cv2
    import numpy

    request = json.loads(open(sys.argv[1]).read())
    for call in request["calls"]:
        try:
            images = [numpy.load(path) if path.endswith(".npy") else read_image(cv2, path) for path in call["images"]]
            kwargs = {key: tuple(value) if isinstance(value, list) else value for key, value in call["kwargs"].items()}
            function = getattr(cv2.dnn, call["function"])
            blob = function(images if call["function"] == "blobFromImages" else images[0], **kwargs)
            numpy.save(call["out"], numpy.asarray(blob))
            answer = {"id": call["id"], "status": "ok"}
        except Exception as error:  # cv2.error and whatever the bindings raise
            text = " ".join(str(error).split()) or type(error).__name__
            answer = {"id": call["id"], "status": "forward-error", "error": text[:400]}
        protocol.write(json.dumps(answer) + "\n")
        protocol.flush()


if __name__ == "__main__":
    main()
