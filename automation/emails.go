package automation

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/jobqueue"
	"ezscale.cloud/platform/notify"
	"ezscale.cloud/platform/provisioning"
)

func (n *Notifications) customer(ctx context.Context, id int64) (*billing.Customer, string, error) {
	c, err := n.Billing.GetCustomer(ctx, id)
	if err != nil {
		return nil, "", err
	}
	name := c.Details.Name
	if name == "" {
		name = c.Email
	}
	return c, name, nil
}

// service loads a service job's service, its customer and a display name.
func (n *Notifications) service(ctx context.Context, j *platform.Job) (*provisioning.Service, *billing.Customer, notify.Data, error) {
	p, err := decode[provisioning.ServiceJob](j)
	if err != nil {
		return nil, nil, nil, err
	}
	svc, err := n.Services.GetService(ctx, p.ServiceID)
	if err != nil {
		return nil, nil, nil, err
	}
	cust, name, err := n.customer(ctx, svc.CustomerID)
	if err != nil {
		return nil, nil, nil, err
	}
	plan, err := n.Billing.GetPlan(ctx, svc.PlanID)
	if err != nil {
		return nil, nil, nil, err
	}
	label := plan.Name
	if svc.Hostname != "" {
		label += " (" + svc.Hostname + ")"
	}
	data := notify.Data{"CustomerName": name, "ServiceName": label}
	if p.Reason != "" {
		data["Reason"] = p.Reason
	}
	return svc, cust, data, nil
}

func (n *Notifications) serviceReady(ctx context.Context, j *platform.Job) (email, error) {
	svc, cust, data, err := n.service(ctx, j)
	if err != nil {
		return email{}, err
	}
	password, err := n.Provisioning.Password(svc)
	if err != nil {
		return email{}, err
	}
	ips := strings.Trim(strings.Join([]string{svc.IPv4, svc.IPv6}, ", "), ", ")
	data["Hostname"], data["IPAddresses"], data["Username"] = svc.Hostname, ips, svc.Username
	data["Password"], data["PanelURL"] = password, n.Site.PanelURLs[svc.Platform]
	return email{kind: notify.KindServiceReady, to: cust.Email, data: data}, nil
}

func (n *Notifications) serviceEmail(kind notify.Kind) func(ctx context.Context, j *platform.Job) (email, error) {
	return func(ctx context.Context, j *platform.Job) (email, error) {
		_, cust, data, err := n.service(ctx, j)
		if err != nil {
			return email{}, err
		}
		if kind == notify.KindServiceSuspended {
			data["ResolveURL"] = n.Site.URL + "/" // the dashboard lists open invoices to pay
		}
		return email{kind: kind, to: cust.Email, data: data}, nil
	}
}

// invoiceJob is the payload of the invoice jobs billing writes.
type invoiceJob struct {
	InvoiceID int64 `json:"invoice_id"`
}

// invoice loads an invoice job's invoice, its customer and the data every
// invoice email shares.
func (n *Notifications) invoice(ctx context.Context, j *platform.Job) (*billing.Invoice, *billing.Customer, notify.Data, error) {
	p, err := decode[invoiceJob](j)
	if err != nil {
		return nil, nil, nil, err
	}
	inv, err := n.Billing.GetInvoice(ctx, p.InvoiceID)
	if err != nil {
		return nil, nil, nil, err
	}
	cust, name, err := n.customer(ctx, inv.CustomerID)
	if err != nil {
		return nil, nil, nil, err
	}
	data := notify.Data{
		"CustomerName": name, "InvoiceNumber": inv.Number,
		"Amount":     billing.Money{Amount: inv.AmountDue(), Currency: inv.Currency}.String(),
		"InvoiceURL": n.Site.URL + "/?invoice=" + fmt.Sprint(inv.ID), // the dashboard, where it is paid
	}
	return inv, cust, data, nil
}

// invoiceCreated emails a new invoice with its PDF, rendered and stored
// once: a retry attaches the stored file.
func (n *Notifications) invoiceCreated(ctx context.Context, j *platform.Job) (email, error) {
	inv, cust, data, err := n.invoice(ctx, j)
	if err != nil {
		return email{}, err
	}
	if inv.Status != billing.InvoiceOpen {
		return email{}, nil
	}
	data["DueDate"] = day(inv.DueAt)
	e := email{kind: notify.KindInvoiceCreated, to: cust.Email, data: data}
	if inv.Number == "" {
		return e, nil // numbered when paid (proforma mode): the PDF waits for its number
	}
	pdf, err := n.PDFs.PDF(ctx, inv)
	if err != nil {
		return email{}, err
	}
	e.attachments = []notify.Attachment{{Filename: "invoice-" + inv.Number + ".pdf", ContentType: "application/pdf", Data: pdf}}
	return e, nil
}

func (n *Notifications) paymentReceived(ctx context.Context, j *platform.Job) (email, error) {
	inv, cust, data, err := n.invoice(ctx, j)
	if err != nil {
		return email{}, err
	}
	data["Amount"] = billing.Money{Amount: inv.AmountPaid, Currency: inv.Currency}.String()
	return email{kind: notify.KindPaymentReceived, to: cust.Email, data: data}, nil
}

func (n *Notifications) paymentFailed(ctx context.Context, j *platform.Job) (email, error) {
	p, err := decode[billing.ChargeProblem](j)
	if err != nil {
		return email{}, err
	}
	inv, cust, data, err := n.invoice(ctx, j) // the problem names its invoice as invoice_id
	if err != nil {
		return email{}, err
	}
	if inv.Status != billing.InvoiceOpen {
		return email{}, nil // paid another way since
	}
	data["Reason"] = strings.TrimSuffix(p.Message, ".")
	data["PayURL"] = data["InvoiceURL"] + "/pay"
	return email{kind: notify.KindPaymentFailed, to: cust.Email, data: data}, nil
}

// renewalReminder reminds the customer of a renewal invoice before and
// after it falls due, as dunning's reminder steps ask.
func (n *Notifications) renewalReminder(ctx context.Context, j *platform.Job) (email, error) {
	inv, cust, data, err := n.invoice(ctx, j)
	if err != nil {
		return email{}, err
	}
	if inv.Status != billing.InvoiceOpen {
		return email{}, nil
	}
	data["ServiceName"], data["RenewalDate"], data["ManageURL"] = "your service", day(inv.DueAt), data["InvoiceURL"]
	if inv.SubscriptionID != 0 {
		sub, err := n.Billing.GetSubscription(ctx, inv.SubscriptionID)
		if err != nil {
			return email{}, err
		}
		plan, err := n.Billing.GetPlan(ctx, sub.PlanID)
		if err != nil {
			return email{}, err
		}
		data["ServiceName"] = plan.Name
	}
	delete(data, "InvoiceNumber")
	delete(data, "InvoiceURL")
	return email{kind: notify.KindRenewalReminder, to: cust.Email, data: data}, nil
}

func (n *Notifications) welcome(ctx context.Context, j *platform.Job) (email, error) {
	p, err := decode[identity.UserJob](j)
	if err != nil {
		return email{}, err
	}
	cust, name, err := n.customer(ctx, p.UserID)
	if err != nil {
		return email{}, err
	}
	return email{kind: notify.KindWelcome, to: cust.Email, data: notify.Data{"CustomerName": name, "LoginURL": n.Site.URL + "/sign-in"}}, nil
}

// link emails a one-time link: the token travels sealed in the job and is
// opened only here, to build the URL. How long it works is said from the
// purpose's lifetime, so the email cannot promise more than the token
// gives.
func (n *Notifications) link(kind notify.Kind, path, field string, purpose identity.Purpose) func(ctx context.Context, j *platform.Job) (email, error) {
	return func(ctx context.Context, j *platform.Job) (email, error) {
		p, err := decode[identity.EmailJob](j)
		if err != nil {
			return email{}, err
		}
		token, err := n.Links.Open(p.SealedToken, identity.LinkTokenAD(p.UserID))
		if err != nil {
			return email{}, jobqueue.Permanent(err)
		}
		cust, name, err := n.customer(ctx, p.UserID)
		if err != nil {
			return email{}, err
		}
		link := n.Site.URL + path + "?token=" + url.QueryEscape(string(token))
		if p.Next != "" {
			link += "&next=" + url.QueryEscape(p.Next)
		}
		data := notify.Data{"CustomerName": name, field: link, "ExpiresIn": lifetime(purpose.Lifetime())}
		return email{kind: kind, to: cust.Email, data: data}, nil
	}
}

// staffInvite emails a staff invitation: accepted on the account area's
// reset page, where staff also reset passwords, after which staff sign in
// on the admin panel.
func (n *Notifications) staffInvite(ctx context.Context, j *platform.Job) (email, error) {
	e, err := n.link(notify.KindStaffInvite, "/reset-password", "AcceptURL", identity.PurposeStaffInvite)(ctx, j)
	if err != nil {
		return e, err
	}
	e.data["AdminURL"] = n.Site.AdminURL
	return e, nil
}

// lifetime says how long a link works: "1 hour", "48 hours", "7 days".
func lifetime(d time.Duration) string {
	if d >= 72*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	if d == time.Hour {
		return "1 hour"
	}
	return fmt.Sprintf("%d hours", d/time.Hour)
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2 January 2006")
}
