"""A fake Slack Socket Mode server (the WebSocket side of Socket Mode) on 127.0.0.1.

Socket Mode works like this: the app calls ``apps.connections.open`` with its app-level token
(``xapp-``), gets a one-time WebSocket URL, connects, receives ``hello``, then receives envelopes
(``slash_commands``, ``events_api``, ``interactive``) and must ack each one by sending
``{"envelope_id": ...}`` back (with a ``payload`` when it answers inline) within 3 seconds.

Wire it to the fake Web API with ``fake_slack.use_socket_mode(server.issue_url)``: the fake then
answers ``apps.connections.open`` with a fresh ``ws://127.0.0.1:<port>/link/?ticket=...`` URL.
slack_sdk's builtin client speaks plain TCP to any port other than 443 (it picks TLS by port, not
by scheme), so no certificate is needed. A ticket works once, as Slack's do, so a client that
reconnects must ask ``apps.connections.open`` again.

The server side of RFC 6455 is written here (no ``websockets`` package is installed): the opening
handshake with ``Sec-WebSocket-Accept``, text frames (client frames must be masked, server frames are
not), fragmented client messages, ping/pong and the closing handshake. A client that breaks the
protocol is recorded in ``violations`` so a test can fail on it rather than hang.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import os
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

JsonDict = dict[str, Any]

_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


@dataclass(frozen=True)
class Ack:
    """A message the client sent back for an envelope."""

    envelope_id: str
    payload: JsonDict | None  # an inline answer; None for a bare ack
    connection: int  # which connection (1, 2, ...) carried it
    at: float  # time.time(), comparable with fake_slack.Call.ts
    latency: float  # seconds from pushing the envelope to receiving its ack


def accept_key(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + _GUID).encode()).digest()).decode()


def encode_frame(opcode: int, payload: bytes) -> bytes:
    """A single unmasked frame with FIN set: servers must not mask (RFC 6455 section 5.1)."""
    length = len(payload)
    if length <= 125:
        header = struct.pack("!BB", 0x80 | opcode, length)
    elif length <= 0xFFFF:
        header = struct.pack("!BBH", 0x80 | opcode, 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 127, length)
    return header + payload


class _ProtocolError(Exception):
    pass


class _Connection:
    """One accepted WebSocket connection: a reader thread, and a lock so pushes and pongs don't interleave."""

    def __init__(self, server: FakeSocketMode, sock: socket.socket, number: int, ticket: str) -> None:
        self.server, self.sock, self.number, self.ticket = server, sock, number, ticket
        self.open = True
        self.closed_by: str | None = None  # "client" (close frame or EOF) or "server"
        self.pings: list[bytes] = []
        self._send_lock = threading.Lock()

    def send(self, opcode: int, payload: bytes) -> None:
        with self._send_lock:
            self.sock.sendall(encode_frame(opcode, payload))

    def send_json(self, message: JsonDict) -> None:
        self.send(OP_TEXT, json.dumps(message).encode())

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Start the closing handshake; the reader ends when the client answers or hangs up."""
        if self.open:
            self.closed_by = self.closed_by or "server"
            with contextlib.suppress(OSError):
                self.send(OP_CLOSE, struct.pack("!H", code) + reason.encode())

    def _recv_exact(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def _frames(self) -> Iterator[tuple[bool, int, bytes]]:
        while True:
            b1, b2 = self._recv_exact(2)
            if b1 & 0x70:
                raise _ProtocolError("reserved bits set without an extension")
            if not b2 & 0x80:
                raise _ProtocolError("client frame not masked")
            length = b2 & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", self._recv_exact(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", self._recv_exact(8))
            mask = self._recv_exact(4)
            data = self._recv_exact(length)
            yield bool(b1 & 0x80), b1 & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(data))

    def run(self) -> None:
        parts: list[bytes] = []
        try:
            for fin, opcode, data in self._frames():
                if opcode == OP_PING:
                    self.pings.append(data)
                    self.send(OP_PONG, data)  # the client marks a connection stale without pongs
                elif opcode == OP_PONG:
                    pass
                elif opcode == OP_CLOSE:
                    if self.closed_by is None:
                        self.closed_by = "client"
                        self.send(OP_CLOSE, data[:2])  # echo the code to finish the closing handshake
                    break
                elif opcode in (OP_TEXT, OP_CONTINUATION):
                    if opcode == OP_CONTINUATION and not parts:
                        raise _ProtocolError("continuation frame without a message")
                    parts.append(data)
                    if fin:
                        self.server._received(self, b"".join(parts).decode("utf-8"))
                        parts = []
                else:
                    raise _ProtocolError(f"unexpected opcode {opcode:#x}")
        except (EOFError, ConnectionError, OSError):
            self.closed_by = self.closed_by or "client"
        except (_ProtocolError, UnicodeDecodeError, ValueError) as exc:
            self.server._violation(f"connection {self.number}: {exc}")
            self.close(1002, "protocol error")
        finally:
            self.open = False
            with contextlib.suppress(OSError):
                self.sock.close()
            self.server._changed()


class FakeSocketMode:
    """The Socket Mode WebSocket endpoint. Use as a context manager or with start()/stop()."""

    def __init__(self, *, app_id: str = "A111") -> None:
        self.app_id = app_id
        self.connections: list[_Connection] = []
        self.acks: list[Ack] = []
        self.messages: list[JsonDict] = []  # everything the client sent that was not an ack
        self.violations: list[str] = []  # protocol errors by the client, and bad handshakes
        self._tickets: dict[str, bool] = {}  # ticket -> already used
        self._pushed: dict[str, float] = {}  # envelope_id -> time.time() when sent
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeSocketMode:
        listener = socket.create_server(("127.0.0.1", 0))
        # Closing a socket does not wake a thread blocked in accept() (on Linux), so poll instead.
        listener.settimeout(0.05)
        self._listener = listener
        self._thread = threading.Thread(target=self._accept_loop, name="fake-socket-mode", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        for conn in list(self.connections):
            conn.close(1001, "going away")
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeSocketMode:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._listener is None:
            raise RuntimeError("FakeSocketMode is not running")
        return int(self._listener.getsockname()[1])

    def issue_url(self) -> str:
        """A one-time URL, as ``apps.connections.open`` returns (there: ``wss://wss-primary.slack.com/link/?...``)."""
        ticket = base64.urlsafe_b64encode(os.urandom(12)).decode()
        with self._cond:
            self._tickets[ticket] = False
        return f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"

    # ---- pushing envelopes -----------------------------------------------------------------

    @property
    def current(self) -> _Connection:
        with self._cond:
            live = [c for c in self.connections if c.open]
        if not live:
            raise AssertionError("no open Socket Mode connection")
        return live[-1]

    def push(self, kind: str, payload: JsonDict, *, accepts_response_payload: bool, **extra: Any) -> str:
        """Send an envelope on the newest open connection; returns its envelope_id."""
        envelope_id = f"{next(self._ids):04d}-{os.urandom(8).hex()}"
        envelope = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
            **extra,
        }
        conn = self.current
        with self._cond:
            self._pushed[envelope_id] = time.time()
        conn.send_json(envelope)
        return envelope_id

    def slash_command(self, form_body: str) -> str:
        """A slash command; ``form_body`` as ``tests.support.signing.slash_command_body`` builds it (Slack
        sends the same fields, parsed into a JSON object)."""
        return self.push("slash_commands", dict(parse_qsl(form_body, keep_blank_values=True)),
                         accepts_response_payload=True)  # fmt: skip

    def event(self, json_body: str, *, retry_attempt: int = 0, retry_reason: str = "") -> str:
        """An Events API callback; ``json_body`` as ``signing.event_body`` builds it. Slack marks a
        redelivery with ``retry_attempt`` > 0 and the same ``event_id`` inside the payload."""
        return self.push("events_api", json.loads(json_body), accepts_response_payload=False,
                         retry_attempt=retry_attempt, retry_reason=retry_reason)  # fmt: skip

    def interactive(self, form_body: str) -> str:
        """A button click etc.; ``form_body`` is the ``payload=<json>`` that ``signing.block_actions_body`` builds."""
        (payload,) = parse_qs(form_body)["payload"]  # parse_qs already undoes the URL-encoding
        return self.push("interactive", json.loads(payload), accepts_response_payload=False)

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Tell the client to move to a new connection, as Slack does every few hours."""
        self.current.send_json({"type": "disconnect", "reason": reason, "debug_info": {"host": "fake-applink"}})

    # ---- inspection ------------------------------------------------------------------------

    def wait_connected(self, count: int = 1, timeout: float = 10) -> _Connection:
        """Block until ``count`` connections have completed the handshake and the newest is open."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (len(self.connections) >= count and self.connections[-1].open):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"waited {timeout}s for {count} Socket Mode connection(s), got {len(self.connections)};"
                        f" violations: {self.violations}"
                    )
                self._cond.wait(remaining)
            return self.connections[-1]

    def wait_ack(self, envelope_id: str, timeout: float = 5) -> Ack:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [a for a in self.acks if a.envelope_id == envelope_id]
                if found:
                    return found[0]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"no ack for envelope {envelope_id} within {timeout}s; acks: {self.acks};"
                        f" other messages: {self.messages}; violations: {self.violations}"
                    )
                self._cond.wait(remaining)

    def acks_for(self, envelope_id: str) -> list[Ack]:
        with self._cond:
            return [a for a in self.acks if a.envelope_id == envelope_id]

    def reset(self) -> None:
        """Forget acks and messages (connections and tickets stay)."""
        with self._cond:
            self.acks.clear()
            self.messages.clear()
            self._pushed.clear()

    # ---- server plumbing (runs in server threads) ------------------------------------------

    def _changed(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def _violation(self, what: str) -> None:
        with self._cond:
            self.violations.append(what)
            self._cond.notify_all()

    def _received(self, conn: _Connection, text: str) -> None:
        now = time.time()
        message = json.loads(text)
        with self._cond:
            envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
            if envelope_id is not None and envelope_id in self._pushed:
                payload = message.get("payload")
                self.acks.append(Ack(envelope_id, payload, conn.number, now, now - self._pushed[envelope_id]))
            else:
                self.messages.append(message)
            self._cond.notify_all()

    def _accept_loop(self) -> None:
        while (listener := self._listener) is not None:
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # stop() closed the listener
            threading.Thread(target=self._serve, args=(sock,), name="fake-socket-mode-conn", daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        sock.settimeout(None)
        try:
            ticket = self._handshake(sock)
        except (OSError, ValueError, _ProtocolError) as exc:
            self._violation(f"handshake: {exc}")
            sock.close()
            return
        if ticket is None:
            sock.close()
            return
        with self._cond:
            conn = _Connection(self, sock, len(self.connections) + 1, ticket)
            self.connections.append(conn)
        # Slack greets every new connection before sending envelopes.
        conn.send_json({
            "type": "hello",
            "num_connections": sum(c.open for c in self.connections),
            "debug_info": {"host": "fake-applink", "build_number": 1, "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.app_id},
        })  # fmt: skip
        self._changed()
        conn.run()

    def _handshake(self, sock: socket.socket) -> str | None:
        """Answer the opening handshake; returns the ticket, or None after refusing with an HTTP error."""
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = sock.recv(1024)
            if not chunk:
                raise _ProtocolError("closed during the handshake")
            request += chunk
            if len(request) > 16_384:
                raise _ProtocolError("handshake too long")
        head, _, rest = request.partition(b"\r\n\r\n")
        if rest:
            raise _ProtocolError("data sent before the handshake was answered")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        url = urlsplit(target)
        if method != "GET" or headers.get("upgrade", "").lower() != "websocket":
            raise _ProtocolError(f"not a WebSocket upgrade: {lines[0]!r}")
        if "upgrade" not in headers.get("connection", "").lower() or headers.get("sec-websocket-version") != "13":
            raise _ProtocolError(f"bad upgrade headers: {headers}")
        key = headers.get("sec-websocket-key", "")
        if len(base64.b64decode(key, validate=True)) != 16:
            raise _ProtocolError("Sec-WebSocket-Key is not 16 bytes")
        ticket = (parse_qs(url.query).get("ticket") or [""])[0]
        with self._cond:
            used = self._tickets.get(ticket)
            ok = url.path == "/link/" and used is False
            if ok:
                self._tickets[ticket] = True
        if not ok:
            # A reused or unknown ticket: Slack refuses the upgrade. Recorded: a client should never do this.
            self._violation(f"refused {url.path!r} with {'a used' if used else 'an unknown'} ticket")
            sock.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return None
        sock.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\n"
                "Upgrade: websocket\r\n"
                "Connection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {accept_key(key)}\r\n\r\n"
            ).encode()
        )
        return ticket
