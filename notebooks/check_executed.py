#!/usr/bin/env python3
"""Checks executed notebooks: no cell errored, and every cell tagged "plot" produced an image/png.
Writes each PNG next to the notebook as <notebook>-<cell>-<n>.png (CI artifacts).
Usage: check_executed.py EXECUTED.ipynb...  (exit 1 on any failure)
       check_executed.py --cleared NOTEBOOK.ipynb...  (the committed notebooks have no outputs)"""
import base64
import json
import os
import sys


def check(path):
    with open(path) as f:
        nb = json.load(f)
    problems, pngs = [], 0
    stem = os.path.splitext(path)[0]
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        images = 0
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
            png = out.get("data", {}).get("image/png")
            if png:
                images += 1
                with open(f"{stem}-cell{i:02d}-{images}.png", "wb") as img:
                    img.write(base64.b64decode(png if isinstance(png, str) else "".join(png)))
        pngs += images
        if "plot" in cell.get("metadata", {}).get("tags", []) and images == 0:
            problems.append(f"cell {i}: tagged 'plot' but has no image/png output")
        if cell.get("execution_count") is None and cell["source"].strip():
            problems.append(f"cell {i}: not executed")
    if pngs == 0:
        problems.append("no image/png output at all")
    return problems, pngs


def cleared(paths):
    dirty = []
    for p in paths:
        with open(p) as f:
            nb = json.load(f)
        if any(c.get("outputs") or c.get("execution_count") is not None
               for c in nb["cells"] if c["cell_type"] == "code"):
            dirty.append(p)
    for p in dirty:
        print(f"{p}: has outputs; clear them before committing: "
              "/usr/bin/python3 -m nbconvert --clear-output --inplace " + p)
    return 1 if dirty else 0


def main(paths):
    if paths[:1] == ["--cleared"]:
        return cleared(paths[1:])
    failed = False
    for p in paths:
        problems, pngs = check(p)
        print(f"{p}: {pngs} PNG(s), {'OK' if not problems else 'FAILED'}")
        for msg in problems:
            print("  " + msg)
        failed |= bool(problems)
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
