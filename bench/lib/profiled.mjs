// Runs a server script under the V8 CPU profiler (node:inspector) and writes the profile when the
// bench runner asks over IPC ({ type: 'profile-stop', file }), so the profile covers exactly the
// load phase and does not depend on how the server handles signals. Also answers { type:
// 'heap-stats' } with process.memoryUsage() and the V8 heap spaces.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getHeapSpaceStatistics } from 'node:v8';

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });

process.on('message', (msg) => {
  if (msg?.type === 'heap-stats') {
    process.send({
      type: 'heap-stats',
      memory: process.memoryUsage(),
      spaces: getHeapSpaceStatistics().map((s) => ({
        name: s.space_name,
        sizeMiB: Math.round(s.space_size / 1048576),
        usedMiB: Math.round(s.space_used_size / 1048576),
      })),
    });
  }
  if (msg?.type === 'gc' && globalThis.gc) {
    globalThis.gc();
    process.send({ type: 'gc-done' });
  }
  if (msg?.type === 'profile-start') {
    void session.post('Profiler.start').then(() => process.send({ type: 'profile-started' }));
  }
  if (msg?.type === 'profile-stop') {
    void session
      .post('Profiler.stop')
      .then(({ profile }) => {
        writeFileSync(msg.file, JSON.stringify(profile));
        process.send({ type: 'profile-written', file: msg.file });
      })
      .catch((err) => process.send({ type: 'profile-written', error: String(err) }));
  }
});

await import(pathToFileURL(resolve(process.argv[2])).href);
