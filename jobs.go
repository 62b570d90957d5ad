package platform

import "time"

// Job is a unit of durable work written to the outbox in the same
// transaction as the state change that causes it; a worker runs it later
// with retries. Kind names the handler (e.g. "invoice.charge"), Payload is
// its JSON input and DedupeKey, when set, makes a second enqueue of the same
// work fail with ECONFLICT instead of running it twice.
type Job struct {
	ID        int64
	Kind      string
	DedupeKey string
	Payload   []byte
	RunAt     time.Time
	CreatedAt time.Time
	// Attempts counts the runs so far, this one included while it runs;
	// after MaxAttempts failures the job is dead-lettered.
	Attempts    int
	MaxAttempts int
	LastError   string
}

// Job kinds that billing emits.
const (
	JobInvoiceCharge = "invoice.charge"
	JobInvoicePaid   = "invoice.paid"
	// JobInvoiceCreated emails an issued invoice with its PDF.
	JobInvoiceCreated   = "invoice.created"
	JobInvoiceReminder  = "invoice.reminder"
	JobServiceSuspend   = "service.suspend"
	JobServiceResume    = "service.unsuspend"
	JobServiceTerminate = "service.terminate"
	JobServiceChange    = "service.change_plan"
	JobPaymentDisputed  = "payment.disputed"
	// JobPaymentFailed emails the customer and alerts staff; its payload
	// says when the retries are spent and dunning takes over.
	JobPaymentFailed = "payment.failed"
	// JobPaymentActionRequired emails the customer a link to finish a
	// payment that needs their authentication (SCA) on the site.
	JobPaymentActionRequired = "payment.action_required"
	// JobGatewaySubscriptionCancel and JobGatewaySubscriptionSuspend
	// mirror our cancellation or suspension onto a subscription the
	// gateway bills itself (PayPal).
	JobGatewaySubscriptionCancel  = "gateway.subscription_cancel"
	JobGatewaySubscriptionSuspend = "gateway.subscription_suspend"
	// JobGatewaySubscriptionSuspended alerts staff that a gateway stopped
	// billing a subscription itself.
	JobGatewaySubscriptionSuspended = "gateway.subscription_suspended"
)

// Job kinds that identity emits. The email jobs carry their link token
// sealed by the secretbox keyring, never in the clear.
const (
	JobEmailVerify        = "email.verify_email"
	JobEmailPasswordReset = "email.reset_password"
	// JobEmailStaffInvite invites a new staff member to set a password.
	JobEmailStaffInvite     = "email.staff_invite"
	JobSecurityAdminFailure = "security.admin_login_failed"
	// JobEmailWelcome greets a new account; JobAlertNewSignup tells staff.
	JobEmailWelcome   = "email.welcome"
	JobAlertNewSignup = "alert.new_signup"
)

// Job kinds that the automation fans a paid invoice and a failed payment
// out to, one message per job.
const (
	JobEmailPaymentReceived = "email.payment_received"
	JobAlertNewOrder        = "alert.new_order"
	JobEmailPaymentFailed   = "email.payment_failed"
	JobAlertPaymentFailed   = "alert.payment_failed"
)

// Job kinds that provisioning emits and runs. Service jobs carry a
// ServiceJob payload.
const (
	JobServiceProvision = "service.provision"
	// JobEmailServiceReady, JobEmailServiceSuspended and
	// JobEmailServiceTerminated tell the customer; their dedupe keys make
	// one email per service and event.
	JobEmailServiceReady      = "email.service_ready"
	JobEmailServiceSuspended  = "email.service_suspended"
	JobEmailServiceTerminated = "email.service_terminated"
	// JobAlertProvisioningFailed tells staff that a panel call gave up or
	// that a panel lost a resource a customer still pays for.
	JobAlertProvisioningFailed = "alert.provisioning_failed"
	// JobAlertServiceSuspended and JobAlertServiceTerminated tell staff
	// about suspensions and cancellations carried out on a panel.
	JobAlertServiceSuspended  = "alert.service_suspended"
	JobAlertServiceTerminated = "alert.service_terminated"
)
