# Peak resident memory of a server's whole process tree, per workload: the
# kernel's high-water mark (VmHWM) summed over the tree, reset between
# workloads through /proc/<pid>/clear_refs.
import os


def process_tree(root_pid):
    """The root and every descendant still alive, found through /proc children lists."""
    pids, pending = [], [root_pid]
    while pending:
        pid = pending.pop()
        pids.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    pending.extend(int(child) for child in children.read().split())
        except OSError:
            pass  # exited meanwhile
    return pids


def _status_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_rss_kib(root_pid):
    """Sum of VmHWM over the tree: an upper bound of the tree's peak, exact for one process."""
    return sum(_status_kib(pid, "VmHWM") for pid in process_tree(root_pid))


def reset_peaks(root_pid):
    """Sets each process's VmHWM back to its current RSS (Linux ≥ 4.0, needs ownership)."""
    for pid in process_tree(root_pid):
        try:
            with open(f"/proc/{pid}/clear_refs", "w") as clear:
                clear.write("5")
        except OSError:
            pass
