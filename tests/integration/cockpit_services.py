#!/usr/bin/python3
"""Cockpit's Services page (Debian's cockpit-ws, cockpit-bridge and
cockpit-system) in headless Chromium, driven over the DevTools protocol
(cdp.py), against whatever owns org.freedesktop.systemd1 on the bus at
$DBUS_SYSTEM_BUS_ADDRESS: tests/integration/bridge_cockpit_test.cpp runs it
against vermiliond --systemd-compat on a private bus.

    cockpit_services.py --unit-dir DIR --artifacts DIR --link PATH
                        [--as-user USER]
                        RUNNING RUNNING_DESCRIPTION IDLE IDLE_DESCRIPTION

RUNNING is an active service, enabled; IDLE an inactive one, disabled,
whose enablement makes the link PATH (relative to the unit directory) for a
target that nothing starts. The page
must list both with their states and enablement badges, open each one's
page, and its Start, Stop, Restart and enable switch must act on the real
services: each effect is read back from org.vermilion1 (busctl), and the
enablement links from the unit directory.

With --as-user, cockpit-ws (and so the cockpit-bridge it starts) runs as
USER, as a person logged in without privileges: the page must still list
both units and open the running one's page (read-only: Cockpit offers no
actions to a user who is no administrator), and the StopUnit its Stop
makes, sent through the page's own cockpit.dbus client, must be refused
with AccessDenied while the service goes on running.

Prints one line per step, "step NAME ok DETAIL" or "step NAME FAIL DETAIL",
and stops at the first failure (later steps build on earlier ones), leaving
a screenshot and the page's text in --artifacts. Exit 0 when every step
passed.

Every wait is a DOM condition checked on each mutation, with a deadline
(Browser.wait_for); nothing sleeps. The browser starts before cockpit-ws,
which drops a session that no browser has opened within 15 s.
"""

import argparse
import json
import os
import pwd
import select
import socket
import subprocess
import sys
import time

# No __pycache__ in the source tree, which the tests run from.
sys.dont_write_bytecode = True
import cdp  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
COCKPIT_WS = "/usr/lib/cockpit/cockpit-ws"
COCKPIT_BRIDGE = "/usr/bin/cockpit-bridge"
WAIT = 30.0  # seconds for one DOM condition; the bridge answers in ms


class StepFailed(Exception):
    pass


def js_string(text):
    """A JavaScript string literal (JSON's is one)."""
    return json.dumps(text)


def bus_label_escape(name):
    return "".join(c if c.isalnum() and c.isascii() else "_%02x" % ord(c) for c in name)


def service_property(unit, prop):
    """A property of the real service, from org.vermilion1 (not from the page
    nor from org.freedesktop.systemd1)."""
    path = "/org/vermilion1/service/" + bus_label_escape(unit)
    out = subprocess.run(["busctl", "--system", "get-property", "org.vermilion1", path, "org.vermilion1.Service",
                          prop], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise StepFailed("busctl get-property %s %s: %s" % (unit, prop, out.stderr.strip()))
    kind, value = out.stdout.strip().split(" ", 1)
    return value.strip('"') if kind == "s" else int(value)


def start_cockpit_ws(log_path, user=None):
    """cockpit-ws on a listening socket made here (socket activation: it is
    ready before the process starts, and no port is guessed), as `user` if
    given (setpriv; its cockpit-bridge is then that user's too)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    fd = listener.fileno()

    def child_setup():
        cdp.die_with_parent()
        os.dup2(fd, 3)  # SD_LISTEN_FDS_START; dup2 clears O_CLOEXEC

    # LISTEN_PID must be cockpit-ws's own pid: the shell's $$, kept by exec.
    command = 'LISTEN_FDS=1 LISTEN_PID=$$ exec "$0" --no-tls --local-session="$1"'
    as_user = []
    if user:
        entry = pwd.getpwnam(user)
        as_user = ["setpriv", "--reuid=%d" % entry.pw_uid, "--regid=%d" % entry.pw_gid, "--clear-groups"]
    process = subprocess.Popen(as_user + ["/bin/sh", "-c", command, COCKPIT_WS, COCKPIT_BRIDGE], stdin=subprocess.DEVNULL,
                               stdout=open(log_path, "wb"), stderr=subprocess.STDOUT, preexec_fn=child_setup,
                               close_fds=False)
    listener.close()
    return process, port


class Scenario:
    def __init__(self, browser, base, unit_dir):
        self.browser = browser
        self.base = base
        self.unit_dir = unit_dir

    def step(self, name, detail):
        print("step %s ok %s" % (name, detail), flush=True)

    def wait(self, condition, what, timeout=WAIT):
        try:
            return self.browser.wait_for(condition, timeout)
        except cdp.CdpError as e:
            raise StepFailed("%s: %s%s" % (what, e, self.dialog()))

    def dialog(self):
        """What a dialog on the page says: a failed call shows one
        (show_error: a modal titled "Error")."""
        try:
            text = self.browser.evaluate("(() => { const d = document.querySelector('.pf-c-modal-box'); "
                                         "return d ? d.textContent : ''; })()")
        except cdp.CdpError:
            return ""
        return "; the page shows a dialog: " + text if text else ""

    def click(self, selector, what):
        found = self.browser.evaluate("(() => { const e = document.querySelector(%s); if (!e) return false; "
                                      "e.click(); return true; })()" % js_string(selector))
        if not found:
            raise StepFailed("%s: no %s" % (what, selector))

    # --- the list --------------------------------------------------------

    def row_condition(self, unit, status=None, badge=None):
        row = "document.getElementById(%s)" % js_string(unit)
        parts = [row]
        if status:
            parts.append("%s.querySelector('.service-unit-status') && "
                         "%s.querySelector('.service-unit-status').textContent.trim() == %s"
                         % (row, row, js_string(status)))
        if badge:
            parts.append("%s.querySelector('.service-unit-file-state') && "
                         "%s.querySelector('.service-unit-file-state').textContent.trim() == %s"
                         % (row, row, js_string(badge)))
        return " && ".join(parts)

    def open_list(self):
        self.browser.navigate(self.base + "/cockpit/@localhost/system/services.html")

    def expect_row(self, unit, status, badge):
        self.wait(self.row_condition(unit, status, badge),
                  "the list shows %s as %s, %s" % (unit, status, badge))

    # --- a unit's page ---------------------------------------------------

    def open_unit(self, unit, description):
        # A click on the unit's name in its row, as a person would: the
        # page goes to #/UNIT.
        self.click("#services-list tr[data-goto-unit=%s] a.service-unit-id" % js_string(unit), "opening " + unit)
        self.wait("document.querySelector('#service-details .service-name') && "
                  "document.querySelector('#service-details .service-name').textContent.trim() == %s"
                  % js_string(description), "the page of " + unit)

    def expect_status(self, text, absent=None):
        """The page's Status says `text` (and not `absent`). A stopped unit
        that is disabled shows "Disabled" there, not "Not running"."""
        condition = ("document.getElementById('statuses') && "
                     "document.getElementById('statuses').textContent.includes(%s)" % js_string(text))
        if absent:
            condition += " && !document.getElementById('statuses').textContent.includes(%s)" % js_string(absent)
        self.wait(condition, "the unit's status says %r%s" % (text, " without %r" % absent if absent else ""))

    def action(self, label):
        """Picks LABEL from the page's actions menu (the kebab)."""
        self.click("#service-actions button", "opening the actions menu")
        item = self.wait("[...document.querySelectorAll('#service-actions .pf-c-dropdown__menu-item')]"
                         ".some(e => e.textContent.trim() == %s)" % js_string(label),
                         "the actions menu offers " + label)
        if item:
            self.browser.evaluate("[...document.querySelectorAll('#service-actions .pf-c-dropdown__menu-item')]"
                                  ".find(e => e.textContent.trim() == %s).click()" % js_string(label))

    # The enable switch beside the unit's name (its tooltip, not the switch,
    # carries the id switch-unit-state, and exists only while hovered).
    SWITCH = "#service-details .service-top-panel input.pf-c-switch__input"

    def switch_condition(self, checked):
        switch = "document.querySelector(%s)" % js_string(self.SWITCH)
        return "%s && %s.checked == %s && !%s.disabled" % (switch, switch, "true" if checked else "false", switch)

    def expect_no_error(self, what):
        dialog = self.dialog()
        if dialog:
            raise StepFailed(what + dialog)

    def run(self, running, running_description, idle, idle_description, link):
        link = os.path.join(self.unit_dir, link)
        # 1. The list: both units, their states, their enablement badges.
        self.open_list()
        self.expect_row(running, "Running", "Enabled")
        self.expect_row(idle, "Not running", "Disabled")
        self.step("list", "%s Running Enabled, %s Not running Disabled" % (running, idle))

        # 2. The running unit's page; Stop, Start and Restart from its menu.
        self.open_unit(running, running_description)
        self.expect_status("Running")
        self.step("open", running)
        pid = service_property(running, "MainPID")

        # The page may say "Not running" while the service is still
        # deactivating: the end of the stop is waited for as an event.
        watch = ServiceWatch(running)
        try:
            self.action("Stop")
            self.expect_status("Not running")
            watch.wait_active_state(running, "inactive")
        finally:
            watch.close()
        self.expect_no_error("Stop")
        self.step("stop", "%s inactive" % running)

        self.action("Start")
        self.expect_status("Running")
        started = service_property(running, "MainPID")
        if service_property(running, "ActiveState") != "active" or started in (0, pid):
            raise StepFailed("Start: %s not active with a new main process (%d, was %d)" % (running, started, pid))
        self.expect_no_error("Start")
        self.step("start", "%s active, MainPID %d" % (running, started))

        # The page says "Running" before and after a restart; what changes
        # is the real main process: heard from org.vermilion1.
        watch = ServiceWatch(running)
        try:
            self.action("Restart")
            watch.wait_main_pid_other_than(started)
        finally:
            watch.close()
        self.expect_status("Running")
        restarted = service_property(running, "MainPID")
        if service_property(running, "ActiveState") != "active" or restarted in (0, started):
            raise StepFailed("Restart: %s not active with a new main process (%d, was %d)"
                             % (running, restarted, started))
        self.expect_no_error("Restart")
        self.step("restart", "%s active, MainPID %d (was %d)" % (running, restarted, started))

        # 3. The idle unit: the switch enables it and starts it, then stops
        #    and disables it, as systemctl enable --now / disable --now.
        #    Each effect is waited for on the bus; what the page shows of it
        #    is read from a fresh load of the page. Cockpit 287 updates a
        #    unit from a copy of its state taken before React applied the
        #    last update (services.jsx updateProperties()), so the
        #    UnitFileState its re-listing after Reload brings can be
        #    overwritten by the GetAll that the start job's JobRemoved makes
        #    a few ms later: seen here under load, and systemd's replies
        #    would race the same way.
        self.open_list()
        self.expect_row(idle, "Not running", "Disabled")
        self.open_unit(idle, idle_description)
        self.expect_status("Disabled", absent="Running")
        self.wait(self.switch_condition(False), "the switch of %s is off" % idle)
        watch = ServiceWatch(idle)
        try:
            self.click(self.SWITCH, "switching %s on" % idle)
            watch.wait_active_state(idle, "active")
        finally:
            watch.close()
        if not os.path.islink(link):
            raise StepFailed("enable: no link %s" % link)
        self.expect_status("Running")
        self.expect_no_error("enable")
        self.step("enable", "%s enabled (%s) and active" % (idle, link))

        self.open_list()
        self.expect_row(idle, "Running", "Enabled")
        self.step("badge", "%s Running Enabled" % idle)

        self.open_unit(idle, idle_description)
        self.wait(self.switch_condition(True), "the switch of %s is on" % idle)
        self.expect_status("Automatically starts")
        # The page stops the unit, then disables it and asks for a Reload
        # (onOnOffSwitch()): the link is gone once that reload has ended.
        watch = ServiceWatch(idle)
        reloads = BusWatch("type='signal',path='/org/freedesktop/systemd1',"
                           "interface='org.freedesktop.systemd1.Manager',member='Reloading'")
        try:
            self.click(self.SWITCH, "switching %s off" % idle)
            watch.wait_active_state(idle, "inactive")
            reloads.wait_line(lambda line: reloads.arguments(line) == [False], "the page's Reload to end")
        finally:
            watch.close()
            reloads.close()
        if os.path.lexists(link):
            raise StepFailed("disable: %s is still there" % link)
        self.expect_no_error("disable")
        self.open_list()
        self.expect_row(idle, "Not running", "Disabled")
        self.open_unit(idle, idle_description)
        self.wait(self.switch_condition(False), "the switch of %s is off" % idle)
        self.expect_status("Disabled", absent="Running")
        self.step("disable", "%s disabled and inactive" % idle)


    def run_denied(self, running, running_description, idle):
        """As a user without rights: the page reads, and a Stop through
        Cockpit's own bridge (what the page's Stop calls) is refused."""
        self.open_list()
        self.expect_row(running, "Running", "Enabled")
        self.expect_row(idle, "Not running", "Disabled")
        self.step("list", "%s Running Enabled, %s Not running Disabled" % (running, idle))
        self.open_unit(running, running_description)
        self.expect_status("Running")
        # Cockpit sees no administrator and offers no actions.
        self.expect_status("Read-only")
        self.step("open", "%s (read-only)" % running)
        pid = service_property(running, "MainPID")
        # The call the page's Stop makes (mode "fail"), through the page's
        # own cockpit.dbus client: cockpit-bridge, as this user, sends it.
        said = self.browser.evaluate(
            "cockpit.dbus('org.freedesktop.systemd1', {bus: 'system', superuser: 'try'})"
            ".call('/org/freedesktop/systemd1', 'org.freedesktop.systemd1.Manager', 'StopUnit', [%s, 'fail'])"
            ".then(() => 'stopped', e => e.name + ': ' + e.message)" % js_string(running))
        if not said.startswith("org.freedesktop.DBus.Error.AccessDenied: "):
            raise StepFailed("Stop as this user answered %r, not AccessDenied" % said)
        if service_property(running, "ActiveState") != "active" or service_property(running, "MainPID") != pid:
            raise StepFailed("Stop was refused (%s), but %s did not go on running" % (said, running))
        self.expect_status("Running")
        self.step("stop-denied", "%s active, MainPID %d; %s" % (running, pid, said))


class BusWatch:
    """The signals matching MATCH, heard through `busctl monitor`: set up
    before an action, so that what the action changes is waited for as an
    event. busctl says "Monitoring bus message stream." only once the bus has
    made it a monitor (BecomeMonitor returned), so from then on nothing is
    missed; `gdbus monitor` subscribes only after it has printed that the
    name is owned, which let a fast restart slip past it."""

    def __init__(self, match):
        self.process = subprocess.Popen(["busctl", "--system", "monitor", "--json=short", "--match=" + match],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        preexec_fn=cdp.die_with_parent)
        self.buffer = b""
        self.heard = []  # the last lines the monitor printed, for a failure
        self.wait_line(lambda line: line == "Monitoring bus message stream.", "busctl monitor to start")

    def close(self):
        cdp.kill_group(self.process)

    def wait_line(self, predicate, what, timeout=WAIT):
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while True:
            while b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                text = line.decode(errors="replace")
                self.heard = (self.heard + [text])[-20:]
                if predicate(text):
                    return text
            left = deadline - time.monotonic()
            if left <= 0:
                raise StepFailed("timed out waiting for " + what)
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise StepFailed("busctl monitor exited waiting for " + what)
                self.buffer += chunk

    @staticmethod
    def arguments(line):
        """A signal line's arguments, [] for any other line."""
        try:
            return json.loads(line)["payload"]["data"]
        except (ValueError, KeyError, TypeError):
            return []


class ServiceWatch(BusWatch):
    """The real service's PropertiesChanged on org.vermilion1."""

    def __init__(self, unit):
        super().__init__("type='signal',path='/org/vermilion1/service/%s',interface='org.freedesktop.DBus.Properties',"
                         "member='PropertiesChanged'" % bus_label_escape(unit))

    @staticmethod
    def changed(line):
        """The properties a PropertiesChanged line sets, {} for any other line."""
        try:
            return {name: value["data"] for name, value in BusWatch.arguments(line)[1].items()}
        except (KeyError, IndexError, TypeError, AttributeError):
            return {}

    def wait_active_state(self, unit, state):
        """Until the real service's ActiveState is `state`: now, or by a
        PropertiesChanged heard after this watch began."""
        if service_property(unit, "ActiveState") == state:
            return
        self.wait_line(lambda line: self.changed(line).get("ActiveState") == state, "%s to be %s" % (unit, state))

    def wait_main_pid_other_than(self, old):
        def new_pid(line):
            return self.changed(line).get("MainPID") not in (None, 0, old)
        try:
            self.wait_line(new_pid, "a new MainPID (old %d)" % old)
        except StepFailed as failure:
            # What the monitor heard and what the manager holds now, for a
            # restart that never showed.
            heard = "\n".join(self.heard + [self.buffer.decode(errors="replace")])
            jobs = subprocess.run(["busctl", "--system", "call", "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                   "org.freedesktop.systemd1.Manager", "ListJobs"],
                                  capture_output=True, text=True, timeout=30)
            raise StepFailed("%s\nlast monitor output:\n%s\njobs now: %s%s" % (
                failure, heard, jobs.stdout.strip(), jobs.stderr.strip())) from None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--unit-dir", required=True)
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--link", required=True, help="the link enabling IDLE makes, in --unit-dir")
    parser.add_argument("--as-user", help="run cockpit-ws and cockpit-bridge as this user: reads only")
    parser.add_argument("running")
    parser.add_argument("running_description")
    parser.add_argument("idle")
    parser.add_argument("idle_description")
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    cdp.die_with_parent()

    # The browser must not reach the test's bus (it probes D-Bus services of
    # its own); cockpit-ws and cockpit-bridge must.
    bus_address = os.environ.get("DBUS_SYSTEM_BUS_ADDRESS", "")
    os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = "disabled:"
    os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
    browser = cdp.Browser(CHROMIUM, os.path.join(args.artifacts, "chromium.log"))
    os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = bus_address
    ws = None
    # Everything on the bus, kept beside the screenshot: what the page asked
    # and which signals it was sent is what a failure is read from.
    monitor = subprocess.Popen(["dbus-monitor", "--system"], stdin=subprocess.DEVNULL,
                               stdout=open(os.path.join(args.artifacts, "dbus-monitor.log"), "wb"),
                               stderr=subprocess.STDOUT, preexec_fn=cdp.die_with_parent)
    try:
        browser.call("Browser.getVersion", session=False, timeout=60)
        browser.open_page()
        ws, port = start_cockpit_ws(os.path.join(args.artifacts, "cockpit-ws.log"), args.as_user)
        scenario = Scenario(browser, "http://127.0.0.1:%d" % port, args.unit_dir)
        if args.as_user:
            scenario.run_denied(args.running, args.running_description, args.idle)
        else:
            scenario.run(args.running, args.running_description, args.idle, args.idle_description, args.link)
        print("passed", flush=True)
        return 0
    except (StepFailed, cdp.CdpError) as e:
        print("step FAIL %s" % e, flush=True)
        try:
            browser.screenshot(os.path.join(args.artifacts, "failure.png"))
            text = browser.evaluate("document.body ? document.body.innerText : ''")
            print("page text:\n%s" % text, flush=True)
        except cdp.CdpError as more:
            print("no screenshot: %s" % more, flush=True)
        return 1
    finally:
        browser.close()
        cdp.kill_group(ws)
        cdp.kill_group(monitor)


if __name__ == "__main__":
    sys.exit(main())
