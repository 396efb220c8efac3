import { Injectable } from '@nestjs/common';
import { parseScopes } from '@smart-openehr/scopes';
import { AuditTrailService } from '../audit/audit-trail.service.js';
import type { SmartAdminActor } from '../audit/audit.types.js';
import { validateClientJwks } from '../clients/jwks.validator.js';
import { ClientMetadataError } from '../errors/client-metadata.error.js';
import { OAuthError } from '../errors/oauth.error.js';
import { TrustedIssuerRepository } from '../persistence/repositories/trusted-issuer.repository.js';
import { TransactionRunner } from '../persistence/transaction.runner.js';
import type { TrustedIssuer } from '../persistence/records/trusted-issuer.record.js';

/** What an admin registers: an issuer, its keys (inline or by URL), what it may assert. */
export interface TrustedIssuerInput {
  issuer: string;
  jwks?: { keys: Record<string, unknown>[] };
  jwksUri?: string;
  allowedSubjects: string[];
  allowedScope: string;
}

const isHttpUrl = (value: unknown): boolean => {
  if (typeof value !== 'string' || value.length > 2000) return false;
  try {
    return ['https:', 'http:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** What the admin API's DTO checks, for every caller of the port (`ClientMetadataError`s). */
function checkShape(input: TrustedIssuerInput): void {
  if (!isHttpUrl(input.issuer) || input.issuer.length > 255) {
    throw new ClientMetadataError('issuer', 'must be an absolute http or https URL');
  }
  if (input.jwksUri !== undefined && !isHttpUrl(input.jwksUri)) {
    throw new ClientMetadataError('jwks_uri', 'must be an absolute http or https URL');
  }
  const subjects = input.allowedSubjects;
  const badSubject = (s: unknown) => typeof s !== 'string' || s.length < 1 || s.length > 512;
  if (!Array.isArray(subjects) || subjects.length > 100 || subjects.some(badSubject)) {
    throw new ClientMetadataError(
      'allowed_subjects',
      'must be up to 100 patterns of 1-512 characters',
    );
  }
  const scope = input.allowedScope;
  if (typeof scope !== 'string' || !scope.trim() || scope.length > 4096) {
    throw new ClientMetadataError('allowed_scope', 'must be 1-4096 characters');
  }
}

/**
 * Trusted assertion issuers for the jwt-bearer grant, stored in the database: what the grant reads
 * and what the admin API and the console change (validated and audited here).
 */
@Injectable()
export class TrustedIssuerService {
  constructor(
    private readonly issuers: TrustedIssuerRepository,
    private readonly audit: AuditTrailService,
    private readonly transactions: TransactionRunner,
  ) {}

  find(issuer: string): Promise<TrustedIssuer | undefined> {
    return this.issuers.find(issuer);
  }

  list(): Promise<TrustedIssuer[]> {
    return this.issuers.list();
  }

  /** Stores `issuer` as given (no validation, no audit: for a host's own seeding and tests). */
  async save(issuer: TrustedIssuer): Promise<TrustedIssuer> {
    await this.issuers.save(issuer);
    return issuer;
  }

  /**
   * Validates (exactly one of jwks and jwks_uri; valid keys; valid scopes), then saves and audits
   * in one transaction.
   */
  async register(input: TrustedIssuerInput, by: SmartAdminActor): Promise<TrustedIssuer> {
    checkShape(input);
    if (Boolean(input.jwks) === Boolean(input.jwksUri)) {
      throw new ClientMetadataError('jwks', 'exactly one of jwks and jwks_uri is required');
    }
    const jwks = input.jwks ? await validateClientJwks(input.jwks) : undefined;
    const invalid = parseScopes(input.allowedScope).invalid[0];
    if (invalid) {
      throw new ClientMetadataError(
        'allowed_scope',
        `${invalid.raw} is invalid: ${invalid.reason}`,
      );
    }
    const before = await this.issuers.find(input.issuer);
    const saved: TrustedIssuer = {
      issuer: input.issuer,
      jwks,
      jwksUri: input.jwksUri,
      allowedSubjects: input.allowedSubjects,
      allowedScope: input.allowedScope,
      createdAt: before?.createdAt ?? Date.now(),
    };
    await this.transactions.run(async (tx) => {
      await this.issuers.save(saved, tx);
      await this.audit.record(
        {
          actor: by.actor,
          action: 'trusted_issuer.save',
          targetType: 'trusted_issuer',
          targetId: input.issuer,
          before,
          after: saved,
          details: by.requestId ? { request_id: by.requestId } : undefined,
        },
        tx,
      );
    });
    return saved;
  }

  /** Removes and audits in one transaction; 404 when there is no such issuer. */
  async unregister(issuer: string, by: SmartAdminActor): Promise<void> {
    await this.transactions.run(async (tx) => {
      if (!(await this.issuers.delete(issuer, tx))) {
        throw OAuthError.notFound('no such trusted issuer');
      }
      await this.audit.record(
        {
          actor: by.actor,
          action: 'trusted_issuer.delete',
          targetType: 'trusted_issuer',
          targetId: issuer,
          details: by.requestId ? { request_id: by.requestId } : undefined,
        },
        tx,
      );
    });
  }
}
