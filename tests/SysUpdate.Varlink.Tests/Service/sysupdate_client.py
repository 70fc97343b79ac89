#!/usr/bin/python3
"""Calls io.systemd.SysUpdate with the python3-varlink reference client and prints what it got as JSON.

usage: sysupdate_client.py SOCKET all|unprivileged
"""
import json
import sys

import varlink

HOST = {"class": "host"}


def error_of(call):
    try:
        call()
    except varlink.VarlinkError as e:
        return e.error()
    return None


address = "unix:" + sys.argv[1]
mode = sys.argv[2]
out = {}
with varlink.Client(address=address) as client:
    with client.open("io.systemd.SysUpdate") as s:
        out["targets"] = s.ListTargets()["targets"]
        if mode == "unprivileged":
            out["checkNew"] = error_of(lambda: s.CheckNew(HOST, None))
            out["listVersionsOnline"] = error_of(lambda: s.ListVersions(HOST, False))
            out["versionsOffline"] = [v["version"] + ":" + v["assessment"] for v in s.ListVersions(HOST, True)["versions"]]
            out["update"] = error_of(lambda: s.Update(HOST, None))
            out["vacuum"] = error_of(lambda: s.Vacuum(HOST))
            out["setFeature"] = error_of(lambda: s.SetFeatureEnabled(HOST, "optional", True))
            out["features"] = s.ListFeatures(HOST)["features"]
        else:
            out["checkNew"] = s.CheckNew(HOST, None)["available"]
            with client.open("org.varlink.service") as service:
                out["info"] = service.GetInfo()
            interface = client.get_interface("io.systemd.SysUpdate")
            out["members"] = sorted(interface.members.keys())
            out["features"] = s.ListFeatures(HOST)["features"]
            out["versions"] = [v["version"] + ":" + v["assessment"] for v in s.ListVersions(HOST, False)["versions"]]
            out["describe"] = s.Describe(HOST, "1", None)["version"]["assessment"]
            out["acquire"] = s.Acquire(HOST, "2")["version"]
            out["install"] = s.Install(HOST, None)["version"]
            out["getVersion"] = s.GetVersion(HOST).get("version")
            out["setFeature"] = s.SetFeatureEnabled(HOST, "optional", True)
            out["update"] = [r.get("progress", {}).get("phase") or ("version=" + r["version"]) for r in s.Update(HOST, None, _more=True)]
            out["noUpdate"] = error_of(lambda: s.CheckNew(HOST, None))
            out["vacuum"] = s.Vacuum(HOST)
            out["noSuchTarget"] = error_of(lambda: s.ListFeatures({"class": "component", "name": "nope"}))
            out["invalidTarget"] = error_of(lambda: s.CheckNew({"class": "host", "name": "x"}, None))
json.dump(out, sys.stdout, sort_keys=True)
