# Licensed under the MIT License. See LICENSE in the repository root.
# Prints what OLA's Python client gets from FetchDmx(universe). Usage: fetch_dmx.py UNIVERSE
import sys

from ola.ClientWrapper import ClientWrapper

wrapper = ClientWrapper()


def on_fetch(status, universe, data):
    print("fetch %s %s %s %r" % (status.Succeeded(), universe, list(data) if data is not None else None, status.message))
    wrapper.Stop()


wrapper.Client().FetchDmx(int(sys.argv[1]), on_fetch)
wrapper.AddEvent(10000, wrapper.Stop)
wrapper.Run()
