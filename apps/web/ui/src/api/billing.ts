import { api } from './client'

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
  backordered?: boolean
}

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

export const billing = {
  catalog: () => api.get<{ plans: Plan[] }>('/catalog').then((r) => r.plans),
  order: (o: Order) => api.post<OrderResult>('/orders', o),
  invoices: () => api.get<{ invoices: Invoice[] }>('/account/invoices').then((r) => r.invoices),
  pay: (id: number) => api.post<PaymentResult>(`/account/invoices/${id}/pay`),
  pdfPath: (id: number) => `/account/invoices/${id}/pdf`,
  paymentMethods: () =>
    api.get<{ payment_methods: PaymentMethod[] }>('/account/payment-methods').then((r) => r.payment_methods),
  savePaymentMethod: (paymentMethodID: string) =>
    api.post<PaymentMethod>('/account/payment-methods', { payment_method_id: paymentMethodID }),
  makeDefault: (id: number) => api.put(`/account/payment-methods/${id}/default`),
  removePaymentMethod: (id: number) => api.delete(`/account/payment-methods/${id}`),
}
