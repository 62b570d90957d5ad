import type { NewOption } from '../api/admin'
import type { Cycle, PlanOption } from '../api/billing'

/** A configurable option as the plan dialog edits it: numbers as typed. */
export interface OptionRow {
  /** Set for an option the plan has: it is edited in place and keeps its code. */
  id?: number
  code: string
  name: string
  unit: string
  min_units: string
  max_units: string
  prices: { currency: string; cycle: Cycle; amount: string }[]
}

/** The rows of a plan's options, to edit them. */
export function optionRows(options: PlanOption[] = []): OptionRow[] {
  return options.map((o) => ({
    id: o.id,
    code: o.code,
    name: o.name,
    unit: o.unit,
    min_units: String(o.min_units),
    max_units: String(o.max_units),
    prices: o.prices.map((p) => ({ currency: p.currency, cycle: p.cycle, amount: p.amount })),
  }))
}

/** A new option's row, priced like the plan's first price. */
export function newOptionRow(currency = 'USD', cycle: Cycle = 'monthly'): OptionRow {
  return { code: '', name: '', unit: '', min_units: '0', max_units: '1', prices: [{ currency, cycle, amount: '' }] }
}

/** What the API takes for the rows. */
export function optionsBody(rows: OptionRow[]): NewOption[] {
  return rows.map((r) => ({
    ...(r.id ? { id: r.id } : {}),
    code: r.code.trim(),
    name: r.name.trim(),
    ...(r.unit.trim() ? { unit: r.unit.trim() } : {}),
    min_units: Number(r.min_units),
    max_units: Number(r.max_units),
    prices: r.prices.map((p) => ({ currency: p.currency.trim().toUpperCase(), cycle: p.cycle, amount: p.amount.trim() })),
  }))
}

/** The API's field names for the rows, so errors show next to them. */
export function optionFields(rows: OptionRow[]): string[] {
  return [
    'options',
    ...rows.flatMap((r, i) => [
      ...['id', 'code', 'name', 'unit', 'min_units', 'max_units', 'prices'].map((f) => `options[${i}].${f}`),
      ...r.prices.flatMap((_, j) => ['currency', 'cycle', 'amount'].map((f) => `options[${i}].prices[${j}].${f}`)),
    ]),
  ]
}
