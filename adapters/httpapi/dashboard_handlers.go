package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/provisioning"
)

type dashboardOutput struct {
	Body struct {
		Services            []serviceBody `json:"services" doc:"Services that are not terminated."`
		OpenInvoices        []invoiceBody `json:"open_invoices"`
		ActiveSubscriptions int           `json:"active_subscriptions"`
		NextRenewal         time.Time     `json:"next_renewal,omitzero" doc:"When the soonest active subscription renews."`
	}
}

// registerDashboard mounts the customer dashboard's overview: live
// services, open invoices and the next renewal, in three queries whatever
// the customer owns.
func (s *Server) registerDashboard(b *billing.Service, services provisioning.Store) {
	humaop.Register(s.api, huma.Operation{
		OperationID: "dashboard", Method: http.MethodGet, Path: APIPrefix + "/account/dashboard", Tags: []string{"account"},
		Summary: "Your services, open invoices and next renewal at a glance", Middlewares: huma.Middlewares{s.guard(access{scope: identity.ScopeBillingRead})},
	}, func(ctx context.Context, _ *struct{}) (*dashboardOutput, error) {
		me := principalFrom(ctx).user.ID
		svcs, err := services.ListServices(ctx, provisioning.ServiceFilter{CustomerID: me})
		if err != nil {
			return nil, apiError(s.log, err)
		}
		// The newest page of open invoices: a long billing history costs
		// nothing here.
		invs, err := b.CustomerInvoicePage(ctx, me, billing.InvoiceQuery{Kind: billing.KindInvoice, Status: billing.InvoiceOpen})
		if err != nil {
			return nil, apiError(s.log, err)
		}
		subs, err := b.CustomerSubscriptions(ctx, me)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &dashboardOutput{}
		o := &out.Body
		o.Services, o.OpenInvoices = []serviceBody{}, []invoiceBody{}
		for _, svc := range svcs {
			if svc.Status != provisioning.ServiceTerminated {
				o.Services = append(o.Services, serviceOut(svc, false))
			}
		}
		for _, inv := range invs {
			o.OpenInvoices = append(o.OpenInvoices, invoiceOut(inv))
		}
		for _, sub := range subs {
			if sub.Status != billing.SubActive {
				continue
			}
			o.ActiveSubscriptions++
			if o.NextRenewal.IsZero() || sub.CurrentPeriodEnd.Before(o.NextRenewal) {
				o.NextRenewal = sub.CurrentPeriodEnd
			}
		}
		return out, nil
	})
}
