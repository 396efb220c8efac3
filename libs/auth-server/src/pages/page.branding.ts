/**
 * What a host's page template gets: the parts of one page, ready to place. Every part is HTML
 * that is already escaped; `contentHtml` holds the page's forms with their fixed field names
 * (README "Branding and languages"), which a template must keep as they are.
 */
export interface SmartPageFrame {
  /** The page's language (`en`, `de`), for `<html lang>`. */
  lang: string;
  /** The page title, escaped, for `<title>`. */
  titleHtml: string;
  /** The default styles and, when configured, the stylesheet link, for `<head>`. */
  headHtml: string;
  /** The platform's logo and name (the default banner). */
  headerHtml: string;
  /** The page's own content (headings, text, forms), for `<main>`. */
  contentHtml: string;
}

/**
 * Renders the whole HTML document of every server-rendered page from its parts (option
 * `branding.template`). The page headers, the Content-Security-Policy included, stay the
 * server's: a template can load nothing the CSP does not allow.
 */
export type SmartPageTemplate = (frame: SmartPageFrame) => string;

/** The branding of the pages, resolved (defaults applied, values validated). */
export interface PageBranding {
  platformName: string;
  logoUrl: string | undefined;
  /** A CSS hex colour, `#rgb` or `#rrggbb`. */
  primaryColor: string;
  stylesheetUrl: string | undefined;
  template: SmartPageTemplate | undefined;
}

/** The origins the pages load from besides themselves: the logo's (images) and the stylesheet's. */
export function brandingOrigins(branding: PageBranding): { img: string[]; style: string[] } {
  const origin = (url: string | undefined) => (url === undefined ? [] : [new URL(url).origin]);
  return { img: origin(branding.logoUrl), style: origin(branding.stylesheetUrl) };
}

/** `#1a5fb4` → its WCAG relative luminance. */
function luminance(hex: string): number {
  const digits =
    hex.length === 4
      ? [...hex.slice(1)].map((d) => d + d)
      : [1, 3, 5].map((i) => hex.slice(i, i + 2));
  const [r, g, b] = digits.map((d) => {
    const c = parseInt(d, 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * The text colour on the primary colour: white or black, whichever contrasts more, so buttons stay
 * readable whatever colour is configured.
 * @see https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio
 */
export function textColorOn(hex: string): '#ffffff' | '#000000' {
  const l = luminance(hex);
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#000000';
}
