import { newAuditEventId } from './audit-event.id.js';

describe(newAuditEventId.name, () => {
  it('is a version 7 UUID that sorts in creation order', () => {
    const ids = [
      newAuditEventId(1000),
      newAuditEventId(1000),
      newAuditEventId(1000),
      newAuditEventId(2000),
    ];
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
