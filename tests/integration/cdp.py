"""A small Chrome DevTools Protocol client over --remote-debugging-pipe.

Only the standard library: with the pipe transport Chromium reads
NUL-terminated JSON commands on fd 3 and writes replies and events on fd 4,
so no websocket (which python3 lacks) is needed, and no port is opened.

Chromium runs in a process group of its own with PR_SET_PDEATHSIG, so that
close() (or the death of this process) takes the browser and every helper
process it forked with it.
"""

import base64
import ctypes
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time

PR_SET_PDEATHSIG = 1


def die_with_parent():
    """For preexec_fn: the child gets SIGKILL when its parent dies, and leads a
    process group of its own (killed as one)."""
    os.setpgid(0, 0)
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def kill_group(process):
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def high_fd(fd):
    """An O_CLOEXEC copy of fd numbered 10 or above; fd is closed."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class CdpError(Exception):
    pass


class Browser:
    """Headless Chromium and one page, attached with a flat session."""

    def __init__(self, chromium, log_path):
        self._profile = tempfile.mkdtemp(prefix="vermilion-chromium-")
        # Every end above 4, so that putting the child's on 3 and 4 never
        # lands on one of them (dup2 onto itself would keep O_CLOEXEC).
        to_browser_r, self._to_browser = (high_fd(fd) for fd in os.pipe())
        self._from_browser, from_browser_w = (high_fd(fd) for fd in os.pipe())

        def child_setup():
            die_with_parent()
            # The pipe transport's fixed fds.
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        args = [chromium, "--headless=new", "--remote-debugging-pipe", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + self._profile,
                "--window-size=1280,1024", "about:blank"]
        self._log = open(log_path, "wb")
        # close_fds=False: the fds are put on 3 and 4 in child_setup, and every
        # other fd here is O_CLOEXEC (os.pipe()'s are).
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._log,
                                        stderr=subprocess.STDOUT, preexec_fn=child_setup,
                                        close_fds=False)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self._events = []
        self.session = None

    def close(self):
        kill_group(self.process)
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        self._log.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CdpError("timed out waiting for the browser")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise CdpError("the browser closed its pipe (exited: %s)" % self.process.poll())
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=True, timeout=30.0):
        """Sends one command and returns its result; events read meanwhile are
        kept for wait_event()."""
        self._next_id += 1
        command = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            command["sessionId"] = self.session
        data = json.dumps(command).encode() + b"\0"
        while data:
            data = data[os.write(self._to_browser, data):]
        deadline = time.monotonic() + timeout
        while True:
            message = self._read_message(deadline)
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise CdpError("%s: %s" % (method, message["error"].get("message")))
                return message.get("result", {})
            if "method" in message:
                self._events.append(message)

    def wait_event(self, method, timeout=30.0):
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self._events):
                if event["method"] == method:
                    return self._events.pop(i)
            self._events.append(self._read_message(deadline))

    def open_page(self):
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True},
                             session=False)
        self.session = attached["sessionId"]
        self.call("Page.enable")
        self.call("Runtime.enable")

    def navigate(self, url, timeout=60.0):
        self._events = [e for e in self._events if e["method"] != "Page.loadEventFired"]
        result = self.call("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise CdpError("navigating to %s: %s" % (url, result["errorText"]))
        self.wait_event("Page.loadEventFired", timeout)

    def evaluate(self, expression, timeout=30.0):
        """The value of a JavaScript expression (awaited if a promise)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, timeout=timeout + 5)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise CdpError("evaluating %s: %s" % (expression[:200], text))
        return result["result"].get("value")

    def wait_for(self, condition, timeout=30.0):
        """Waits until the JavaScript expression `condition` is truthy in the
        page and returns its value. It is checked on every DOM mutation (a
        MutationObserver inside the page), not on a timer."""
        script = """new Promise((resolve, reject) => {
  const check = () => {
    let value;
    try { value = (%s); } catch (e) { value = undefined; }
    if (value) { observer.disconnect(); clearTimeout(timer); resolve(value); }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  const timer = setTimeout(() => { observer.disconnect(); reject(new Error("timed out")); }, %d);
  check();
})""" % (condition, int(timeout * 1000))
        return self.evaluate(script, timeout)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as out:
            out.write(base64.b64decode(data))
