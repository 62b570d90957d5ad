// The admin's settings: the business settings billing runs by (one group,
// saved whole over the version it was read at, so a save that raced
// another is refused with 409) and the connections to the panels, Discord
// and the payment gateway. Secrets never come back: a connection lists
// which secret fields hold a value, and a blank secret in a save keeps it.
import { api, query } from './client'
import type { BillingDetails, Platform } from './admin'

/** Invoice or credit-note numbers: {YYYY}, {YY}, {MM} and one {SEQ} or {SEQ:n}. */
export interface NumberPattern {
  pattern: string
  yearly_reset: boolean
}

/** finalize: numbered when issued; proforma: numbered only once paid. */
export type NumberingMode = 'finalize' | 'proforma'

export interface TaxSettings {
  /** ISO 3166-1 alpha-2. */
  seller_country: string
  prices_include_tax: boolean
}

/** Days counted from an invoice's due date. */
export interface DunningPolicy {
  remind_before_due: number[]
  remind_after_due: number[]
  retry_after_due: number[]
  suspend_after_days: number
  terminate_after_suspend_days: number
  auto_cancel_unpaid_order_days: number
}

/** billing.Config as JSON. */
export interface BusinessConfig {
  invoice_numbers: NumberPattern
  credit_note_numbers: NumberPattern
  numbering_mode: NumberingMode
  renewal_lead_days: number
  company: BillingDetails
  tax: TaxSettings
  dunning: DunningPolicy
}

/** The settings and the version of their stored group (0: billing's defaults). */
export interface BusinessSettings {
  settings: BusinessConfig
  version: number
}

/** settings: saved in the admin panel; file: the configuration file; sandbox: the sandbox stands in; none: not configured. */
export type ConnectionSource = 'settings' | 'file' | 'sandbox' | 'none'

export interface Connection {
  name: string
  source: ConnectionSource
  /** The configuration file's section (Go field names); secrets are blank. */
  config: Record<string, unknown>
  /** The secret fields that hold a value. */
  secrets_set: string[]
  /** To send back with a save; 0 when nothing is stored. */
  version: number
}

export interface GatewayInfo {
  name: string
  /** The sandbox gateway moves no money. */
  sandbox: boolean
}

export interface Connections {
  panels: Connection[]
  discord: Connection
  gateway: GatewayInfo
}

/** The panels a connection can be saved for (the sandbox needs none). */
export type PanelPlatform = Exclude<Platform, 'sandbox'>

export const settings = {
  business: () => api.get<BusinessSettings>('/admin/settings/business'),
  saveBusiness: (b: BusinessSettings) => api.put<BusinessSettings>('/admin/settings/business', b),

  connections: () => api.get<Connections>('/admin/settings/connections'),
  /** Checks each payment gateway's credentials; a refusal is a result, not an error. */
  testGateways: () =>
    api.post<{ gateways: { name: string; ok: boolean; message?: string }[] }>('/admin/settings/gateways/test').then((r) => r.gateways),
  savePanel: (platform: PanelPlatform, config: Record<string, unknown>, version: number) =>
    api.put(`/admin/settings/panels/${platform}`, { config, version }),
  /** Opens the connection as edited (blank secrets: the saved ones) and asks the panel whether it answers. */
  testPanel: (platform: PanelPlatform, config: Record<string, unknown>) =>
    api.post(`/admin/settings/panels/${platform}/test`, { config }),
  /** Drops the saved connection: the configuration file's, or the sandbox, applies again. */
  forgetPanel: (platform: PanelPlatform, version: number) =>
    api.delete(`/admin/settings/panels/${platform}${query({ version })}`),
  saveDiscord: (webhookURL: string, version: number) =>
    api.put('/admin/settings/discord', { webhook_url: webhookURL, version }),
  /** Posts a test alert through the webhook in use (the saved one). */
  testDiscord: () => api.post('/admin/settings/discord/test'),
}

// ---- number patterns, as billing.NumberPattern checks and renders them

/** What is wrong with a pattern, as the server's check would say, or undefined. */
export function patternProblem(p: NumberPattern): { field: 'pattern' | 'yearly_reset'; message: string } | undefined {
  let seqs = 0
  let hasYear = false
  for (let rest = p.pattern; ; ) {
    const i = rest.indexOf('{')
    if (i < 0) break
    const j = rest.indexOf('}', i)
    if (j < 0) return { field: 'pattern', message: 'unclosed {' }
    const tok = rest.slice(i + 1, j)
    if (tok === 'YYYY' || tok === 'YY') hasYear = true
    else if (tok === 'SEQ') seqs++
    else if (tok.startsWith('SEQ:')) {
      const n = Number(tok.slice(4))
      if (!/^\d+$/.test(tok.slice(4)) || n < 1 || n > 12) return { field: 'pattern', message: `bad sequence width in {${tok}}` }
      seqs++
    } else if (tok !== 'MM') return { field: 'pattern', message: `unknown token {${tok}}` }
    rest = rest.slice(j + 1)
  }
  if (seqs !== 1) return { field: 'pattern', message: 'needs exactly one {SEQ} or {SEQ:n} token' }
  if (p.yearly_reset && !hasYear) return { field: 'yearly_reset', message: 'a yearly reset needs {YYYY} or {YY} in the pattern' }
  return undefined
}

/** The number a valid pattern gives sequence value seq at time t (local calendar). */
export function formatNumber(pattern: string, t: Date, seq: number): string {
  const pad = (n: number, w: number) => String(n).padStart(w, '0')
  return pattern.replace(/\{(YYYY|YY|MM|SEQ(?::(\d+))?)\}/g, (_, tok: string, width?: string) => {
    if (tok === 'YYYY') return pad(t.getFullYear(), 4)
    if (tok === 'YY') return pad(t.getFullYear() % 100, 2)
    if (tok === 'MM') return pad(t.getMonth() + 1, 2)
    return width ? pad(seq, Number(width)) : String(seq)
  })
}
