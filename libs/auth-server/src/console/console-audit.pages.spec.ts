import type { AuditEvent } from '../audit/audit.types.js';
import { pageView } from '../pages/page.layout.js';
import { auditContent, type AuditFilters } from './console-audit.pages.js';

const VIEW = pageView(
  {
    platformName: 'SMART on openEHR',
    primaryColor: '#1a5fb4',
    logoUrl: undefined,
    stylesheetUrl: undefined,
    template: undefined,
  },
  'en',
);
const FILTERS: AuditFilters = { actor: '', action: '', app: '', from: '', to: '', page: 1 };
const event = (over: Partial<AuditEvent>): AuditEvent => ({
  id: '1',
  at: Date.UTC(2026, 2, 3, 14, 5),
  actor: 'console:ada',
  action: 'client.approve',
  targetType: 'client',
  targetId: 'app-1',
  details: null,
  ...over,
});
const render = (ev: AuditEvent) =>
  auditContent(VIEW, {
    base: '/admin/console',
    filters: FILTERS,
    result: { items: [ev], total: 1 },
    pageSize: 50,
  });

describe(auditContent.name, () => {
  it.each([
    ['with a target id', 'app-1'],
    ['without a target id', null],
  ])('escapes the target type %s', (_case, targetId) => {
    const html = render(event({ targetType: '<script>alert(1)</script>', targetId }));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
  });

  it('escapes the actor, action, target id and reason', () => {
    const html = render(
      event({ actor: '<b>a', action: '<i>x', targetId: '<u>t', details: { reason: '<s>r' } }),
    );
    expect(html).not.toMatch(/<[bius]>/);
  });
});
