package automation

import (
	"context"
	"log/slog"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/discord"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/jobqueue"
	"ezscale.cloud/platform/notify"
	"ezscale.cloud/platform/provisioning"
)

// Alerter posts a staff alert; the Discord notifier satisfies it.
type Alerter interface {
	Send(ctx context.Context, a discord.Alert) error
}

// Site is what every email says about us.
type Site struct {
	CompanyName string
	// URL is the customer area's base URL, without a trailing slash; the
	// emails' links are its pages (/sign-in, /verify-email, ...).
	URL string
	// AdminURL is the admin panel's address, which staff alerts link to.
	AdminURL string
	// PanelURLs links each platform's control panel, for "service ready".
	PanelURLs map[provisioning.Platform]string
	// LargeOrder is the first-invoice total, per currency in minor units,
	// from which a new order's alert is marked as large.
	LargeOrder map[string]int64
}

// Notifications sends the customer emails and staff alerts that jobs ask
// for. Each job sends one email or one alert, so a retry repeats only the
// message that failed.
type Notifications struct {
	Site Site
	// CompanyName, when set, names the business in emails instead of
	// Site.CompanyName, asked per email so the business settings staff
	// change apply at once.
	CompanyName func() string
	Templates   *notify.Templates
	// Overrides, when set, holds the admins' template overrides; each
	// email is rendered with the kind's override as stored at send time.
	Overrides    notify.OverrideStore
	Logger       *slog.Logger
	Mailer       notify.Mailer
	Alerts       Alerter
	Billing      billing.Store
	Identity     identity.Store
	Provisioning *provisioning.Manager
	Services     provisioning.Store
	// Links opens the sealed one-time tokens in identity's email jobs.
	Links identity.Sealer
	// PDFs gives invoice emails their attachment.
	PDFs  *PDFs
	Clock platform.Clock
}

// email is one rendered-to-be message: its kind, recipient, data and
// attachments.
type email struct {
	kind        notify.Kind
	to          string
	data        notify.Data
	attachments []notify.Attachment
}

func (n *Notifications) register(r *jobqueue.Runner) {
	emails := map[string]func(ctx context.Context, j *platform.Job) (email, error){
		platform.JobEmailServiceReady:      n.serviceReady,
		platform.JobEmailServiceSuspended:  n.serviceEmail(notify.KindServiceSuspended),
		platform.JobEmailServiceTerminated: n.serviceEmail(notify.KindServiceTerminated),
		platform.JobInvoiceCreated:         n.invoiceCreated,
		platform.JobEmailPaymentReceived:   n.paymentReceived,
		platform.JobEmailPaymentFailed:     n.paymentFailed,
		platform.JobInvoiceReminder:        n.renewalReminder,
		platform.JobEmailWelcome:           n.welcome,
		platform.JobEmailVerify:            n.link(notify.KindVerifyEmail, "/verify-email", "VerifyURL", identity.PurposeVerifyEmail),
		platform.JobEmailPasswordReset:     n.link(notify.KindPasswordReset, "/reset-password", "ResetURL", identity.PurposeResetPassword),
		platform.JobEmailStaffInvite:       n.staffInvite,
	}
	for kind, build := range emails {
		r.Handle(kind, func(ctx context.Context, j *platform.Job) error {
			e, err := build(ctx, j)
			if err != nil || e.kind == "" {
				return err // no kind: nothing to say any more (an invoice paid before its email went)
			}
			return n.send(ctx, e)
		})
	}
	alerts := map[string]func(ctx context.Context, j *platform.Job) (discord.Alert, error){
		platform.JobAlertNewSignup:               n.newSignupAlert,
		platform.JobAlertNewOrder:                n.newOrderAlert,
		platform.JobAlertPaymentFailed:           n.paymentFailedAlert,
		platform.JobAlertServiceSuspended:        n.serviceAlert("Service suspended", discord.Warning),
		platform.JobAlertServiceTerminated:       n.serviceAlert("Service cancelled", discord.Warning),
		platform.JobAlertProvisioningFailed:      n.provisioningFailedAlert,
		platform.JobSecurityAdminFailure:         n.adminLoginAlert,
		platform.JobGatewaySubscriptionSuspended: n.gatewaySuspendedAlert,
	}
	for kind, build := range alerts {
		r.Handle(kind, func(ctx context.Context, j *platform.Job) error {
			a, err := build(ctx, j)
			if err != nil {
				return err
			}
			return permanentIfRefused(n.Alerts.Send(ctx, a))
		})
	}
}

// send renders and sends one email. A template override that failed to
// render was replaced by the default: the email still goes, and staff are
// told through the log.
func (n *Notifications) send(ctx context.Context, e email) error {
	company := n.Site.CompanyName
	if n.CompanyName != nil {
		company = n.CompanyName()
	}
	data := notify.Data{"CompanyName": company, "SiteURL": n.Site.URL}
	for k, v := range e.data {
		data[k] = v
	}
	if err := n.useOverride(ctx, e.kind); err != nil {
		return err
	}
	r, err := n.Templates.Render(e.kind, data)
	if err != nil {
		return jobqueue.Permanent(err)
	}
	if r.Fallback != nil {
		n.logger().Error("an email template override failed; the default was sent", "kind", e.kind, "err", r.Fallback)
	}
	msg := r.Message(e.to)
	msg.Attachments = e.attachments
	return permanentIfRefused(n.Mailer.Send(ctx, msg))
}

// useOverride loads the kind's override as admins last saved it. One that
// no longer validates (saved before a field was renamed, say) is dropped
// for the defaults, so the customer still gets the email.
func (n *Notifications) useOverride(ctx context.Context, kind notify.Kind) error {
	if n.Overrides == nil {
		return nil
	}
	o, err := n.Overrides.TemplateOverride(ctx, kind)
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		n.Templates.RemoveOverride(kind)
		return nil
	}
	if err != nil {
		return err
	}
	if err := n.Templates.SetOverride(o); err != nil {
		n.logger().Error("a stored email template override is invalid; sending the default", "kind", kind, "err", err)
		n.Templates.RemoveOverride(kind)
	}
	return nil
}

func (n *Notifications) logger() *slog.Logger {
	if n.Logger == nil {
		return slog.Default()
	}
	return n.Logger
}

// permanentIfRefused dead-letters failures a retry cannot fix: a refused
// recipient, a webhook that no longer exists, credentials that are wrong.
func permanentIfRefused(err error) error {
	switch platform.ErrorCode(err) {
	case platform.EINVALID, platform.ENOTFOUND, platform.EUNAUTHORIZED, platform.EFORBIDDEN:
		return jobqueue.Permanent(err)
	}
	return err
}
