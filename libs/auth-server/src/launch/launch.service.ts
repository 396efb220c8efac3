import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { LaunchRepository } from '../persistence/repositories/launch.repository.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { SmartAuthMetrics } from '../metrics/auth-metrics.service.js';

import {
  pickLaunchContext,
  RECORD_CONTEXT_KEYS,
  type SmartLaunchContext,
} from '../vocabulary/launch-context.types.js';

/** Why a launch value was refused; the message is safe to show to the app. */
type LaunchRefusal = 'unknown' | 'expired' | 'used' | 'other_client' | 'tampered';

export type LaunchCheck =
  { ok: true; context: SmartLaunchContext } | { ok: false; reason: LaunchRefusal };

const hash = (handle: string) => createHash('sha256').update(handle).digest('base64url');
const HANDLE = /^[A-Za-z0-9_-]{20,100}$/;

/**
 * EHR launch handles: opaque (or `launch-base64-json`) values the platform's launcher creates;
 * they expire, are single-use (atomic in the database) and bound to a client when one was given.
 * @see https://hl7.org/fhir/smart-app-launch/app-launch.html#launch-app-ehr-launch
 */
@Injectable()
export class LaunchService {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly launches: LaunchRepository,
    private readonly metrics: SmartAuthMetrics,
  ) {}

  /** Creates a launch; returns the value the app receives as `launch`. */
  async create(
    context: SmartLaunchContext,
    clientId: string | undefined,
    createdBy: string,
  ): Promise<{ launch: string; expires_in: number }> {
    const handle = randomBytes(32).toString('base64url');
    const ttl = this.options.launch.ttlSeconds;
    await this.launches.insert({
      handleHash: hash(handle),
      clientId: clientId ?? null,
      context: JSON.stringify(pickLaunchContext(context as Record<string, unknown>)),
      createdBy,
      expiresAt: Date.now() + ttl * 1000,
    });
    this.metrics.launch('created');
    return { launch: this.encode(handle, context), expires_in: ttl };
  }

  /** Checks a launch value for a client without using it up. */
  async inspect(value: string, clientId: string): Promise<LaunchCheck> {
    return this.counted(await this.check(value, clientId));
  }

  private async check(value: string, clientId: string): Promise<LaunchCheck> {
    const decoded = this.decode(value);
    if (!decoded) return { ok: false, reason: 'unknown' };
    const row = await this.launches.find(hash(decoded.handle));
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.consumedAt !== null) return { ok: false, reason: 'used' };
    if (row.expiresAt <= Date.now()) return { ok: false, reason: 'expired' };
    if (row.clientId !== null && row.clientId !== clientId)
      return { ok: false, reason: 'other_client' };
    const context = JSON.parse(row.context) as SmartLaunchContext;
    if (decoded.claims && !agrees(decoded.claims, context))
      return { ok: false, reason: 'tampered' };
    return { ok: true, context };
  }

  /**
   * Uses a launch value up and returns its context, in one atomic step (of concurrent callers
   * exactly one gets it): unknown, used, expired, another client's or tampered is refused.
   */
  async redeem(value: string, clientId: string): Promise<LaunchCheck> {
    return this.counted(await this.use(value, clientId), 'used');
  }

  private async use(value: string, clientId: string): Promise<LaunchCheck> {
    const decoded = this.decode(value);
    const stored =
      decoded && (await this.launches.consume(hash(decoded.handle), clientId, Date.now()));
    if (!decoded || !stored) return { ok: false, reason: 'used' };
    const context = JSON.parse(stored) as SmartLaunchContext;
    if (decoded.claims && !agrees(decoded.claims, context))
      return { ok: false, reason: 'tampered' };
    return { ok: true, context };
  }

  private encode(handle: string, context: SmartLaunchContext): string {
    if (!this.options.launch.base64Json) return handle;
    const { ehrId, patient, episodeId } = context;
    return Buffer.from(JSON.stringify({ ehrId, patient, episodeId, handle })).toString('base64url');
  }

  /** Counts a refusal (an expired handle apart), or the success when it is a use. */
  private counted(check: LaunchCheck, success?: 'used'): LaunchCheck {
    if (!check.ok) this.metrics.launch(check.reason === 'expired' ? 'expired' : 'refused');
    else if (success) this.metrics.launch(success);
    return check;
  }

  private decode(value: string): { handle: string; claims?: Record<string, unknown> } | undefined {
    if (typeof value !== 'string' || value.length > 2048) return undefined;
    // A short JSON value is made of handle characters too: try JSON first (a raw handle is
    // random bytes, never a JSON object).
    const claims = this.options.launch.base64Json ? jsonLaunch(value) : undefined;
    if (claims) {
      return typeof claims.handle === 'string' && HANDLE.test(claims.handle)
        ? { handle: claims.handle, claims }
        : undefined;
    }
    return HANDLE.test(value) ? { handle: value } : undefined;
  }
}

/** The JSON object a `launch-base64-json` value encodes, or undefined when it is none. */
function jsonLaunch(value: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON an app can read must say what the server stored (decisions.md item 7). */
function agrees(claims: Record<string, unknown>, context: SmartLaunchContext): boolean {
  return RECORD_CONTEXT_KEYS.every((k) => (claims[k] ?? undefined) === (context[k] ?? undefined));
}
