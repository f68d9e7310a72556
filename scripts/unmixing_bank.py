#!/usr/bin/python3
"""The bank of generated unmixing scenes (issue 14): what real scenes do and
the three shared scenes do not. Each entry is a kind (the row of the result
table) and the `gridnmf generate --kind hyperspectral` options of one scene.

    scripts/unmixing_bank.py                 # list: kind, name, options
    scripts/unmixing_bank.py --write DIR     # generate every scene into DIR (1 rank)
"""
import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (kind, name, options); sizes are image rows x cols, bands after --bands.
BANK = []


def add(kind, name, rows, cols, bands, k, snr, seed, *extra):
    options = ["--rows", rows, "--cols", cols, "--bands", bands, "--endmembers", k,
               "--noise", snr, "--seed", seed, *extra]
    BANK.append((kind, name, [str(o) for o in options]))


for seed, k, snr in ((1, 4, 30), (2, 6, 25), (3, 8, 35), (4, 5, 20)):
    add("many pure pixels", f"pure_{k}_{snr}db", 60, 60, 100, k, snr, seed,
        "--mixing-sharpness", 40, "--pure-pixels")
for seed, k, snr in ((5, 4, 30), (6, 6, 25), (7, 3, 40), (8, 5, 20)):
    add("no pure pixels", f"mixed_{k}_{snr}db", 60, 60, 100, k, snr, seed, "--mixing-sharpness", 3)
for seed, k, snr in ((9, 4, 20), (10, 6, 20), (11, 3, 22), (12, 5, 25)):
    add("small noisy (50 x 50, 20-25 dB)", f"small_{k}_{snr}db", 50, 50, 100, k, snr, seed)
for seed, k, snr in ((13, 4, 30), (14, 6, 40), (15, 8, 30), (16, 5, 25)):
    add("band-varying noise", f"bandnoise_{k}_{snr}db", 60, 60, 120, k, snr, seed, "--band-noise")
for seed, k, snr, sim in ((17, 3, 35, 0.5), (18, 6, 35, 0.5), (19, 8, 40, 0.6), (20, 10, 35, 0.4)):
    add("similar spectra (3-10)", f"similar_{k}_sim{sim}", 60, 60, 100, k, snr, seed,
        "--similarity", sim)
for seed, k, dead, sat in ((21, 4, 0.03, 0.0), (22, 6, 0.0, 0.03), (23, 5, 0.02, 0.02),
                           (24, 8, 0.04, 0.02)):
    add("dead/saturated bands", f"defects_{k}_d{dead}_s{sat}", 60, 60, 100, k, 30, seed,
        "--dead-bands", dead, "--saturated-bands", sat)
for seed, k, snr in ((25, 4, 30), (26, 6, 35), (27, 10, 30)):
    add("large (150 x 150)", f"large_{k}_{snr}db", 150, 150, 100, k, snr, seed)
for seed, k, snr in ((28, 3, 40), (29, 10, 25), (30, 7, 30)):
    add("plain (default mixing)", f"plain_{k}_{snr}db", 70, 70, 100, k, snr, seed)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", metavar="DIR", help="generate every scene into DIR")
    parser.add_argument("--gridnmf", default=os.path.join(ROOT, "build", "gridnmf"))
    args = parser.parse_args()
    if not args.write:
        for kind, name, options in BANK:
            print(f"{kind}\t{name}\t{' '.join(options)}")
        return
    os.makedirs(args.write, exist_ok=True)
    for kind, name, options in BANK:
        out = os.path.join(args.write, name + ".h5")
        if os.path.exists(out):
            continue
        subprocess.run([args.gridnmf, "generate", "--kind", "hyperspectral", *options,
                        "--output", out], check=True, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    sys.exit(main())
