import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { ChangeNoticeListener } from './change-notice.listener.js';
import { changeChannelOf } from './smart-table.names.js';

/** What a subscriber to a change channel is told. */
export interface ChangeNoticeSubscriber {
  /** A notice on the channel (from any instance, this one included). */
  notice(payload: string): void;
  /** The shared listener is (dis)connected: while down, notices may be missed. */
  connection(up: boolean): void;
}

/**
 * Change notices between instances that share a PostgreSQL database: one LISTEN connection per
 * instance for every channel (client changes, token revocations). A change is announced with
 * {@link ChangeNoticesService.notify} inside the transaction that makes it, so PostgreSQL delivers
 * the notice at commit, never without the change. On SQLite (one process) there are no notices:
 * {@link ChangeNoticesService.enabled} is false and owners rely on their own timers. Channels
 * are named within the deployment (`client_changed`); in PostgreSQL they carry the table prefix
 * (`<prefix>smart_client_changed`), so deployments sharing a database do not hear each other.
 */
@Injectable()
export class ChangeNoticesService implements OnModuleInit, OnApplicationShutdown {
  private readonly subscribers = new Map<string, ChangeNoticeSubscriber[]>();
  private readonly listener: ChangeNoticeListener | undefined;

  constructor(private readonly dataSource: DataSource) {
    const connection = postgresConnection(dataSource);
    this.listener = connection
      ? new ChangeNoticeListener(connection, {
          notice: (channel, payload) => {
            for (const s of this.subscribers.get(channel) ?? []) s.notice(payload);
          },
          connection: (up) => {
            for (const list of this.subscribers.values()) for (const s of list) s.connection(up);
          },
        })
      : undefined;
  }

  /** Whether notices exist (PostgreSQL). */
  get enabled(): boolean {
    return this.listener !== undefined;
  }

  /** Whether the listener is connected now. */
  get listening(): boolean {
    return this.listener?.up ?? false;
  }

  /** Subscribes to a channel; call it from a constructor so no notice is missed at start. */
  subscribe(channel: string, subscriber: ChangeNoticeSubscriber): void {
    const name = this.channelName(channel);
    const list = this.subscribers.get(name) ?? [];
    list.push(subscriber);
    this.subscribers.set(name, list);
    void this.listener?.listen(name);
  }

  /** Sends a notice within `manager`'s transaction (delivered at commit); nothing on SQLite. */
  async notify(manager: EntityManager, channel: string, payload: string): Promise<void> {
    if (this.listener) {
      await manager.query('SELECT pg_notify($1, $2)', [this.channelName(channel), payload]);
    }
  }

  /** The PostgreSQL channel of this deployment. */
  private channelName(channel: string): string {
    return changeChannelOf(this.dataSource, channel);
  }

  async onModuleInit(): Promise<void> {
    await this.listener?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.stop();
  }
}

/** Connection settings for the listener, or `undefined` when the database is not PostgreSQL. */
function postgresConnection(dataSource: DataSource): pg.ClientConfig | undefined {
  const options = dataSource.options as {
    type: string;
    url?: string;
    host?: string;
    port?: number;
    username?: string;
    password?: string;
    database?: string;
    ssl?: pg.ClientConfig['ssl'];
  };
  if (options.type !== 'postgres') return undefined;
  if (options.url) return { connectionString: options.url, ssl: options.ssl };
  return {
    host: options.host,
    port: options.port,
    user: options.username,
    password: options.password,
    database: options.database,
    ssl: options.ssl,
  };
}
