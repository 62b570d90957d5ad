package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"ezscale.cloud/platform/adapters/sqlstore"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/identity"
)

type problemBody struct {
	Errors []struct{ Location string }
}

type adminPlan struct {
	ID      int64
	Name    string
	Options []struct {
		ID     int64
		Code   string
		Name   string
		Prices []struct{ Currency, Cycle, Amount string }
	}
}

// Staff create a plan with options, then edit them: options keep their
// ids, new ones are added, one nobody holds is retired; taking away an
// option a subscriber holds is refused naming the field. A bank transfer
// is recorded with the day it arrived, and refunded by hand without the
// card gateway; both land in the audit log.
func TestPlanOptionsAndManualPaymentsOverHTTP(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testPlanOptionsAndManualPayments(t, storetest.OpenSQLite(t).Store) })
	t.Run("mysql", func(t *testing.T) { testPlanOptionsAndManualPayments(t, storetest.OpenMySQL(t).Store) })
}

func testPlanOptionsAndManualPayments(t *testing.T, s *sqlstore.Store) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	e, _ := newStaffBillingEnv(t, s, now)
	ops := e.staff("ops@example.com", identity.PermSettingsWrite, identity.PermInvoicesWrite, identity.PermBillingRefund)
	ops.enrolTOTP()
	usd := func(amount string) []map[string]string {
		return []map[string]string{{"currency": "USD", "cycle": "monthly", "amount": amount}}
	}
	var plan adminPlan
	ops.want(http.StatusCreated, "POST", "/admin/plans", map[string]any{"code": "vps-opt", "name": "VPS", "type": "vps", "status": "active",
		"prices": usd("10.00"), "options": []map[string]any{
			{"code": "ipv4", "name": "Extra IPv4", "unit": "address", "min_units": 0, "max_units": 8, "prices": usd("2.00")},
			{"code": "backup", "name": "Backup slot", "min_units": 0, "max_units": 2, "prices": usd("3.00")},
		}}, &plan)
	if len(plan.Options) != 2 || plan.Options[0].ID == 0 {
		t.Fatalf("created plan: %+v", plan)
	}
	ipv4 := plan.Options[0].ID
	ada := e.customer("ada@example.com")
	var placed orderResult
	ada.want(http.StatusCreated, "POST", "/orders", map[string]any{"plan_id": plan.ID, "currency": "USD", "cycle": "monthly",
		"options": []map[string]any{{"option_id": ipv4, "units": 2}}}, &placed)

	planPath := fmt.Sprintf("/admin/plans/%d", plan.ID)
	edit := map[string]any{"name": "VPS", "status": "active", "prices": usd("10.00"), "options": []map[string]any{
		{"id": ipv4, "code": "ipv4", "name": "Additional IPv4", "unit": "address", "min_units": 0, "max_units": 16, "prices": usd("2.50")},
		{"code": "ram", "name": "RAM", "unit": "GB", "min_units": 0, "max_units": 64, "prices": usd("4.00")},
	}}
	var edited adminPlan
	ops.want(http.StatusOK, "PUT", planPath, edit, &edited)
	if len(edited.Options) != 2 || edited.Options[0].ID != ipv4 || edited.Options[0].Name != "Additional IPv4" ||
		edited.Options[0].Prices[0].Amount != "2.50" || edited.Options[1].Code != "ram" {
		t.Fatalf("edited options: %+v", edited.Options)
	}
	var problem problemBody
	edit["options"] = edit["options"].([]map[string]any)[1:]
	ops.want(http.StatusConflict, "PUT", planPath, edit, &problem)
	if len(problem.Errors) != 1 || problem.Errors[0].Location != "body.options" {
		t.Fatalf("removing an option a subscriber holds: %+v", problem)
	}
	var plans struct{ Plans []adminPlan }
	ops.want(http.StatusOK, "GET", "/admin/plans", nil, &plans)
	if len(plans.Plans) != 1 || len(plans.Plans[0].Options) != 2 || plans.Plans[0].Options[0].ID != ipv4 {
		t.Fatalf("a refused edit changed the plan: %+v", plans.Plans)
	}

	payments := fmt.Sprintf("/admin/invoices/%d/payments", placed.Invoice.ID)
	transfer := map[string]any{"amount": placed.Invoice.Total, "method": "bank_transfer", "reference": "BANK-1",
		"received_at": now.Add(time.Hour)}
	ops.want(http.StatusUnprocessableEntity, "POST", payments, transfer, &problem)
	if len(problem.Errors) != 1 || problem.Errors[0].Location != "body.received_at" {
		t.Fatalf("a payment received tomorrow: %+v", problem)
	}
	arrived := now.AddDate(0, 0, -3)
	transfer["received_at"] = arrived
	var paid struct {
		Status string
		PaidAt time.Time `json:"paid_at"`
	}
	ops.want(http.StatusOK, "POST", payments, transfer, &paid)
	if paid.Status != "paid" || !paid.PaidAt.Equal(arrived) {
		t.Fatalf("backdated transfer: %+v", paid)
	}

	refund := map[string]string{"amount": "1.00", "reason": "goodwill"}
	ops.want(http.StatusConflict, "POST", fmt.Sprintf("/admin/invoices/%d/refund", placed.Invoice.ID), refund, nil)
	manual := map[string]string{"amount": "1.00", "reason": "goodwill", "method": "bank_transfer", "reference": "OUT-1"}
	manualPath := fmt.Sprintf("/admin/invoices/%d/manual-refunds", placed.Invoice.ID)
	e.customer("eve@example.com").want(http.StatusForbidden, "POST", manualPath, manual, nil)
	var note struct {
		Kind  string
		Total string
	}
	ops.want(http.StatusOK, "POST", manualPath, manual, &note)
	if note.Kind != "credit_note" || note.Total != "1.00" {
		t.Fatalf("credit note of the manual refund: %+v", note)
	}
	ops.want(http.StatusConflict, "POST", manualPath, manual, nil)
	for _, action := range []string{"plan.update", "invoice.payment", "invoice.refund_manual"} {
		entries, err := s.Identity().ListAudit(ctx, identity.AuditFilter{Action: action})
		if err != nil || len(entries) == 0 {
			t.Fatalf("no %s in the audit log (%v)", action, err)
		}
	}
}
