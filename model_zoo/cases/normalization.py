"""BatchNormalization with random moving statistics, alone and after a convolution."""
from model_zoo.case import Case, after_conv, apply_layer

CASES = [
    Case("batchnorm", "normalization", apply_layer("BatchNormalization")),
    Case("batchnorm-after-conv2d", "normalization", after_conv("BatchNormalization")),
]
