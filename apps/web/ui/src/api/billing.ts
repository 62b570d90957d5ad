import { api, query } from './client'

export type Cycle = 'hourly' | 'monthly' | 'quarterly' | 'semiannual' | 'annual'

export interface Price {
  amount: string
  currency: string
  cycle: Cycle
  setup_fee?: string
}

export interface PlanOption {
  id: number
  code: string
  name: string
  unit: string
  min_units: number
  max_units: number
  prices: Price[]
}

export interface Plan {
  id: number
  code: string
  name: string
  type: string
  features?: Record<string, string>
  prices: Price[]
  options: PlanOption[]
  out_of_stock?: boolean
  trial_days?: number
}

export interface InvoiceLine {
  description: string
  quantity: number
  unit_amount: string
  amount: string
}

export interface Invoice {
  id: number
  number: string
  kind: string
  status: string
  currency: string
  lines: InvoiceLine[]
  subtotal: string
  tax: string
  tax_name?: string
  tax_rate?: string
  reverse_charge?: boolean
  total: string
  amount_paid: string
  amount_due: string
  issued_at?: string
  due_at?: string
  paid_at?: string
}

export interface Subscription {
  id: number
  plan_id: number
  plan_name?: string
  status: string
  currency: string
  cycle: Cycle
  recurring_amount?: string
  current_period_start?: string
  /** When the subscription renews, or ends when cancel_at_period_end. */
  current_period_end?: string
  cancel_at_period_end?: boolean
  backordered?: boolean
  /** Gateways that bill it themselves (paypal), set up or awaiting the buyer's approval. */
  billed_by?: string[]
  /** When it was ordered. */
  created_at?: string
}

/** What moving a subscription to another plan costs now. */
export interface ProrationQuote {
  /** The unused part of what was paid for the current plan. */
  credit: string
  /** The new plan's price for the rest of the period. */
  charge: string
  /** charge less credit: above zero invoiced now, below zero credited to the balance. */
  net: string
  remaining_seconds: number
  period_seconds: number
}

export interface PlanChange {
  plan_id: number
  options?: { option_id: number; units: number }[]
}

/** An upgrade's invoice (applied once paid) or a downgrade's credit note (applied at once). */
export interface PlanChangeResult {
  quote: ProrationQuote
  invoice?: Invoice
  credit_note?: Invoice
}

export interface Cancellation {
  /** Keep the service until the paid period ends. */
  at_period_end: boolean
  reason?: string
}

/** The longest cancellation reason the API accepts. */
export const maxCancelReason = 500

export interface Order {
  plan_id: number
  currency: string
  cycle: Cycle
  coupon?: string
  options?: { option_id: number; units: number }[]
}

export interface OrderResult {
  subscription: Subscription
  invoice?: Invoice
}

/** The outcome of paying an invoice: succeeded, failed or requires_action. */
export interface PaymentResult {
  status: string
  message?: string
  invoice: Invoice
}

export interface PaymentMethod {
  id: number
  gateway: string
  brand: string
  last4: string
  exp_month: number
  exp_year: number
  default: boolean
  created_at: string
}

/** GET /account/dashboard: the overview in one request. */
export interface Dashboard {
  services: { id: number; status: string }[]
  open_invoices: Invoice[]
  active_subscriptions: number
  next_renewal?: string
}

export interface PaymentOptions {
  card_gateway?: string
  paypal: boolean
}

export interface CardSetup {
  gateway: string
  client_secret: string
  publishable_key?: string
}

export interface PaymentConfirmation {
  gateway: string
  client_secret: string
  publishable_key: string
}

/** Invoices per page of the customer's list. */
export const invoicePageSize = 50

export interface InvoiceListQuery {
  kind?: 'invoice' | 'credit_note'
  status?: 'open' | 'paid' | 'void' | 'uncollectible'
  before_id?: number
}

export interface InvoiceList {
  invoices: Invoice[]
  /** Documents by kind, then status: { invoice: { open: 2 } }. */
  counts: Record<string, Record<string, number> | undefined>
  /** What is left to pay on open invoices, per currency. */
  due: { amount: string; currency: string }[]
}

/** A customer's account credit: what is left in each currency and the newest movements. */
export interface AccountCredit {
  balances: { amount: string; currency: string }[]
  recent: { id: number; amount: string; currency: string; reason: string; invoice_id?: number; created_at: string }[]
}

export const billing = {
  /** Credit pays the next invoices in its currency as they are issued. */
  credit: () => api.get<AccountCredit>('/account/credit'),
  catalog: () => api.get<{ plans: Plan[] }>('/catalog').then((r) => r.plans),
  order: (o: Order) => api.post<OrderResult>('/orders', o),
  /** One page of invoices, newest first, with the list's counts and what is due. */
  invoices: (q: InvoiceListQuery = {}) => api.get<InvoiceList>(`/account/invoices${query({ ...q })}`),
  invoice: (id: number) => api.get<Invoice>(`/account/invoices/${id}`),
  subscriptions: () => api.get<{ subscriptions: Subscription[] }>('/account/subscriptions').then((r) => r.subscriptions),
  subscription: (id: number) => api.get<Subscription>(`/account/subscriptions/${id}`),
  cancel: (id: number, c: Cancellation) => api.post<Subscription>(`/account/subscriptions/${id}/cancel`, c),
  /** Withdraws a cancellation at period end. */
  resume: (id: number) => api.post<Subscription>(`/account/subscriptions/${id}/resume`),
  quoteChange: (id: number, c: PlanChange) => api.post<ProrationQuote>(`/account/subscriptions/${id}/change/quote`, c),
  changePlan: (id: number, c: PlanChange) => api.post<PlanChangeResult>(`/account/subscriptions/${id}/change`, c),
  pay: (id: number) => api.post<PaymentResult>(`/account/invoices/${id}/pay`),
  /** Pays what the account credit in the invoice's currency covers. */
  payWithCredit: (id: number) => api.post<Invoice>(`/account/invoices/${id}/pay-with-credit`),
  pdfPath: (id: number) => `/account/invoices/${id}/pdf`,
  paymentMethods: () =>
    api.get<{ payment_methods: PaymentMethod[] }>('/account/payment-methods').then((r) => r.payment_methods),
  dashboard: () => api.get<Dashboard>('/account/dashboard'),
  paymentOptions: () => api.get<PaymentOptions>('/account/payment-options'),
  /** Creates a PayPal order for the invoice: the buyer approves it on PayPal. */
  /** Starts renewing a subscription through PayPal: the buyer approves it on PayPal. */
  payPalSubscription: (id: number) => api.post<{ order_id: string; approve_url: string }>(`/account/subscriptions/${id}/paypal`),
  payPalOrder: (id: number) => api.post<{ order_id: string; approve_url: string }>(`/account/invoices/${id}/paypal`),
  /** Captures the PayPal order the buyer approved, on their return. */
  payPalCapture: (id: number, orderID: string) => api.post<Invoice>(`/account/invoices/${id}/paypal/capture`, { order_id: orderID }),
  /** Starts saving a card: which gateway runs and what its card form needs. */
  setupPaymentMethod: () => api.post<CardSetup>('/account/payment-methods/setup'),
  /** What the browser needs to show the bank's challenge of a payment (3-D Secure). */
  confirmPayment: (id: number) => api.post<PaymentConfirmation>(`/account/invoices/${id}/confirm-payment`),
  /** Asks the gateway how the invoice's pending payment stands, after a challenge. */
  checkPayment: (id: number) => api.post<Invoice>(`/account/invoices/${id}/check-payment`),
  savePaymentMethod: (paymentMethodID: string) =>
    api.post<PaymentMethod>('/account/payment-methods', { payment_method_id: paymentMethodID }),
  makeDefault: (id: number) => api.put(`/account/payment-methods/${id}/default`),
  removePaymentMethod: (id: number) => api.delete(`/account/payment-methods/${id}`),
}
