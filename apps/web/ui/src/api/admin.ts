import { ApiError, api, query } from './client'
import type { AccountCredit, Cycle, Invoice, Plan, Subscription } from './billing'
import type { Profile as CustomerProfile, Session } from './account'
import type { Service, ServiceStatus } from './services'

export interface MRRMovement {
  mrr_start: string
  new: string
  expansion: string
  contraction: string
  churned: string
  reactivation: string
  mrr_end: string
}

export interface Analytics {
  from: string
  to: string
  currency: string
  mrr: MRRMovement
  arr: string
  customers_start: number
  customers_end: number
  new_customers: number
  churned_customers: number
  reactivated_customers: number
  customer_churn_rate: string
  revenue_churn_rate: string
  /** Movement by plan id, converted to the base currency. */
  by_plan?: Record<string, MRRMovement>
  /** Movement by currency, each in its own currency, unconverted. */
  by_currency?: Record<string, MRRMovement>
}

/** An analytics range: from inclusive, to exclusive; either left out takes the server's default. */
export interface AnalyticsRange {
  from?: string
  to?: string
}

export type ServiceAction = 'provision' | 'suspend' | 'unsuspend' | 'terminate'

export interface ServiceFilter {
  status?: ServiceStatus
  needs_hardware?: boolean
  customer_id?: number
  platform?: string
  /** Part of the host name, an IP address or the panel's id. */
  q?: string
}

/** Services per page of the staff's list. */
export const servicePageSize = 50

export interface ProvisioningLogEntry {
  at: string
  action: string
  admin_id?: number
  duration_ms: number
  request_summary: string
  response?: string
  error?: string
}

export interface Schedule {
  name: string
  worker: string
  last_run_at: string
  duration_ms: number
  failures: number
  last_error?: string
}

export interface DeadJob {
  id: number
  kind: string
  attempts: number
  last_error: string
  created_at: string
}

export interface Automation {
  schedules: Schedule[]
  jobs: Record<string, number>
  dead: DeadJob[]
}

export interface AuditEntry {
  id: number
  at: string
  action: string
  actor_id?: number
  impersonator_id?: number
  resource_type?: string
  resource_id?: string
  ip?: string
  user_agent?: string
  before?: unknown
  after?: unknown
}

export interface AuditFilter {
  action?: string
  resource_type?: string
  actor_id?: number
  before_id?: number
}

// ---- customers

/** An account's status; suspended and banned accounts are signed out everywhere. */
export type UserStatus = 'active' | 'suspended' | 'banned'

export interface CustomerSummary {
  id: number
  email: string
  name?: string
  company?: string
  country?: string
  status: string
  created_at: string
}

/** Who a customer's invoices are made out to. */
export interface BillingDetails {
  name: string
  company?: string
  email?: string
  address?: string
  city?: string
  region?: string
  postal?: string
  country?: string
  vat_id?: string
}

/** A customer's whole profile as PUT customers/{id}/profile takes it (a field left out is cleared); staff also see their notes. */
export interface Profile extends CustomerProfile {
  admin_notes?: string
}

/** A subscription as staff lists show it: with its customer. */
export interface AdminSubscription extends Subscription {
  customer_id: number
}

export interface CustomerDetail {
  /** The customer's user id: account status, sessions and impersonation take it too. */
  id: number
  email: string
  details: BillingDetails
  tax_exempt?: boolean
  subscriptions: AdminSubscription[]
  /** From GET customers/{id}/profile: the account and the whole profile, notes included. */
  status: UserStatus
  email_verified: boolean
  created_at: string
  profile: Profile
}

/** GET customers/{id}/profile. */
interface CustomerAccount {
  status: UserStatus
  email_verified: boolean
  created_at: string
  profile: Profile
}

/** A customer's session as staff see it: the account area's own shape. */
export type UserSession = Session

export interface ManualInvoiceLine {
  description: string
  quantity: number
  /** Decimal in the invoice's currency. */
  unit_amount: string
}

export interface ManualInvoice {
  customer_id: number
  currency: string
  /** RFC 3339. */
  due_at: string
  lines: ManualInvoiceLine[]
  /** Save for staff to edit and issue later: no number, not sent, not shown to the customer. */
  draft?: boolean
}

/** A draft invoice's new content; its lines are replaced whole. */
export interface DraftInvoiceEdit {
  currency: string
  /** RFC 3339; absent, the invoice is due on the day it is issued. */
  due_at?: string
  lines: ManualInvoiceLine[]
}

export type PaymentKind = 'bank_transfer' | 'cash' | 'cheque' | 'other'

/** A payment received outside a gateway; a second one with the same method and reference is ignored. */
export interface ReceivedPayment {
  amount: string
  method: PaymentKind
  reference: string
  /** When the money arrived (RFC 3339), not in the future; left out for now. */
  received_at?: string
}

/** Money staff sent back by hand against payments recorded by hand; a second one with the same method and reference is refused. */
export interface ManualRefund {
  amount: string
  method: PaymentKind
  reference: string
  reason: string
}

// ---- plans and panels

export type PlanType = 'vps' | 'dedicated' | 'hosting' | 'game_server'
export type PlanStatus = 'active' | 'hidden' | 'archived'
export type Platform = 'virtfusion' | 'pterodactyl' | 'synergycp' | 'enhance' | 'sandbox'

/** A payment or refund recorded against an invoice. */
export interface InvoiceTransaction {
  id: number
  kind: 'charge' | 'refund'
  /** stripe, paypal, sandbox, or manual for money recorded by hand. */
  gateway: string
  /** The gateway's id, or method:reference of a manual entry. */
  reference: string
  amount: string
  fee?: string
  currency: string
  status: string
  failure?: string
  at: string
}

export interface PanelMapping {
  platform: Platform
  panel_plan: string
  os_template?: string
}

/** A plan as staff see it; panel comes from GET plans/panels. */
export interface AdminPlan extends Plan {
  features?: Record<string, string>
  status?: PlanStatus
  stock?: number
  upgrade_targets?: number[]
  panel?: PanelMapping
}

/** What PUT plans/{id} takes: a plan's code and type stay. */
export type PlanEdit = Omit<NewPlan, 'code' | 'type'> & { upgrade_targets: number[] }

export interface NewPrice {
  currency: string
  cycle: Cycle
  amount: string
  setup_fee?: string
}

/** A plan's configurable option; in an edit, one with an id is that option changed in place, one without is new, one left out is retired. */
export interface NewOption {
  id?: number
  /** How panels know the option; an existing option keeps its code. */
  code: string
  name: string
  unit?: string
  min_units: number
  max_units: number
  /** Per unit per cycle; options have no setup fee. */
  prices: Omit<NewPrice, 'setup_fee'>[]
}

export interface NewPlan {
  code: string
  name: string
  type: PlanType
  status: PlanStatus
  /** Units left to sell; left out for unlimited. */
  stock?: number
  trial_days?: number
  features?: Record<string, string>
  prices: NewPrice[]
  options?: NewOption[]
}

// ---- coupons

export type CouponDuration = 'once' | 'repeating' | 'forever'

export interface NewCoupon {
  code: string
  /** A percent coupon's share ("10", "12.5"); or amounts_off, not both. */
  percent?: string
  /** A fixed coupon's amounts, one per currency: "5.00 USD". */
  amounts_off?: string[]
  plan_ids?: number[]
  max_uses?: number
  once_per_customer?: boolean
  expires_at?: string
  duration: CouponDuration
  duration_cycles?: number
}

export interface Coupon {
  id: number
  code: string
  kind?: 'percent' | 'fixed'
  percent?: string
  amounts_off?: string[]
  plan_ids?: number[]
  max_uses: number
  uses: number
  once_per_customer: boolean
  expires_at?: string
  created_at: string
  duration?: CouponDuration
  duration_cycles?: number
  /** A retired coupon (false) keeps the discounts it gave; new orders cannot use it. */
  active?: boolean
}

// ---- tax rates

export interface TaxRate {
  id: number
  country: string
  region?: string
  name: string
  /** Percent, e.g. "19" or "8.875". */
  rate: string
  valid_from: string
  valid_until?: string
}

export type NewTaxRate = Omit<TaxRate, 'id'>

// ---- email templates

export interface TemplateField {
  name: string
  description: string
  example: string
}

/** An email's editable parts; an empty part keeps its default. */
export interface TemplateParts {
  subject: string
  text: string
  html: string
}

export interface EmailTemplate extends TemplateParts {
  kind: string
  fields: TemplateField[] | null
  overridden: boolean
}

/** Templates rendered with their kind's example data. */
export type RenderedEmail = TemplateParts

/** A missing operation (404, or 405 where the path has other methods) rather than a failure. */
export function isMissingEndpoint(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 404 || e.status === 405)
}

export const admin = {
  analytics: (r: AnalyticsRange = {}) => api.get<Analytics>(`/admin/analytics${query({ from: r.from, to: r.to })}`),
  services: (f: ServiceFilter, beforeID?: number) =>
    api
      .get<{ services: Service[] }>(
        `/admin/services${query({
          status: f.status,
          needs_hardware: f.needs_hardware || undefined,
          customer_id: f.customer_id,
          platform: f.platform,
          q: f.q?.trim() || undefined,
          before_id: beforeID,
        })}`,
      )
      .then((r) => r.services),
  serviceAction: (id: number, action: ServiceAction, reason: string) =>
    api.post(`/admin/services/${id}/actions`, { action, reason }),
  assignHardware: (id: number, hardwareID: string) =>
    api.post(`/admin/services/${id}/hardware`, { hardware_id: hardwareID }),
  serviceLog: (id: number) =>
    api.get<{ entries: ProvisioningLogEntry[] }>(`/admin/services/${id}/log`).then((r) => r.entries),
  automation: () => api.get<Automation>('/admin/automation'),
  retryJob: (id: number) => api.post(`/admin/jobs/${id}/retry`),
  audit: (f: AuditFilter) =>
    api.get<{ entries: AuditEntry[] }>(`/admin/audit${query({ ...f })}`).then((r) => r.entries),

  /** Customers whose email, name or company contains q, newest first, 50 a page. */
  customers: (q: string, beforeID?: number) =>
    api.get<{ customers: CustomerSummary[] }>(`/admin/customers${query({ q, before_id: beforeID })}`).then((r) => r.customers),
  /** The customer's billing view and account in one: the profile editor needs every field it saves back. */
  customer: async (id: number): Promise<CustomerDetail> => {
    const [detail, account] = await Promise.all([
      api.get<Omit<CustomerDetail, keyof CustomerAccount>>(`/admin/customers/${id}`),
      api.get<CustomerAccount>(`/admin/customers/${id}/profile`),
    ])
    return { ...detail, ...account }
  },
  /**
   * A customer's search entry (account status, sign-up date): the detail
   * response does not carry them, so it is found by searching the email.
   */
  updateProfile: (id: number, p: Profile) => api.put(`/admin/customers/${id}/profile`, p),
  /** Any invoice with its lines. */
  invoice: (id: number) => api.get<Invoice>(`/admin/invoices/${id}`),
  invoiceTransactions: (id: number) =>
    api.get<{ transactions: InvoiceTransaction[] }>(`/admin/invoices/${id}/transactions`).then((r) => r.transactions),
  /** Starts acting as the customer: this browser's session becomes theirs until stopped. */
  impersonate: (id: number) => api.post<{ user: { id: number; email: string }; url?: string }>(`/admin/customers/${id}/impersonate`),
  customerCredit: (id: number) => api.get<AccountCredit>(`/admin/customers/${id}/credit`),
  /** A positive amount adds credit, a negative one takes it away (never below zero); needs billing.refund. */
  adjustCredit: (id: number, a: { amount: string; currency: string; reason: string }) => api.post(`/admin/customers/${id}/credit`, a),
  customerInvoices: (id: number) =>
    api.get<{ invoices: Invoice[] }>(`/admin/customers/${id}/invoices`).then((r) => r.invoices),
  setUserStatus: (id: number, status: UserStatus) => api.put(`/admin/users/${id}/status`, { status }),
  userSessions: (id: number) =>
    api.get<{ sessions: UserSession[] }>(`/admin/users/${id}/sessions`).then((r) => r.sessions),
  revokeUserSession: (id: number, session: number) => api.delete(`/admin/users/${id}/sessions/${session}`),

  createInvoice: (m: ManualInvoice) => api.post<Invoice>('/admin/invoices', m),
  recordPayment: (id: number, p: ReceivedPayment) => api.post<Invoice>(`/admin/invoices/${id}/payments`, p),
  /** Refunds through the gateway that took the payment; returns the credit note. */
  refund: (id: number, amount: string, reason: string) => api.post<Invoice>(`/admin/invoices/${id}/refund`, { amount, reason }),
  /** Records money staff sent back by hand; no gateway is called. Returns the credit note. */
  refundManual: (id: number, r: ManualRefund) => api.post<Invoice>(`/admin/invoices/${id}/manual-refunds`, r),
  voidInvoice: (id: number) => api.post<Invoice>(`/admin/invoices/${id}/void`),
  /** Pays what the customer's account credit in the invoice's currency covers. */
  payWithCredit: (id: number) => api.post<Invoice>(`/admin/invoices/${id}/pay-with-credit`),
  editDraft: (id: number, d: DraftInvoiceEdit) => api.put<Invoice>(`/admin/invoices/${id}`, d),
  /** Numbers and emails a draft and applies the customer's credit. */
  issueDraft: (id: number) => api.post<Invoice>(`/admin/invoices/${id}/issue`),
  deleteDraft: (id: number) => api.delete(`/admin/invoices/${id}`),

  pendingOrders: () =>
    api.get<{ subscriptions: AdminSubscription[] }>('/admin/orders/pending').then((r) => r.subscriptions),

  plans: () => api.get<{ plans: AdminPlan[] }>('/admin/plans').then((r) => r.plans),
  createPlan: (p: NewPlan) => api.post<AdminPlan>('/admin/plans', p),
  updatePlan: (id: number, p: PlanEdit) => api.put<AdminPlan>(`/admin/plans/${id}`, p),
  planPanels: () =>
    api.get<{ mappings: (PanelMapping & { plan_id: number })[] }>('/admin/plans/panels').then((r) => new Map(r.mappings.map((m) => [m.plan_id, m]))),
  setPlanPanel: (id: number, m: PanelMapping) => api.put(`/admin/plans/${id}/panel`, m),
  testPanel: (platform: Platform) => api.post(`/admin/panels/${platform}/test`),

  /** Every coupon; null while the server has no list operation. */
  coupons: () =>
    api.get<{ coupons: Coupon[] }>('/admin/coupons').then(
      (r) => r.coupons,
      (e: unknown) => {
        if (isMissingEndpoint(e)) return null
        throw e
      },
    ),
  // The server answers {"ID": n} (no JSON name on the field) today; id is read from either.
  createCoupon: (c: NewCoupon) =>
    api.post<{ id?: number; ID?: number }>('/admin/coupons', c).then((r) => r.id ?? r.ID),

  setCouponActive: (id: number, active: boolean) => api.put(`/admin/coupons/${id}/active`, { active }),

  taxRates: () => api.get<{ tax_rates: TaxRate[] }>('/admin/tax-rates').then((r) => r.tax_rates),
  createTaxRate: (r: NewTaxRate) => api.post<TaxRate>('/admin/tax-rates', r),

  emailTemplates: () =>
    api.get<{ templates: EmailTemplate[] | null }>('/admin/email-templates').then((r) => r.templates ?? []),
  saveEmailTemplate: (kind: string, t: TemplateParts) => api.put(`/admin/email-templates/${encodeURIComponent(kind)}`, t),
  resetEmailTemplate: (kind: string) => api.delete(`/admin/email-templates/${encodeURIComponent(kind)}`),
  previewEmailTemplate: (kind: string, t: TemplateParts) =>
    api.post<RenderedEmail>(`/admin/email-templates/${encodeURIComponent(kind)}/preview`, t),
}
