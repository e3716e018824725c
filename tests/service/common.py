"""Helpers for margin-serve's tests: start a server on 127.0.0.1 on a free port, talk HTTP,
read the /events stream. Servers are stopped by their PID."""
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request


class Server:
    def __init__(self, binary, db, *args, token=None, env_extra=None):
        self.cmd = [binary, "--db", db, "--port", "0", "--threads", "2"] + list(args)
        env = dict(os.environ, **(env_extra or {}))
        env.pop("MARGIN_SERVE_TOKEN", None)
        if token:
            env["MARGIN_SERVE_TOKEN"] = token
        self.token = token
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("margin-serve did not start: " + self.proc.stderr.read().decode())
        self.port = json.loads(line)["listening"]
        self.base = f"http://127.0.0.1:{self.port}"

    def request(self, method, path, body=None, token="default", headers=None):
        data = body if isinstance(body, (bytes, type(None))) else (body if isinstance(body, str) else json.dumps(body)).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:  # urllib's default is form-encoded, which cpp-httplib caps at 8 KiB
            req.add_header("Content-Type", "application/json")
        tok = self.token if token == "default" else token
        if tok:
            req.add_header("Authorization", "Bearer " + tok)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def json(self, method, path, body=None, **kw):
        st, text = self.request(method, path, body, **kw)
        return st, json.loads(text)

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
        rc = self.proc.wait(timeout=timeout)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return rc

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


def listing(srv):
    """Every account's summary by id, read page by page from GET /accounts."""
    out, after = {}, ""
    while True:
        st, j = srv.json("GET", "/accounts?limit=1000" + (f"&after={after}" if after else ""))
        assert st == 200, j
        for a in j["accounts"]:
            out[a["id"]] = a
        if "next_after" not in j:
            return out
        after = j["next_after"]


class Stream:
    """Reads /events on a thread; events are (received_monotonic, event name, data dict), their
    ids (the id: lines, in order) in ids. last_event_id: resume as EventSource does."""

    def __init__(self, server, after=None, last_event_id=None):
        path = "/events" + (f"?after={after}" if after is not None else "")
        req = urllib.request.Request(server.base + path)
        if last_event_id is not None:
            req.add_header("Last-Event-ID", str(last_event_id))
        self.resp = urllib.request.urlopen(req, timeout=120)
        self.events = []
        self.ids = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        name, data = None, None
        try:
            for raw in self.resp:
                line = raw.decode().rstrip("\n")
                if line.startswith("id: "):
                    with self.lock:
                        self.ids.append(int(line[4:]))
                elif line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = json.loads(line[6:])
                elif line == "" and name:
                    with self.lock:
                        self.events.append((time.monotonic(), name, data))
                    name, data = None, None
        except Exception:
            pass

    def wait_for(self, n, timeout=10):
        end = time.time() + timeout
        while time.time() < end:
            with self.lock:
                if len(self.events) >= n:
                    return list(self.events)
            time.sleep(0.02)
        with self.lock:
            return list(self.events)

    def close(self):
        # Shut the socket down first: closing the response alone waits for the reader thread,
        # blocked in a read until the server's next keep-alive (15 s).
        try:
            self.resp.fp.raw._sock.shutdown(socket.SHUT_RDWR)
        except Exception:
            pass
        try:
            self.resp.close()
        except Exception:
            pass
