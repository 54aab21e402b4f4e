"""Deployment inputs: one small fully convolutional model (Conv2D, BatchNormalization, ReLU, a 1x1 Conv2D) fed to
OpenCV the ways users' reports show it being fed, each through the routes a user deploys with.

- `batch3-blob-from-images`: a batch-1 export fed three images, the blob made by `cv2.dnn.blobFromImages`
  (NCHW as it gives; made NHWC for the NHWC routes), against TF's output on the same three images;
- `other-size-12x12`: the model takes any spatial size (its Keras Input is (None, None, 3), as a fully
  convolutional model's is), the routes export it at 8x8, OpenCV is fed 12x12, against TF's output at 12x12;
- `uint8`: whole numbers 0..255 given to setInput as a uint8 array (what an image is before `blobFromImage`);
- `float64`: the float input as a float64 array (numpy's default dtype);
- `transposed-view`: a non-contiguous array (a transposed view of a contiguous one) given to setInput;
- `wrong-layout`: the input in the other layout than the route defines (NHWC where the TF and TFLite readers and
  `onnx-nchw` take NCHW, NCHW where tf2onnx's NHWC models take NHWC): it must end as a shape-mismatch or a
  forward-error, never a pass; what OpenCV does with it is recorded like any cell.

Quantized routes (judged against their runtime's outputs on the export's own inputs), the Keras file and a
SavedModel's `saved_model.pb` (never read) tell nothing about feeding and are not measured here.
"""
from model_zoo.case import Case

FAMILY = "deployment"
ROUTES = ("tf-frozen", "tf-frozen-grappler", "tf-frozen-ours", "onnx-keras", "onnx-savedmodel", "onnx-nchw",
          "onnx-simplified", "onnx-keras-export", "tflite-concrete-batch1", "tflite-keras", "tflite-savedmodel",
          "tflite-litert")


def fully_convolutional(k, x):
    L = k.layers
    y = L.ReLU()(L.BatchNormalization()(L.Conv2D(6, 3, padding="same")(x)))
    return L.Conv2D(4, 1)(y)


def feed_case(name: str, feed: str = "", **options) -> Case:
    return Case(f"feed-{name}", FAMILY, fully_convolutional, routes=ROUTES, feed=feed, **options)


CASES = [
    feed_case("batch3-blob-from-images", "blob-from-images", batch=3),
    feed_case("other-size-12x12", inputs=((12, 12, 3),), export_inputs=((8, 8, 3),)),
    feed_case("uint8", "uint8", index_range=256),
    feed_case("float64", "float64"),
    feed_case("transposed-view", "transposed-view"),
    feed_case("wrong-layout", "wrong-layout"),
]
