// Display formats. Amounts arrive from the API as decimal strings in their
// currency ("12.50"); they are shown as they are, never through floats.

export function money(amount: string | undefined, currency: string): string {
  return `${amount ?? '0'} ${currency}`
}

export function date(iso: string | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString()
}

export function dateTime(iso: string | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString()
}

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

export function bytes(n: number): string {
  let v = n
  let i = 0
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

/** A rate the API gives in percent ("5.25") with its sign. */
export function percent(rate: string): string {
  return `${rate}%`
}
