"""`build_map.py serve`: MkDocs' development server with the preview's two-pass rebuilds
(petakla.rebuild) and the system's file notifications instead of polling."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import signal
import socket
import tempfile
import time
from os.path import isfile, join
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs.livereload import LiveReloadServer, _serve_url

from .preview import preview_of
from .rebuild import rebuild

log = logging.getLogger("mkdocs.commands.serve")


class _Server(LiveReloadServer):
    """MkDocs' live-reload server, told of changes by the system (inotify on Linux, through
    watchdog's native observer) instead of stat()ing every watched file twice a second: at
    10,000 records one poll is 10,000 stat() calls, competing with the rebuild for the
    interpreter, and a save was noticed 0.25 s later on average."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.observer = _observer()

    def check_address(self) -> None:
        """Abort if another program holds the address (MkDocs binds only after the first
        build, which at 10,000 records takes a minute, and then fails with a traceback).
        A probe with the server's own options: a port left in TIME_WAIT is free."""
        with socket.socket(self.address_family, self.socket_type) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(self.server_address)
            except OSError as exc:
                self.in_use(exc)

    def in_use(self, exc: OSError) -> None:
        if exc.errno != errno.EADDRINUSE:
            raise exc
        host, port = self.server_address[:2]
        raise Abort(f"alamat {host}:{port} sudah dipakai program lain (mungkin pratinjau lain "
                    "masih berjalan). Hentikan program itu, atau pilih port lain, misalnya: "
                    "build_map.py serve --dev-addr 127.0.0.1:8001") from None

    def server_bind(self) -> None:
        try:
            super().server_bind()
        except OSError as exc:  # taken since check_address()
            self.in_use(exc)

    def changes_waiting(self) -> bool:
        """A file changed since the current build began (MkDocs' build loop clears the flag
        just before it builds)."""
        return self._want_rebuild

    def publish(self) -> None:
        """Serve the folder as it is now and have open pages reload. MkDocs holds every
        request while a build runs, so that no half-built site is seen; after the quick pass
        the site is whole (each file is replaced at once: _atomic_writes), and the catch-up
        pass must not hold the edited page back."""
        with self._epoch_cond:
            now = max(round(time.monotonic() * 1000), self._wanted_epoch + 1)
            self._wanted_epoch = self._visible_epoch = now
            self._epoch_cond.notify_all()


def _atomic_writes() -> None:
    """MkDocs writes each output file in place; the preview serves the folder while its
    catch-up pass writes, so every file is written beside and renamed over the old one."""
    import mkdocs.utils

    def write_file(content: bytes, output_path: str) -> None:
        folder, name = os.path.split(output_path)
        os.makedirs(folder, exist_ok=True)
        part = os.path.join(folder, f".{name}.part")
        with open(part, "wb") as f:
            f.write(content)
        os.replace(part, output_path)

    def copy_file(source_path: str, output_path: str) -> None:
        if os.path.isdir(output_path):
            output_path = os.path.join(output_path, os.path.basename(source_path))
        folder, name = os.path.split(output_path)
        os.makedirs(folder, exist_ok=True)
        part = os.path.join(folder, f".{name}.part")
        shutil.copyfile(source_path, part)
        os.replace(part, output_path)

    mkdocs.utils.write_file, mkdocs.utils.copy_file = write_file, copy_file


def _observer():
    """watchdog's native observer, told only of changes: a file opened or read (every build
    reads the templates and vocabularies it watches) is not one."""
    from watchdog import events
    from watchdog.observers import Observer

    changes = [events.FileCreatedEvent, events.FileModifiedEvent, events.FileDeletedEvent,
               events.FileMovedEvent, events.FileClosedEvent, events.FileAttribEvent,
               events.DirCreatedEvent, events.DirDeletedEvent, events.DirMovedEvent]

    class ChangesOnly(Observer):
        def schedule(self, handler, path, *, recursive=False, event_filter=None, **kw):
            return super().schedule(handler, path, recursive=recursive,
                                    event_filter=event_filter or changes, **kw)

    return ChangesOnly()


def serve(config_file: str, dev_addr: str) -> None:
    """Serve the site at `dev_addr`, rebuilding it when its inputs change (MkDocs' `serve`
    with `dirty` builds, as petakla.preview and petakla.rebuild use them). The site is built
    into a temporary folder, removed however serve ends."""
    # `kill` (as a benchmark or a test stops it) ends it like Ctrl-C: the preview's own
    # processes are stopped and the folder removed. The handler is in place before the folder
    # exists, and SIGTERM is held back (where the system can) until the `try` has begun.
    hold = getattr(signal, "pthread_sigmask", None)
    signal.signal(signal.SIGTERM, _interrupt)
    if hold:
        hold(signal.SIG_BLOCK, {signal.SIGTERM})
    site_dir = tempfile.mkdtemp(prefix="mkdocs_")
    try:
        if hold:
            hold(signal.SIG_UNBLOCK, {signal.SIGTERM})
        _serve(config_file, dev_addr, site_dir)
    except KeyboardInterrupt:
        log.info("Shutting down...")
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second kill must not cut this short
        shutil.rmtree(site_dir, ignore_errors=True)


def _serve(config_file: str, dev_addr: str, site_dir: str) -> None:
    _atomic_writes()

    def get_config():
        return load_config(config_file=config_file, site_dir=site_dir, dev_addr=dev_addr)

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=True)
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    config.site_url = serve_url = _serve_url(host, port, mount_path)
    state = preview_of(Path(config.config_file_path).resolve().parent)
    server: _Server | None = None

    def builder(first=None) -> None:
        given = [first] if first is not None else []

        def once() -> None:
            log.info("Building documentation...")
            cfg = given.pop() if given else None
            if cfg is None:
                cfg = get_config()
                cfg.site_url = serve_url
            build(cfg, serve_url=serve_url, dirty=True)

        if server is None:
            rebuild(once, state, lambda: False)
            return
        started = time.monotonic()

        def publish() -> None:
            server.publish()
            if state.behind:  # after the quick pass, for the editor
                log.info(f"[{time.strftime('%H:%M:%S')}] Halaman yang disimpan sudah tampil "
                         f"({time.monotonic() - started:.1f} s); daftar, angka dan unduhan "
                         "menyusul.")

        rebuild(once, state, server.changes_waiting, publish)

    server = _Server(builder=builder, host=host, port=port, root=site_dir,
                     mount_path=mount_path)
    server.check_address()

    def error_page(code: int) -> bytes | None:
        page = join(site_dir, f"{code}.html")
        if code in (404, 500) and isfile(page):
            with open(page, "rb") as f:
                return f.read()
        return None

    server.error_handler = error_page
    try:
        builder(config)
        server.watch(config.docs_dir)
        server.watch(config.config_file_path)
        server = config.plugins.on_serve(server, config=config, builder=builder)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve()
        finally:
            server.shutdown()
    finally:
        state.background.stop()
        config.plugins.on_shutdown()


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
