// How billing cycles read in the account pages.
import type { Cycle } from '../api/billing'

const names: Record<Cycle, { adjective: string; unit: string }> = {
  hourly: { adjective: 'Hourly', unit: 'hour' },
  monthly: { adjective: 'Monthly', unit: 'month' },
  quarterly: { adjective: 'Quarterly', unit: 'quarter' },
  semiannual: { adjective: 'Every 6 months', unit: '6 months' },
  annual: { adjective: 'Yearly', unit: 'year' },
}

/** "Monthly", "Yearly". */
export function cycleName(c: Cycle | string): string {
  return names[c as Cycle]?.adjective ?? c
}

/** "12.00 USD / month". */
export function perCycle(amount: string | undefined, currency: string, c: Cycle | string): string {
  return `${amount ?? '—'} ${currency} / ${names[c as Cycle]?.unit ?? c}`
}
