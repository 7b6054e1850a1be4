"""Serving from several processes that share one listening socket (`retroduce serve --processes N`).

One Python process runs one request's Python at a time (the GIL), so on a machine with two cores
one waitress process leaves a core to PostgreSQL and little else: under a team's load requests
queue for the interpreter. The parent binds the socket, forks N children that each run waitress
on it (the kernel hands each new connection to one of them), restarts a child that dies, and stops
them all on Ctrl+C or SIGTERM. POSIX only; elsewhere one process serves.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from collections.abc import Callable

RESTART_PAUSE = 1.0  # seconds between restarts of a child that keeps dying


def serve_forked(
    host: str,
    port: int,
    processes: int,
    run_child: Callable[[socket.socket, int], None],
    say: Callable[[str], None],
) -> int:
    """Bind, fork `processes` children running `run_child(sock, index)`, and supervise them."""
    from django.db import connections

    listener = socket.create_server((host, port), backlog=1024)
    connections.close_all()  # each child opens its own database connections
    children: dict[int, int] = {}  # pid -> index
    stopping = False

    def start(index: int) -> None:
        pid = os.fork()
        if pid == 0:  # the child
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            try:
                run_child(listener, index)
            finally:
                os._exit(0)
        children[pid] = index

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for index in range(processes):
        start(index)
    say(f"{processes} processes: {', '.join(map(str, children))}")
    status = 0
    while children:
        try:
            pid, code = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        index = children.pop(pid, None)
        if index is None:
            continue
        if not stopping:
            say(f"Server process {pid} stopped ({code}); starting another.")
            time.sleep(RESTART_PAUSE)
            start(index)
        elif os.WIFEXITED(code) and os.WEXITSTATUS(code):
            status = 1  # failed on its own while stopping (our SIGTERM ending it is normal)
    listener.close()
    return status


def forking_supported() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"
