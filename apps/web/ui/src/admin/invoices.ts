import type { Invoice } from '../api/billing'

/** An invoice's number, or its id while it has none (a draft, or numbering that waits for payment). */
export function invoiceLabel(inv: Pick<Invoice, 'id' | 'number'> & { status?: string }): string {
  return inv.number || `${inv.status === 'draft' ? 'draft' : 'invoice'} #${inv.id}`
}

/** What staff can do to one invoice from the customer page. */
export type InvoiceAction = 'payment' | 'refund' | 'void' | 'issue' | 'delete' | 'credit'
