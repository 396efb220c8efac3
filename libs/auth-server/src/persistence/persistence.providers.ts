import type { Provider } from '@nestjs/common';
import { ChangeNoticesService } from './change-notices.service.js';
import { ExpiredRowsCleaner } from './expired-rows.cleaner.js';
import { PoolMetricsWatcher } from './pool-metrics.watcher.js';
import { AppGrantRepository } from './repositories/app-grant.repository.js';
import { AuditEventRepository } from './repositories/audit-event.repository.js';
import { ClientRepository } from './repositories/client.repository.js';
import { ConsentRepository } from './repositories/consent.repository.js';
import { ExternalLoginRepository } from './repositories/external-login.repository.js';
import { GrantTokenRepository } from './repositories/grant-token.repository.js';
import { LaunchRepository } from './repositories/launch.repository.js';
import { OidcPayloadRepository } from './repositories/oidc-payload.repository.js';
import { PickerStateRepository } from './repositories/picker-state.repository.js';
import { RateLimitRepository } from './repositories/rate-limit.repository.js';
import { RevocationRepository } from './repositories/revocation.repository.js';
import { SigningKeyRepository } from './repositories/signing-key.repository.js';
import { SmartContextRepository } from './repositories/smart-context.repository.js';
import { StorageProbeRepository } from './repositories/storage-probe.repository.js';
import { TrustedIssuerRepository } from './repositories/trusted-issuer.repository.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.service.js';
import { StorageQueryObserver } from './storage-query.observer.js';
import { TransactionRunner } from './transaction.runner.js';

/**
 * Every repository (the only code that touches TypeORM), the change notices between instances,
 * the cleaner of expired rows, SQLite's background checkpoints and the observers of the pool and
 * the queries, for the module's providers.
 */
export const PERSISTENCE_PROVIDERS: Provider[] = [
  TransactionRunner,
  ChangeNoticesService,
  ExpiredRowsCleaner,
  PoolMetricsWatcher,
  SqliteCheckpointer,
  StorageQueryObserver,
  OidcPayloadRepository,
  LaunchRepository,
  SmartContextRepository,
  ConsentRepository,
  GrantTokenRepository,
  RevocationRepository,
  TrustedIssuerRepository,
  SigningKeyRepository,
  AuditEventRepository,
  ClientRepository,
  RateLimitRepository,
  AppGrantRepository,
  ExternalLoginRepository,
  PickerStateRepository,
  StorageProbeRepository,
];
