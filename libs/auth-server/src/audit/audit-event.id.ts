import { randomBytes } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/**
 * A time-ordered UUID (version 7 layout, RFC 9562 section 5.7) with a per-millisecond counter,
 * so events written by one instance sort in the order they happened.
 */
export function newAuditEventId(now = Date.now()): string {
  sequence = now === lastMs ? (sequence + 1) & 0xfff : 0;
  lastMs = now;
  const time = now.toString(16).padStart(12, '0');
  const rand = randomBytes(8);
  rand[0] = (rand[0] & 0x3f) | 0x80;
  const hex = rand.toString('hex');
  const seq = (0x7000 | sequence).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8)}-${seq}-${hex.slice(0, 4)}-${hex.slice(4)}`;
}
