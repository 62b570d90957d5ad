package billing

// Customer is the billing view of an account: who invoices are made out to
// and how they are taxed. Identity owns the login; billing owns this.
type Customer struct {
	ID      int64
	Email   string
	Details BillingDetails
	Tax     TaxCustomer
}
