/**
 * Square's decimal quantities ("12", "0.5", "-3.25000"), held exactly as integers in
 * hundred-thousandths: inventory quantities carry at most five decimal places.
 */
const PLACES = 5;
const SCALE = 10n ** BigInt(PLACES);
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** A non-negative decimal such as "8.875", the form of Square's percentages and quantities. */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text) && !text.startsWith('-');
}

/** The quantity in hundred-thousandths, or undefined when it is no decimal or finer than five places. */
export function parseQuantity(text: string): bigint | undefined {
  const match = DECIMAL.exec(text);
  if (!match || (match[3]?.length ?? 0) > PLACES) return undefined;
  const value = BigInt(match[2]!) * SCALE + BigInt((match[3] ?? '').padEnd(PLACES, '0'));
  return match[1] ? -value : value;
}

/** A quantity as Square writes it: no trailing zeros, no decimal point for whole numbers. */
export function formatQuantity(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const fraction = (abs % SCALE).toString().padStart(PLACES, '0').replace(/0+$/, '');
  return `${sign}${abs / SCALE}${fraction ? `.${fraction}` : ''}`;
}
