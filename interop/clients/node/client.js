#!/usr/bin/env node
// Licensed under the MIT License. See LICENSE in the repository root.
//
// OlaSharp gRPC client in Node: @grpc/grpc-js with @grpc/proto-loader reading proto/olasharp/v1
// at start (no generated code).
//
//   node client.js --target 127.0.0.1:50051 send --universe 1 --slots 1,2,3 [--count 10]
//   node client.js --target 127.0.0.1:50051 watch --universe 1 [--until 1,2,3] [--max 5]
//
// Prints JSON lines on stdout; watch prints {"ready":true} after the first frame.
// Exit status: 0 done, 1 timeout or not found, 2 gRPC error (code and details on stderr).
'use strict';

const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

function parseArgs(argv) {
  const opts = {
    target: '127.0.0.1:50051',
    protoRoot: path.resolve(__dirname, '..', '..', '..', 'proto'),
    token: process.env.OLASHARP_TOKEN || '',
    timeout: 20,
    universe: 1,
    count: 1,
    max: 1,
    refreshMs: 1000,
    source: 'node',
  };
  const names = {
    '--target': 'target', '--proto-root': 'protoRoot', '--token': 'token', '--timeout': 'timeout',
    '--universe': 'universe', '--slots': 'slots', '--count': 'count', '--until': 'until', '--max': 'max',
    '--refresh-ms': 'refreshMs', '--source': 'source', '--priority': 'priority',
  };
  const numeric = new Set(['timeout', 'universe', 'count', 'max', 'refreshMs', 'priority']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === 'send' || a === 'watch') {
      opts.command = a;
    } else if (names[a] && i + 1 < argv.length) {
      const key = names[a];
      opts[key] = numeric.has(key) ? Number(argv[++i]) : argv[++i];
    } else {
      throw new Error(`unknown argument ${a}`);
    }
  }
  if (!opts.command) {
    throw new Error('need a command: send or watch');
  }
  return opts;
}

const parseSlots = (text) => Buffer.from(text ? text.split(',').map(Number) : []);
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

function loadClient(opts) {
  const def = protoLoader.loadSync(path.join(opts.protoRoot, 'olasharp', 'v1', 'frames.proto'), {
    includeDirs: [opts.protoRoot],
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
  });
  const pkg = grpc.loadPackageDefinition(def).olasharp.v1;
  return new pkg.FrameService(opts.target, grpc.credentials.createInsecure());
}

function metadataFor(opts) {
  const md = new grpc.Metadata();
  if (opts.token) {
    md.set('authorization', `Bearer ${opts.token}`);
  }
  return md;
}

function deadline(opts) {
  return new Date(Date.now() + opts.timeout * 1000);
}

function fail(err) {
  if (err.code === grpc.status.DEADLINE_EXCEEDED) {
    process.stderr.write('timeout\n');
    return 1;
  }
  process.stderr.write(`${grpc.status[err.code]}: ${err.details}\n`);
  return 2;
}

function send(client, opts) {
  return new Promise((resolve) => {
    const final = parseSlots(opts.slots);
    const call = client.StreamFrames(metadataFor(opts), { deadline: deadline(opts) }, (err, res) => {
      if (err) {
        resolve(fail(err));
        return;
      }
      emit({ frames_received: res.frames_received, frames_accepted: res.frames_accepted });
      resolve(0);
    });
    for (let i = 0; i < opts.count; i++) {
      // Frames before the last ramp slot 0; the last one is exactly --slots.
      const slots = i === opts.count - 1 ? final : Buffer.concat([Buffer.from([i % 256]), final.subarray(1)]);
      const frame = { universe: opts.universe, slots };
      if (opts.priority !== undefined) {
        frame.priority = { value: opts.priority };
      }
      call.write({ frame, source_name: opts.source });
    }
    call.end();
  });
}

function watch(client, opts) {
  return new Promise((resolve) => {
    const until = opts.until !== undefined ? parseSlots(opts.until) : null;
    const request = { universes: [opts.universe], refresh_interval_ms: { value: opts.refreshMs } };
    const call = client.WatchFrames(request, metadataFor(opts), { deadline: deadline(opts) });
    let count = 0;
    let done = false;
    const finish = (code) => {
      if (!done) {
        done = true;
        call.cancel();
        resolve(code);
      }
    };
    call.on('data', (msg) => {
      count++;
      emit({
        universe: msg.universe,
        slots: Array.from(msg.slots),
        priority: msg.priority,
        sequence: msg.sequence,
        version: msg.version,
        refresh: msg.refresh,
        timestamp_seconds: msg.timestamp ? msg.timestamp.seconds : 0,
      });
      if (count === 1) {
        emit({ ready: true });
      }
      if (until !== null ? Buffer.compare(Buffer.from(msg.slots), until) === 0 : opts.max && count >= opts.max) {
        finish(0);
      }
    });
    call.on('error', (err) => finish(err.code === grpc.status.CANCELLED ? 1 : fail(err)));
    call.on('end', () => finish(1));
  });
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    return 64;
  }
  const client = loadClient(opts);
  try {
    return opts.command === 'send' ? await send(client, opts) : await watch(client, opts);
  } finally {
    client.close();
  }
}

main().then((code) => process.exit(code));
