package automation

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/discord"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
)

func (n *Notifications) newSignupAlert(ctx context.Context, j *platform.Job) (discord.Alert, error) {
	p, err := decode[identity.UserJob](j)
	if err != nil {
		return discord.Alert{}, err
	}
	cust, name, err := n.customer(ctx, p.UserID)
	if err != nil {
		return discord.Alert{}, err
	}
	return n.alert("New signup", discord.Info, j,
		discord.Field{Name: "Customer", Value: name}, discord.Field{Name: "Email", Value: cust.Email},
		discord.Field{Name: "Country", Value: cust.Details.Country, Inline: true}), nil
}

// newOrderAlert announces a first paid invoice, marked large from the
// configured amount in its currency.
func (n *Notifications) newOrderAlert(ctx context.Context, j *platform.Job) (discord.Alert, error) {
	inv, cust, _, err := n.invoice(ctx, j)
	if err != nil {
		return discord.Alert{}, err
	}
	title, severity := "New order", discord.Info
	if limit, ok := n.Site.LargeOrder[inv.Currency]; ok && inv.Total >= limit {
		title, severity = "Large order", discord.Success
	}
	return n.alert(title, severity, j,
		discord.Field{Name: "Customer", Value: cust.Details.Name + " <" + cust.Email + ">"},
		discord.Field{Name: "Invoice", Value: inv.Number, Inline: true},
		discord.Field{Name: "Total", Value: billing.Money{Amount: inv.Total, Currency: inv.Currency}.String(), Inline: true}), nil
}

func (n *Notifications) paymentFailedAlert(ctx context.Context, j *platform.Job) (discord.Alert, error) {
	p, err := decode[billing.ChargeProblem](j)
	if err != nil {
		return discord.Alert{}, err
	}
	inv, cust, _, err := n.invoice(ctx, j)
	if err != nil {
		return discord.Alert{}, err
	}
	return n.alert("Payment failed", discord.Critical, j,
		discord.Field{Name: "Customer", Value: cust.Email},
		discord.Field{Name: "Invoice", Value: fmt.Sprintf("%s (attempt %d)", inv.Number, p.Attempt), Inline: true},
		discord.Field{Name: "Amount", Value: billing.Money{Amount: inv.AmountDue(), Currency: inv.Currency}.String(), Inline: true},
		discord.Field{Name: "Reason", Value: p.Message}), nil
}

func (n *Notifications) serviceAlert(title string, severity discord.Severity) func(ctx context.Context, j *platform.Job) (discord.Alert, error) {
	return func(ctx context.Context, j *platform.Job) (discord.Alert, error) {
		svc, cust, data, err := n.service(ctx, j)
		if err != nil {
			return discord.Alert{}, err
		}
		return n.alert(title, severity, j,
			discord.Field{Name: "Service", Value: fmt.Sprintf("#%d %s", svc.ID, data["ServiceName"])},
			discord.Field{Name: "Customer", Value: cust.Email},
			discord.Field{Name: "Reason", Value: data["Reason"]}), nil
	}
}

// failure is the payload of alert.provisioning_failed.
type failure struct {
	ServiceID int64  `json:"service_id"`
	Action    string `json:"action"`
	Error     string `json:"error"`
}

func (n *Notifications) provisioningFailedAlert(ctx context.Context, j *platform.Job) (discord.Alert, error) {
	p, err := decode[failure](j)
	if err != nil {
		return discord.Alert{}, err
	}
	return n.alert("Provisioning failed", discord.Critical, j,
		discord.Field{Name: "Service", Value: fmt.Sprintf("#%d", p.ServiceID), Inline: true},
		discord.Field{Name: "Action", Value: p.Action, Inline: true},
		discord.Field{Name: "Error", Value: p.Error}), nil
}

// adminLoginAlert reports a failed staff sign-in with what identity
// recorded about it (email, IP, user agent).
func (n *Notifications) adminLoginAlert(ctx context.Context, j *platform.Job) (discord.Alert, error) {
	return n.payloadAlert("Failed admin login", discord.Critical, j)
}

func (n *Notifications) gatewaySuspendedAlert(ctx context.Context, j *platform.Job) (discord.Alert, error) {
	return n.payloadAlert("Gateway suspended a subscription", discord.Warning, j)
}

// payloadAlert lists a job's flat JSON payload as the alert's fields.
func (n *Notifications) payloadAlert(title string, severity discord.Severity, j *platform.Job) (discord.Alert, error) {
	fields, err := decode[map[string]any](j)
	if err != nil {
		return discord.Alert{}, err
	}
	var out []discord.Field
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		v, _ := json.Marshal(fields[k])
		out = append(out, discord.Field{Name: k, Value: string(v), Inline: true})
	}
	return n.alert(title, severity, j, out...), nil
}

func (n *Notifications) alert(title string, severity discord.Severity, j *platform.Job, fields ...discord.Field) discord.Alert {
	return discord.Alert{Title: title, Severity: severity, Fields: fields, Time: j.CreatedAt, URL: n.Site.AdminURL}
}
