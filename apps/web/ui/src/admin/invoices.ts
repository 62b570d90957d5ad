import type { Invoice } from '../api/billing'

/** An invoice's number, or its id while it has none (numbering can wait for payment). */
export function invoiceLabel(inv: Pick<Invoice, 'id' | 'number'>): string {
  return inv.number || `invoice #${inv.id}`
}

/** What staff can do to one invoice from the customer page. */
export type InvoiceAction = 'payment' | 'refund' | 'void'
