package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
)

type creditView struct {
	Balances []struct{ Amount, Currency string }
	Recent   []struct {
		Amount, Currency, Reason string
	}
}

// TestAccountCreditOverHTTP: staff with billing.refund add credit and take
// some back, audited; others may only look; the customer sees their own.
func TestAccountCreditOverHTTP(t *testing.T) {
	s := storetest.OpenSQLite(t)
	e, bill := newStaffBillingEnv(t, s.Store, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	ada := e.customer("ada@example.com")
	var who me
	ada.want(http.StatusOK, "GET", "/auth/me", nil, &who)
	path := fmt.Sprintf("/admin/customers/%d/credit", who.User.ID)
	inv, err := bill.CreateManualInvoice(ctx, billing.ManualInvoice{CustomerID: who.User.ID, Currency: "EUR",
		Lines: []billing.ManualLine{{Description: "Extra IPv4 block", Quantity: 1, UnitAmount: 1500}}})
	if err != nil {
		t.Fatal(err)
	}

	clerk := e.staff("clerk@example.com", identity.PermInvoicesWrite)
	clerk.enrolTOTP()
	cashier := e.staff("cashier@example.com", identity.PermBillingRefund)
	cashier.enrolTOTP()
	add := map[string]string{"amount": "12.50", "currency": "EUR", "reason": "Outage on 3 March"}
	clerk.want(http.StatusForbidden, "POST", path, add, nil)
	ada.want(http.StatusForbidden, "POST", path, add, nil)
	cashier.want(http.StatusNoContent, "POST", path, add, nil)
	cashier.want(http.StatusNoContent, "POST", path, map[string]string{"amount": "-2.50", "currency": "EUR", "reason": "Half a day only"}, nil)

	for _, bad := range []struct {
		body  map[string]string
		field string
	}{
		{map[string]string{"amount": "-10.01", "currency": "EUR", "reason": "too much"}, "body.amount"},
		{map[string]string{"amount": "1.001", "currency": "EUR", "reason": "too precise"}, "body.amount"},
		{map[string]string{"amount": "1.00", "currency": "EUQ", "reason": "no such currency"}, "body.currency"},
	} {
		var p problem
		cashier.want(http.StatusUnprocessableEntity, "POST", path, bad.body, &p)
		if len(p.Errors) != 1 || p.Errors[0].Location != bad.field {
			t.Errorf("%v: %+v, want the error at %s", bad.body, p, bad.field)
		}
	}
	cashier.want(http.StatusNotFound, "POST", "/admin/customers/999999/credit", add, nil)
	clerk.want(http.StatusNotFound, "GET", "/admin/customers/999999/credit", nil, nil)

	var staffView, own creditView
	clerk.want(http.StatusOK, "GET", path, nil, &staffView)
	ada.want(http.StatusOK, "GET", "/account/credit", nil, &own)
	for _, v := range []creditView{staffView, own} {
		if len(v.Balances) != 1 || v.Balances[0].Amount != "10.00" || v.Balances[0].Currency != "EUR" ||
			len(v.Recent) != 2 || v.Recent[0].Amount != "-2.50" || v.Recent[1].Reason != "Outage on 3 March" {
			t.Fatalf("credit: %+v", v)
		}
	}

	// The customer pays the 15.00 invoice from the 10.00 of credit; then
	// there is none left for staff to apply.
	var paid struct {
		Status     string
		AmountPaid string `json:"amount_paid"`
	}
	payPath := fmt.Sprintf("/account/invoices/%d/pay-with-credit", inv.ID)
	ada.want(http.StatusOK, "POST", payPath, nil, &paid)
	if paid.Status != "open" || paid.AmountPaid != "10.00" {
		t.Fatalf("invoice after paying with credit: %+v", paid)
	}
	ada.want(http.StatusConflict, "POST", payPath, nil, nil)
	clerk.want(http.StatusConflict, "POST", fmt.Sprintf("/admin/invoices/%d/pay-with-credit", inv.ID), nil, nil)
	ada.want(http.StatusOK, "GET", "/account/credit", nil, &own)
	if len(own.Balances) != 0 || len(own.Recent) != 3 || own.Recent[0].Amount != "-10.00" {
		t.Fatalf("credit after paying: %+v", own)
	}
	entries, err := s.Identity().ListAudit(ctx, identity.AuditFilter{Action: "customer.credit_adjusted"})
	if err != nil || len(entries) != 2 || entries[0].ResourceID != fmt.Sprint(who.User.ID) {
		t.Fatalf("audit (%v): %+v", err, entries)
	}
}
