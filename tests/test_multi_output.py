"""The worker's ordering of a multi-output model's outputs (pure; the worker imports no cv2 at module level)."""
import numpy as np

from conformance.opencv.worker import forward_outputs, in_expected_order

HEAD, SCORES = np.zeros((1, 2, 8, 8)), np.ones((1, 3))


def test_outputs_are_put_in_the_model_order_by_their_unique_shapes():
    ordered = in_expected_order([SCORES, HEAD], [(1, 2, 8, 8), (1, 3)])
    assert [o.shape for o in ordered] == [(1, 2, 8, 8), (1, 3)]


def test_ambiguous_or_missing_shapes_leave_opencv_order_for_the_comparison_to_judge():
    twins = [np.zeros((1, 3)), np.ones((1, 3))]
    assert in_expected_order(twins, [(1, 3), (1, 3)]) is twins
    assert in_expected_order([SCORES, HEAD], [(1, 3), (1, 8, 8, 2)])[0] is SCORES
    assert len(in_expected_order([SCORES], [(1, 3), (1, 2, 8, 8)])) == 1


class FakeNet:
    def __init__(self):
        self.asked = []

    def getUnconnectedOutLayersNames(self):
        return ("dense", "conv")

    def forward(self, names=None):
        self.asked.append(names)
        return HEAD if names is None else [SCORES, HEAD]


def test_one_output_is_a_plain_forward_several_fetch_every_unconnected_output():
    net = FakeNet()
    assert forward_outputs(net, [(1, 2, 8, 8)]) is HEAD
    assert [o.shape for o in forward_outputs(net, [(1, 2, 8, 8), (1, 3)])] == [(1, 2, 8, 8), (1, 3)]
    assert net.asked == [None, ("dense", "conv")]
