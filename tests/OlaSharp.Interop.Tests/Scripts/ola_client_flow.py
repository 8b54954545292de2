# Licensed under the MIT License. See LICENSE in the repository root.
# Drives OLA's Python client (ola-python 0.10.9) through the calls olasharpd must answer like olad:
# RegisterUniverse with a data callback fed by another client's ola_set_dmx, SendDmx (echoed to
# itself as a registered sink), FetchDmx, FetchUniverses, FetchDevices, UNREGISTER. Prints one
# line per result so two servers' transcripts can be compared. Bounded: stops after 15 s.
import array
import subprocess
import sys

from ola.ClientWrapper import ClientWrapper
from ola.OlaClient import OlaClient

wrapper = ClientWrapper()
client = wrapper.Client()
frames = []


def out(line):
    print(line, flush=True)


def on_data(data):
    frames.append(list(data))
    out("data %s" % list(data))
    if len(frames) == 1:
        client.SendDmx(1, array.array('B', [9, 8, 7]), on_sent)


def on_registered(status):
    out("register %s" % status.Succeeded())
    subprocess.Popen(["ola_set_dmx", "-u", "1", "-d", "1,2,3"])


def on_sent(status):
    out("send %s" % status.Succeeded())
    client.FetchDmx(1, on_fetch)


def on_fetch(status, universe, data):
    out("fetch %s %d %s" % (status.Succeeded(), universe, list(data)))
    client.FetchDmx(99, on_fetch_missing)


def on_fetch_missing(status, universe, data):
    out("fetch99 %s %r" % (status.Succeeded(), status.message))
    client.FetchUniverses(on_universes)


def on_universes(status, universes):
    out("universes %s" % status.Succeeded())
    for u in universes:
        out("  universe %d %s %s in=%d out=%d" % (u.id, u.name, u.merge_mode, len(u.input_ports), len(u.output_ports)))
    client.FetchDevices(on_devices)


def on_devices(status, devices):
    out("devices %s" % status.Succeeded())
    for d in devices:
        out("  device %d %s plugin=%d" % (d.alias, d.name, d.plugin_id))
        for p in d.output_ports:
            out("    out %d %s active=%s universe=%s" % (p.id, p.description, p.active, p.universe))
    client.RegisterUniverse(1, client.UNREGISTER, None, on_unregistered)


def on_unregistered(status):
    out("unregister %s" % status.Succeeded())
    wrapper.Stop()


def on_timeout():
    out("timeout")
    wrapper.Stop()


client.RegisterUniverse(1, client.REGISTER, on_data, on_registered)
wrapper.AddEvent(15000, on_timeout)
wrapper.Run()
sys.exit(0 if len(frames) >= 2 else 1)
