"""SimpleRNN, LSTM, GRU (last state and full sequence), each unrolled and not; a Bidirectional LSTM."""
from model_zoo.case import Case, apply_layer

SEQUENCE = (5, 3)
RECURRENT = ("SimpleRNN", "LSTM", "GRU")
# id suffix -> keyword arguments
VARIANTS = {
    "last": {"unroll": False},
    "last-unrolled": {"unroll": True},
    "sequences": {"unroll": False, "return_sequences": True},
    "sequences-unrolled": {"unroll": True, "return_sequences": True},
}


def bidirectional_lstm(k, x):
    return k.layers.Bidirectional(k.layers.LSTM(4, return_sequences=True))(x)


CASES = [
    Case(f"{layer.lower()}-{label}", "recurrent", apply_layer(layer, 4, **kwargs), inputs=(SEQUENCE,))
    for layer in RECURRENT
    for label, kwargs in VARIANTS.items()
] + [Case("bidirectional-lstm-sequences", "recurrent", bidirectional_lstm, inputs=(SEQUENCE,))]
