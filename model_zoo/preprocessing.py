"""Preprocessing parity: `cv2.dnn.blobFromImage` / `blobFromImages` against the TF preprocessing a user writes for
the same call. Declarative: one `Blob` per combination; importing this module imports neither TF nor OpenCV.

OpenCV's call, for each uint8 BGR image (OpenCV 4.x and 5.0 `blobFromImages`): resize to `size` with INTER_LINEAR
on the uint8 image (with `crop`: resize by the factor max(size / image size) with that factor, then cut the centre);
convert to float32; with `swapRB` swap R and B; subtract `mean` (given in the output's channel order); multiply by
`scalefactor`; stack as NCHW. The TF side (`tf_reference`) is the closest a user can write in TF: `tf.image.resize`
(bilinear, half-pixel centres, no antialias, which is what INTER_LINEAR computes) to the size OpenCV resizes to,
`tf.image.resize_with_crop_or_pad` for the centre, a channel flip, `(x - mean) * scalefactor`, the NCHW transpose
(`model_zoo.layout.to_layout`). A few combinations swap one TF choice (antialias, the area method, rounding the
resized image to uint8 as OpenCV's uint8 resize does) to show which TF spelling matches and which does not.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from model_zoo.case import Tolerance

FAMILY = "preprocessing"
IMAGENET_MEAN_RGB = (123.675, 116.28, 103.53)  # the usual (R, G, B) means of ImageNet models, 0..255 scale


@dataclass(frozen=True)
class Blob:
    """One blobFromImage(s) call and the TF preprocessing that stands for it."""

    id: str
    images: tuple[tuple[int, int], ...]  # (height, width) of each seeded uint8 BGR image; two or more: blobFromImages
    size: tuple[int, int] | None = None  # (width, height) as OpenCV takes it; None keeps the image's size
    scalefactor: float = 1.0
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)  # in the output's channel order (RGB when swap_rb)
    swap_rb: bool = False
    crop: bool = False
    tf_method: str = "bilinear"  # tf.image.resize method of the TF side
    tf_antialias: bool = False
    tf_round_to_uint8: bool = False  # the TF side rounds its resized image to uint8, as OpenCV's uint8 resize does
    seed: int = 0
    tolerance: Tolerance = Tolerance()

    @property
    def case_id(self) -> str:
        return f"preprocess-{self.id}"

    @property
    def path(self) -> str:
        """The column of the support table: which OpenCV function the combination calls."""
        return "blob-from-images" if len(self.images) > 1 else "blob-from-image"

    @property
    def opencv_function(self) -> str:
        return "blobFromImages" if len(self.images) > 1 else "blobFromImage"

    def opencv_arguments(self) -> dict:
        """Keyword arguments of the cv2.dnn call (JSON-ready: the worker script turns lists into tuples)."""
        arguments = {"scalefactor": self.scalefactor, "mean": list(self.mean), "swapRB": self.swap_rb,
                     "crop": self.crop}
        if self.size is not None:
            arguments["size"] = list(self.size)
        return arguments


_ONE = ((24, 32),)  # a landscape 32x24 image
BLOBS = (
    Blob("scale-only", _ONE, scalefactor=1 / 255),
    Blob("mean-swaprb", _ONE, mean=IMAGENET_MEAN_RGB, swap_rb=True),
    Blob("mean-swaprb-scale", _ONE, scalefactor=1 / 58.395, mean=IMAGENET_MEAN_RGB, swap_rb=True),
    Blob("same-size", _ONE, size=(32, 24), scalefactor=1 / 255),
    Blob("upscale-2x", ((16, 16),), size=(32, 32), scalefactor=1 / 255),
    Blob("upscale-2x-tf-rounded", ((16, 16),), size=(32, 32), scalefactor=1 / 255, tf_round_to_uint8=True),
    Blob("downscale-2x", ((32, 32),), size=(16, 16), scalefactor=1 / 255),
    Blob("downscale-2x-tf-area", ((32, 32),), size=(16, 16), scalefactor=1 / 255, tf_method="area"),
    Blob("resize-to-square", _ONE, size=(20, 20), scalefactor=1 / 255, mean=IMAGENET_MEAN_RGB[::-1]),
    Blob("downscale-0p6", ((40, 40),), size=(24, 24), scalefactor=1 / 255),
    Blob("downscale-0p6-tf-antialias", ((40, 40),), size=(24, 24), scalefactor=1 / 255, tf_antialias=True),
    Blob("crop-exact-factor", _ONE, size=(12, 12), scalefactor=1 / 255, crop=True),
    Blob("crop-inexact-factor", _ONE, size=(16, 16), scalefactor=1 / 255, crop=True),
    Blob("crop-same-size", _ONE, size=(32, 24), scalefactor=1 / 255, crop=True),
    Blob("batch-no-resize", ((24, 32), (24, 32)), scalefactor=1 / 58.395, mean=IMAGENET_MEAN_RGB, swap_rb=True),
    Blob("batch-resize", ((24, 32), (32, 24)), size=(16, 16), scalefactor=1 / 255, swap_rb=True),
)


def by_id(blob_id: str) -> Blob:
    for blob in BLOBS:
        if blob.id == blob_id:
            return blob
    raise KeyError(f"no preprocessing combination {blob_id!r}; known: {', '.join(b.id for b in BLOBS)}")


def seeded_images(blob: Blob) -> list[np.ndarray]:
    """The combination's uint8 BGR images (uniform noise: every pixel differs from its neighbours, the hardest
    case for a resize), the same in every run."""
    rng = np.random.default_rng(zlib.crc32(blob.id.encode()) + blob.seed)
    return [rng.integers(0, 256, (height, width, 3), dtype=np.uint8) for height, width in blob.images]


def resized_size(blob: Blob, height: int, width: int) -> tuple[int, int] | None:
    """(height, width) OpenCV resizes an image of this size to, or None when it does not resize it."""
    if blob.size is None or blob.size == (width, height):
        return None
    target_width, target_height = blob.size
    if not blob.crop:
        return target_height, target_width
    factor = float(np.float32(max(target_width / np.float32(width), target_height / np.float32(height))))
    return round(height * factor), round(width * factor)  # cv::resize rounds half to even, as round() does


def tf_reference(blob: Blob, images: list[np.ndarray]) -> np.ndarray:
    """The TF side: the NHWC float32 batch a TF user's preprocessing gives for `images` (needs TensorFlow)."""
    import tensorflow as tf

    batch = []
    for image in images:
        pixels = tf.constant(image)
        resized = resized_size(blob, *image.shape[:2])
        if resized is not None:
            pixels = tf.image.resize(pixels, resized, method=blob.tf_method, antialias=blob.tf_antialias)
            if blob.tf_round_to_uint8:
                pixels = tf.cast(tf.clip_by_value(tf.round(pixels), 0, 255), tf.uint8)
            if blob.crop:
                pixels = tf.image.resize_with_crop_or_pad(pixels, blob.size[1], blob.size[0])
        pixels = tf.cast(pixels, tf.float32)
        if blob.swap_rb:
            pixels = tf.reverse(pixels, axis=[-1])
        batch.append(((pixels - tf.constant(blob.mean, tf.float32)) * blob.scalefactor).numpy())
    return np.stack(batch).astype(np.float32)
