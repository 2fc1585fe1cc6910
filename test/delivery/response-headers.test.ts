import { describe, expect, it } from 'vitest';
import { keptHeaders } from '../../server/delivery/attempt.js';

describe('the response headers an attempt keeps', () => {
  it('keeps them as received, joining repeated ones', () => {
    expect(keptHeaders({ 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], absent: undefined })).toEqual({
      'content-type': 'application/json',
      'set-cookie': 'a=1, b=2',
    });
  });

  it('keeps at most 50 headers and 4 KiB, whatever the receiver sends', () => {
    const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`x-h${i}`, 'v']));
    expect(Object.keys(keptHeaders(many))).toHaveLength(50);
    const huge = { 'x-small': 'ok', 'x-huge': 'v'.repeat(10_000), 'x-after': 'also ok' };
    expect(keptHeaders(huge)).toEqual({ 'x-small': 'ok' });
  });
});
