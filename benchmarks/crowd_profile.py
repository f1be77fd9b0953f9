"""Where the CPU goes while 30 viewers open the poll page at once (the 30-viewer target's profile).

    .venv/bin/python -m benchmarks.crowd_profile

Starts Voilà with 30 preheated kernels for the CHIME poll page, opens it 30 times at
once in Chromium, and splits the machine's busy CPU time between the Voilà server,
the kernels, other processes and (the rest) the browser with its driver.
"""

from __future__ import annotations

import asyncio
import os
import time

import psutil

from benchmarks.voila_render import _crowd_async, serving


def busy_seconds() -> float:
    """CPU-seconds the whole machine has spent busy since boot (from /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_by_kind() -> dict[str, float]:
    """CPU-seconds used so far by the Voilà server, the kernels and other processes running now."""
    totals = {"voila server": 0.0, "kernels": 0.0, "other": 0.0}
    for process in psutil.process_iter(["cmdline", "cpu_times"]):
        command, times = " ".join(process.info["cmdline"] or []), process.info["cpu_times"]
        if times is None or "chromium" in command:
            continue  # the browser's processes end with the run: counted as the rest of the busy time
        kind = "voila server" if "-m voila" in command else "kernels" if "ipykernel_launcher" in command else "other"
        totals[kind] += times.user + times.system
    return totals


def main() -> None:
    cpus = os.cpu_count() or 1
    with serving(preheat=True, pool={"chime-explorer.ipynb": 30}) as (server, _folder):
        before, busy_before, started = cpu_by_kind(), busy_seconds(), time.perf_counter()
        times = asyncio.run(_crowd_async(server.render_url("chime-explorer.ipynb"), 30, 180))
        wall, after, busy = time.perf_counter() - started, cpu_by_kind(), busy_seconds() - busy_before
    print(f"wall {wall:.1f} s; slowest first byte {max(t for t, _ in times):.1f} s; slowest interactive {max(t for _, t in times):.1f} s")
    print(f"machine busy {busy:.1f} CPU-s of {cpus * wall:.1f} available")
    used = {kind: after[kind] - before[kind] for kind in after}
    used["browser and its driver (the rest)"] = busy - sum(used.values())
    for kind, seconds in used.items():
        print(f"  {kind:34s} {seconds:6.1f} CPU-s  {100 * seconds / busy:5.1f}%")


if __name__ == "__main__":
    main()
