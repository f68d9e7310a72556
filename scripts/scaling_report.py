#!/usr/bin/python3
"""Summarize a scaling study: the JSON reports (gridnmf factorize/unmix
--report) of one folder become a table (CSV and Markdown) and plots (PNG).

    /usr/bin/python3 scripts/scaling_report.py STUDY [--output-dir DIR]
                     [--mode auto|strong|weak] [--title TEXT]

Writes into DIR (default STUDY): scaling.csv, scaling.md,
time_per_iteration.png, efficiency.png, phases.png, and prints the Markdown
table. Points are grouped by (ranks, grid); a point run several times is
summarized by its median seconds per iteration.

The baseline is the fastest grid at the smallest rank count b (time T_b).
strong (same matrix everywhere): speedup = T_b / T_p, efficiency =
b T_b / (p T_p). weak (matrix grows with p): scaled speedup = p T_b / (b T_p),
efficiency = T_b / T_p. auto picks strong when every report has the same
rows, cols and rank. Communication share = communication seconds (average over
ranks) / seconds in the iteration loop.
"""

import argparse
import csv
import glob
import json
import os
import statistics
import sys

# Phases timed inside the iteration loop (stacked per iteration), then the
# ones outside it (listed in the CSV only).
LOOP_PHASES = ["gram", "allgather", "gemm", "reduce_scatter", "local_update", "objective",
               "checkpoint"]
SETUP_PHASES = ["input_read", "init", "output_write"]
REQUIRED_KEYS = ["ranks", "grid", "rows", "cols", "rank", "iterations", "loop_seconds",
                 "seconds_per_iteration", "communication_seconds", "phases"]


class ReportError(Exception):
    """A study that cannot be summarized; the message names the file."""


def load_reports(folder):
    """Reads every *.json report in folder (sorted by name) and checks the keys used here."""
    if not os.path.isdir(folder):
        raise ReportError(f"study folder '{folder}' does not exist")
    paths = sorted(glob.glob(os.path.join(folder, "*.json")))
    if not paths:
        raise ReportError(f"no JSON reports (*.json) in '{folder}'")
    reports = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as stream:
                report = json.load(stream)
        except (OSError, ValueError) as error:
            raise ReportError(f"cannot read report '{path}': {error}") from error
        if not isinstance(report, dict):
            raise ReportError(f"report '{path}' is not a JSON object")
        missing = [key for key in REQUIRED_KEYS if key not in report]
        if missing:
            raise ReportError(f"report '{path}' lacks {', '.join(missing)}")
        if report["ranks"] < 1 or report["seconds_per_iteration"] <= 0:
            raise ReportError(f"report '{path}' has no timed iterations "
                              f"(ranks {report['ranks']}, seconds_per_iteration "
                              f"{report['seconds_per_iteration']})")
        report["_path"] = path
        reports.append(report)
    return reports


def detect_mode(reports):
    shapes = {(r["rows"], r["cols"], r["rank"]) for r in reports}
    return "strong" if len(shapes) == 1 else "weak"


def phase_avg(report, name):
    phase = report["phases"].get(name)
    return float(phase["avg"]) if phase else 0.0


def loop_iterations(report):
    """Iterations timed in this run (fewer than `iterations` after a resume)."""
    return max(float(report.get("loop_iterations", report["iterations"])), 1.0)


def communication_share(report):
    loop = float(report["loop_seconds"])
    return float(report["communication_seconds"]["avg"]) / loop if loop > 0 else 0.0


def summarize(reports, mode="auto"):
    """One row per (ranks, grid), sorted by ranks then grid, with speedup and efficiency."""
    if mode == "auto":
        mode = detect_mode(reports)
    if mode not in ("strong", "weak"):
        raise ReportError(f"unknown mode '{mode}' (auto, strong or weak)")
    if mode == "strong" and detect_mode(reports) != "strong":
        raise ReportError("strong mode needs the same rows, cols and rank in every report")

    groups = {}
    for report in reports:
        groups.setdefault((int(report["ranks"]), str(report["grid"])), []).append(report)

    rows = []
    for (ranks, grid), runs in sorted(groups.items()):
        seconds = statistics.median(float(r["seconds_per_iteration"]) for r in runs)
        iterations = statistics.median(float(r["iterations"]) for r in runs)
        row = {
            "ranks": ranks,
            "grid": grid,
            "rows": runs[0]["rows"],
            "cols": runs[0]["cols"],
            "rank": runs[0]["rank"],
            "runs": len(runs),
            "seconds_per_iteration": seconds,
            "communication_share": statistics.median(communication_share(r) for r in runs),
            "gflops_per_second": statistics.median(
                float(r.get("gflops_per_second", 0.0)) for r in runs),
        }
        for name in LOOP_PHASES:
            row[f"{name}_per_iteration"] = statistics.median(
                phase_avg(r, name) / loop_iterations(r) for r in runs)
        for name in SETUP_PHASES:
            row[f"{name}_seconds"] = statistics.median(phase_avg(r, name) for r in runs)
        row["iterations"] = iterations
        rows.append(row)

    base_ranks = min(row["ranks"] for row in rows)
    base_seconds = min(row["seconds_per_iteration"] for row in rows if row["ranks"] == base_ranks)
    for row in rows:
        ratio = base_seconds / row["seconds_per_iteration"]
        if mode == "strong":
            row["speedup"] = ratio
            row["efficiency"] = ratio * base_ranks / row["ranks"]
        else:
            row["speedup"] = ratio * row["ranks"] / base_ranks
            row["efficiency"] = ratio
    return mode, base_ranks, rows


CSV_COLUMNS = (["ranks", "grid", "rows", "cols", "rank", "runs", "iterations",
                "seconds_per_iteration", "speedup", "efficiency", "communication_share",
                "gflops_per_second"]
               + [f"{name}_per_iteration" for name in LOOP_PHASES]
               + [f"{name}_seconds" for name in SETUP_PHASES])


def write_csv(rows, path):
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({key: row[key] for key in CSV_COLUMNS})


def markdown_table(mode, base_ranks, rows, title):
    speedup_name = "speedup" if mode == "strong" else "scaled speedup"
    lines = [
        f"# {title}",
        "",
        f"{mode} scaling; speedup and efficiency relative to the fastest grid at "
        f"{base_ranks} rank{'s' if base_ranks > 1 else ''}.",
        "",
        f"| ranks | grid | m x n | k | runs | s/iter | {speedup_name} | efficiency "
        "| comm share | GFLOP/s |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['ranks']} | {row['grid']} | {row['rows']} x {row['cols']} | {row['rank']} "
            f"| {row['runs']} | {row['seconds_per_iteration']:.4g} | {row['speedup']:.3f} "
            f"| {row['efficiency']:.3f} | {100 * row['communication_share']:.1f}% "
            f"| {row['gflops_per_second']:.3g} |")
    return "\n".join(lines) + "\n"


def best_per_rank_count(rows):
    best = {}
    for row in rows:
        if row["ranks"] not in best or (row["seconds_per_iteration"]
                                        < best[row["ranks"]]["seconds_per_iteration"]):
            best[row["ranks"]] = row
    return [best[ranks] for ranks in sorted(best)]


def plot(mode, base_ranks, rows, title, output_dir):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    best = best_per_rank_count(rows)
    ranks = [row["ranks"] for row in best]
    base_seconds = best[0]["seconds_per_iteration"]

    figure, axes = plt.subplots(figsize=(6, 4.5))
    axes.plot([r["ranks"] for r in rows], [r["seconds_per_iteration"] for r in rows], "o",
              color="0.6", label="every grid")
    axes.plot(ranks, [r["seconds_per_iteration"] for r in best], "o-", label="best grid")
    ideal = ([base_seconds * base_ranks / p for p in ranks] if mode == "strong"
             else [base_seconds for _ in ranks])
    axes.plot(ranks, ideal, "--", color="k", label="ideal")
    axes.set_xscale("log", base=2)
    if mode == "strong":
        axes.set_yscale("log")
    axes.set_xticks(ranks, [str(p) for p in ranks])
    axes.set_xlabel("MPI ranks")
    axes.set_ylabel("seconds per iteration")
    axes.set_title(f"{title}\ntime per iteration ({mode} scaling)", fontsize="medium")
    axes.legend()
    figure.tight_layout()
    figure.savefig(os.path.join(output_dir, "time_per_iteration.png"), dpi=100)
    plt.close(figure)

    figure, axes = plt.subplots(figsize=(6, 4.5))
    axes.plot([r["ranks"] for r in rows], [r["efficiency"] for r in rows], "o", color="0.6",
              label="every grid")
    axes.plot(ranks, [r["efficiency"] for r in best], "o-", label="best grid")
    axes.axhline(1.0, linestyle="--", color="k", label="ideal")
    axes.set_xscale("log", base=2)
    axes.set_xticks(ranks, [str(p) for p in ranks])
    axes.set_ylim(0, max(1.1, max(r["efficiency"] for r in rows) * 1.05))
    axes.set_xlabel("MPI ranks")
    axes.set_ylabel("parallel efficiency")
    axes.set_title(f"{title}\nparallel efficiency ({mode} scaling)", fontsize="medium")
    axes.legend()
    figure.tight_layout()
    figure.savefig(os.path.join(output_dir, "efficiency.png"), dpi=100)
    plt.close(figure)

    figure, axes = plt.subplots(figsize=(max(7, 1.2 * len(rows) + 3), 4.5))
    labels = [f"{r['ranks']} rank{'s' if r['ranks'] > 1 else ''}\n{r['grid']}" for r in rows]
    bottoms = [0.0] * len(rows)
    for name in LOOP_PHASES + ["other"]:
        if name == "other":
            values = [max(0.0, r["seconds_per_iteration"]
                          - sum(r[f"{p}_per_iteration"] for p in LOOP_PHASES)) for r in rows]
        else:
            values = [r[f"{name}_per_iteration"] for r in rows]
        if not any(values):
            continue
        axes.bar(labels, values, bottom=bottoms, label=name.replace("_", " "))
        bottoms = [b + v for b, v in zip(bottoms, values)]
    axes.set_ylabel("seconds per iteration (average over ranks)")
    axes.set_title(f"{title}\nphases per iteration", fontsize="medium")
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.tight_layout()
    figure.savefig(os.path.join(output_dir, "phases.png"), dpi=100)
    plt.close(figure)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("study", help="folder holding the study's JSON reports")
    parser.add_argument("--output-dir", help="where to write the table and plots (default: STUDY)")
    parser.add_argument("--mode", default="auto", choices=["auto", "strong", "weak"])
    parser.add_argument("--title", default="gridnmf scaling")
    args = parser.parse_args(argv)
    output_dir = args.output_dir or args.study
    try:
        mode, base_ranks, rows = summarize(load_reports(args.study), args.mode)
        os.makedirs(output_dir, exist_ok=True)
        write_csv(rows, os.path.join(output_dir, "scaling.csv"))
        table = markdown_table(mode, base_ranks, rows, args.title)
        with open(os.path.join(output_dir, "scaling.md"), "w", encoding="utf-8") as stream:
            stream.write(table)
        plot(mode, base_ranks, rows, args.title, output_dir)
    except (ReportError, OSError) as error:
        print(f"scaling_report: error: {error}", file=sys.stderr)
        return 1
    print(table, end="")
    print(f"wrote scaling.csv, scaling.md, time_per_iteration.png, efficiency.png, phases.png "
          f"to {output_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
