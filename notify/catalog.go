package notify

import "slices"

// commonFields are available to every kind; the shared HTML layout uses
// CompanyName and SiteURL.
var commonFields = []Field{
	{"CompanyName", "Our trading name, as signed at the bottom of emails", "EZSCALE Hosting"},
	{"SiteURL", "Link to the customer area", "https://my.ezscale.cloud"},
	{"CustomerName", "The customer's name as they entered it", "Ada Lovelace"},
}

// catalog lists each kind with its own fields, in display order.
var catalog = []struct {
	kind   Kind
	fields []Field
}{
	{KindWelcome, []Field{
		{"LoginURL", "Link to sign in", "https://my.ezscale.cloud/login"},
	}},
	{KindVerifyEmail, []Field{
		{"VerifyURL", "One-time link that confirms the address", "https://my.ezscale.cloud/verify?token=abc123"},
		{"ExpiresIn", "How long the link works", "48 hours"},
	}},
	{KindPasswordReset, []Field{
		{"ResetURL", "One-time link to choose a new password", "https://my.ezscale.cloud/reset?token=abc123"},
		{"ExpiresIn", "How long the link works", "1 hour"},
	}},
	{KindStaffInvite, []Field{
		{"AcceptURL", "One-time link to choose a password, which accepts the invitation", "https://my.ezscale.cloud/reset-password?token=abc123"},
		{"ExpiresIn", "How long the link works", "7 days"},
		{"AdminURL", "The admin panel, where staff sign in", "https://admin.ezscale.cloud"},
	}},
	{KindInvoiceCreated, []Field{
		{"InvoiceNumber", "Invoice number", "INV-2025-0042"},
		{"Amount", "Total due, formatted with its currency", "$24.00"},
		{"DueDate", "Date payment is due", "1 March 2025"},
		{"InvoiceURL", "Link to view and pay the invoice", "https://my.ezscale.cloud/invoices/42"},
	}},
	{KindPaymentReceived, []Field{
		{"InvoiceNumber", "Invoice number", "INV-2025-0042"},
		{"Amount", "Amount paid, formatted with its currency", "$24.00"},
		{"PaymentMethod", "How it was paid", "Visa ending 4242"},
		{"InvoiceURL", "Link to the paid invoice", "https://my.ezscale.cloud/invoices/42"},
	}},
	{KindPaymentFailed, []Field{
		{"InvoiceNumber", "Invoice number", "INV-2025-0042"},
		{"Amount", "Amount we tried to take", "$24.00"},
		{"Reason", "Why the payment failed, one sentence without a final full stop", "The card was declined"},
		{"RetryDate", "When we try again; empty when we will not", "4 March 2025"},
		{"PayURL", "Link to pay or update the payment method", "https://my.ezscale.cloud/invoices/42/pay"},
	}},
	{KindServiceReady, []Field{
		{"ServiceName", "Product and label of the service", "VPS Pro (web-01)"},
		{"Hostname", "The server's hostname", "web-01.ezscale.cloud"},
		{"IPAddresses", "Its IP addresses, comma separated", "203.0.113.10, 2001:db8::10"},
		{"Username", "Login username", "root"},
		{"Password", "Initial password", "s3cret-Initial-Pass"},
		{"PanelURL", "Control panel login link", "https://panel.ezscale.cloud"},
	}},
	{KindServiceSuspended, []Field{
		{"ServiceName", "Product and label of the service", "VPS Pro (web-01)"},
		{"Reason", "Why it was suspended, without a final full stop", "Invoice INV-2025-0042 is overdue"},
		{"ResolveURL", "Link to resolve it (usually the invoice)", "https://my.ezscale.cloud/invoices/42"},
	}},
	{KindServiceTerminated, []Field{
		{"ServiceName", "Product and label of the service", "VPS Pro (web-01)"},
		{"Reason", "Why it was terminated, without a final full stop", "It was cancelled at the end of its term"},
	}},
	{KindRenewalReminder, []Field{
		{"ServiceName", "Product and label of the service", "VPS Pro (web-01)"},
		{"Amount", "Renewal price, formatted with its currency", "$24.00"},
		{"RenewalDate", "Date it renews", "1 March 2025"},
		{"ManageURL", "Link to manage the service", "https://my.ezscale.cloud/services/7"},
	}},
	{KindBandwidth75, bandwidthFields},
	{KindBandwidth90, bandwidthFields},
	{KindBandwidth100, slices.Concat(bandwidthFields, []Field{
		{"OverageRate", "Price of traffic over the quota; empty when it is throttled instead", "$0.01 per GB"},
	})},
	{KindOverageCharged, []Field{
		{"ServiceName", "Product and label of the service", "VPS Pro (web-01)"},
		{"Overage", "Traffic over the quota", "120 GB"},
		{"Amount", "Overage charge, formatted with its currency", "$1.20"},
		{"InvoiceNumber", "Invoice the charge was added to", "INV-2025-0043"},
		{"InvoiceURL", "Link to that invoice", "https://my.ezscale.cloud/invoices/43"},
	}},
	{KindTicketUpdate, []Field{
		{"TicketNumber", "Ticket reference", "#48213"},
		{"TicketSubject", "Ticket subject as the customer wrote it", "Cannot reach my server"},
		{"Status", "Ticket status after the update", "Awaiting your reply"},
		{"Reply", "The staff reply, as plain text", "Hi Ada,\nWe restarted the network service; please try again."},
		{"TicketURL", "Link to the ticket", "https://my.ezscale.cloud/tickets/48213"},
	}},
}

// bandwidthFields are shared by the three bandwidth threshold kinds.
var bandwidthFields = []Field{
	{"ServiceName", "Product and label of the service", "VPS Pro (web-01)"},
	{"Used", "Traffic used this cycle", "750 GB"},
	{"Quota", "Traffic included per cycle", "1 TB"},
	{"CycleEnd", "Date the cycle resets", "1 March 2025"},
	{"UpgradeURL", "Link to upgrade the plan", "https://my.ezscale.cloud/services/7/upgrade"},
}
