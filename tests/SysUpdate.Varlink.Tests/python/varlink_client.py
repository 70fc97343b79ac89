#!/usr/bin/python3
"""Talks to the test service with the python3-varlink reference client and prints the results as JSON."""
import json
import sys

try:
    import varlink
except ImportError:
    print(json.dumps({"skip": "python3-varlink is not installed"}))
    sys.exit(0)

address = "unix:" + sys.argv[1]
out = {}
with varlink.Client(address=address) as client:
    with client.open("org.varlink.service") as service:
        out["info"] = service.GetInfo()
    out["interface"] = client.get_interface("org.example.Test").name
    with client.open("org.example.Test") as test:
        out["ping"] = test.Ping("hello")
        out["count"] = [reply["i"] for reply in test.Count(4, _more=True)]
        try:
            test.Fail("bad")
        except varlink.VarlinkError as e:
            out["error"] = {"error": e.error(), "parameters": e.parameters()}
        out["echo"] = test.Echo({"x": 1, "y": 2, "label": "p"}, "green")
        out["whoami"] = test.WhoAmI()
json.dump(out, sys.stdout, sort_keys=True)
