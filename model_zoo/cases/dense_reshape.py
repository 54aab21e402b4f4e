"""Dense (after Flatten, on sequences and 4D tensors), Embedding, Flatten, Reshape between ranks, Permute,
RepeatVector."""
from model_zoo.case import Case, apply_layer

CASES = [
    Case("dense-after-flatten", "dense", lambda k, x: k.layers.Dense(10)(k.layers.Flatten()(x))),
    Case("dense-softmax-after-flatten", "dense",
         lambda k, x: k.layers.Dense(10, activation="softmax")(k.layers.Flatten()(x))),
    Case("flatten", "reshape", apply_layer("Flatten")),
    Case("reshape-4d", "reshape", apply_layer("Reshape", (4, 16, 3))),
    Case("reshape-to-2d", "reshape", apply_layer("Reshape", (64, 3))),
]

SEQUENCE, VECTOR = (6, 4), (5,)

# id -> (family, layer, positional arguments, keyword arguments, input shape)
LAYERS = {
    "dense-on-sequence": ("dense", "Dense", (6,), {}, SEQUENCE),
    "dense-relu-on-4d": ("dense", "Dense", (5,), {"activation": "relu"}, (8, 8, 3)),
    "flatten-sequence": ("reshape", "Flatten", (), {}, SEQUENCE),
    "reshape-to-1d": ("reshape", "Reshape", ((192,),), {}, (8, 8, 3)),
    "reshape-sequence-to-4d": ("reshape", "Reshape", ((3, 2, 4),), {}, SEQUENCE),
    "reshape-vector-to-3d": ("reshape", "Reshape", ((5, 1),), {}, VECTOR),
    "permute-swap-hw": ("reshape", "Permute", ((2, 1, 3),), {}, (8, 6, 3)),
    "permute-channels-first": ("reshape", "Permute", ((3, 1, 2),), {}, (8, 6, 3)),
    "permute-sequence": ("reshape", "Permute", ((2, 1),), {}, SEQUENCE),
    "repeatvector-3": ("reshape", "RepeatVector", (3,), {}, VECTOR),
}

CASES += [
    Case(case_id, family, apply_layer(layer, *args, **kwargs), inputs=(shape,))
    for case_id, (family, layer, args, kwargs, shape) in LAYERS.items()
]

VOCABULARY = 20


def embedding_classifier(k, indices):
    vectors = k.layers.Embedding(VOCABULARY, 4)(indices)
    return k.layers.Dense(3)(k.layers.Flatten()(vectors))


CASES += [
    Case("embedding", "embedding", apply_layer("Embedding", VOCABULARY, 4), inputs=((6,),), index_range=VOCABULARY),
    Case("embedding-flatten-dense", "embedding", embedding_classifier, inputs=((6,),), index_range=VOCABULARY),
]
