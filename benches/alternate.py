#!/usr/bin/env python3
"""Runs commands in alternation and writes their times as JSON.

    alternate.py RUNS WARMUP OUT.json COMMAND...

Each round runs every command once, starting each round with the next command
in turn (A B, then B A, ...), so that a change in the machine's load falls on
all of them alike and the i-th times of two commands are a true pair, taken
seconds apart. (hyperfine runs all of one command's runs before the next's:
its i-th times are far apart.) WARMUP rounds come first and are not kept.

The JSON has one result per command, in the order given:
{"results": [{"command": ..., "times": [wall seconds...],
              "cpu": [user + system seconds...], "median": ...,
              "cpu_median": ...}]}
A command that fails stops the run with its exit status.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def run(command):
    """Wall and CPU seconds of one run of `command` (a shell-free word list)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"alternate.py: `{' '.join(command)}` exited with {code}")
    return wall, usage.ru_utime + usage.ru_stime


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    runs, warmup, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    commands = [c.split() for c in sys.argv[4:]]
    walls = [[] for _ in commands]
    cpus = [[] for _ in commands]
    for round_ in range(warmup + runs):
        first = round_ % len(commands)
        for k in range(len(commands)):
            i = (first + k) % len(commands)
            wall, cpu = run(commands[i])
            if round_ >= warmup:
                walls[i].append(wall)
                cpus[i].append(cpu)
    results = [
        {
            "command": " ".join(c),
            "times": w,
            "cpu": u,
            "median": statistics.median(w),
            "cpu_median": statistics.median(u),
        }
        for c, w, u in zip(commands, walls, cpus)
    ]
    with open(out, "w") as f:
        json.dump({"results": results}, f)


if __name__ == "__main__":
    main()
