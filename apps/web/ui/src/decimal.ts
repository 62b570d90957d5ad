// Decimal amounts as the API sends them ("12.50"), compared and summed in
// minor units as bigints, so dialogs can say what an action will do without
// float rounding.

/** Digits after the point of an amount the API sent ("12.50" → 2). */
export function scaleOf(amount: string): number {
  const i = amount.indexOf('.')
  return i < 0 ? 0 : amount.length - i - 1
}

/** An amount in minor units at scale digits, or null when it is not a decimal or has more digits. */
export function toMinor(amount: string, scale: number): bigint | null {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(amount.trim())
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null
  const frac = m[3] ?? ''
  if (frac.length > scale) return null
  const n = BigInt((m[2] || '0') + frac.padEnd(scale, '0'))
  return m[1] === '-' ? -n : n
}

/** Minor units back to a decimal string at scale digits. */
export function fromMinor(n: bigint, scale: number): string {
  const neg = n < 0n
  const digits = (neg ? -n : n).toString().padStart(scale + 1, '0')
  const whole = digits.slice(0, digits.length - scale)
  const frac = digits.slice(digits.length - scale)
  return `${neg ? '-' : ''}${whole}${scale > 0 ? `.${frac}` : ''}`
}
