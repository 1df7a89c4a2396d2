#!/usr/bin/env python3
"""Count the instructions one pass over a corpus takes, per facet binary, to
compare two builds of a small change: timings on a shared machine vary by
5-10% from run to run, and a count by less than 0.1% (Swift seeds its hash
tables differently in each process).

    swift build -c release && cp .build/release/facet /tmp/facet-before
    ... change, rebuild ...
    python3 bench/instructions.py /tmp/facet-before .build/release/facet

Runs `facet bench --corpus` under valgrind's callgrind (apt-get install
valgrind), counting only inside the corpus passes, and prints millions of
instructions per pass and, for each binary after the first, the change. The
largest functions are listed with --top N. A count is not a time (a cache
miss costs far more than an add), so confirm a gain with interleaved
`facet bench` runs.
"""
import argparse, os, re, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PASSES = 3


def count(binary, corpus, top):
    with tempfile.TemporaryDirectory() as tmp:
        # valgrind 3.19 cannot read the DWARF 5 the Swift toolchain writes: count a copy without it.
        stripped = os.path.join(tmp, "facet")
        subprocess.run(["objcopy", "--strip-debug", binary, stripped], check=True)
        out = os.path.join(tmp, "callgrind.out")
        run = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                              "--toggle-collect=*BenchCommand*corpusThroughput*",
                              stripped, "bench", "--corpus", corpus, "--iterations", "1", "--passes", str(PASSES)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        refs = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
        if run.returncode != 0 or not refs:
            sys.exit(f"{binary}: callgrind failed:\n{run.stderr[-2000:]}")
        functions = []
        if top:
            annotated = subprocess.run(["callgrind_annotate", out], capture_output=True, text=True).stdout
            for line in annotated.splitlines():
                match = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+\S*?:(\S+)", line)
                if match and "PROGRAM TOTALS" not in line:
                    functions.append((int(match.group(1).replace(",", "")) / PASSES, match.group(2)))
        # The passes also read the corpus once; that is the same for every binary.
        return int(refs.group(1).replace(",", "")) / PASSES, demangled(functions[:top])


def demangled(functions):
    """Swift's names made readable by `swift demangle`, when the toolchain has it."""
    if not functions or not shutil.which("swift"):
        return functions
    run = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(n for _, n in functions),
                         capture_output=True, text=True)
    names = run.stdout.splitlines()
    return [(count, names[i] if run.returncode == 0 and i < len(names) else name) for i, (count, name) in enumerate(functions)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binaries", nargs="+", help="facet executables (release builds)")
    parser.add_argument("--corpus", default=os.path.join(HERE, "../../shared/corpus"))
    parser.add_argument("--top", type=int, default=0, help="also list the N functions with the most instructions of their own")
    args = parser.parse_args()
    for tool in ("valgrind", "callgrind_annotate", "objcopy"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found: apt-get install valgrind binutils")
    if not os.path.isdir(args.corpus):
        sys.exit(f"no corpus at {args.corpus} (--corpus DIR)")
    first = None
    for binary in args.binaries:
        per_pass, functions = count(binary, args.corpus, args.top)
        change = "" if first is None else f"  {100 * (per_pass - first) / first:+.2f}%"
        first = first or per_pass
        print(f"{binary}: {per_pass / 1e6:.1f} M instructions per corpus pass{change}")
        for instructions, name in functions:
            print(f"  {instructions / 1e6:8.2f} M  {name[:120]}")


if __name__ == "__main__":
    main()
