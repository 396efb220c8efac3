import {
  canonicalPermissions,
  intersectPermissions,
  parsePermissions,
  permissionsWithin,
} from './permission.parser.js';
import type { Permission } from './scope.types.js';

describe(parsePermissions.name, () => {
  it.each([
    ['c', ['c'], 'v2'],
    ['rs', ['r', 's'], 'v2'],
    ['cruds', ['c', 'r', 'u', 'd', 's'], 'v2'],
    ['cd', ['c', 'd'], 'v2'],
    ['read', ['r', 's'], 'v1'],
    ['write', ['c', 'u', 'd'], 'v1'],
    ['*', ['c', 'r', 'u', 'd', 's'], 'v1'],
  ])('accepts %j', (suffix, permissions, version) => {
    expect(parsePermissions(suffix)).toEqual({ ok: true, permissions, version });
  });

  it.each([
    ['', /missing/],
    ['sr', /order/],
    ['rc', /order/],
    ['rr', /repeated/],
    ['crudss', /repeated/],
    ['x', /unknown permission "x"/],
    ['R', /unknown permission "R"/],
    ['rx', /unknown/],
    ['Read', /unknown/],
    ['**', /unknown/],
    ['constructor', /unknown/],
    ['toString', /unknown/],
  ])('rejects %j', (suffix, reason) => {
    const result = parsePermissions(suffix);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });
});

describe(canonicalPermissions.name, () => {
  it.each<[Permission[], Permission[]]>([
    [
      ['s', 'r'],
      ['r', 's'],
    ],
    [
      ['d', 'c', 'd'],
      ['c', 'd'],
    ],
    [[], []],
  ])('%j → %j', (input, expected) => {
    expect(canonicalPermissions(input)).toEqual(expected);
  });
});

describe(permissionsWithin.name, () => {
  it.each<[Permission[], Permission[], boolean]>([
    [['r'], ['r', 's'], true],
    [['r', 's'], ['r', 's'], true],
    [['r', 's'], ['r'], false],
    [['c'], ['r', 's'], false],
    [[], ['r'], true],
  ])('%j within %j → %s', (inner, outer, expected) => {
    expect(permissionsWithin(inner, outer)).toBe(expected);
  });
});

describe(intersectPermissions.name, () => {
  it.each<[Permission[], Permission[], Permission[]]>([
    [
      ['c', 'r', 's'],
      ['r', 's', 'u'],
      ['r', 's'],
    ],
    [['c'], ['r'], []],
    [
      ['s', 'c'],
      ['c', 'r', 'u', 'd', 's'],
      ['c', 's'],
    ],
  ])('%j ∩ %j → %j', (a, b, expected) => {
    expect(intersectPermissions(a, b)).toEqual(expected);
  });
});
