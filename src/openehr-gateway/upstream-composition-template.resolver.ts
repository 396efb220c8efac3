import { CompositionTemplateResolver } from '@smart-openehr/resource-server';
import { OpenEhrGatewayError } from './openehr-gateway.error.js';

/** Most remembered uid → template entries. */
const CACHE_LIMIT = 10_000;
/** User-Agent of lookups, so CDR logs tell them from forwarded app requests. */
const TEMPLATE_LOOKUP_USER_AGENT = 'smart-openehr-gateway (composition template lookup)';
/** How long a looked-up template is remembered (a composition never changes template). */
const CACHE_TTL_MS = 10 * 60 * 1000;

/**
 * Asks the CDR which template a stored composition has: `GET {upstream}/ehr/{ehr_id}/composition/{uid}`
 * (canonical JSON, with the gateway's upstream credentials), reading
 * `archetype_details.template_id.value`. 404/204 → `undefined`; anything else → 502. Only the
 * template id is kept; the composition itself is never returned to the app.
 */
export class UpstreamCompositionTemplateResolver extends CompositionTemplateResolver {
  private readonly cache = new Map<string, { templateId: string; until: number }>();

  constructor(
    private readonly upstreamUrl: string,
    private readonly authorization: string | undefined,
    private readonly timeoutMs: number,
  ) {
    super();
  }

  async templateIdOf(ehrId: string, uid: string): Promise<string | undefined> {
    const key = `${ehrId}\n${uid}`;
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.until > Date.now()) return cached.templateId;
    const url = `${this.upstreamUrl}/ehr/${encodeURIComponent(ehrId)}/composition/${encodeURIComponent(uid)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          accept: 'application/json',
          'user-agent': TEMPLATE_LOOKUP_USER_AGENT,
          ...(this.authorization === undefined ? {} : { authorization: this.authorization }),
        },
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw OpenEhrGatewayError.badGateway(`template lookup ${url}: ${(error as Error).message}`);
    }
    if (response.status === 404 || response.status === 204) return undefined;
    const body = (await response.json().catch(() => undefined)) as
      { archetype_details?: { template_id?: { value?: unknown } } } | undefined;
    const templateId = body?.archetype_details?.template_id?.value;
    if (response.status !== 200 || typeof templateId !== 'string') {
      throw OpenEhrGatewayError.badGateway(`template lookup ${url} answered ${response.status}`);
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, { templateId, until: Date.now() + CACHE_TTL_MS });
    return templateId;
  }
}
