// The analytics period: presets counted back from now, or custom dates
// from the start of the first day to the end of the last, in local time.
// It is kept in the URL (?range=, ?from=&to=), so a view can be shared.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { AnalyticsRange, MRRMovement } from '../api/admin'
import { maxBuckets, type Interval } from '../api/analytics'
import { fromMinor, scaleOf, toMinor } from '../decimal'

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

/** The instants a range covers, with the server's defaults filled in. */
export function spanOf(r: AnalyticsRange, now = new Date()): { from: Date; to: Date } {
  const to = r.to ? new Date(r.to) : now
  return { from: r.from ? new Date(r.from) : new Date(to.getTime() - 30 * day), to }
}

// Revenue buckets as the server cuts them: from midnight UTC on the day,
// the Monday, the first of the month or 1 January.
function bucketFloor(t: Date, i: Interval): Date {
  const y = t.getUTCFullYear()
  const m = t.getUTCMonth()
  const d = t.getUTCDate()
  switch (i) {
    case 'week':
      return new Date(Date.UTC(y, m, d - ((t.getUTCDay() + 6) % 7)))
    case 'month':
      return new Date(Date.UTC(y, m, 1))
    case 'year':
      return new Date(Date.UTC(y, 0, 1))
  }
  return new Date(Date.UTC(y, m, d))
}

/** The start of the bucket after the one starting at t. */
export function bucketNext(t: Date, i: Interval): Date {
  const y = t.getUTCFullYear()
  const m = t.getUTCMonth()
  const d = t.getUTCDate()
  switch (i) {
    case 'week':
      return new Date(Date.UTC(y, m, d + 7))
    case 'month':
      return new Date(Date.UTC(y, m + 1, d))
    case 'year':
      return new Date(Date.UTC(y + 1, m, d))
  }
  return new Date(Date.UTC(y, m, d + 1))
}

/** How many buckets the span takes, counting no further than one past the cap. */
export function bucketCount(s: { from: Date; to: Date }, i: Interval): number {
  let n = 0
  for (let t = bucketFloor(s.from, i); t < s.to && n <= maxBuckets; t = bucketNext(t, i)) n++
  return n
}

/** Days by the day up to 90, weeks up to two years, months beyond; wider while there would be too many. */
export function defaultInterval(s: { from: Date; to: Date }): Interval {
  const days = Math.round((s.to.getTime() - s.from.getTime()) / day)
  const order: Interval[] = ['day', 'week', 'month', 'year']
  let k = days <= 90 ? 0 : days <= 731 ? 1 : 2
  while (k < order.length - 1 && bucketCount(s, order[k]) > maxBuckets) k++
  return order[k]
}

/** A bucket's start as its axis label, or in full for a tooltip; in UTC, where buckets start. */
export function bucketLabel(start: string | Date, i: Interval, long = false): string {
  const d = typeof start === 'string' ? new Date(start) : start
  if (Number.isNaN(d.getTime())) return String(start)
  const f = (o: Intl.DateTimeFormatOptions) => d.toLocaleDateString(undefined, { ...o, timeZone: 'UTC' })
  switch (i) {
    case 'week':
      return long ? `Week of ${f({ dateStyle: 'medium' })}` : f({ month: 'short', day: 'numeric' })
    case 'month':
      return f({ month: long ? 'long' : 'short', year: 'numeric' })
    case 'year':
      return f({ year: 'numeric' })
  }
  return long ? f({ dateStyle: 'medium' }) : f({ month: 'short', day: 'numeric' })
}

/** The sum of decimal amounts as the API sends them, added exactly. */
export function sumAmounts(amounts: string[]): string {
  const scale = Math.max(0, ...amounts.map(scaleOf))
  let total = 0n
  for (const a of amounts) total += toMinor(a, scale) ?? 0n
  return fromMinor(total, scale)
}
