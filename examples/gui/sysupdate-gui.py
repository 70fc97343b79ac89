#!/usr/bin/python3
"""A reference GTK 4 front end for io.systemd.SysUpdate (sysupdate varlink).

usage: sysupdate-gui.py [--socket PATH] [--no-reboot] [--autotest DIR [--autotest-cancel]]
"""
import argparse
import subprocess
import sys
import threading

import gi

gi.require_version("Gtk", "4.0")
from gi.repository import GLib, Gtk  # noqa: E402

from sysupdate_api import (DEFAULT_SOCKET, NotSupported, ServiceError, SysUpdateApi,  # noqa: E402
                           end_call, target_name)

PHASES = {"discovering": "Looking for the update", "making_room": "Making room",
          "acquiring": "Downloading", "installing": "Installing", "done": "Finishing"}
NO_VALUE = "\u2014"


def on_main_loop(function, *args):
    """Runs function(*args) on the GTK main loop, from any thread."""
    GLib.idle_add(lambda: function(*args) and False)


def in_background(work, done, failed):
    """Runs work() on a worker thread, then done(result) or failed(error) on the main loop."""
    def run():
        try:
            result = work()
        except Exception as e:  # shown in the window: every failure is the user's to see
            on_main_loop(failed, e)
            return
        on_main_loop(done, result)
    threading.Thread(target=run, daemon=True).start()


def explain(error):
    if isinstance(error, ServiceError):
        return str(error)
    if isinstance(error, OSError):
        return f"Cannot reach the update service: {error.strerror or error}."
    return f"{type(error).__name__}: {error}"


def format_bytes(count):
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000


def format_seconds(seconds):
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min {seconds % 60:02d} s"


def progress_text(p):
    """'Downloading app (1/2) · 3.2 MB of 8.0 MB', and the rate and ETA ('—' when unknown)."""
    words = PHASES.get(p.get("phase"), p.get("phase", ""))
    if p.get("transfer"):
        words += f" {p['transfer']} ({p.get('transferIndex', 0) + 1}/{p.get('transferCount', 1)})"
    if p.get("bytesDone"):
        words += f" \u00b7 {format_bytes(p['bytesDone'])}"
        if p.get("bytesTotal"):
            words += f" of {format_bytes(p['bytesTotal'])}"
    rate = p.get("bytesPerSecond")
    eta = p.get("etaSeconds")
    speed = "Speed " + (f"{format_bytes(rate)}/s" if rate is not None else NO_VALUE) \
        + " \u00b7 Time left " + (format_seconds(eta) if eta is not None else NO_VALUE)
    return words, speed


class TargetRow(Gtk.Box):
    """One target: its versions, Check/Update/Cancel, the progress of its job, Restart to finish."""

    def __init__(self, window, target):
        super().__init__(orientation=Gtk.Orientation.VERTICAL, spacing=6, margin_top=12,
                         margin_bottom=12, margin_start=12, margin_end=12)
        self.window, self.api, self.target = window, window.api, target
        self.job_id = None            # the running job, once the service tells its id
        self.connection = None        # the socket of the running Update/WatchJob call
        self.cancelling = False
        self.running = False
        self.followed = ""            # says so when the job was started elsewhere
        self.updated_version = None   # installed by this window (for services without GetTargetState)
        self.listeners = []           # autotest hooks: listener(event, value)

        title = Gtk.Label(xalign=0, use_markup=True,
                          label=f"<b>{GLib.markup_escape_text(target_name(target))}</b>")
        self.versions = Gtk.Label(xalign=0, label="Reading versions\u2026")
        self.status = Gtk.Label(xalign=0, wrap=True)
        self.progress = Gtk.ProgressBar(show_text=True, visible=False)
        self.speed = Gtk.Label(xalign=0, visible=False)
        self.error = Gtk.Label(xalign=0, wrap=True, visible=False, css_classes=["error"])
        buttons = Gtk.Box(spacing=6)
        self.check_button = Gtk.Button(label="Check for updates")
        self.update_button = Gtk.Button(label="Update", css_classes=["suggested-action"])
        self.cancel_button = Gtk.Button(label="Cancel", sensitive=False)
        self.restart_button = Gtk.Button(label="Restart to finish", visible=False,
                                         css_classes=["destructive-action"])
        self.check_button.connect("clicked", lambda _: self.check())
        self.update_button.connect("clicked", lambda _: self.update())
        self.cancel_button.connect("clicked", lambda _: self.cancel())
        self.restart_button.connect("clicked", lambda _: self.window.confirm_restart())
        for button in (self.check_button, self.update_button, self.cancel_button, self.restart_button):
            buttons.append(button)
        for child in (title, self.versions, self.status, self.progress, self.speed, self.error, buttons):
            self.append(child)

    def tell(self, event, value=None):
        for listener in self.listeners:
            listener(self, event, value)

    def show_error(self, error):
        self.error.set_text(explain(error))
        self.error.set_visible(True)
        self.tell("error", error)

    # State
    def refresh(self):
        in_background(lambda: self.api.target_state(self.target), self.show_state, self.show_error)

    def show_state(self, state):
        installed = state.get("newestInstalled") or NO_VALUE
        booted = state.get("bootedVersion")
        self.versions.set_text(f"Installed: {installed}" + (f" \u00b7 Running: {booted}" if booted else ""))
        pending = state.get("restartPending")
        if pending is None:  # the service cannot say: a host update installed by this window needs one
            pending = self.target["class"] == "host" and self.updated_version is not None
        self.restart_button.set_visible(pending)
        if pending:
            self.status.set_text(f"Version {installed} is installed. Restart to finish the update.")
        self.tell("state", state | {"restartPending": pending})

    # Check
    def check(self):
        self.error.set_visible(False)
        self.status.set_text("Checking\u2026")
        self.check_button.set_sensitive(False)
        in_background(lambda: self.api.check_new(self.target), self.checked, self.check_failed)

    def checked(self, available):
        self.check_button.set_sensitive(True)
        self.status.set_text(f"Update to {available} available" if available else "Up to date")
        self.tell("checked", available)

    def check_failed(self, error):
        self.check_button.set_sensitive(True)
        self.status.set_text("")
        self.show_error(error)

    # Update, or follow a job someone else started
    def update(self):
        self.followed = ""
        self.follow(lambda: self.api.update(self.target, self.remember_connection), "Starting the update\u2026")

    def watch(self, job_id):
        self.job_id = job_id
        self.followed = f"Job {job_id}, started elsewhere: "
        self.follow(lambda: self.api.watch_job(job_id, self.remember_connection),
                    f"An update is already running (job {job_id}); following it\u2026")

    def remember_connection(self, connection):
        self.connection = connection

    def follow(self, start_stream, text):
        self.error.set_visible(False)
        self.cancelling = False
        self.set_running(True)
        self.status.set_text(text)

        def work():
            final = {}
            for reply in start_stream():
                job = reply.get("job") or {}
                progress = reply.get("progress") or job.get("progress")
                job_id = reply.get("jobId") if reply.get("jobId") is not None else job.get("id")
                on_main_loop(self.show_progress, progress, job_id)
                final = reply
            return final

        in_background(work, self.finished, self.update_failed)

    def set_running(self, running):
        self.running = running
        self.check_button.set_sensitive(not running)
        self.update_button.set_sensitive(not running)
        self.cancel_button.set_sensitive(running)
        self.progress.set_visible(running)
        self.speed.set_visible(running)
        if running:
            self.progress.set_fraction(0)
            self.progress.set_text("0 %")
            self.speed.set_text(f"Speed {NO_VALUE} \u00b7 Time left {NO_VALUE}")

    def show_progress(self, progress, job_id):
        if job_id is not None:
            self.job_id = job_id
        if not progress:
            return
        self.progress.set_fraction(progress.get("percent", 0) / 100)
        self.progress.set_text(f"{progress.get('percent', 0)} %")
        words, speed = progress_text(progress)
        self.status.set_text(f"{self.followed}Updating to {progress.get('version')}: {words}")
        self.speed.set_text(speed)
        self.tell("progress", progress)

    def finished(self, reply):
        self.set_running(False)
        self.connection, self.job_id = None, None
        job = reply.get("job") or {}
        result = job.get("result") or "succeeded"
        version = reply.get("version") or job.get("resultVersion")
        if result == "succeeded" and version:
            self.updated_version = version
            self.status.set_text(f"Updated to {version}")
        elif result == "no_update_needed":
            self.status.set_text("Up to date")
        elif result == "cancelled" or self.cancelling:
            result = "cancelled"
            self.status.set_text("Update cancelled; nothing was installed")
        else:
            self.status.set_text("")
            self.error.set_text(job.get("message") or f"The update ended: {result}")
            self.error.set_visible(True)
        self.tell("finished", result)
        self.refresh()

    def update_failed(self, error):
        self.set_running(False)
        self.connection = None
        if self.cancelling:
            self.status.set_text("Update cancelled; nothing was installed")
            self.tell("finished", "cancelled")
            self.refresh()
            return
        if isinstance(error, ServiceError) and error.name.endswith(".NoUpdateNeeded"):
            self.status.set_text("Up to date")
            self.tell("finished", "no_update_needed")
            return
        if isinstance(error, ServiceError) and error.name.endswith(".Busy") \
                and error.parameters.get("jobId") is not None:
            self.watch(error.parameters["jobId"])
            return
        self.status.set_text("")
        self.show_error(error)

    def cancel(self):
        self.cancelling = True
        self.cancel_button.set_sensitive(False)
        self.status.set_text("Cancelling\u2026")
        job_id, connection = self.job_id, self.connection

        def work():
            try:
                if job_id is None:
                    raise NotSupported("CancelJob")
                self.api.cancel_job(job_id)
            except NotSupported:
                if connection is not None:  # an older service cancels a call whose client goes away
                    end_call(connection)

        in_background(work, lambda _: None, self.show_error)


class Window(Gtk.ApplicationWindow):
    def __init__(self, app, api, no_reboot):
        super().__init__(application=app, title="Software Updates", default_width=640, default_height=420)
        self.api, self.no_reboot = api, no_reboot
        self.rows = []
        self.on_loaded = []
        self.box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL)
        self.message = Gtk.Label(xalign=0, wrap=True, visible=False, margin_start=12, margin_top=12)
        self.box.append(Gtk.Label(xalign=0, use_markup=True, margin_start=12, margin_top=12,
                                  label="<big><b>Software Updates</b></big>"))
        self.box.append(self.message)
        self.set_child(Gtk.ScrolledWindow(child=self.box, vexpand=True))
        in_background(self.load, self.loaded, self.load_failed)

    def load(self):
        targets = self.api.list_targets()
        return targets, self.api.list_jobs()

    def loaded(self, result):
        targets, jobs = result
        if not targets:
            self.load_failed(RuntimeError("no targets: this system has no update definitions"))
            return
        for target in targets:
            row = TargetRow(self, target)
            self.rows.append(row)
            self.box.append(row)
            self.box.append(Gtk.Separator())
            row.refresh()
        for job in jobs:  # pick up an update started elsewhere (the timer, the command line)
            row = next((r for r in self.rows if r.target == job["target"]), None)
            if row is not None and job.get("result") is None and job["type"] in ("acquire", "install", "update"):
                row.watch(job["id"])
        threading.Thread(target=self.follow_events, daemon=True).start()
        for callback in self.on_loaded:
            callback(self)

    def follow_events(self):
        """Subscribe: a job started elsewhere while the window is open is followed too."""
        try:
            for event in self.api.subscribe():
                on_main_loop(self.on_event, event)
        except (NotSupported, ServiceError, OSError):
            pass  # an older service, or it went away: the rows still show what their own calls tell

    def on_event(self, event):
        job = event["job"]
        row = next((r for r in self.rows if r.target == job["target"]), None)
        if row is None:
            return
        if event["type"] == "job_started" and job["type"] in ("acquire", "install", "update") \
                and not row.running:
            row.watch(job["id"])
        elif event["type"] == "update_completed" and not row.running:
            row.refresh()

    def load_failed(self, error):
        self.message.set_text(explain(error))
        self.message.set_visible(True)
        for callback in self.on_loaded:
            callback(self, error)

    def confirm_restart(self):
        dialog = Gtk.MessageDialog(transient_for=self, modal=True, message_type=Gtk.MessageType.QUESTION,
                                   buttons=Gtk.ButtonsType.OK_CANCEL, text="Restart now?",
                                   secondary_text="The new version is used after a restart. Save your work first.")

        def answered(d, response):
            d.destroy()
            if response != Gtk.ResponseType.OK:
                return
            if self.no_reboot:
                print("sysupdate-gui: --no-reboot: not running systemctl reboot", flush=True)
            else:
                subprocess.Popen(["systemctl", "reboot"])

        dialog.connect("response", answered)
        dialog.present()


def main():
    parser = argparse.ArgumentParser(description="Software updates through io.systemd.SysUpdate")
    parser.add_argument("--socket", default=DEFAULT_SOCKET, help="the service's Varlink socket")
    parser.add_argument("--no-reboot", action="store_true", help="never run systemctl reboot")
    parser.add_argument("--autotest", metavar="DIR",
                        help="check, update and report to the caller; write state files into DIR")
    parser.add_argument("--autotest-cancel", action="store_true", help="in --autotest: cancel the update part-way")
    args = parser.parse_args()

    app = Gtk.Application(application_id=None)
    exit_code = [0]

    def activate(application):
        window = Window(application, SysUpdateApi(args.socket), args.no_reboot or bool(args.autotest))
        if args.autotest:
            from autotest import AutoTest
            AutoTest(window, args.autotest, exit_code, args.autotest_cancel).start()
        window.present()

    app.connect("activate", activate)
    app.run([sys.argv[0]])
    return exit_code[0]


if __name__ == "__main__":
    sys.exit(main())
