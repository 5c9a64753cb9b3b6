"""A loopback TCP relay that a test can cut and restore: a real network path to a real server.

The gateway reaches the machine's own PostgreSQL through it, so a test can make the database
"go away" (every open connection reset, new ones refused) without stopping the shared server.
"""

from __future__ import annotations

import selectors
import socket
import threading


class CuttableRelay:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self._listener: socket.socket | None = None
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.port = self._listen(0)
        self._thread = threading.Thread(target=self._loop, daemon=True, name="tcp-relay")
        self._thread.start()

    def _listen(self, port: int) -> int:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
        listener.setblocking(False)
        with self._lock:
            self._listener = listener
        return listener.getsockname()[1]

    def cut(self) -> None:
        """Refuse new connections and reset the open ones, as a server that has gone away."""
        with self._lock:
            listener, self._listener = self._listener, None
            pairs, self._pairs = self._pairs, []
        if listener is not None:
            listener.close()
        for pair in pairs:
            for sock in pair:
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    sock.close()  # linger 0: the peer sees a reset, not a polite end
                except OSError:
                    pass

    def restore(self) -> None:
        self._listen(self.port)

    def close(self) -> None:
        self._stop.set()
        self.cut()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                listener = self._listener
                pairs = list(self._pairs)
            sockets = ([listener] if listener else []) + [s for pair in pairs for s in pair]
            if not sockets:
                self._stop.wait(0.02)
                continue
            with selectors.DefaultSelector() as selector:
                for sock in sockets:
                    try:
                        selector.register(sock, selectors.EVENT_READ)
                    except (ValueError, OSError):  # closed by cut() meanwhile
                        pass
                try:
                    ready = selector.select(timeout=0.05)
                except (ValueError, OSError):
                    continue
            for key, _ in ready:
                sock = key.fileobj
                if sock is listener:
                    self._accept(listener)
                else:
                    self._pump(sock, pairs)

    def _accept(self, listener: socket.socket) -> None:
        try:
            client, _ = listener.accept()
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            return
        with self._lock:
            if self._listener is listener:
                self._pairs.append((client, upstream))
                return
        client.close()
        upstream.close()

    def _pump(self, sock: socket.socket, pairs: list[tuple[socket.socket, socket.socket]]) -> None:
        pair = next((p for p in pairs if sock in p), None)
        if pair is None:
            return
        other = pair[1] if sock is pair[0] else pair[0]
        try:
            data = sock.recv(65536)
            if data:
                other.sendall(data)
                return
        except OSError:
            pass
        with self._lock:
            if pair in self._pairs:
                self._pairs.remove(pair)
        for s in pair:
            try:
                s.close()
            except OSError:
                pass
