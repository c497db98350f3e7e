/**
 * The fast response serializer must be indistinguishable from superjson: the same bytes on the
 * wire, and superjson's own `deserialize` gives back the value the procedure returned.
 */
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';

import { serializeForWire } from '../../src/trpc/wire-transformer.ts';

const author = { username: 'ada', bio: 'Analyst', image: null, following: false };

function article(index: number) {
  return {
    slug: `article-${index}`,
    title: `Article ${index}`,
    description: 'About engines',
    tagList: ['engines', 'history'],
    createdAt: new Date(Date.UTC(2026, 0, index + 1, 12, 30, 15, 123)),
    updatedAt: new Date(Date.UTC(2026, 1, index + 1)),
    favorited: index % 2 === 0,
    favoritesCount: index * 3,
    author: { ...author },
  };
}

const nullPrototype = Object.assign(Object.create(null) as Record<string, unknown>, { at: new Date(5), n: 1 });

// Shapes our procedures return, and the corners of superjson's path encoding.
const fastPathShapes: Array<[string, unknown]> = [
  ['a list page with dates', { items: [article(0), article(1), article(2)], nextCursor: 'eyJpZCI6MX0' }],
  ['a single article with a body', { ...article(7), body: 'Long text\nwith "quotes" and ünïcödé' }],
  ['an array at the root', [article(0), { when: new Date(0) }]],
  ['nested arrays of dates', { grid: [[new Date(1), new Date(2)], [], [new Date(3)]] }],
  ['keys containing dots and backslashes', { 'a.b': { 'c\\d': new Date(4) }, '': new Date(6) }],
  ['an object with a null prototype', { inner: nullPrototype }],
  ['an object without dates', { echo: null, count: 0, ok: true, list: ['x', 1.5, -2] }],
  ['an empty object', {}],
  ['a string', 'plain'],
  ['a number', 42],
  ['null', null],
];

const shared = { same: true };
const sharedDate = new Date(9);
const fallbackShapes: Array<[string, unknown]> = [
  ['undefined properties', { a: undefined, b: 1 }],
  ['undefined in an array', [1, undefined]],
  ['undefined at the root', undefined],
  ['one object reached twice', { first: shared, second: shared }],
  ['one Date reached twice', { createdAt: sharedDate, updatedAt: sharedDate }],
  ['a Map, a Set and a bigint', { map: new Map([['k', 1]]), set: new Set([1]), big: 10n }],
  ['non-finite numbers and -0', { nan: Number.NaN, inf: Infinity, negativeZero: -0 }],
  ['a Date at the root', new Date(11)],
  ['an invalid Date', { at: new Date(Number.NaN) }],
  ['a class instance', { error: new Error('boom') }],
];

describe('serializeForWire', () => {
  it.each([...fastPathShapes, ...fallbackShapes])('writes the same bytes as superjson for %s', (_name, value) => {
    expect(JSON.stringify(serializeForWire(value))).toBe(JSON.stringify(superjson.serialize(value)));
  });

  it.each(fastPathShapes)('round-trips %s through superjson.deserialize', (_name, value) => {
    const wire = JSON.parse(JSON.stringify(serializeForWire(value))) as Parameters<typeof superjson.deserialize>[0];
    expect(superjson.deserialize(wire)).toEqual(value);
  });

  it('refuses prototype-polluting keys exactly as superjson does', () => {
    const polluted = JSON.parse('{"__proto__":{"x":1}}') as unknown;
    expect(() => serializeForWire(polluted)).toThrow(/prototype pollution/);
  });
});
