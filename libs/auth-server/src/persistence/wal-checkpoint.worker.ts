/**
 * The source of the worker thread that checkpoints an SQLite file's write-ahead log (WAL) for
 * `SqliteCheckpointer`: its own better-sqlite3 connection runs `wal_checkpoint(PASSIVE)` every
 * `intervalMs`, which copies committed pages into the database file and syncs it without ever
 * blocking the main connection's readers or writer. Run with `eval: true` (so the package ships no
 * second entry point and tests need no loader); its inputs come only through `workerData`
 * (`{ modulePath, file, intervalMs }`). A `'stop'` message closes the connection and ends the
 * thread; an error ends it with the error (the main thread then checkpoints inline again).
 */
export const WAL_CHECKPOINT_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.modulePath);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)');
checkpoint();
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;
