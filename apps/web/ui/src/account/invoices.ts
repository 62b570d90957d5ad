// What the invoice pages share: titles, overdue, and sums of amounts. The
// API gives amounts as decimal strings; sums are done in integers of the
// smallest unit written, never in floats.
import type { Invoice } from '../api/billing'

/** "Invoice 2025-0001" or "Credit note CN-0001". */
export function invoiceTitle(inv: Invoice): string {
  return `${inv.kind === 'credit_note' ? 'Credit note' : 'Invoice'} ${inv.number || `#${inv.id}`}`
}

/** An open invoice whose due day has passed: one due today is not overdue yet. */
export function isOverdue(inv: Invoice, now = new Date()): boolean {
  if (inv.status !== 'open' || inv.kind === 'credit_note' || !inv.due_at) return false
  const due = new Date(inv.due_at).getTime()
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime()
  return !Number.isNaN(due) && due < today
}

function scaled(amount: string, places: number): bigint {
  const neg = amount.startsWith('-')
  const [whole = '0', frac = ''] = amount.replace(/^[-+]/, '').split('.')
  const v = BigInt((whole || '0') + frac.padEnd(places, '0'))
  return neg ? -v : v
}

function places(amount: string): number {
  return amount.split('.')[1]?.length ?? 0
}

function unscaled(total: bigint, places: number): string {
  const neg = total < 0n
  const digits = (neg ? -total : total).toString().padStart(places + 1, '0')
  const whole = digits.slice(0, digits.length - places)
  const frac = digits.slice(digits.length - places)
  return `${neg ? '-' : ''}${whole}${places ? `.${frac}` : ''}`
}

/** The sum of decimal strings ("12.50" + "3" = "15.50"). */
export function sumDecimals(amounts: string[]): string {
  const p = Math.max(0, ...amounts.map(places))
  return unscaled(
    amounts.reduce((s, a) => s + scaled(a, p), 0n),
    p,
  )
}

/** Whether a decimal string is above, below or at zero. */
export function sign(amount: string): -1 | 0 | 1 {
  if (/^-?0*(\.0*)?$/.test(amount.trim())) return 0
  return amount.trim().startsWith('-') ? -1 : 1
}

/** A decimal string without its sign. */
export function abs(amount: string): string {
  return amount.trim().replace(/^[-+]/, '')
}

/** A decimal string times a whole number ("3.00" × 2 = "6.00"). */
export function timesDecimal(amount: string, n: number): string {
  return unscaled(scaled(amount, places(amount)) * BigInt(Math.trunc(n)), places(amount))
}
