#!/usr/bin/env python3
# Licensed under the MIT License. See LICENSE in the repository root.
"""The seed's Raspberry Pi workload, olad 0.10.9 against olasharpd (issue 15): `interop/bench/run.sh pi`.

Runs inside a network namespace of its own (run.sh starts it under `unshare -n`; it refuses to run in the
root namespace). In it: lo, and a veth pair with 198.18.0.2/24 on pi0 (Art-Net needs a non-loopback
interface); both disappear with the namespace. Per server, one after the other, same conf:

  ola-uartdmx.conf   <pty>-break = 100, <pty>-malf = 24000, device = <pty>, enabled = true
  ola-artnet.conf    enabled = true, ip = 198.18.0.2       (every other plugin disabled)
  ola-port.conf      2-1-I-0 = 1 (Art-Net input port 0, Port-Address 0:0:1), 20-<pty>-O-0 = 1

and three measurements on one server process:
  ready   spawn -> first HTTP 200 from http://127.0.0.1:9090/ (polled every 5 ms)
  idle    WARMUP s after ready, a WINDOW s window with no input: the UART line alone
  artnet  a console (this script, like QLC+ on the same Pi) sends ArtDmx for Port-Address 0:0:1 to
          198.18.0.2:6454 at 44 Hz, 512 slots, every level changing every frame; after WARMUP s a
          WINDOW s window. At its end /get_dmx?u=1 must show the console's last levels (checked).

CPU s: utime + stime of the server's process over the window (/proc/PID/stat; all threads, also ended
ones, in 10 ms ticks), and per thread from schedstat (ns), so the UART line thread (olasharpd's "uartdmx ...",
olad's unnamed UartDmxThread) is reported apart from all the others.
RSS: VmRSS at the window's end and VmHWM (peak since start). Wake-ups: voluntary + involuntary context
switches of all threads over the window, per second.
Frames on the line: a pty carries no break, so frames are counted as the bursts of bytes read from the
pty's master with at least 4 ms of silence before them (each server writes a frame with one write() after
its break; at malf = 24 ms frames are >= 24 ms apart). Bytes per second are printed too: olad writes only
the universe's channels, so on the idle line (no data in universe 1) its frames are 1 byte (start code).
"""
import argparse
import json
import os
import pwd
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import tty
import urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")
ART_PORT = 6454
SERVER_IP = "198.18.0.2"
PLUGINS_OFF = ("dummy e131 espnet ftdidmx gpio karate kinet milinst opendmx openpixelcontrol osc pathport "
               "renard sandnet shownet spi stageprofi usbdmx usbserial").split()


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- /proc

def proc_cpu(pid):
    """utime + stime of the whole process in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    fields = s[s.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def threads(pid):
    """tid -> (name, run ns from schedstat, voluntary + involuntary switches)."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                ns = int(f.read().split()[0])
            sw = 0
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        sw += int(line.split()[1])
            out[int(tid)] = (name, ns, sw)
        except OSError:
            pass
    return out


def memory(pid):
    rss = hwm = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss / 1024, hwm / 1024


# ---------------------------------------------------------------- the pty's far end

class LineReader:
    """Reads the pty's master; counts bytes and frames (bursts after >= 4 ms of silence)."""
    GAP = 0.004

    def __init__(self, master):
        self.master = master
        self.lock = threading.Lock()
        self.bytes = 0
        self.frames = 0
        self.last = 0.0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO while no one has the slave open
                time.sleep(0.05)
                continue
            now = time.monotonic()
            with self.lock:
                if now - self.last >= self.GAP:
                    self.frames += 1
                self.last = now
                self.bytes += len(data)

    def sample(self):
        with self.lock:
            return self.frames, self.bytes


# ---------------------------------------------------------------- the console

class ArtNetConsole:
    """ArtDmx for Port-Address 0:0:1 at RATE Hz on absolute deadlines, 512 slots, levels moving every frame."""

    def __init__(self, rate):
        self.rate = rate
        self.sent = 0
        self.last = bytes(512)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def start(self):
        self.thread.start()

    def run(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((SERVER_IP, 0))  # QLC+ on the same Pi: from the same interface
        header = b"Art-Net\0" + struct.pack("<H", 0x5000) + struct.pack(">H", 14)
        period = 1.0 / self.rate
        due = time.monotonic()
        k = 0
        while not self.stop.is_set():
            seq = k % 255 + 1
            levels = bytes((i + 3 * k) & 0xFF for i in range(512))  # a chase: every slot changes
            packet = header + bytes([seq, 0, 1, 0]) + struct.pack(">H", 512) + levels
            sock.sendto(packet, (SERVER_IP, ART_PORT))
            self.last = levels
            self.sent += 1
            k += 1
            due += period
            delay = due - time.monotonic()
            if delay > 0:
                self.stop.wait(delay)
            elif delay < -1:
                due = time.monotonic()  # fell far behind: do not burst
        sock.close()


# ---------------------------------------------------------------- servers

def write_conf(d, pty):
    os.makedirs(d)
    with open(f"{d}/ola-uartdmx.conf", "w") as f:
        f.write(f"{pty}-break = 100\n{pty}-malf = 24000\ndevice = {pty}\nenabled = true\n")
    with open(f"{d}/ola-artnet.conf", "w") as f:
        f.write(f"enabled = true\nip = {SERVER_IP}\n")
    with open(f"{d}/ola-port.conf", "w") as f:
        f.write(f"2-1-I-0 = 1\n20-{pty}-O-0 = 1\n")
    for p in PLUGINS_OFF:
        with open(f"{d}/ola-{p}.conf", "w") as f:
            f.write("enabled = false\n")


def http_get(path, timeout=2):
    with urllib.request.urlopen(f"http://127.0.0.1:9090{path}", timeout=timeout) as r:
        return r.status, r.read()


def wait_ready(proc, limit):
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if proc.poll() is not None:
            return None
        try:
            status, _ = http_get("/", timeout=1)
            if status == 200:
                return time.monotonic()
        except OSError:
            pass
        time.sleep(0.005)
    return None


def window(pid, reader, seconds):
    c0, t0, f0, m0 = proc_cpu(pid), threads(pid), reader.sample(), time.monotonic()
    time.sleep(seconds)
    c1, t1, f1, m1 = proc_cpu(pid), threads(pid), reader.sample(), time.monotonic()
    rss, hwm = memory(pid)
    elapsed = m1 - m0
    per_thread = {}
    for tid, (name, ns, sw) in t1.items():
        _, ns0, sw0 = t0.get(tid, (name, 0, 0))
        # olasharpd names its line thread "uartdmx <device>"; olad's UartDmxThread has no name (the one thread
        # with an empty comm: 3 sleeps per frame, ~132 wake-ups/s at malf 24000).
        key = "uart line" if name.startswith("uartdmx") or name == "" else name
        cpu, switches = per_thread.get(key, (0.0, 0))
        per_thread[key] = (cpu + (ns - ns0) / 1e9, switches + sw - sw0)
    line = per_thread.get("uart line", (0.0, 0))
    scale = seconds / elapsed
    return {
        "cpu_s": (c1 - c0) * scale,
        "line_cpu_s": line[0] * scale,
        "other_cpu_s": sum(v[0] for k, v in per_thread.items() if k != "uart line") * scale,
        "wakeups_per_s": sum(s for _, s in per_thread.values()) / elapsed,
        "line_wakeups_per_s": line[1] / elapsed,
        "fps": (f1[0] - f0[0]) / elapsed,
        "bytes_per_s": (f1[1] - f0[1]) / elapsed,
        "rss_mib": rss,
        "hwm_mib": hwm,
        "threads": sorted(((k, round(v[0] * scale, 3), round(v[1] / elapsed, 1)) for k, v in per_thread.items()),
                          key=lambda t: -t[1]),
    }


def run_server(name, argv, env, workdir, pty, reader, args, as_olad):
    d = f"{workdir}/{name}"
    write_conf(d, pty)
    if as_olad:
        pw = pwd.getpwnam("olad")
        for root, dirs, files in os.walk(d):
            os.chown(root, pw.pw_uid, pw.pw_gid)
            for x in files:
                os.chown(os.path.join(root, x), pw.pw_uid, pw.pw_gid)
        argv = ["setpriv", "--reuid", "olad", "--regid", str(pw.pw_gid), "--init-groups", "--"] + argv
    argv = [a.replace("{conf}", d) for a in argv]
    logf = open(f"{d}/server.log", "w")
    t_spawn = time.monotonic()
    proc = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    result = {"server": name}
    try:
        ready = wait_ready(proc, 30)
        if ready is None:
            raise RuntimeError(f"{name} did not answer HTTP within 30 s (exit {proc.poll()}); log {d}/server.log")
        result["ready_s"] = ready - t_spawn
        time.sleep(args.warmup)
        result["idle"] = window(proc.pid, reader, args.duration)
        console = ArtNetConsole(args.rate)
        console.start()
        try:
            time.sleep(args.warmup)
            result["artnet"] = window(proc.pid, reader, args.duration)
            last = console.last
            _, body = http_get("/get_dmx?u=1")
            got = json.loads(body).get("dmx", [])
            # The console moves every slot by 3 per frame; the server's copy is a few frames older than `last`
            # or, when the console sent again before the GET was answered, newer.
            lag = [(last[i] - got[i]) % 256 for i in range(min(len(got), 512))]
            ok = len(got) == 512 and len(set(lag)) == 1 and (lag[0] <= 30 or lag[0] >= 226) and (lag[0] - 256 * (lag[0] >= 226)) % 3 == 0
            result["artnet"]["levels_ok"] = ok
            result["artnet"]["console_sent"] = console.sent
            if not ok:
                log(f"pi: {name}: universe 1 does not hold the console's levels: got {got[:8]}..., sent {list(last[:8])}...")
        finally:
            console.stop.set()
            console.thread.join(2)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        logf.close()
    return result


# ---------------------------------------------------------------- report

def rng(values, fmt):
    lo, hi = min(values), max(values)
    return fmt.format(lo) if fmt.format(lo) == fmt.format(hi) else fmt.format(lo) + "-" + fmt.format(hi)


def report(results, args):
    by = {}
    for r in results:
        by.setdefault(r["server"], []).append(r)
    print(f"\nPi workload: {args.duration:g} s windows, {args.runs} run(s), {os.cpu_count()} CPUs, "
          f"load average {open('/proc/loadavg').read().split()[0:3]} at the end")
    print("per run:")
    for r in results:
        a, i = r["artnet"], r["idle"]
        print(f"  {r['server']:10s} ready {r['ready_s']:.3f} s | artnet cpu {a['cpu_s']:.3f} s (line {a['line_cpu_s']:.3f}) "
              f"fps {a['fps']:.1f} {a['bytes_per_s'] / 1000:.1f} kB/s wake {a['wakeups_per_s']:.0f}/s levels {'ok' if a['levels_ok'] else 'WRONG'}"
              f" | idle cpu {i['cpu_s']:.3f} s (line {i['line_cpu_s']:.3f}) fps {i['fps']:.1f} {i['bytes_per_s'] / 1000:.1f} kB/s "
              f"wake {i['wakeups_per_s']:.0f}/s | rss {a['rss_mib']:.1f} peak {a['hwm_mib']:.1f} MiB")
        for w in ("idle", "artnet"):
            top = ", ".join(f"{n} {c:.3f} s {s:.0f}/s" for n, c, s in r[w]["threads"][:6])
            print(f"      {w:6s} threads: {top}")
    rows = [
        ("Art-Net 44 Hz + UART: CPU s per window", lambda r: r["artnet"]["cpu_s"], "{:.2f}"),
        ("  the UART line thread", lambda r: r["artnet"]["line_cpu_s"], "{:.2f}"),
        ("  all other threads", lambda r: r["artnet"]["other_cpu_s"], "{:.3f}"),
        ("idle line: CPU s per window", lambda r: r["idle"]["cpu_s"], "{:.2f}"),
        ("  the UART line thread", lambda r: r["idle"]["line_cpu_s"], "{:.2f}"),
        ("  all other threads", lambda r: r["idle"]["other_cpu_s"], "{:.3f}"),
        ("RSS at the end (MiB)", lambda r: r["artnet"]["rss_mib"], "{:.1f}"),
        ("RSS peak (MiB)", lambda r: r["artnet"]["hwm_mib"], "{:.1f}"),
        ("frames/s on the line, Art-Net", lambda r: r["artnet"]["fps"], "{:.1f}"),
        ("frames/s on the line, idle", lambda r: r["idle"]["fps"], "{:.1f}"),
        ("wake-ups/s, Art-Net", lambda r: r["artnet"]["wakeups_per_s"], "{:.0f}"),
        ("wake-ups/s, idle", lambda r: r["idle"]["wakeups_per_s"], "{:.0f}"),
        ("start to HTTP 200 (s)", lambda r: r["ready_s"], "{:.3f}"),
    ]
    names = list(by)
    print("\n| measure | " + " | ".join(names) + (" | olasharpd/olad |" if {"olad", "olasharpd"} <= set(names) else " |"))
    print("|---|" + "---:|" * (len(names) + ({"olad", "olasharpd"} <= set(names))))
    for title, f, fmt in rows:
        cells = [rng([f(r) for r in by[n]], fmt) for n in names]
        if {"olad", "olasharpd"} <= set(names):
            o = [f(r) for r in by["olad"]]
            s = [f(r) for r in by["olasharpd"]]
            if min(o) > 0:
                ratios = [b / a for a, b in zip(o, s)]  # same run, olad then olasharpd
                cells.append(rng(ratios, "{:.2f}x"))
            else:
                cells.append("n/a")
        print(f"| {title} | " + " | ".join(cells) + " |")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--olasharpd", required=True, help="olasharpd binary (native AOT or the JIT apphost)")
    p.add_argument("--servers", default="olad,olasharpd")
    p.add_argument("--duration", type=float, default=20)
    p.add_argument("--warmup", type=float, default=3)
    p.add_argument("--rate", type=float, default=44)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--olasharpd-env", default="", help="NAME=value[,NAME=value] for olasharpd")
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args()

    # run.sh's timeout (and ^C) end the run through the finally blocks: servers stopped, temp dir removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if os.getuid() != 0:
        sys.exit("pi: needs root (run it through interop/bench/run.sh pi)")
    links = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True, check=True).stdout.splitlines()
    if [line for line in links if ": lo:" not in line]:
        # A fresh namespace has only lo; anything else means this is not one we were started in.
        sys.exit("pi: refusing to run outside a fresh network namespace (run.sh pi starts it under unshare -n)")
    for tool in ("olad", "setpriv", "ip"):
        if not shutil.which(tool):
            sys.exit(f"pi: {tool} is missing (interop/install-peers.sh)")

    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    subprocess.run(["ip", "link", "add", "pi0", "type", "veth", "peer", "name", "pi1"], check=True)
    subprocess.run(["ip", "addr", "add", f"{SERVER_IP}/24", "dev", "pi0"], check=True)
    subprocess.run(["ip", "link", "set", "pi0", "up"], check=True)
    subprocess.run(["ip", "link", "set", "pi1", "up"], check=True)

    workdir = tempfile.mkdtemp(prefix="olas-pi-")
    os.chmod(workdir, 0o755)
    master, slave = os.openpty()
    tty.setraw(slave)  # no output processing: the bytes counted are the bytes written
    pty = os.ttyname(slave)
    os.chmod(pty, 0o666)
    reader = LineReader(master)

    base_env = dict(os.environ)
    ours_env = dict(base_env)
    for kv in filter(None, args.olasharpd_env.split(",")):
        k, _, v = kv.partition("=")
        ours_env[k] = v
    servers = {
        "olad": (["olad", "-c", "{conf}", "--no-register-with-dns-sd", "-l", "2"], base_env, True),
        "olasharpd": ([os.path.abspath(args.olasharpd), "-c", "{conf}", "-l", "2"], ours_env, False),
    }
    results = []
    try:
        for run in range(args.runs):
            for name in args.servers.split(","):
                argv, env, as_olad = servers[name]
                log(f"pi: run {run + 1}/{args.runs}: {name} (load average {open('/proc/loadavg').read().split()[0]})")
                results.append(run_server(name, argv, env, f"{workdir}/{run}", pty, reader, args, as_olad))
    finally:
        reader.stop = True
        shutil.rmtree(workdir, ignore_errors=True)
    report(results, args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    bad = [r["server"] for r in results if not r["artnet"]["levels_ok"] or r["artnet"]["fps"] < 1]
    if bad:
        log(f"pi: no Art-Net levels or no frames on the line from: {', '.join(bad)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
