#!/usr/bin/python3
"""README.md's "Your own data" section, followed literally: its fenced code
blocks are extracted and run in order in an empty folder (python blocks with
/usr/bin/python3, sh blocks with bash), with `build/gridnmf` and `mpiexec`
pointing at the executable and launcher under test. Then the files the
section promises are checked: W and H of the announced shapes whose product
approximates V.

    test_readme_own_data.py --gridnmf build/gridnmf --mpiexec mpiexec --readme README.md
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

SECTION = "## Your own data"


def code_blocks(readme):
    """(language, code) of every fenced block of the section, in order."""
    with open(readme, encoding="utf-8") as stream:
        text = stream.read()
    start = text.find("\n" + SECTION + "\n")
    if start < 0:
        raise AssertionError(f"{readme} has no '{SECTION}' section")
    body = text[start + len(SECTION) + 2:]
    following = re.search(r"^## ", body, re.MULTILINE)
    if following:
        body = body[:following.start()]
    blocks = re.findall(r"^```(\w+)\n(.*?)^```", body, re.MULTILINE | re.DOTALL)
    if not blocks:
        raise AssertionError(f"the '{SECTION}' section has no fenced code block")
    return blocks


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gridnmf", required=True)
    parser.add_argument("--mpiexec", default="mpiexec")
    parser.add_argument("--readme", required=True)
    args = parser.parse_args()
    blocks = code_blocks(args.readme)
    languages = [language for language, _ in blocks]
    assert set(languages) <= {"python", "sh"}, languages
    with tempfile.TemporaryDirectory(prefix="gridnmf-readme-") as work:
        # What the README assumes: the build in build/, mpiexec on the PATH.
        os.makedirs(os.path.join(work, "build"))
        os.symlink(os.path.abspath(args.gridnmf), os.path.join(work, "build", "gridnmf"))
        tools = os.path.join(work, ".tools")
        os.makedirs(tools)
        launcher = args.mpiexec if os.sep in args.mpiexec else (
            subprocess.run(["which", args.mpiexec], capture_output=True, text=True).stdout.strip())
        # A wrapper, not a symlink: MPICH's Hydra finds its helpers beside argv[0].
        wrapper = os.path.join(tools, "mpiexec")
        with open(wrapper, "w") as stream:
            stream.write(f'#!/bin/sh\nexec "{os.path.realpath(launcher)}" "$@"\n')
        os.chmod(wrapper, 0o755)
        env = dict(os.environ, PATH=tools + os.pathsep + os.environ.get("PATH", ""))
        for index, (language, code) in enumerate(blocks):
            command = ["/usr/bin/python3", "-c", code] if language == "python" else ["bash", "-e", "-c", code]
            done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True,
                                  timeout=240)
            print(f"---- block {index + 1} ({language})\n{code}---- output\n{done.stdout}{done.stderr}")
            if done.returncode != 0:
                print(f"FAILED: block {index + 1} exited {done.returncode}")
                return 1
        # The promises of the section: the written V, the result, the shapes.
        inputs = [name for name in os.listdir(work) if name.startswith("mydata.")]
        assert inputs, os.listdir(work)
        if os.path.exists(os.path.join(work, "mydata.npy")):
            v = np.load(os.path.join(work, "mydata.npy"))
        else:
            with h5py.File(os.path.join(work, "mydata.h5"), "r") as f:
                v = f["V"][...]
        with h5py.File(os.path.join(work, "result.h5"), "r") as f:
            w, h = f["W"][...], f["H"][...]
        assert w.shape == (v.shape[0], 10) and h.shape == (10, v.shape[1]), (w.shape, h.shape)
        error = np.linalg.norm(v - w @ h) / np.linalg.norm(v)
        assert error < 0.6, error
        print(f"ok: {len(blocks)} blocks ran; V {v.shape}, W {w.shape}, H {h.shape}, "
              f"relative error {error:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
