# Debian's haproxy in front of several gateways on loopback, round robin per
# request, for the scale-out load run (gateway_load.py). Started in the
# foreground (-db) so it ends with the run.
import os
import socket
import subprocess
import time

from processes import terminate


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Haproxy:
    def __init__(self, backend_ports, directory):
        self.port = free_port()
        config = os.path.join(directory, "haproxy.cfg")
        servers = "".join(f"  server gateway{i + 1} 127.0.0.1:{port}\n" for i, port in enumerate(backend_ports))
        with open(config, "w") as out:
            out.write("global\n  maxconn 1024\n"
                      "defaults\n  mode http\n  timeout connect 5s\n  timeout client 120s\n  timeout server 120s\n"
                      f"frontend mcp\n  bind 127.0.0.1:{self.port}\n  default_backend gateways\n"
                      f"backend gateways\n  balance roundrobin\n{servers}")
        self.log_path = os.path.join(directory, "haproxy.stderr")
        with open(self.log_path, "ab") as log:
            try:
                self.process = subprocess.Popen(["haproxy", "-db", "-f", config], stdin=subprocess.DEVNULL,
                                                stdout=log, stderr=log)
            except FileNotFoundError:
                raise RuntimeError("haproxy is not installed (scripts/setup installs it)") from None
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"haproxy did not start; see {self.log_path}") from None
                time.sleep(0.05)

    def stop(self):
        terminate(self.process, 10)
