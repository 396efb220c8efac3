import { Logger } from '@nestjs/common';
import type pg from 'pg';
import { loadPeerModule } from '../common/optional-module.loader.js';

/**
 * The change-notice channel that carries client changes (the payload is the `client_id`); in
 * PostgreSQL `<table prefix>smart_client_changed`.
 */
export const CLIENT_CHANGE_CHANNEL = 'client_changed';

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/** What the listener tells its owner. */
export interface ChangeNoticeEvents {
  /** A notice arrived on one of the channels (sent by some instance, this one included). */
  notice(channel: string, payload: string): void;
  /** The listener is (dis)connected: while down, notices may be missed. */
  connection(up: boolean): void;
}

/**
 * A dedicated PostgreSQL connection that LISTENs on the change channels (client changes, token
 * revocations) and reconnects with backoff after an error, so every instance hears of a change
 * the moment any instance commits it. Channels may be added while connected.
 * @see https://www.postgresql.org/docs/current/sql-listen.html
 */
export class ChangeNoticeListener {
  private readonly logger = new Logger('ChangeNoticeListener');
  private client: pg.Client | undefined;
  private retryMs = RECONNECT_MIN_MS;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly channels = new Set<string>();
  /** Connections already given up (one reconnect per lost connection). */
  private readonly dead = new WeakSet<pg.Client>();

  constructor(
    private readonly connection: pg.ClientConfig,
    private readonly events: ChangeNoticeEvents,
  ) {}

  /** Whether the connection is up and listening. */
  get up(): boolean {
    return this.client !== undefined;
  }

  /** Adds a channel (LISTENed at once when connected, and after every reconnection). */
  async listen(channel: string): Promise<void> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
    if (this.channels.has(channel)) return;
    this.channels.add(channel);
    const client = this.client;
    if (client)
      await client.query(`LISTEN ${channel}`).catch((err: Error) => this.lost(client, err));
  }

  /** Connects (the first attempt is awaited; later ones run in the background). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    // `pg` is an optional peer dependency: loaded only on PostgreSQL, where TypeORM needs it too.
    const { Client } = loadPeerModule<typeof pg>('pg', 'PostgreSQL storage');
    const client = new Client({ ...this.connection, keepAlive: true });
    client.on('notification', (msg) => {
      if (this.channels.has(msg.channel)) this.events.notice(msg.channel, msg.payload ?? '');
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      for (const channel of this.channels) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      this.lost(client, err as Error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = RECONNECT_MIN_MS;
    this.events.connection(true);
  }

  private lost(client: pg.Client, err?: Error): void {
    if (this.dead.has(client)) return;
    this.dead.add(client);
    if (this.client === client) this.client = undefined;
    void client.end().catch(() => undefined);
    this.events.connection(false);
    if (this.stopped) return;
    this.logger.warn(
      `change notice listener lost (${err?.message ?? 'connection ended'}); reconnecting`,
    );
    this.timer = setTimeout(() => void this.connect(), this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
  }
}
