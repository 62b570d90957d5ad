package automation_test

import (
	"crypto/rand"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/discord"
	"ezscale.cloud/platform/adapters/discord/discordtest"
	"ezscale.cloud/platform/adapters/invoicepdf"
	"ezscale.cloud/platform/adapters/smtp"
	"ezscale.cloud/platform/adapters/smtp/mailpittest"
	"ezscale.cloud/platform/adapters/sqlite"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/automation"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/jobqueue"
	"ezscale.cloud/platform/notify"
	"ezscale.cloud/platform/provisioning"
)

// TestOrderEmailsAndAlerts runs an order through the worker with the real
// mailer against a real Mailpit and the Discord fake: the invoice email
// arrives with its PDF, the payment and "service ready" emails follow, and
// staff hear of the signup-free order.
func TestOrderEmailsAndAlerts(t *testing.T) {
	mp, s, p, mailer := mailingPlatform(t, "order")
	hook := discordtest.New(t, discordtest.Config{})
	alerts, err := discord.New(discord.Config{WebhookURL: hook.WebhookURL()})
	if err != nil {
		t.Fatal(err)
	}
	manager := p.manager(s.Provisioning(), p.panel)
	r := jobqueue.New(s, p.clock, jobqueue.Config{Worker: "w1", BaseDelay: time.Second, MaxDelay: time.Minute})
	automation.Register(r, automation.Deps{
		Store: s, Billing: p.billing, Provisioning: manager, Clock: p.clock,
		Notifications: &automation.Notifications{
			Site: automation.Site{
				CompanyName: "EZSCALE Hosting", URL: "https://my.ezscale.test",
				PanelURLs:  map[provisioning.Platform]string{provisioning.PlatformSandbox: "https://panel.ezscale.test"},
				LargeOrder: map[string]int64{"USD": 1000},
			},
			Templates: &notify.Templates{}, Overrides: s, Mailer: mailer, Alerts: alerts, Billing: s, Provisioning: manager,
			Services: s.Provisioning(), PDFs: &automation.PDFs{Documents: s, Render: invoicepdf.Render, Clock: p.clock}, Clock: p.clock,
		},
	})

	// An admin rewords the invoice email's subject; the worker uses it.
	override := notify.Override{Kind: notify.KindInvoiceCreated, Subject: "Your bill {{.InvoiceNumber}} is ready"}
	if err := override.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveTemplateOverride(ctx, override, 0, start); err != nil {
		t.Fatal(err)
	}
	sub, inv, err := p.billing.Subscribe(ctx, billing.SubscribeRequest{
		CustomerID: p.customer.ID, PlanID: p.plan.ID, Currency: "USD", Cycle: billing.Monthly,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.drain(t, ctx, r); err != nil {
		t.Fatal(err)
	}
	invoiceMail := mp.Only(t, p.customer.Email)
	if invoiceMail.Subject != "Your bill "+inv.Number+" is ready" || !strings.Contains(invoiceMail.Text, "12.00") ||
		!strings.Contains(invoiceMail.HTML, inv.Number) || len(invoiceMail.Attachments) != 1 {
		t.Fatalf("invoice email: subject %q, %d attachments\ntext: %s", invoiceMail.Subject, len(invoiceMail.Attachments), invoiceMail.Text)
	}
	a := invoiceMail.Attachments[0]
	if a.ContentType != "application/pdf" || a.FileName != "invoice-"+inv.Number+".pdf" {
		t.Fatalf("attachment %+v", a)
	}
	pdfText := pdftotext(t, mp.Part(t, invoiceMail.ID, a.PartID))
	for _, want := range []string{inv.Number, "VPS 2 GB", "12.00 USD", "Grace Hopper"} {
		if !strings.Contains(pdfText, want) {
			t.Fatalf("attached PDF does not show %q:\n%s", want, pdfText)
		}
	}
	stored, err := s.InvoicePDF(ctx, inv.ID, "open")
	if err != nil || len(stored) == 0 {
		t.Fatalf("the rendered PDF was not stored: %v", err)
	}

	_, err = p.billing.RecordPayment(ctx, billing.Payment{
		InvoiceID: inv.ID, Gateway: "sandbox", GatewayID: "ch_1", Amount: billing.Money{Amount: inv.Total, Currency: "USD"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.drain(t, ctx, r); err != nil {
		t.Fatal(err)
	}
	svc, err := s.Provisioning().ServiceForSubscription(ctx, sub.ID)
	if err != nil || svc.Status != provisioning.ServiceActive {
		t.Fatalf("service %+v: %v", svc, err)
	}
	password, _ := manager.Password(svc)
	subjects := map[string]string{}
	for _, m := range mp.Wait(t, p.customer.Email, 3) {
		subjects[m.Subject] = m.Text
	}
	var readyText string
	for subject, text := range subjects {
		if strings.Contains(text, password) {
			readyText = text
			if !strings.Contains(text, svc.IPv4) || !strings.Contains(text, "https://panel.ezscale.test") {
				t.Fatalf("service-ready email %q lacks access details:\n%s", subject, text)
			}
		}
	}
	if len(subjects) != 3 || readyText == "" {
		t.Fatalf("want invoice, payment and service-ready emails, got %d: %v", len(subjects), keys(subjects))
	}
	var titles []string
	for _, m := range hook.Messages() {
		titles = append(titles, m.Embeds[0].Title)
	}
	if strings.Join(titles, ",") != "Large order" {
		t.Fatalf("Discord alerts %v, want one large-order alert", titles)
	}
	if counts, err := s.JobCounts(ctx); err != nil || counts["pending"]+counts["running"]+counts["dead"] != 0 {
		t.Fatalf("jobs left over: %v, %v", counts, err)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// pdftotext returns a PDF's text as poppler's pdftotext reads it.
func pdftotext(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing; scripts/test.sh installs poppler-utils")
		}
		t.Skip("SKIPPING: pdftotext is missing; run scripts/test.sh, which installs poppler-utils")
	}
	path := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// mailingPlatform is a platform on SQLite whose customer has an address of
// their own (starting with prefix) at a real Mailpit, and the mailer that
// sends there.
func mailingPlatform(t *testing.T, prefix string) (mailpittest.Server, *sqlite.Store, *platformUnderTest, *smtp.Mailer) {
	t.Helper()
	mp := mailpittest.FromEnv(t)
	s := storetest.OpenSQLite(t)
	p := newPlatform(t, s, s, s.Provisioning())
	p.customer.Email = prefix + "-" + strings.ToLower(rand.Text()[:10]) + "@example.com"
	if err := s.CreateCustomer(ctx, p.customer); err != nil {
		t.Fatal(err)
	}
	mailer, err := smtp.New(smtp.Config{Host: mp.Host, Port: mp.Port, TLS: smtp.TLSNone, From: "EZSCALE Hosting <billing@ezscale.test>"})
	if err != nil {
		t.Fatal(err)
	}
	return mp, s, p, mailer
}

// TestLinkEmails sends the three one-time link emails through a real
// Mailpit: each carries its token in the link, says how long the link
// works from the token's own lifetime, and the staff invitation says where
// staff sign in.
func TestLinkEmails(t *testing.T) {
	mp, s, p, mailer := mailingPlatform(t, "links")
	r := jobqueue.New(s, p.clock, jobqueue.Config{Worker: "w1", BaseDelay: time.Second, MaxDelay: time.Minute})
	automation.Register(r, automation.Deps{
		Store: s, Billing: p.billing, Provisioning: p.manager(s.Provisioning(), p.panel), Clock: p.clock,
		Notifications: &automation.Notifications{
			Site:      automation.Site{CompanyName: "EZSCALE Hosting", URL: "https://my.ezscale.test", AdminURL: "https://admin.ezscale.test"},
			Templates: &notify.Templates{}, Overrides: s, Mailer: mailer, Billing: s, Links: p.keyring, Clock: p.clock,
		},
	})
	links := []struct {
		kind, token, wantURL, wantLifetime string
	}{
		{platform.JobEmailVerify, "ezs_vfy_one", "https://my.ezscale.test/verify-email?token=ezs_vfy_one", "48 hours"},
		{platform.JobEmailPasswordReset, "ezs_rst_two", "https://my.ezscale.test/reset-password?token=ezs_rst_two", "1 hour"},
		{platform.JobEmailStaffInvite, "ezs_inv_three", "https://my.ezscale.test/reset-password?token=ezs_inv_three", "7 days"},
	}
	for _, l := range links {
		payload, err := json.Marshal(identity.EmailJob{
			UserID: p.customer.ID, SealedToken: p.keyring.Seal([]byte(l.token), identity.LinkTokenAD(p.customer.ID)),
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.EnqueueJob(ctx, &platform.Job{Kind: l.kind, Payload: payload, RunAt: start, CreatedAt: start}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.drain(t, ctx, r); err != nil {
		t.Fatal(err)
	}
	mails := mp.Wait(t, p.customer.Email, len(links))
	for _, l := range links {
		i := slices.IndexFunc(mails, func(m mailpittest.Message) bool { return strings.Contains(m.Text, l.wantURL) })
		if i < 0 {
			t.Fatalf("no email links to %s", l.wantURL)
		}
		if text := mails[i].Text; !strings.Contains(text, "works for "+l.wantLifetime+".") {
			t.Errorf("%s email does not say the link works for %s:\n%s", l.kind, l.wantLifetime, text)
		}
	}
	invite := mails[slices.IndexFunc(mails, func(m mailpittest.Message) bool { return strings.Contains(m.Text, "ezs_inv_three") })]
	if !strings.Contains(invite.Subject, "staff panel") || !strings.Contains(invite.Text, "https://admin.ezscale.test") ||
		!strings.Contains(invite.HTML, `href="https://admin.ezscale.test"`) {
		t.Fatalf("staff invitation %q does not send staff to the admin panel:\n%s", invite.Subject, invite.Text)
	}
}
