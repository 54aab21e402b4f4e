"""A stand-in for cv2 whose behaviour is chosen by the model file's text, to drive the real worker script
through every outcome: ok (doubles the input; its layer is "double"), import-error, forward-error, segfault, abort,
sigkill, exit (ends without answering), hang, allocate (asks for 8 GiB), no-layers (cannot name its layers)."""
import os
import signal
import sys
import time

__version__ = "0.0.0-fake"

if os.environ.get("FAKE_CV2_IMPORTS"):  # a test counts the processes that import cv2
    with open(os.environ["FAKE_CV2_IMPORTS"], "a") as imports:
        imports.write(f"{os.getpid()}\n")


class error(Exception):
    pass


class _Net:
    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.blobs = {}
        self.fusion = True

    def enableFusion(self, enabled):
        self.fusion = enabled

    def getLayerNames(self):
        if self.behaviour == "no-layers":  # as an engine that cannot name its layers
            raise error("OpenCV(fake) net.cpp:1: error: (-213:Not implemented) fake getLayerNames")
        return ["double"] if self.fusion else ["double", "unfused"]  # what fusion would fold away shows

    def empty(self):
        return False

    def setInput(self, blob, name=""):
        self.blobs[name] = blob

    def forward(self, names=None):
        print(f"fake cv2: forward of a '{self.behaviour}' model", file=sys.stderr, flush=True)  # as OpenCV logs
        if self.behaviour == "segfault":
            os.kill(os.getpid(), signal.SIGSEGV)
        if self.behaviour == "abort":
            os.abort()
        if self.behaviour == "sigkill":
            os.kill(os.getpid(), signal.SIGKILL)
        if self.behaviour == "exit":
            os._exit(0)
        if self.behaviour == "allocate":
            bytearray(8 << 30)  # like a layer sized from a corrupt shape: fails under the worker's memory cap
        if self.behaviour == "hang":
            time.sleep(3600)
        if self.behaviour == "forward-error":
            raise error("OpenCV(fake) layer.cpp:1: error: (-215:Assertion failed) fake in function 'forward'\nmore")
        output = sum(blob * 2 for blob in self.blobs.values())
        return output if names is None else [output for _ in names]


def _read(model):
    with open(model) as handle:
        behaviour = handle.read().strip()
    if behaviour == "import-error":
        raise error("OpenCV(fake) importer.cpp:1: error: (-2:Unspecified error) fake import failure")
    return _Net(behaviour)


class dnn:
    readNet = staticmethod(_read)
    readNetFromONNX = staticmethod(_read)
