"""Run the demo marketplace with uvicorn: in a background thread for tests, or in the foreground.

``DemoMarketplace`` binds its own listening socket (127.0.0.1, port 0 by default), so the real port
is known at once; uvicorn serves that socket from a daemon thread, and ``start`` returns only
after uvicorn reports it is serving (a ``threading.Event`` set from its startup hook).  ``stop``
asks uvicorn to exit, joins the thread and closes the socket, leaving nothing open.

    with DemoMarketplace(catalogue) as market:
        httpx.get(market.url("/search?q=biobank"))
        market.state.takedown("1600498812207")
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from types import TracebackType

import uvicorn

from crawler.demo.app import MarketState, create_app
from crawler.demo.catalogue import Catalogue
from crawler.demo.errors import DemoServerError

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"


class _NotifyingServer(uvicorn.Server):
    """A uvicorn server that calls ``on_started`` once it is accepting connections."""

    def __init__(self, config: uvicorn.Config, *, on_started: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self._on_started()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise DemoServerError(f"cannot listen on {host}:{port}: {exc}") from exc
    return sock


def _base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _config(catalogue: Catalogue, state: MarketState) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(catalogue, state=state),
        log_config=None,
        log_level="warning",
        access_log=False,
        loop="asyncio",
        lifespan="off",
        ws="none",
        timeout_graceful_shutdown=2,
    )


class DemoMarketplace:
    """The demo marketplace served from a background thread; use as a context manager."""

    def __init__(
        self,
        catalogue: Catalogue,
        host: str = DEFAULT_HOST,
        port: int = 0,
        *,
        startup_timeout: float = 10.0,
    ) -> None:
        self.catalogue = catalogue
        self.state = MarketState()
        self._host = host
        self._port = port
        self._startup_timeout = startup_timeout
        self._sock: socket.socket | None = None
        self._server: _NotifyingServer | None = None
        self._thread: threading.Thread | None = None
        self._base_url = ""

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` of the running server (no trailing slash)."""
        if not self._base_url:
            raise DemoServerError("the demo marketplace is not running")
        return self._base_url

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        return int(self.base_url.rsplit(":", 1)[1])

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` (which starts with ``/``) on this server."""
        return self.base_url + path

    def start(self) -> DemoMarketplace:
        """Bind, start uvicorn in a thread and wait until it serves; return ``self``."""
        if self._thread is not None:
            raise DemoServerError("the demo marketplace is already running")
        ready = threading.Event()
        sock = _bind(self._host, self._port)
        server = _NotifyingServer(_config(self.catalogue, self.state), on_started=ready.set)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="demo-marketplace", daemon=True
        )
        self._sock, self._server, self._thread = sock, server, thread
        thread.start()
        if not self._wait_ready(ready):
            self._halt()
            raise DemoServerError("the demo marketplace did not start")
        self._base_url = _base_url(sock)
        logger.info("demo marketplace serving on %s", self._base_url)
        return self

    def _wait_ready(self, ready: threading.Event) -> bool:
        assert self._thread is not None
        waited = 0.0
        while waited < self._startup_timeout:
            if ready.wait(timeout=0.05):
                return True
            if not self._thread.is_alive():
                return ready.is_set()
            waited += 0.05
        return False

    def stop(self) -> None:
        """Stop serving and release the socket; safe to call twice."""
        if self._thread is None:
            return
        self._halt()
        logger.info("demo marketplace stopped")

    def _halt(self) -> None:
        server, thread, sock = self._server, self._thread, self._sock
        self._server = self._thread = self._sock = None
        self._base_url = ""
        try:
            if server is not None and thread is not None:
                server.should_exit = True
                thread.join(timeout=5.0)
                if thread.is_alive():
                    server.force_exit = True
                    thread.join(timeout=5.0)
                if thread.is_alive():
                    raise DemoServerError("the demo marketplace did not stop")
        finally:
            if sock is not None:
                sock.close()

    def __enter__(self) -> DemoMarketplace:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def serve_forever(
    catalogue: Catalogue,
    host: str = DEFAULT_HOST,
    port: int = 8800,
    *,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the demo marketplace in the foreground until Ctrl+C (then return) or SIGTERM.

    ``on_ready`` is called with the base URL once the server accepts connections (useful with
    ``port=0``).  Raises ``DemoServerError`` when the address cannot be bound.
    """
    sock = _bind(host, port)
    url = _base_url(sock)

    def started() -> None:
        logger.info("demo marketplace serving on %s", url)
        if on_ready is not None:
            on_ready(url)

    try:
        _NotifyingServer(_config(catalogue, MarketState()), on_started=started).run(sockets=[sock])
    except KeyboardInterrupt:
        logger.info("demo marketplace stopped")
    finally:
        sock.close()
