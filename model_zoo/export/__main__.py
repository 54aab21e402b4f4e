"""List the routes: name, reader, layouts, the Keras versions that offer it, and whether this env's TF side does.

    python -m model_zoo.export           # a table
    python -m model_zoo.export --json    # the same as JSON

Reads the installed versions from package metadata: no TensorFlow import.
"""
from __future__ import annotations

import argparse
import json

from model_zoo.export import all_routes
from model_zoo.versions import tf_side


def rows() -> list[dict[str, str]]:
    keras = tf_side().get("keras_in_use", "")
    return [{"route": path.name, "reader": path.reader, "layout": f"{path.input_layout} / {path.output_layout}",
             "keras": path.keras or "any", "here": ("n/a: " + path.not_offered(keras)) if keras and
             path.not_offered(keras) else ("offered" if keras else "no TensorFlow here"), "summary": path.summary}
            for path in all_routes()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m model_zoo.export", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    listed = rows()
    if parser.parse_args(argv).json:
        print(json.dumps(listed, indent=1))
        return
    width = max(len(row["route"]) for row in listed)
    for row in listed:
        print(f"{row['route']:<{width}}  {row['reader']:<22} {row['layout']:<12} Keras {row['keras']:<7} "
              f"{'offered' if row['here'] == 'offered' else 'n/a'}  {row['summary']}")
    offered = sum(row["here"] == "offered" for row in listed)
    print(f"{len(listed)} routes, {offered} offered by this TF side (Keras {tf_side().get('keras_in_use', '-')})")


if __name__ == "__main__":
    main()
