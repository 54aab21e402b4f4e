"""The case definition fingerprint: stable, unique, and changed by exactly what changes the case's model."""
import subprocess
import sys

from model_zoo import fingerprint
from model_zoo.case import Case, apply_layer
from model_zoo.cases import CATALOGUE
from model_zoo.fingerprint import case_fingerprint

KERNEL = 3


def conv_block(k, x):
    return k.layers.Conv2D(4, KERNEL, padding="same")(x)


def test_every_catalogue_case_has_its_own_stable_fingerprint():
    keys = [case_fingerprint(case) for case in CATALOGUE]
    assert len(set(keys)) == len(keys)
    again = subprocess.run([sys.executable, "-c", "from model_zoo.cases import CATALOGUE; from model_zoo.fingerprint "
                            "import case_fingerprint; print(' '.join(case_fingerprint(c) for c in CATALOGUE))"],
                           capture_output=True, text=True, check=True).stdout.split()
    assert again == keys  # another process (other object ids, other hash seeds) agrees


def test_parameters_fields_and_code_all_count():
    base = Case("c", "conv2d", apply_layer("Conv2D", 4, 3, padding="same"))
    assert case_fingerprint(base) == case_fingerprint(Case("c", "conv2d", apply_layer("Conv2D", 4, 3, padding="same")))
    for changed in (Case("c", "conv2d", apply_layer("Conv2D", 4, 5, padding="same")),
                    Case("c", "conv2d", apply_layer("Conv2D", 4, 3, padding="valid")),
                    Case("c", "conv2d", apply_layer("Conv2DTranspose", 4, 3, padding="same")),
                    Case("c", "conv2d", apply_layer("Conv2D", 4, 3, padding="same"), inputs=((9, 9, 3),)),
                    Case("c", "conv2d", apply_layer("Conv2D", 4, 3, padding="same"), seed=1),
                    Case("c", "conv2d", lambda k, x: k.layers.Conv2D(4, 3, padding="same")(x))):
        assert case_fingerprint(changed) != case_fingerprint(base)


def test_module_level_helpers_and_data_a_builder_uses_count(monkeypatch):
    case = Case("c", "conv2d", lambda k, x: conv_block(k, x))
    before = case_fingerprint(case)
    monkeypatch.setattr(sys.modules[__name__], "KERNEL", 5)  # data the helper reads
    assert case_fingerprint(case) != before
    monkeypatch.undo()
    assert case_fingerprint(case) == before
    monkeypatch.setattr(sys.modules[__name__], "conv_block", lambda k, x: k.layers.ReLU()(x))  # the helper itself
    assert case_fingerprint(case) != before


def test_the_shared_builder_code_counts(monkeypatch):
    case = CATALOGUE[0]
    before = case_fingerprint(case)
    monkeypatch.setattr(fingerprint.inspect, "getsource", lambda module: "weights drawn another way")
    assert case_fingerprint(case) != before
