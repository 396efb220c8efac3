import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { sameText } from '../common/same-text.rules.js';
import { isScopeWithin, parseScopes, type ValidScope } from '@smart-openehr/scopes';
import type {
  AccountResolver,
  SmartAccountClaims,
  UserScopePolicy,
} from '../accounts/account.port.js';
import { ClientRegistryService } from '../clients/client-registry.service.js';
import type { SmartClient } from '../clients/client.types.js';
import type { SmartLaunchContext } from '../vocabulary/launch-context.types.js';
import { LaunchService } from '../launch/launch.service.js';
import { SmartContextStore } from '../launch/smart-context.store.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { EngineGrants } from '../provider/ports/engine-grants.port.js';
import { EngineKeys } from '../provider/ports/engine-keys.port.js';
import type { InteractionDetails } from '../provider/ports/engine-interactions.port.js';
import {
  ACCOUNTS,
  SMART_AUTH_SERVER_OPTIONS,
  USER_SCOPES,
} from '../smart-auth-server.constants.js';
import { AppGrantsStore } from '../grants/app-grants.store.js';
import { ConsentStoreService } from '../grants/consent-store.service.js';
import type { ConsentStep } from './consent-step.types.js';
import { PatientPickerService } from './patient-picker.service.js';
import { selectScopes } from './scope-selection.policy.js';

const OIDC_KINDS = new Set(['identity', 'launch']);

/**
 * The SMART part of an authorization: launch context (EHR launch handle, or the patient/episode
 * picker in a standalone launch), the scopes a user may approve, remembered consent, and the grant.
 */
@Injectable()
export class InteractionFlowService {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly keys: EngineKeys,
    private readonly grants: EngineGrants,
    private readonly clients: ClientRegistryService,
    @Inject(ACCOUNTS) private readonly accounts: AccountResolver,
    @Inject(USER_SCOPES) private readonly scopePolicy: UserScopePolicy,
    private readonly launches: LaunchService,
    private readonly contexts: SmartContextStore,
    private readonly consents: ConsentStoreService,
    private readonly appGrants: AppGrantsStore,
    private readonly picker: PatientPickerService,
  ) {}

  /** A CSRF token bound to the interaction (HMAC with the shared cookie secret). */
  csrfToken(uid: string): string {
    return createHmac('sha256', this.keys.cookieSecret()).update(`csrf:${uid}`).digest('base64url');
  }

  checkCsrf(uid: string, token: unknown): boolean {
    return typeof token === 'string' && sameText(token, this.csrfToken(uid));
  }

  async clientOf(details: InteractionDetails): Promise<SmartClient | undefined> {
    return this.clients.find(String(details.params.client_id));
  }

  /** Decides the next consent step. */
  async consentStep(details: InteractionDetails, submitted?: string[]): Promise<ConsentStep> {
    const client = await this.clientOf(details);
    const account = await this.accounts.findAccount(details.session?.accountId ?? '');
    if (!client || !account)
      return refuse('access_denied', 'the account or the app is no longer available');
    const requested = parseScopes(scopeParam(details), {
      extraScopes: this.options.extraScopes,
    });
    const wants = (context: string) =>
      requested.valid.some((s) => s.kind === 'launch' && s.context === context);
    let context: SmartLaunchContext = {};
    const launchValue =
      typeof details.params.launch === 'string' ? details.params.launch : undefined;
    if (launchValue && wants('launch')) {
      const check = await this.launches.inspect(launchValue, client.clientId);
      if (!check.ok) return refuse('invalid_request', `launch ${check.reason.replace('_', ' ')}`);
      context = check.context;
    } else if (wants('patient')) {
      const chosen = await this.picker.patientContext(
        details.uid,
        account,
        client,
        wants('episode'),
      );
      if ('kind' in chosen) return chosen;
      context = chosen;
    }
    const scopes = selectScopes({
      requested: scopeParam(details),
      registered: client.metadata.scope,
      extraScopes: this.options.extraScopes,
      account,
      policy: this.scopePolicy,
      context,
      launched: Boolean(launchValue) && wants('launch'),
      refreshAllowed: (client.metadata.grant_types ?? []).includes('refresh_token'),
      episodeContext: this.options.launch.episodeContext,
    });
    if (submitted) {
      const chosen = scopes.filter((s) => submitted.includes(s.raw));
      return { kind: 'finish', scopes: chosen };
    }
    if (client.trusted || (await this.remembered(account.sub, client.clientId, scopes))) {
      return { kind: 'finish', scopes, remembered: true };
    }
    const patient = context.ehrId
      ? await this.picker.recordOf(details.uid, account, context.ehrId)
      : undefined;
    return { kind: 'ask', client, scopes, context, patient };
  }

  /**
   * Completes consent: uses up the launch handle, stores the grant and its context, rewrites the
   * request's scope to exactly what was granted, and returns the engine result.
   */
  async finish(
    details: InteractionDetails,
    scopes: ValidScope[],
    remembered = false,
  ): Promise<{ consent: { grantId: string } } | ReturnType<typeof refuse>> {
    const client = (await this.clientOf(details))!;
    const accountId = details.session!.accountId!;
    const account = await this.accounts.findAccount(accountId);
    let context: SmartLaunchContext;
    const launchValue =
      typeof details.params.launch === 'string' ? details.params.launch : undefined;
    if (launchValue && scopes.some((s) => s.kind === 'launch' && s.context === 'launch')) {
      const redeemed = await this.launches.redeem(launchValue, client.clientId);
      if (!redeemed.ok) return refuse('invalid_request', 'launch was already used or has expired');
      context = redeemed.context;
    } else {
      // A pick exists only where the picker was shown: for a requested patient (or episode)
      // launch scope (requested, not granted: unticking it keeps the patient of `patient/` scopes).
      const picked = parseScopes(scopeParam(details), {
        extraScopes: this.options.extraScopes,
      }).valid.some(
        (s) => s.kind === 'launch' && (s.context === 'patient' || s.context === 'episode'),
      );
      context = await this.picker.grantContext(details.uid, account, picked);
    }
    const oidc = scopes.filter((s) => OIDC_KINDS.has(s.kind)).map((s) => s.raw);
    const grantId = await this.grants.create({
      accountId,
      clientId: client.clientId,
      openidScope: oidc.join(' '),
      // The resource server's share lists every granted scope (see EnginePolicyService).
      resourceScope: { resource: this.options.issuer, scope: scopes.map((s) => s.raw).join(' ') },
    });
    await this.contexts.save(
      grantId,
      this.tokenContext(context, account),
      this.options.refreshTokenTtlSeconds,
    );
    const granted = scopes.map((s) => s.raw);
    if (!client.trusted && !remembered) {
      await this.consents.remember(accountId, client.clientId, granted);
    }
    // Listed on the account page, trusted apps too, so the user can revoke every grant there.
    await this.appGrants.record(
      { accountId, clientId: client.clientId, grantId, scopes: granted },
      this.options.refreshTokenTtlSeconds,
    );
    // Saved with the result when the interaction is finished.
    details.params.scope = scopes.map((s) => s.raw).join(' ');
    return { consent: { grantId } };
  }

  private tokenContext(
    context: SmartLaunchContext,
    account: SmartAccountClaims | undefined,
  ): SmartLaunchContext & { fhirUser?: string } {
    const styleUrl = this.options.launch.styleUrl;
    return {
      ...context,
      ...(this.options.launch.episodeContext ? {} : { episodeId: undefined }),
      ...(context.ehrId || context.patient
        ? { need_patient_banner: context.need_patient_banner ?? true }
        : {}),
      ...(styleUrl && !context.smart_style_url ? { smart_style_url: styleUrl } : {}),
      fhirUser: account?.fhirUser,
    };
  }

  private async remembered(
    accountId: string,
    clientId: string,
    scopes: ValidScope[],
  ): Promise<boolean> {
    const approved = parseScopes((await this.consents.approved(accountId, clientId)).join(' '), {
      extraScopes: this.options.extraScopes,
    }).valid;
    return approved.length > 0 && scopes.every((s) => approved.some((a) => isScopeWithin(s, a)));
  }
}

function refuse(error: string, description: string) {
  return { kind: 'refuse' as const, error, description };
}

function scopeParam(details: InteractionDetails): string {
  return typeof details.params.scope === 'string' ? details.params.scope : '';
}
