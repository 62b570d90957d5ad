package notify

import (
	"slices"

	"ezscale.cloud/platform"
)

// Kind names a notification; each has its own default templates and field
// list.
type Kind string

// The notification kinds. Their string values are stored with admin
// overrides, so they must not change.
const (
	KindWelcome           Kind = "welcome"
	KindVerifyEmail       Kind = "verify_email"
	KindPasswordReset     Kind = "password_reset"
	KindStaffInvite       Kind = "staff_invite"
	KindInvoiceCreated    Kind = "invoice_created"
	KindPaymentReceived   Kind = "payment_received"
	KindPaymentFailed     Kind = "payment_failed"
	KindServiceReady      Kind = "service_ready"
	KindServiceSuspended  Kind = "service_suspended"
	KindServiceTerminated Kind = "service_terminated"
	KindRenewalReminder   Kind = "renewal_reminder"
	KindBandwidth75       Kind = "bandwidth_75"
	KindBandwidth90       Kind = "bandwidth_90"
	KindBandwidth100      Kind = "bandwidth_100"
	KindOverageCharged    Kind = "overage_charged"
	KindTicketUpdate      Kind = "ticket_update"
)

// Field documents one value a kind's templates may use, for the admin
// editor. Example is what previews and save-time checks render with.
type Field struct {
	Name        string
	Description string
	Example     string
}

// Data holds the values a kind is rendered with, keyed by field name. The
// caller formats everything (amounts with their currency, dates in the
// customer's style); a field left out renders as empty text.
type Data map[string]string

// Kinds lists every notification kind, in the order an admin editor shows
// them.
func Kinds() []Kind {
	kinds := make([]Kind, len(catalog))
	for i, e := range catalog {
		kinds[i] = e.kind
	}
	return kinds
}

// Fields lists the fields kind's templates may use: the ones every kind
// has, then its own. It returns nil for an unknown kind.
func Fields(kind Kind) []Field {
	for _, e := range catalog {
		if e.kind == kind {
			return slices.Concat(commonFields, e.fields)
		}
	}
	return nil
}

// Example returns kind's fields filled with their examples.
func Example(kind Kind) Data {
	data := Data{}
	for _, f := range Fields(kind) {
		data[f.Name] = f.Example
	}
	return data
}

// checkKind refuses an unknown kind with EINVALID on "kind".
func checkKind(kind Kind) error {
	if Fields(kind) == nil {
		return platform.Invalid("kind", "unknown notification kind %q", kind)
	}
	return nil
}
