// The analytics period: presets counted back from now, or custom dates
// from the start of the first day to the end of the last, in local time.
// It is kept in the URL (?range=, ?from=&to=), so a view can be shared.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { AnalyticsRange, MRRMovement } from '../api/admin'

export type Preset = '7d' | '30d' | '90d' | '12m' | 'custom'

export interface RangeChoice {
  preset: Preset
  /** Custom dates, YYYY-MM-DD, both inclusive. */
  from: string
  to: string
}

export const presets: { value: Preset; title: string }[] = [
  { value: '7d', title: '7 days' },
  { value: '30d', title: '30 days' },
  { value: '90d', title: '90 days' },
  { value: '12m', title: '12 months' },
  { value: 'custom', title: 'Custom' },
]

const day = 86400000

export function dayString(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** The local midnight starting a YYYY-MM-DD day, plusDays later; null when it is not a date. */
export function startOf(s: string, plusDays = 0): Date | null {
  const [y, m, d] = s.split('-').map(Number)
  if (!y || !m || !d) return null
  return new Date(y, m - 1, d + plusDays)
}

export function choiceFromQuery(q: LocationQuery): RangeChoice {
  const preset = presets.find((p) => p.value === q.range)?.value ?? '30d'
  return {
    preset,
    from: typeof q.from === 'string' ? q.from : dayString(new Date(Date.now() - 30 * day)),
    to: typeof q.to === 'string' ? q.to : dayString(new Date()),
  }
}

export function queryOf(c: RangeChoice): LocationQueryRaw {
  if (c.preset === 'custom') return { range: 'custom', from: c.from, to: c.to }
  return c.preset === '30d' ? {} : { range: c.preset }
}

/** Why a custom range cannot be asked for, or ''. */
export function rangeError(c: RangeChoice): string {
  if (c.preset !== 'custom') return ''
  const f = startOf(c.from)
  const t = startOf(c.to, 1)
  if (!f || !t) return 'Pick both dates.'
  return f < t ? '' : 'The range must start before it ends.'
}

/** The range to ask the API for; the 30-day default is left to the server. */
export function rangeOf(c: RangeChoice, now = new Date()): AnalyticsRange {
  switch (c.preset) {
    case '7d':
      return { from: new Date(now.getTime() - 7 * day).toISOString() }
    case '90d':
      return { from: new Date(now.getTime() - 90 * day).toISOString() }
    case '12m': {
      const f = new Date(now)
      f.setFullYear(f.getFullYear() - 1)
      return { from: f.toISOString() }
    }
    case 'custom':
      return { from: startOf(c.from)?.toISOString(), to: startOf(c.to, 1)?.toISOString() }
    default:
      return {}
  }
}

/** One row of a movement breakdown (a plan, a currency), in its currency. */
export interface MovementRow {
  key: string
  label: string
  currency: string
  movement: MRRMovement
}
