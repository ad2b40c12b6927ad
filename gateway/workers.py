"""Several worker processes on one port, each accepting on a listening socket of its own.

uvicorn's ``--workers`` binds one socket in the parent and hands it to every worker: they race to
``accept()`` from one queue, and the kernel wakes the most recently idle worker first, so
keep-alive clients pile onto one or two workers while the others idle (measured with 16 client
connections and two workers: splits of 15/1, 14/2, 13/3, 12/4; encode/uvicorn discussion #2467).
On Linux, each worker here binds its own socket to the same address with ``SO_REUSEPORT`` and
the kernel spreads new connections over the sockets by a hash of the connection's addresses.

The parent only supervises (:func:`supervise`): it checks the address can be bound, starts the
workers, starts a new one when one dies (at most once a second per worker; a worker whose app
failed to start stops everything, like uvicorn), and on SIGINT or SIGTERM asks every worker to
stop (SIGTERM: uvicorn's graceful shutdown) and kills those still running after the grace period.
A worker dies with its parent (``PR_SET_PDEATHSIG``): killing the supervisor, even with SIGKILL,
never leaves workers serving. Only processes of the same user can join a ``SO_REUSEPORT`` group.

Elsewhere than Linux, ``lienthong serve --workers N`` uses uvicorn's own supervisor.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Final

import uvicorn
from uvicorn.config import STARTUP_FAILURE

log = logging.getLogger("lienthong.workers")

BACKLOG: Final = 2048  # uvicorn's default
GRACE_S: Final = 15.0  # longer than uvicorn's graceful shutdown (gateway.commands: 10 s)
RESTART_EVERY_S: Final = 1.0  # a worker that keeps dying is started again at most this often
_PR_SET_PDEATHSIG: Final = 1


def reuse_port_available() -> bool:
    """Whether the kernel balances connections over ``SO_REUSEPORT`` sockets (Linux)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` in the address's ``SO_REUSEPORT`` group (not yet listening)."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def supervise(config: uvicorn.Config, workers: int, configure_logging: Callable[[], None]) -> int:
    """Run ``workers`` processes serving ``config`` on ``config.port``; returns the exit status.

    ``config`` is the uvicorn configuration of one worker (app, host, port, timeouts); it is sent
    to each worker process, which binds its own socket. ``configure_logging`` runs in each worker.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if config.port == 0:
        raise ValueError("several workers need a fixed port (with port 0 each would listen elsewhere)")
    try:
        reuse_port_socket(config.host, config.port).close()  # fails here, once, if the address is taken
    except OSError as exc:
        log.error("cannot listen on %s:%d: %s", config.host, config.port, exc.strerror or exc)
        return 1
    stop = threading.Event()

    def asked_to_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, asked_to_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    spawn = multiprocessing.get_context("spawn")
    started_at = [0.0] * workers
    processes: list[BaseProcess | None] = [None] * workers
    status = 0
    try:
        log.info("starting %d workers on %s:%d, one socket each (SO_REUSEPORT)", workers, config.host, config.port)
        while not stop.is_set():
            for slot, process in enumerate(processes):
                if process is not None and process.is_alive():
                    continue
                if process is not None:
                    if process.exitcode == STARTUP_FAILURE:
                        log.error("worker %d (pid %s) could not start the app: stopping", slot, process.pid)
                        status = STARTUP_FAILURE
                        stop.set()
                        break
                    log.warning(
                        "worker %d (pid %s) exited with %s: starting another", slot, process.pid, process.exitcode
                    )
                if time.monotonic() - started_at[slot] < RESTART_EVERY_S:
                    continue
                processes[slot] = spawn.Process(
                    target=_serve, args=(config, os.getpid(), configure_logging), name=f"lienthong-worker-{slot}"
                )
                processes[slot].start()  # type: ignore[union-attr]
                started_at[slot] = time.monotonic()
            stop.wait(0.2)
    finally:
        _stop_all([p for p in processes if p is not None])
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status


def _stop_all(processes: list[BaseProcess]) -> None:
    for process in processes:
        if process.is_alive() and process.pid is not None:
            os.kill(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_S
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            log.warning("worker pid %s did not stop within %.0f s: killing it", process.pid, GRACE_S)
            process.kill()
            process.join()


def _serve(config: uvicorn.Config, parent: int, configure_logging: Callable[[], None]) -> None:
    """One worker: dies with its parent, binds its own socket, serves until told to stop."""
    _die_with_parent(parent)
    configure_logging()
    sock = reuse_port_socket(config.host, config.port)
    uvicorn.Server(config).run(sockets=[sock])


def _die_with_parent(parent: int) -> None:
    """SIGTERM to this process when the supervisor dies (Linux ``prctl``), or now if it already has."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        log.warning("could not ask to die with the supervisor (errno %d)", ctypes.get_errno())
    if os.getppid() != parent:  # the supervisor died before the request above
        os.kill(os.getpid(), signal.SIGTERM)
