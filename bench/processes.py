# Ending a benchmark's server processes: politely first, then for sure, so a
# run never leaves one behind.
import subprocess


def terminate(process, timeout_s):
    """SIGTERM, up to timeout_s for the exit, then SIGKILL."""
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
