import { Injectable } from '@nestjs/common';
import { StorageProbeRepository } from '../persistence/repositories/storage-probe.repository.js';
import { EngineKeys } from '../provider/ports/engine-keys.port.js';
import { RevocationListService } from '../revocation/revocation-list.service.js';
import { TOKEN_SIGNING_ALGS } from '../vocabulary/signing-alg.types.js';
import {
  SmartAuthHealth,
  type SmartAuthHealthReport,
  type SmartHealthCheck,
} from './auth-health.port.js';

/**
 * How long the storage probe may take. A database that is down often does not refuse but hangs
 * (a lost network, a full pool): a probe must answer well within a load balancer's timeout.
 */
const STORAGE_TIMEOUT_MS = 2000;

const up = (detail: string): SmartHealthCheck => ({ status: 'up', detail });
const down = (detail: string): SmartHealthCheck => ({ status: 'down', detail });

/**
 * {@link SmartAuthHealth}: one query for storage; the keys and the revocation list are read from
 * memory (what the engine and the list hold now), so a probe never loads keys from the database.
 */
@Injectable()
export class AuthHealthService extends SmartAuthHealth {
  /** The storage probe in flight: concurrent probes share it instead of queueing on a hung pool. */
  private probing: Promise<SmartHealthCheck> | undefined;

  constructor(
    private readonly storage: StorageProbeRepository,
    private readonly keys: EngineKeys,
    private readonly revocations: RevocationListService,
  ) {
    super();
  }

  async check(): Promise<SmartAuthHealthReport> {
    const checks = {
      storage: await this.storageCheck(),
      signingKeys: this.signingKeysCheck(),
      revocationList: this.revocationListCheck(),
    };
    const allUp = Object.values(checks).every((c) => c.status === 'up');
    return { status: allUp ? 'up' : 'down', checks };
  }

  private storageCheck(): Promise<SmartHealthCheck> {
    this.probing ??= this.probeStorage().finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  private async probeStorage(): Promise<SmartHealthCheck> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<SmartHealthCheck>((resolve) => {
      timer = setTimeout(
        () => resolve(down(`no answer within ${STORAGE_TIMEOUT_MS} ms`)),
        STORAGE_TIMEOUT_MS,
      );
    });
    // The driver's message is not passed on: it may name hosts, users or databases.
    const probe = this.storage.ping().then(
      () => up('database answers'),
      () => down('database unreachable'),
    );
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The engine signs with the first key it holds for an algorithm; rotation publishes a new key
   * while the old one still signs, so a key held for every algorithm means each can sign.
   */
  private signingKeysCheck(): SmartHealthCheck {
    let held: Set<unknown>;
    try {
      held = new Set(this.keys.publishedJwks().keys.map((k) => k.alg));
      if (!this.keys.cookieSecret()) return down('engine has no cookie secret');
    } catch {
      return down('engine not started');
    }
    const missing = TOKEN_SIGNING_ALGS.filter((alg) => !held.has(alg));
    return missing.length === 0
      ? up(`a key for ${TOKEN_SIGNING_ALGS.join(', ')}`)
      : down(`no key for ${missing.join(', ')}`);
  }

  private revocationListCheck(): SmartHealthCheck {
    return this.revocations.isCurrent()
      ? up('re-read within its staleness bound')
      : down('stale: not re-read within its staleness bound');
  }
}
