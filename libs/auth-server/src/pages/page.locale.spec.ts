import { negotiateLocale } from './page.locale.js';

describe(negotiateLocale.name, () => {
  it.each([
    [{}, 'en'],
    [{ uiLocales: 'de' }, 'de'],
    [{ uiLocales: 'fr-CA de-AT en' }, 'de'],
    [{ uiLocales: 'fr', acceptLanguage: 'de' }, 'de'],
    [{ uiLocales: 'en', acceptLanguage: 'de' }, 'en'],
    [{ acceptLanguage: 'de-DE,de;q=0.9,en;q=0.8' }, 'de'],
    [{ acceptLanguage: 'en;q=0.5, de;q=0.8' }, 'de'],
    [{ acceptLanguage: 'de;q=0, en' }, 'en'],
    [{ acceptLanguage: 'fr, *;q=0.5' }, 'en'],
    [{ acceptLanguage: 'fr;q=0.9, DE;q=0.9' }, 'de'],
    [{ acceptLanguage: ['fr', 'de'] }, 'de'],
    [{ uiLocales: 42, acceptLanguage: 'garbage;q=x, de' }, 'de'],
  ])('%j → %s', (input, expected) => {
    expect(negotiateLocale(input)).toBe(expected);
  });
});
