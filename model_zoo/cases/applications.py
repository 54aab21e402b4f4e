"""Real architectures: each `keras.applications` family, smallest member, as users fine-tune them.

The base without its ImageNet head (`include_top=False, weights=None, pooling="avg"`: nothing can be downloaded
here, and the suite seeds every weight anyway) and a Dense(10) head of its own, the transfer-learning shape most
deployed Keras models have; at the smallest input each accepts (32x32, Xception 71, the Inceptions 75), where
the architecture's layers and strides are all present but the cost is least. Preprocessing layers are left out
where the application offers it (`include_preprocessing=False`), as the catalogue's other families test them.

Both Keras generations offer the same list, but for RegNet (Keras 2 only since TF 2.9's tf.keras; absent from
Keras 3.15's `keras.applications`), left out so that the two generations' tables compare like for like.

Cost: the heaviest cases of the catalogue (docs/performance.md gives each one's measured export and OpenCV time).
`FEW` are the ones a default run measures; `--applications all` (CONFORMANCE_APPLICATIONS=all, what the
measured envs and the nightly use) measures every one, `none` (the project's tests: README, .ci/run) none.
"""
from model_zoo.case import Case

FAMILY = "applications"
FEW = ("mobilenetv2", "mobilenetv3small")
SIZES = {"Xception": 71, "InceptionV3": 75, "InceptionResNetV2": 75}
NO_PREPROCESSING = ("MobileNetV3Small", "MobileNetV3Large", "EfficientNetV2B0", "ConvNeXtTiny")
ARCHITECTURES = ("MobileNet", "MobileNetV2", "MobileNetV3Small", "MobileNetV3Large", "ResNet50", "ResNet50V2",
                 "EfficientNetB0", "EfficientNetV2B0", "DenseNet121", "NASNetMobile", "Xception", "InceptionV3",
                 "InceptionResNetV2", "VGG16", "ConvNeXtTiny")


def application(name: str):
    """Builder: the `name` base on the input, global average pooling, a Dense(10) head."""
    options = {"include_preprocessing": False} if name in NO_PREPROCESSING else {}

    def build(k, x):
        base = getattr(k.keras.applications, name)(include_top=False, weights=None, input_tensor=x, pooling="avg",
                                                   **options)
        return k.layers.Dense(10)(base.output)

    return build


def case_id(name: str) -> str:
    return name.lower()


CASES = [
    Case(case_id(name), FAMILY, application(name), inputs=((SIZES.get(name, 32),) * 2 + (3,),),
         tags=(name,))
    for name in ARCHITECTURES
]
