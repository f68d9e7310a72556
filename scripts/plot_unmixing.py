#!/usr/bin/python3
"""Pictures of an unmixing result: one PNG abundance map per endmember and one
PNG of the endmember spectra against wavelength.

Reads the gridnmf output file only (/W bands x k, /H k x pixels, root
attributes image_rows/image_cols, /wavelengths and /endmember_names when
present); optionally a ground-truth file (/W_true, /H_true, /endmember_names
as in ../shared/data) and/or the JSON of `gridnmf evaluate` to match estimated
endmembers with true ones.

Pixel j is image row j % image_rows, column j // image_rows (column-major),
so a map is H[e, :].reshape((image_rows, image_cols), order="F"). Without
image_rows/image_cols in the file, --image-shape ROWSxCOLS is required; the
script never guesses a shape.

Needs Debian's python3-matplotlib and python3-h5py; uses the Agg backend (no
display). Exit status 1 with a one-line message on bad input.
"""
import argparse
import itertools
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import h5py  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


class InputError(Exception):
    pass


def read_names(file, k):
    if "endmember_names" not in file:
        return None
    # gridnmf unmix stores the input's reference names with order = "input":
    # metadata, not labels of W's columns.
    if file["endmember_names"].attrs.get("order") in ("input", b"input"):
        return None
    names = [n.decode() if isinstance(n, bytes) else str(n) for n in file["endmember_names"][...]]
    return names if len(names) == k else None


def read_result(path):
    if not os.path.exists(path):
        raise InputError(f"result file '{path}' does not exist")
    with h5py.File(path, "r") as f:
        for name in ("W", "H"):
            if name not in f:
                raise InputError(f"'{path}' has no /{name}: is it a gridnmf output?")
        w, h = f["W"][...].astype(np.float64), f["H"][...].astype(np.float64)
        if w.ndim != 2 or h.ndim != 2 or w.shape[1] != h.shape[0]:
            raise InputError(f"'{path}': /W {w.shape} and /H {h.shape} do not fit")
        wavelengths = f["wavelengths"][...] if "wavelengths" in f else None
        if wavelengths is not None and wavelengths.shape != (w.shape[0],):
            wavelengths = None
        shape = None
        if "image_rows" in f.attrs and "image_cols" in f.attrs:
            shape = (int(f.attrs["image_rows"]), int(f.attrs["image_cols"]))
        return {"W": w, "H": h, "wavelengths": wavelengths, "shape": shape,
                "names": read_names(f, w.shape[1])}


def read_truth(path, k, bands, pixels):
    if not os.path.exists(path):
        raise InputError(f"truth file '{path}' does not exist")
    with h5py.File(path, "r") as f:
        if "W_true" not in f:
            raise InputError(f"truth file '{path}' has no /W_true")
        w = f["W_true"][...].astype(np.float64)
        h = f["H_true"][...].astype(np.float64) if "H_true" in f else None
        if w.shape != (bands, k):
            raise InputError(f"truth /W_true is {w.shape[0]} x {w.shape[1]}, "
                             f"the result /W is {bands} x {k}")
        if h is not None and h.shape != (k, pixels):
            raise InputError(f"truth /H_true is {h.shape[0]} x {h.shape[1]}, "
                             f"the result /H is {k} x {pixels}")
        return {"W": w, "H": h, "names": read_names(f, k)}


def spectral_angles(w_true, w_est):
    a = w_true / np.maximum(np.linalg.norm(w_true, axis=0), 1e-300)
    b = w_est / np.maximum(np.linalg.norm(w_est, axis=0), 1e-300)
    return np.arccos(np.clip(a.T @ b, -1.0, 1.0))


def match(w_true, w_est):
    """estimate[t] for each true endmember t: exact over all permutations up to
    k = 8, greedy on the smallest angles beyond that."""
    sad = spectral_angles(w_true, w_est)
    k = sad.shape[0]
    if k <= 8:
        best = min(itertools.permutations(range(k)),
                   key=lambda p: sum(sad[t, p[t]] for t in range(k)))
        return list(best)
    estimate, used = [-1] * k, set()
    for flat in np.argsort(sad, axis=None):
        t, e = divmod(int(flat), k)
        if estimate[t] < 0 and e not in used:
            estimate[t], used = e, used | {e}
    return estimate


def parse_shape(text):
    try:
        rows, cols = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise InputError(f"--image-shape must be ROWSxCOLS, got '{text}'")
    return rows, cols


def save(figure, path, written):
    figure.savefig(path, dpi=100)
    plt.close(figure)
    written.append(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--result", required=True, help="gridnmf output file (/W, /H)")
    parser.add_argument("--output-dir", required=True, help="folder for the PNG files")
    parser.add_argument("--truth", help="ground truth (/W_true, /H_true, /endmember_names)")
    parser.add_argument("--evaluation", help="JSON of gridnmf evaluate (its permutation is used)")
    parser.add_argument("--image-shape", help="ROWSxCOLS when the result has no image_rows/image_cols")
    parser.add_argument("--prefix", default="", help="prefix of the PNG file names")
    args = parser.parse_args()

    result = read_result(args.result)
    w, h = result["W"], result["H"]
    bands, k = w.shape
    pixels = h.shape[1]
    shape = parse_shape(args.image_shape) if args.image_shape else result["shape"]
    if shape is None:
        raise InputError(f"'{args.result}' has no image_rows/image_cols attributes; "
                         "give --image-shape ROWSxCOLS")
    if shape[0] * shape[1] != pixels:
        raise InputError(f"image shape {shape[0]}x{shape[1]} does not hold the {pixels} pixels of /H")

    truth = read_truth(args.truth, k, bands, pixels) if args.truth else None
    estimate = None  # estimate[t]: the estimated endmember matched to true t
    if args.evaluation:
        with open(args.evaluation) as stream:
            estimate = [int(e) for e in json.load(stream)["permutation"]]
        if sorted(estimate) != list(range(k)):
            raise InputError(f"'{args.evaluation}': permutation {estimate} does not fit k = {k}")
    elif truth is not None:
        estimate = match(truth["W"], w)

    # Name of each estimated endmember: the output's own, else the matched truth's.
    names = result["names"] or [f"endmember {e}" for e in range(k)]
    truth_of = {}
    if estimate is not None:
        truth_of = {e: t for t, e in enumerate(estimate)}
        if result["names"] is None and truth is not None and truth["names"]:
            names = [truth["names"][truth_of[e]] for e in range(k)]

    os.makedirs(args.output_dir, exist_ok=True)
    written = []
    totals = h.sum(axis=0)
    abundances = h / np.where(totals > 0, totals, 1.0)  # per pixel, sum to one
    for e in range(k):
        panels = [("estimate", abundances[e])]
        if truth is not None and truth["H"] is not None and e in truth_of:
            panels.append(("truth", truth["H"][truth_of[e]]))
        figure, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4), squeeze=False)
        for axis, (label, values) in zip(axes[0], panels):
            image = axis.imshow(values.reshape(shape, order="F"), cmap="viridis", vmin=0.0,
                                vmax=max(1.0, float(values.max())))
            axis.set_title(f"{names[e]} ({label})")
            axis.set_xticks([])
            axis.set_yticks([])
            figure.colorbar(image, ax=axis, fraction=0.046, pad=0.04, label="abundance")
        figure.tight_layout()
        safe = "".join(c if c.isalnum() else "_" for c in names[e])
        save(figure, os.path.join(args.output_dir, f"{args.prefix}abundance_{e}_{safe}.png"), written)

    x = result["wavelengths"] if result["wavelengths"] is not None else np.arange(bands)
    figure, axis = plt.subplots(figsize=(7, 4.5))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for e in range(k):
        colour = colours[e % len(colours)]
        axis.plot(x, w[:, e] / max(w[:, e].max(), 1e-300), color=colour, label=f"{names[e]}")
        if truth is not None and e in truth_of:
            reference = truth["W"][:, truth_of[e]]
            axis.plot(x, reference / max(reference.max(), 1e-300), color=colour, linestyle="--",
                      label=f"{names[e]} (truth)")
    axis.set_xlabel("wavelength (nm)" if result["wavelengths"] is not None else "band")
    axis.set_ylabel("reflectance (normalised to max 1)")
    axis.set_title("endmember spectra" + (" (dashed: matched truth)" if truth is not None else ""))
    axis.legend(fontsize="small")
    figure.tight_layout()
    save(figure, os.path.join(args.output_dir, f"{args.prefix}spectra.png"), written)
    for path in written:
        print(f"wrote {path}")


if __name__ == "__main__":
    try:
        main()
    except (InputError, OSError, KeyError, ValueError) as error:
        print(f"plot_unmixing: error: {error}", file=sys.stderr)
        sys.exit(1)
