import { SCOPE_LOCALES, type ScopeLocale } from '@smart-openehr/scopes';
import { PAGE_MESSAGES_DE } from './page-messages.de.js';
import { PAGE_MESSAGES_EN } from './page-messages.en.js';
import type { PageMessages } from './page-messages.types.js';

/**
 * The languages of the pages: those the scope describer speaks. A language added to
 * `@smart-openehr/scopes` fails the type check here until its page catalogue exists.
 */
export type PageLocale = ScopeLocale;
export const PAGE_LOCALES: readonly PageLocale[] = SCOPE_LOCALES;

const CATALOGUES: Readonly<Record<PageLocale, PageMessages>> = {
  en: PAGE_MESSAGES_EN,
  de: PAGE_MESSAGES_DE,
};

export const messagesFor = (locale: PageLocale): PageMessages => CATALOGUES[locale];

/** The page language for one BCP 47 tag: exact, else its primary subtag (`de-AT` → `de`). */
function supported(tag: string): PageLocale | undefined {
  const lower = tag.trim().toLowerCase();
  const primary = lower.split('-')[0];
  return PAGE_LOCALES.find((l) => l === lower) ?? PAGE_LOCALES.find((l) => l === primary);
}

/** `Accept-Language` ranges, best first (q-values; equal q keep their order; q=0 dropped). */
function acceptedRanges(header: string): string[] {
  return header
    .split(',')
    .map((part, index) => {
      const [range, ...params] = part.split(';').map((p) => p.trim());
      const q = params.find((p) => /^q=/i.test(p));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { range, weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.range !== '' && r.range !== '*' && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((r) => r.range);
}

/**
 * The language of a page: the first supported tag of `ui_locales` (the OIDC authorization
 * parameter, space-separated, in order of preference), then of `Accept-Language` by q-value,
 * then English.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest (ui_locales)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.5.4 (Accept-Language)
 */
export function negotiateLocale(input: {
  uiLocales?: unknown;
  acceptLanguage?: string | string[] | undefined;
}): PageLocale {
  const ui = typeof input.uiLocales === 'string' ? input.uiLocales.split(' ') : [];
  const header = Array.isArray(input.acceptLanguage)
    ? input.acceptLanguage.join(',')
    : (input.acceptLanguage ?? '');
  for (const tag of [...ui, ...acceptedRanges(header)]) {
    const locale = tag ? supported(tag) : undefined;
    if (locale) return locale;
  }
  return 'en';
}
