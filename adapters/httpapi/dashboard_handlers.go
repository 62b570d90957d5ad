package httpapi

import (
	"context"
	"net/http"
	"slices"
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
// services with their plans' names, open invoices and the next renewal,
// in four queries whatever the customer owns.
func (s *Server) registerDashboard(b *billing.Service, services provisioning.Store, namer PlanNamer) {
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
		live := slices.DeleteFunc(svcs, func(svc *provisioning.Service) bool { return svc.Status == provisioning.ServiceTerminated })
		if o.Services, err = servicesOut(ctx, namer, live, false); err != nil {
			return nil, apiError(s.log, err)
		}
		o.OpenInvoices = []invoiceBody{}
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
