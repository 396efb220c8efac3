import { jest } from '@jest/globals';
import { brandingOrigins, textColorOn, type PageBranding } from './page.branding.js';
import { pageHeaders } from './page.headers.js';
import { layout, pageView } from './page.layout.js';

const PLAIN: PageBranding = {
  platformName: 'SMART on openEHR',
  primaryColor: '#1a5fb4',
  logoUrl: undefined,
  stylesheetUrl: undefined,
  template: undefined,
};
const BRANDED: PageBranding = {
  platformName: 'Acme <Health>',
  primaryColor: '#ffcc00',
  logoUrl: 'https://cdn.acme.example/logo.svg',
  stylesheetUrl: 'https://static.acme.example/pages.css?v=2',
  template: undefined,
};
const csp = (branding: PageBranding) =>
  pageHeaders({ launcherOrigins: [], branding })['Content-Security-Policy'];

describe(layout.name, () => {
  it('plain by default: lang, escaped title, the name in the banner, no logo, no stylesheet', () => {
    const html = layout(pageView(PLAIN, 'de'), 'A & B', '<p>x</p>');
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('<title>A &#38; B</title>');
    expect(html).toContain('<span class="brand">SMART on openEHR</span>');
    expect(html).toContain('--smart-primary:#1a5fb4;--smart-on-primary:#ffffff');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<link');
  });

  it('branded: logo, escaped name, stylesheet after the default styles, readable button text', () => {
    const html = layout(pageView(BRANDED, 'en'), 't', '');
    expect(html).toContain('<img src="https://cdn.acme.example/logo.svg" alt="">');
    expect(html).toContain('Acme &#60;Health&#62;');
    expect(html).toMatch(
      /<\/style>\n<link rel="stylesheet" href="https:\/\/static\.acme\.example\/pages\.css\?v=2">/,
    );
    expect(html).toContain('--smart-on-primary:#000000');
  });

  it("a host template gets the page's parts and renders the document", () => {
    const template = jest.fn(
      (f: { lang: string; titleHtml: string; contentHtml: string }) =>
        `<html lang="${f.lang}"><title>${f.titleHtml}</title><div id="host">${f.contentHtml}</div></html>`,
    );
    const html = layout(pageView({ ...PLAIN, template }, 'de'), 'A < B', '<form></form>');
    expect(html).toBe(
      '<html lang="de"><title>A &#60; B</title><div id="host"><form></form></div></html>',
    );
    expect(template).toHaveBeenCalledWith(
      expect.objectContaining({
        headHtml: expect.stringContaining('<style>'),
        headerHtml: expect.stringContaining('SMART on openEHR'),
      }),
    );
  });
});

describe('page CSP', () => {
  it('allows only the page itself without branding', () => {
    expect(csp(PLAIN)).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
    );
  });

  it('adds exactly the logo origin to img-src and the stylesheet origin to style-src', () => {
    expect(brandingOrigins(BRANDED)).toEqual({
      img: ['https://cdn.acme.example'],
      style: ['https://static.acme.example'],
    });
    expect(csp(BRANDED)).toBe(
      "default-src 'none'; style-src 'unsafe-inline' https://static.acme.example; img-src 'self' data: https://cdn.acme.example; frame-ancestors 'none'; base-uri 'none'",
    );
  });
});

describe(textColorOn.name, () => {
  it.each([
    ['#1a5fb4', '#ffffff'],
    ['#000', '#ffffff'],
    ['#ffffff', '#000000'],
    ['#ffcc00', '#000000'],
    ['#777777', '#000000'],
  ])('%s → %s', (color, text) => expect(textColorOn(color)).toBe(text));
});
