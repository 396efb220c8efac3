import type { AuditEvent, AuditQuery, SmartAdminActor } from '../audit/audit.types.js';
import type { ClientStatus } from '../clients/client.types.js';
import type { SmartClientType } from '../options/auth-server.options.js';
import type { SmartSigningKeyInfo } from '../keys/signing-key-info.types.js';
import type { TrustedIssuer } from '../persistence/records/trusted-issuer.record.js';
import type { SmartSeedClient } from '../options/seed-client.types.js';
import type { SmartLaunchContext } from '../vocabulary/launch-context.types.js';
import type { ClientViewDto } from './dto/client-view.dto.js';
import type { IssuedClientViewDto } from './dto/issued-client-view.dto.js';

/** One page of a list. */
export interface SmartPage<T> {
  items: T[];
  total: number;
}

/** Which clients `SmartAuthAdmin.listClients` returns, and which page of them. */
export interface SmartClientQuery {
  limit?: number;
  offset?: number;
  /** Case-insensitive text in the client id, name or a redirect URI (on SQLite: ASCII letters only). */
  search?: string;
  status?: ClientStatus;
  clientType?: SmartClientType;
}

/** A trusted assertion issuer of the RFC 7523 jwt-bearer grant, as `SmartAuthAdmin` saves it. */
export interface SmartTrustedIssuerInput {
  issuer: string;
  /** Inline public JWKS; exactly one of `jwks` and `jwksUri`. */
  jwks?: { keys: Record<string, unknown>[] };
  jwksUri?: string;
  /** Subject patterns it may assert (`*` = any; a trailing `*` matches a prefix). */
  allowedSubjects: string[];
  /** Space-separated scopes (SMART patterns) it may assert. */
  allowedScope: string;
}

/**
 * What the admin API does, for a host's own code (a CLI, a console, a bootstrap): clients, keys,
 * launches and the audit trail. Inject it like any provider of `SmartAuthServerModule`. Every
 * change is validated and audited exactly as through the admin API. Unknown clients throw Nest's
 * `NotFoundException`; invalid metadata throws `ClientMetadataError`.
 */
export abstract class SmartAuthAdmin {
  /** Registers an approved client; the secret (secret-based clients) is in the result only. */
  abstract createClient(
    metadata: Record<string, unknown>,
    options?: { trusted?: boolean; by?: SmartAdminActor },
  ): Promise<IssuedClientViewDto>;
  /** Creates or updates a declared client; writes nothing when it is already as declared. */
  abstract ensureClient(
    client: SmartSeedClient,
    by?: SmartAdminActor,
  ): Promise<'created' | 'updated' | 'unchanged'>;
  /** Clients, oldest first; filtered by `search`, `status` and `clientType` when given. */
  abstract listClients(query?: SmartClientQuery): Promise<SmartPage<ClientViewDto>>;
  abstract getClient(clientId: string): Promise<ClientViewDto>;
  /** Approves a pending or suspended client; `reason` is kept in the audit event. */
  abstract approveClient(
    clientId: string,
    by?: SmartAdminActor,
    reason?: string,
  ): Promise<ClientViewDto>;
  /** Suspends a client and revokes its tokens; `reason` is kept in the audit event. */
  abstract suspendClient(
    clientId: string,
    by?: SmartAdminActor,
    reason?: string,
  ): Promise<ClientViewDto>;
  abstract deleteClient(clientId: string, by?: SmartAdminActor): Promise<void>;
  /** New secret (in the result only); the previous one works for `overlapSeconds`. */
  abstract rotateClientSecret(
    clientId: string,
    options?: { overlapSeconds?: number; by?: SmartAdminActor },
  ): Promise<IssuedClientViewDto>;
  /** The trusted issuers of the jwt-bearer grant, by issuer. */
  abstract listTrustedIssuers(): Promise<TrustedIssuer[]>;
  /**
   * Registers (or replaces) a trusted issuer after validating its keys and scopes
   * (`ClientMetadataError` naming the field when invalid).
   */
  abstract saveTrustedIssuer(
    input: SmartTrustedIssuerInput,
    by?: SmartAdminActor,
  ): Promise<TrustedIssuer>;
  /** Removes a trusted issuer (a 404 `OAuthError`, `not_found`, when unknown). */
  abstract removeTrustedIssuer(issuer: string, by?: SmartAdminActor): Promise<void>;
  /** The published token-signing keys (not the cookie secrets), by algorithm, newest first. */
  abstract listSigningKeys(): Promise<SmartSigningKeyInfo[]>;
  /** Publishes new signing keys (signing with them starts after the publish delay); their kids. */
  abstract rotateSigningKeys(by?: SmartAdminActor): Promise<string[]>;
  /** Creates an EHR launch handle for `clientId` (or any client). */
  abstract createLaunch(
    context: SmartLaunchContext,
    options?: { clientId?: string; by?: SmartAdminActor },
  ): Promise<{ launch: string; expires_in: number }>;
  abstract listAudit(query?: Partial<AuditQuery>): Promise<SmartPage<AuditEvent>>;
}
