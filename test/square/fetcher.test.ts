import { describe, expect, it } from 'vitest';
import { parseSquareJson } from '../../src/square/fetcher.js';

describe('Square’s JSON as the gateway parses it', () => {
  it('keeps every digit of an integer a number cannot hold, as the SDK does, and leaves the rest numbers', () => {
    expect(parseSquareJson('{"amount": 9007199254740993, "small": 1575, "ratio": 0.25, "list": [12345678901234567890, -9007199254740993]}')).toEqual({
      amount: 9007199254740993n,
      small: 1575,
      ratio: 0.25,
      list: [12345678901234567890n, -9007199254740993n],
    });
  });

  it('parses digits inside strings as strings, whichever parser reads the text', () => {
    expect(parseSquareJson('{"gan": "7783437709056872", "amount": 100}')).toEqual({ gan: '7783437709056872', amount: 100 });
    expect(parseSquareJson('{"gan": "x:1234567890123456789", "amount": 9007199254740991}')).toEqual({ gan: 'x:1234567890123456789', amount: 9007199254740991 });
  });
});
