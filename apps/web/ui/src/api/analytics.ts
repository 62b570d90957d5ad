// The reports behind the analytics charts: money collected per bucket,
// what customers owe, and how each plan sells. Amounts are decimal strings
// in the base currency unless a field says otherwise.
import { api, query } from './client'
import type { AnalyticsRange } from './admin'

/** A revenue series' bucket width; buckets start at midnight UTC (weeks on Monday). */
export type Interval = 'day' | 'week' | 'month' | 'year'

export const intervals: Interval[] = ['day', 'week', 'month', 'year']

/** The most buckets a series may have; a longer one is refused (422). */
export const maxBuckets = 400

export interface RevenuePoint {
  /** The bucket's start. */
  start: string
  collected: string
  refunded: string
  /** Collected less refunded. */
  net: string
  /** MRR and active customers at the bucket's start. */
  mrr: string
  customers: number
}

export interface RevenueSeries {
  currency: string
  interval: Interval
  points: RevenuePoint[]
}

/** Open invoices: all of them, and those past their due date. */
export interface Receivable {
  outstanding: string
  outstanding_count: number
  overdue: string
  overdue_count: number
}

export interface Receivables {
  currency: string
  /** In the base currency. */
  total: Receivable
  /** Each in its own currency, unconverted. */
  by_currency?: Record<string, Receivable>
}

/** One plan: subscriptions live on it now, and the range's orders. */
export interface PlanActivity {
  plan_id: number
  live: number
  ordered: number
  paid: number
  /** Percent of the range's orders that were paid. */
  conversion_rate: string
}

export const analytics = {
  revenue: (r: AnalyticsRange, interval: Interval) =>
    api.get<RevenueSeries>(`/admin/analytics/revenue${query({ from: r.from, to: r.to, interval })}`),
  /** Now, whatever the range. */
  receivables: () => api.get<Receivables>('/admin/analytics/receivables'),
  /** Every plan, most live subscriptions first. */
  plans: (r: AnalyticsRange) =>
    api.get<{ plans: PlanActivity[] | null }>(`/admin/analytics/plans${query({ from: r.from, to: r.to })}`).then((res) => res.plans ?? []),
}
