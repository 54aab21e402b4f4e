"""Evidence for a failure: the exported file run in its own runtime, blame and first diverging layer, bundles."""
