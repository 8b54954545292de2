#!/usr/bin/python3
# Licensed under the MIT License. See LICENSE in the repository root.
"""OlaSharp gRPC client in Python (Debian's python3-grpcio and python3-grpc-tools).

Stubs are generated at start from proto/olasharp/v1 into a temp dir with grpc_tools.protoc, so
nothing generated is committed and the client always matches the server's proto.

  olasharp_client.py --target 127.0.0.1:50051 send --universe 1 --slots 1,2,3 [--count 10] [--hold 5]
  olasharp_client.py --target 127.0.0.1:50051 watch --universe 1 [--until 1,2,3] [--max 5]
  olasharp_client.py --target 127.0.0.1:50051 standby [--switch]

Each command prints JSON lines on stdout; watch prints {"ready": true} after the first frame, send
with --hold after its frames (then keeps the stream open that long); standby prints the hot-standby
status (StandbyService.GetStatus), or with --switch the status after SwitchOver.
Exit status: 0 done, 1 timeout or not found, 2 gRPC error (its code and details on stderr).
"""
import argparse
import json
import os
import sys
import tempfile
import time

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PROTO = os.path.normpath(os.path.join(HERE, "..", "..", "..", "proto"))


def load_stubs(proto_root):
    """Compiles frames.proto and standby.proto with grpc_tools.protoc into a temp dir and imports them."""
    from grpc_tools import protoc
    import grpc_tools

    out = tempfile.mkdtemp(prefix="olasharp-py-")
    includes = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    rc = protoc.main([
        "grpc_tools.protoc",
        "-I" + proto_root,
        "-I" + includes,
        "--python_out=" + out,
        "--grpc_python_out=" + out,
        os.path.join(proto_root, "olasharp", "v1", "frames.proto"),
        os.path.join(proto_root, "olasharp", "v1", "standby.proto"),
    ])
    if rc != 0:
        sys.exit("protoc failed with %d" % rc)
    sys.path.insert(0, out)
    from olasharp.v1 import frames_pb2, frames_pb2_grpc  # noqa: E402 (generated above)
    from olasharp.v1 import standby_pb2, standby_pb2_grpc  # noqa: E402 (generated above)
    return frames_pb2, frames_pb2_grpc, standby_pb2, standby_pb2_grpc


def parse_slots(text):
    return bytes(int(v) for v in text.split(",")) if text else b""


def emit(obj):
    print(json.dumps(obj), flush=True)


def send(pb, stub, args, metadata):
    final = parse_slots(args.slots)

    def frames():
        for i in range(args.count):
            # Frames before the last ramp slot 0; the last one is exactly --slots.
            slots = final if i == args.count - 1 else bytes([i % 256]) + final[1:]
            frame = pb.Frame(universe=args.universe, slots=slots)
            if args.priority is not None:
                frame.priority.value = args.priority
            yield pb.StreamFramesRequest(frame=frame, source_name=args.source)
        if args.hold > 0:
            # Keep the stream (and so the source) open, e.g. to test a client killed mid-stream.
            emit({"ready": True})
            time.sleep(args.hold)

    response = stub.StreamFrames(frames(), timeout=args.timeout, metadata=metadata)
    emit({"frames_received": response.frames_received, "frames_accepted": response.frames_accepted})
    return 0


def watch(pb, stub, args, metadata):
    until = parse_slots(args.until) if args.until is not None else None
    request = pb.WatchFramesRequest(universes=[args.universe])
    request.refresh_interval_ms.value = args.refresh_ms
    count = 0
    for msg in stub.WatchFrames(request, timeout=args.timeout, metadata=metadata):
        count += 1
        emit({
            "universe": msg.universe,
            "slots": list(msg.slots),
            "priority": msg.priority,
            "sequence": msg.sequence,
            "version": msg.version,
            "refresh": msg.refresh,
            "timestamp_seconds": msg.timestamp.seconds,
        })
        if count == 1:
            emit({"ready": True})
        if until is not None and bytes(msg.slots) == until:
            return 0
        if until is None and args.max and count >= args.max:
            return 0
    return 1


def standby(pb, stub, args, metadata):
    if args.switch:
        status = stub.SwitchOver(pb.SwitchOverRequest(), timeout=args.timeout, metadata=metadata)
    else:
        status = stub.GetStatus(pb.GetStandbyStatusRequest(), timeout=args.timeout, metadata=metadata)
    emit({
        "role": status.role_name,
        "partner": status.partner,
        "partner_role": pb.StandbyRole.Name(status.partner_role),
        "partner_last_heard_ms": status.partner_last_heard_ms,
        "since": status.since,
        "reason": status.reason,
        "transitions": status.transitions,
        "outputs_driven": status.outputs_driven,
        "outputs": status.outputs,
    })
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", default="127.0.0.1:50051")
    parser.add_argument("--proto-root", default=DEFAULT_PROTO)
    parser.add_argument("--token", default=os.environ.get("OLASHARP_TOKEN"))
    parser.add_argument("--timeout", type=float, default=20.0)
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("send")
    s.add_argument("--universe", type=int, default=1)
    s.add_argument("--slots", required=True)
    s.add_argument("--count", type=int, default=1)
    s.add_argument("--priority", type=int)
    s.add_argument("--source", default="python")
    s.add_argument("--hold", type=float, default=0.0, help="seconds to keep the stream open after the frames")
    w = sub.add_parser("watch")
    w.add_argument("--universe", type=int, default=1)
    w.add_argument("--until")
    w.add_argument("--max", type=int, default=1)
    w.add_argument("--refresh-ms", type=int, default=1000)
    b = sub.add_parser("standby")
    b.add_argument("--switch", action="store_true", help="switch over (hand the outputs to the partner, or take them)")
    args = parser.parse_args()

    pb, pb_grpc, sb, sb_grpc = load_stubs(args.proto_root)
    metadata = [("authorization", "Bearer " + args.token)] if args.token else None
    with grpc.insecure_channel(args.target) as channel:
        try:
            if args.command == "standby":
                return standby(sb, sb_grpc.StandbyServiceStub(channel), args, metadata)
            stub = pb_grpc.FrameServiceStub(channel)
            return send(pb, stub, args, metadata) if args.command == "send" else watch(pb, stub, args, metadata)
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                print("timeout", file=sys.stderr)
                return 1
            print("%s: %s" % (e.code().name, e.details()), file=sys.stderr)
            return 2


if __name__ == "__main__":
    sys.exit(main())
