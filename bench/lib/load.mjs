// The runner's handle on the separate load-generating process (bench/lib/load-worker.mjs).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./load-worker.mjs', import.meta.url));

export class LoadProcess {
  async start() {
    this.child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.pending = new Map();
    this.nextId = 1;
    this.child.on('message', (msg) => {
      if (msg?.type !== 'result') return;
      const waiter = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) waiter?.reject(new Error(msg.error));
      else waiter?.resolve(msg.result);
    });
    this.child.on('exit', (code) => {
      for (const w of this.pending.values()) w.reject(new Error(`load process exited (${code})`));
      this.pending.clear();
    });
    await new Promise((resolve) => {
      const onReady = (msg) => {
        if (msg?.type === 'ready') {
          this.child.off('message', onReady);
          resolve();
        }
      };
      this.child.on('message', onReady);
    });
    return this;
  }

  get pid() {
    return this.child?.pid;
  }

  /** Runs one load spec (see load-worker.mjs) and resolves to its summary. */
  run(spec) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ type: 'run', id, spec });
    });
  }

  close() {
    this.child?.send({ type: 'exit' });
  }
}
