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

// Staff save a manual invoice as a draft, edit it and issue it; until then
// the customer can neither see nor pay it, and afterwards it is final.
func TestDraftInvoicesOverHTTP(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testDraftInvoices(t, storetest.OpenSQLite(t).Store) })
	t.Run("mysql", func(t *testing.T) { testDraftInvoices(t, storetest.OpenMySQL(t).Store) })
}

type draftView struct {
	ID     int64  `json:"id"`
	Number string `json:"number"`
	Status string `json:"status"`
	Total  string `json:"total"`
	Tax    string `json:"tax"`
	DueAt  string `json:"due_at"`
	Lines  []struct {
		Description string `json:"description"`
		Amount      string `json:"amount"`
	} `json:"lines"`
}

func testDraftInvoices(t *testing.T, s *sqlstore.Store) {
	e, _ := newStaffBillingEnv(t, s, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	ada := e.customer("ada@example.com")
	var who me
	ada.want(http.StatusOK, "GET", "/auth/me", nil, &who)
	ops := e.staff("ops@example.com", identity.PermInvoicesWrite)
	ops.enrolTOTP()
	viewer := e.staff("viewer@example.com", identity.PermAuditRead)
	viewer.enrolTOTP()

	var draft draftView
	ops.want(http.StatusCreated, "POST", "/admin/invoices", map[string]any{"customer_id": who.User.ID, "currency": "USD",
		"due_at": "2026-03-15T23:59:59Z", "draft": true, "lines": []map[string]any{{"description": "Rack setup", "quantity": 1, "unit_amount": "80.00"}}}, &draft)
	if draft.Status != "draft" || draft.Number != "" || draft.Total != "80.00" {
		t.Fatalf("new draft: %+v", draft)
	}
	path := fmt.Sprintf("/admin/invoices/%d", draft.ID)
	mine := fmt.Sprintf("/account/invoices/%d", draft.ID)
	wantCustomerSees := func(n int) {
		t.Helper()
		var list struct{ Invoices []struct{ ID int64 } }
		ada.want(http.StatusOK, "GET", "/account/invoices", nil, &list)
		if len(list.Invoices) != n {
			t.Fatalf("the customer lists %d invoices, want %d", len(list.Invoices), n)
		}
	}
	wantCustomerSees(0)
	ada.want(http.StatusNotFound, "GET", mine, nil, nil)
	ada.want(http.StatusNotFound, "POST", mine+"/pay", nil, nil)
	var theirs struct{ Invoices []draftView }
	ops.want(http.StatusOK, "GET", fmt.Sprintf("/admin/customers/%d/invoices", who.User.ID), nil, &theirs)
	if len(theirs.Invoices) != 1 || theirs.Invoices[0].Status != "draft" {
		t.Fatalf("staff's list of the customer's invoices: %+v", theirs)
	}

	lines := []map[string]any{{"description": "Data recovery", "quantity": 2, "unit_amount": "60.00"}, {"description": "Courier", "quantity": 1, "unit_amount": "15.50"}}
	edit := map[string]any{"currency": "USD", "due_at": "2026-03-20T23:59:59Z", "lines": lines}
	viewer.want(http.StatusForbidden, "PUT", path, edit, nil)
	// A bad amount names its line, and the draft stays as it was.
	bad := map[string]any{"currency": "USD", "lines": []map[string]any{lines[0], {"description": "Courier", "quantity": 1, "unit_amount": "15.505"}}}
	var problem struct {
		Errors []struct{ Location string }
	}
	ops.want(http.StatusUnprocessableEntity, "PUT", path, bad, &problem)
	if len(problem.Errors) != 1 || problem.Errors[0].Location != "body.lines[1].unit_amount" {
		t.Fatalf("bad amount refused with %+v", problem)
	}
	ops.want(http.StatusUnprocessableEntity, "PUT", path, map[string]any{"currency": "USD", "lines": []map[string]any{{"description": "x", "quantity": 0, "unit_amount": "1.00"}}}, nil)
	var got draftView
	ops.want(http.StatusOK, "GET", path, nil, &got)
	if got.Total != "80.00" || len(got.Lines) != 1 || got.Status != "draft" {
		t.Fatalf("a failed edit changed the draft: %+v", got)
	}

	ops.want(http.StatusOK, "PUT", path, edit, &got)
	if got.Total != "135.50" || len(got.Lines) != 2 || got.Lines[1].Amount != "15.50" || got.DueAt != "2026-03-20T23:59:59Z" || got.Status != "draft" {
		t.Fatalf("edited draft: %+v", got)
	}
	wantCustomerSees(0)
	ops.want(http.StatusConflict, "POST", path+"/void", nil, nil)

	viewer.want(http.StatusForbidden, "POST", path+"/issue", nil, nil)
	ops.want(http.StatusOK, "POST", path+"/issue", nil, &got)
	if got.Status != "open" || got.Number != "INV-2026-000001" || got.Total != "135.50" {
		t.Fatalf("issued draft: %+v", got)
	}
	wantCustomerSees(1)
	ada.want(http.StatusOK, "GET", mine, nil, nil)
	// An issued invoice is final.
	ops.want(http.StatusConflict, "PUT", path, edit, nil)
	ops.want(http.StatusConflict, "POST", path+"/issue", nil, nil)
	ops.want(http.StatusConflict, "DELETE", path, nil, nil)

	var second draftView
	ops.want(http.StatusCreated, "POST", "/admin/invoices", map[string]any{"customer_id": who.User.ID, "currency": "USD",
		"due_at": "2026-03-15T23:59:59Z", "draft": true, "lines": lines}, &second)
	viewer.want(http.StatusForbidden, "DELETE", fmt.Sprintf("/admin/invoices/%d", second.ID), nil, nil)
	ops.want(http.StatusNoContent, "DELETE", fmt.Sprintf("/admin/invoices/%d", second.ID), nil, nil)
	ops.want(http.StatusNotFound, "GET", fmt.Sprintf("/admin/invoices/%d", second.ID), nil, nil)
	ops.want(http.StatusNotFound, "POST", "/admin/invoices/999999/issue", nil, nil)
}
