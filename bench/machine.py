# What a benchmark result records about the machine it ran on, shared by
# bench/run.py and bench/gateway_load.py so both reports name it alike.
import datetime
import os
import platform


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
