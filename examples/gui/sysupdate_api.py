"""The io.systemd.SysUpdate calls the GUI makes, with python3-varlink, and no GTK.

Every call opens its own connection: a long update stream never blocks a check, and closing one
connection ends exactly one call. Calls block; the GUI runs them on worker threads.
"""
import socket

import varlink

INTERFACE = "io.systemd.SysUpdate"
DEFAULT_SOCKET = "/run/systemd/io.systemd.SysUpdate"


class NotSupported(Exception):
    """The service predates a method (or parameter) of the interface; the caller falls back."""


class ServiceError(Exception):
    """A Varlink error reply, with a sentence a user can act on."""

    def __init__(self, name, parameters):
        self.name = name
        self.parameters = parameters or {}
        super().__init__(describe_error(name, self.parameters))


def describe_error(name, parameters):
    short = name.rsplit(".", 1)[-1]
    if short == "Busy":
        job = parameters.get("jobId")
        return "Another update is running on this target" + (f" (job {job})." if job is not None else ".")
    if short == "PermissionDenied":
        return "You are not allowed to do this. An administrator can allow it with a polkit rule for org.freedesktop.sysupdate1."
    if short == "InteractiveAuthenticationRequired":
        return "This needs an administrator's password, but no authentication agent is running. Log in to a desktop session (or run as root) and try again."
    if short == "NoSuchTarget":
        return "This target has no update definitions."
    if short == "NoSuchJob":
        return "That update has already ended."
    if short == "NoSuchVersion":
        return f"Version {parameters.get('version')} is not available."
    return f"The update service answered {name}."


def target_name(target):
    ident = target["id"] if "id" in target else target
    return "Host system" if ident["class"] == "host" else f"{ident['class']} {ident.get('name')}"


class SysUpdateApi:
    def __init__(self, socket_path=DEFAULT_SOCKET):
        self.socket_path = socket_path
        self._client = varlink.Client(address="unix:" + socket_path)

    def _open(self):
        connection = self._client.open_connection()
        return connection, self._client.open(INTERFACE, connection=connection)

    def _call(self, method, **parameters):
        _, service = self._open()
        try:
            return self._method(service, method)(**parameters) or {}
        except varlink.VarlinkError as e:
            raise _translate(e) from None
        finally:
            service.close()

    def _stream(self, method, on_connection=None, **parameters):
        """Yields every reply of a call made with 'more'; on_connection gets the socket, so another
        thread can end the call by shutting it down."""
        connection, service = self._open()
        if on_connection:
            on_connection(connection)
        try:
            for reply in self._method(service, method)(_more=True, **parameters):
                yield reply or {}
        except varlink.VarlinkError as e:
            raise _translate(e) from None
        finally:
            service.close()

    @staticmethod
    def _method(service, method):
        if not hasattr(service, method):  # an older service's interface description lacks it
            raise NotSupported(method)
        return getattr(service, method)

    # Reads, open to every caller.
    def list_targets(self):
        return [t["id"] for t in self._call("ListTargets")["targets"]]

    def target_state(self, target):
        """GetTargetState, or what ListVersions tells when the service predates it."""
        try:
            state = self._call("GetTargetState", target=target)
            state["source"] = "GetTargetState"
            return state
        except NotSupported:
            versions = self._call("ListVersions", target=target, offline=True)
            return {"bootedVersion": None, "newestInstalled": versions.get("current"),
                    "restartPending": None, "jobId": None, "source": "ListVersions"}

    def list_jobs(self):
        try:
            return self._call("ListJobs")["jobs"]
        except NotSupported:
            return []

    # Checks and changes: polkit asks the desktop's agent when the caller is not root.
    def check_new(self, target):
        """The version an update would install, or None when up to date."""
        try:
            return self._call("CheckNew", target=target, allowInteractiveAuthentication=True)["available"]
        except ServiceError as e:
            if e.name.endswith(".NoUpdateNeeded"):
                return None
            raise

    def update(self, target, on_connection=None):
        """Starts a detached update (it runs on if this window closes) and yields its replies."""
        return self._stream("Update", on_connection, target=target, detached=True,
                            allowInteractiveAuthentication=True)

    def watch_job(self, job_id, on_connection=None):
        return self._stream("WatchJob", on_connection, id=job_id)

    def subscribe(self):
        """Yields job events (job_started, job_finished, update_completed) as they happen."""
        for reply in self._stream("Subscribe"):
            if reply.get("event"):
                yield reply["event"]

    def cancel_job(self, job_id):
        self._call("CancelJob", id=job_id, allowInteractiveAuthentication=True)


def end_call(connection):
    """Ends a streaming call from another thread (a non-detached update is cancelled by this)."""
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _translate(error):
    if error.error() == "org.varlink.service.MethodNotImplemented":
        return NotSupported(error.parameters().get("method"))
    return ServiceError(error.error(), error.parameters())
