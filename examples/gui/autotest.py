"""--autotest DIR: the window drives itself through check -> update -> done, for a test under Xvfb.
When an update is already running at start (ListJobs), it follows that one instead of checking.

At the two moments worth a screenshot it prints "SCREENSHOT progress" / "SCREENSHOT done" on stdout
once the window has painted that state, and waits for a line on stdin (the test has taken it) before
going on. DIR gets progress.json and done.json: what the window showed then. Exit code 0 when an
update was installed and the window says "Restart to finish"; 1 with "AUTOTEST FAILED: why" on stderr
otherwise, or after 300 seconds.

With --autotest-cancel it presses Cancel once the progress screenshot is taken instead, and succeeds
when the update ends cancelled and the window shows the old version installed with no restart pending
(screenshot "cancelled", DIR/cancelled.json).

An error the window shows ends the autotest with exit 1, after DIR/error.json (the Varlink error's
name and the sentence shown) and a screenshot "error".
"""
import json
import os
import sys
import threading

from gi.repository import GLib

TIMEOUT_SECONDS = 300


class AutoTest:
    def __init__(self, window, directory, exit_code, cancel=False):
        self.window, self.directory, self.exit_code, self.cancel = window, directory, exit_code, cancel
        self.cancelled = False
        self.row = None
        self.progress_shot = False
        self.updated = False
        self.done_shot = False

    def start(self):
        os.makedirs(self.directory, exist_ok=True)
        self.window.on_loaded.append(self.loaded)
        GLib.timeout_add_seconds(TIMEOUT_SECONDS, lambda: self.fail(f"no result after {TIMEOUT_SECONDS} s"))

    def loaded(self, window, error=None):
        if error is not None:
            self.fail(f"loading targets: {error}")
            return
        self.row = next((r for r in window.rows if r.target["class"] == "host"), window.rows[0])
        self.row.listeners.append(self.event)
        if self.row.running:  # ListJobs found an update already running: follow it instead
            self.log(f"picked up job {self.row.job_id}")
        else:
            self.row.check()

    def event(self, row, name, value):
        if name == "error":
            self.write("error.json", {"name": getattr(value, "name", type(value).__name__),
                                      "text": row.error.get_text()})
            self.screenshot("error", lambda: self.fail(row.error.get_text()))
        elif name == "checked":
            if value is None:
                self.fail("Check said up to date; the test serves a newer version")
            else:
                self.log(f"check: update to {value} available")
                row.update()
        elif name == "progress" and not self.progress_shot and value.get("phase") == "acquiring" \
                and (value.get("percent", 0) >= 40 or (value.get("percent", 0) >= 25 and value.get("bytesPerSecond"))):
            self.progress_shot = True
            self.write("progress.json", {"percent": value.get("percent"), "status": row.status.get_text(),
                                         "speed": row.speed.get_text(), "fraction": row.progress.get_fraction()})
            self.screenshot("progress", row.cancel if self.cancel else lambda: None)
        elif name == "finished" and self.cancel:
            if value != "cancelled":
                self.fail(f"Cancel was pressed but the update ended {value}")
                return
            self.cancelled = True
        elif name == "state" and self.cancelled and not self.done_shot:
            self.done_shot = True
            self.log(f"state from {value.get('source')}: {value}")
            if value.get("restartPending") or row.restart_button.get_visible():
                self.fail("the update was cancelled but the window says 'Restart to finish'")
                return
            self.write("cancelled.json", {"state": value, "status": row.status.get_text(),
                                          "versions": row.versions.get_text()})
            self.screenshot("cancelled", self.succeed)
        elif name == "finished":
            if value != "succeeded":
                self.fail(f"the update ended {value}: {row.status.get_text()} {row.error.get_text()}")
            elif not self.progress_shot:
                self.fail("the update finished before the window showed its download half-way")
            else:
                self.updated = True
        elif name == "state" and self.updated and not self.done_shot:
            self.done_shot = True
            self.log(f"state from {value.get('source')}: {value}")
            if not value.get("restartPending") or not row.restart_button.get_visible():
                self.fail("the update is installed but the window does not say 'Restart to finish'")
                return
            self.write("done.json", {"state": value, "status": row.status.get_text(),
                                     "versions": row.versions.get_text()})
            self.screenshot("done", self.succeed)

    def screenshot(self, name, then):
        """Says SCREENSHOT once the current state is on screen, then waits for the test's line."""
        clock = self.window.get_frame_clock()
        handler = None

        def painted(_clock):
            clock.disconnect(handler)
            GLib.idle_add(announce)

        def announce():
            print(f"SCREENSHOT {name}", flush=True)
            threading.Thread(target=wait_for_line, daemon=True).start()
            return False

        def wait_for_line():
            if not sys.stdin.readline():
                GLib.idle_add(lambda: self.fail("stdin closed while waiting for the screenshot") and False)
                return
            GLib.idle_add(lambda: then() and False)

        handler = clock.connect("after-paint", painted)
        self.window.queue_draw()

    def write(self, name, value):
        with open(os.path.join(self.directory, name), "w") as f:
            json.dump(value, f, indent=2)

    def log(self, text):
        print(f"AUTOTEST {text}", flush=True)

    def succeed(self):
        self.log("ok")
        self.exit_code[0] = 0
        self.window.get_application().quit()

    def fail(self, why):
        print(f"AUTOTEST FAILED: {why}", file=sys.stderr, flush=True)
        self.exit_code[0] = 1
        self.window.get_application().quit()
        return False
