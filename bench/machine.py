# What a benchmark result records about the machine it ran on, shared by
# bench/run.py and bench/gateway_load.py so both reports name it alike.
import datetime
import os
import platform
import subprocess


def cpu_model():
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def machine_facts():
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "nproc": os.cpu_count(), "cpu": cpu_model(), "kernel": platform.release(),
            "load_average_at_start": os.getloadavg()[0]}


def commit():
    """The checkout the binary was presumably built from; "-dirty" with uncommitted changes."""
    described = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True,
                               cwd=os.path.dirname(os.path.abspath(__file__)))
    return f"at commit {described.stdout.strip()}" if described.returncode == 0 else "(commit unknown)"


def binary_kind(path):
    """"static" or "dynamic": a dynamic executable names its loader (PT_INTERP) near the start."""
    with open(path, "rb") as binary:
        head = binary.read(4096)
    return "dynamic" if b"/ld-linux" in head else "static"
