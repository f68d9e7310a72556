#!/usr/bin/python3
"""The picture of a `gridnmf select-rank` table: training error, held-out
error (mean with one standard error) and stability against k, with the
recommended k marked.

Reads the table file only (/k, /train_error_mean, /heldout_error_mean,
/heldout_error_se, /stability and the root attributes recommended_k and rule)
and writes one PNG (default: the table's path with .png). Needs Debian's
python3-matplotlib and python3-h5py; uses the Agg backend (no display).
Exit status 1 with a one-line message on bad input.
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import h5py  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

NEEDED = ["k", "train_error_mean", "heldout_error_mean", "heldout_error_se", "stability"]


def read_table(path):
    try:
        with h5py.File(path, "r") as table:
            missing = [name for name in NEEDED if name not in table]
            if missing or "recommended_k" not in table.attrs:
                raise ValueError(f"{path} is not a select-rank table (no /{(missing or ['recommended_k'])[0]})")
            columns = {name: table[name][()] for name in NEEDED}
            rule = table.attrs.get("rule", "")
            return columns, int(table.attrs["recommended_k"]), rule if isinstance(rule, str) else rule.decode()
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error}") from error


def plot(columns, recommended, rule, output):
    k = columns["k"]
    figure, (errors, stability) = plt.subplots(2, 1, figsize=(7, 6), sharex=True,
                                               gridspec_kw={"height_ratios": [2, 1]})
    errors.plot(k, columns["train_error_mean"], "o-", label="training error (observed entries)")
    errors.errorbar(k, columns["heldout_error_mean"], yerr=columns["heldout_error_se"], fmt="s-",
                    capsize=3, label="held-out error (mean, one standard error)")
    errors.axvline(recommended, color="grey", linestyle="--", label=f"recommended k = {recommended}")
    errors.set_ylabel("relative error")
    errors.legend()
    stability.plot(k, columns["stability"], "d-", color="tab:green")
    stability.axvline(recommended, color="grey", linestyle="--")
    stability.set_ylabel("stability\n(matched cosine)")
    stability.set_xlabel("k")
    stability.set_ylim(min(0.0, float(columns["stability"].min())), 1.02)
    figure.suptitle("gridnmf select-rank", fontsize=11)
    figure.text(0.01, 0.005, rule, fontsize=6, wrap=True)
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    figure.savefig(output, dpi=120)
    plt.close(figure)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", required=True, help="the --output file of gridnmf select-rank")
    parser.add_argument("--output", help="PNG to write (default: the table's path with .png)")
    args = parser.parse_args()
    output = args.output or os.path.splitext(args.table)[0] + ".png"
    try:
        columns, recommended, rule = read_table(args.table)
        plot(columns, recommended, rule, output)
    except ValueError as error:
        print(f"plot_select_rank: {error}", file=sys.stderr)
        return 1
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
