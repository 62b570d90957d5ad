package httpapi_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi"
	"ezscale.cloud/platform/adapters/sandbox"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/automation"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/jobqueue"
	"ezscale.cloud/platform/provisioning"
	"ezscale.cloud/platform/secretbox"
)

type serviceList struct {
	Services []struct {
		ID         int64  `json:"id"`
		Status     string `json:"status"`
		ExternalID string `json:"external_id"`
		IPv4       string `json:"ipv4"`
		PlanName   string `json:"plan_name"`
	} `json:"services"`
}

// TestServicesOverHTTP: a customer sees and powers only their own
// service; staff see the automation status and the provisioning log, and
// suspend through the job queue with the audit log recording it, each
// action needing its permission.
func TestServicesOverHTTP(t *testing.T) {
	s := storetest.OpenSQLite(t)
	clock := platform.NewManualClock(time.Now().UTC())
	bill, err := billing.NewService(s, sandbox.New(), clock, billing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := secretbox.NewKeyring("k1", map[string][]byte{"k1": bytes.Repeat([]byte{1}, 32)})
	panel := sandbox.NewPanel("sandbox")
	manager := provisioning.NewManager(provisioning.Config{
		Store: s.Provisioning(), Billing: s, Sealer: keys, Clock: clock,
		Panels: map[provisioning.Platform]provisioning.Panel{provisioning.PlatformSandbox: panel},
	})
	e := newEnv(t, s.Identity(), s, func(svc *httpapi.Services) {
		svc.Provisioning, svc.Services, svc.Queue, svc.Audit, svc.Clock = manager, s.Provisioning(), s, s.Identity(), clock
		svc.Catalog = s // names the plans in the lists
	})
	worker := jobqueue.New(s, clock, jobqueue.Config{Worker: "w"})
	automation.Register(worker, automation.Deps{Store: s, Billing: bill, Provisioning: manager, Clock: clock})
	drain := func() {
		for i := 0; i < 20; i++ {
			if n, err := worker.RunOnce(ctx); err != nil || n == 0 {
				return
			}
		}
	}

	ada := e.customer("ada@example.com")
	var who me
	ada.want(http.StatusOK, "GET", "/auth/me", nil, &who)
	plan := &billing.Plan{Code: "vps", Name: "VPS", Type: billing.ServiceVPS, Status: billing.PlanActive,
		Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 500}}}
	if err := bill.CreatePlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if err := s.Provisioning().SaveProduct(ctx, &provisioning.Product{PlanID: plan.ID, Platform: provisioning.PlatformSandbox, PanelPlan: "small"}); err != nil {
		t.Fatal(err)
	}
	_, inv, err := bill.Subscribe(ctx, billing.SubscribeRequest{CustomerID: who.User.ID, PlanID: plan.ID, Currency: "USD", Cycle: billing.Monthly})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bill.RecordPayment(ctx, billing.Payment{InvoiceID: inv.ID, Gateway: "sandbox", GatewayID: "ch", Amount: billing.Money{Amount: 500, Currency: "USD"}}); err != nil {
		t.Fatal(err)
	}
	drain()

	var mine serviceList
	ada.want(http.StatusOK, "GET", "/services", nil, &mine)
	if len(mine.Services) != 1 || mine.Services[0].Status != "active" || mine.Services[0].IPv4 == "" || mine.Services[0].ExternalID != "" ||
		mine.Services[0].PlanName != "VPS" {
		t.Fatalf("customer's services: %+v", mine)
	}
	id := mine.Services[0].ID
	path := fmt.Sprintf("/services/%d", id)
	ada.want(http.StatusNoContent, "POST", path+"/power", map[string]string{"action": "stop"}, nil)
	var st struct{ Online bool }
	ada.want(http.StatusOK, "GET", path+"/status", nil, &st)
	if st.Online {
		t.Fatal("the server is online after a stop")
	}
	ada.want(http.StatusUnprocessableEntity, "POST", path+"/power", map[string]string{"action": "explode"}, nil)

	eve := e.customer("eve@example.com")
	eve.want(http.StatusNotFound, "GET", path+"/status", nil, nil)
	eve.want(http.StatusNotFound, "POST", path+"/power", map[string]string{"action": "start"}, nil)
	eve.want(http.StatusForbidden, "GET", "/admin/automation", nil, nil)

	ops := e.staff("ops@example.com", identity.PermServicesProvision)
	ops.enrolTOTP()
	var status struct {
		Jobs map[string]int64 `json:"jobs"`
	}
	ops.want(http.StatusOK, "GET", "/admin/automation", nil, &status)
	if status.Jobs["done"] == 0 {
		t.Fatalf("automation status: %+v", status)
	}
	ops.want(http.StatusNoContent, "POST", "/admin/panels/sandbox/test", nil, nil)
	var mappings struct {
		Mappings []struct {
			PlanID    int64  `json:"plan_id"`
			PanelPlan string `json:"panel_plan"`
		}
	}
	ops.want(http.StatusOK, "GET", "/admin/plans/panels", nil, &mappings)
	if len(mappings.Mappings) != 1 || mappings.Mappings[0].PlanID != plan.ID || mappings.Mappings[0].PanelPlan != "small" {
		t.Fatalf("panel mappings: %+v", mappings)
	}
	ops.want(http.StatusNotFound, "POST", "/admin/panels/virtfusion/test", nil, nil)
	ops.want(http.StatusForbidden, "POST", "/admin"+path+"/actions", map[string]string{"action": "terminate"}, nil)
	ops.want(http.StatusAccepted, "POST", "/admin"+path+"/actions", map[string]string{"action": "suspend", "reason": "abuse report"}, nil)
	drain()
	var all serviceList
	ops.want(http.StatusOK, "GET", "/admin/services?status=suspended", nil, &all)
	if len(all.Services) != 1 || all.Services[0].ExternalID == "" || !panel.Suspended(all.Services[0].ExternalID) || all.Services[0].PlanName != "VPS" {
		t.Fatalf("suspended services: %+v", all)
	}
	ops.want(http.StatusOK, "GET", "/admin/services?platform=sandbox&q="+all.Services[0].ExternalID, nil, &all)
	if len(all.Services) != 1 {
		t.Fatalf("services found by the panel's id: %+v", all)
	}
	ops.want(http.StatusOK, "GET", fmt.Sprintf("/admin/services?before_id=%d", all.Services[0].ID), nil, &all)
	if len(all.Services) != 0 {
		t.Fatalf("the page after the only service: %+v", all)
	}
	ops.want(http.StatusUnprocessableEntity, "GET", "/admin/services?platform=cpanel", nil, nil)
	ada.want(http.StatusConflict, "POST", path+"/power", map[string]string{"action": "start"}, nil)
	ops.want(http.StatusConflict, "POST", "/admin"+path+"/hardware", map[string]string{"hardware_id": "srv-9"}, nil)

	var log struct {
		Entries []struct {
			Action  string `json:"action"`
			AdminID int64  `json:"admin_id"`
		} `json:"entries"`
	}
	ops.want(http.StatusOK, "GET", "/admin"+path+"/log", nil, &log)
	actions := ""
	for _, e := range log.Entries {
		actions += e.Action + " "
	}
	if actions != "suspend status power create " || log.Entries[0].AdminID == 0 {
		t.Fatalf("provisioning log, newest first: %q %+v", actions, log.Entries)
	}
	entries, err := s.Identity().ListAudit(ctx, identity.AuditFilter{Action: "service.suspend"})
	if err != nil || len(entries) != 1 || entries[0].ResourceID != fmt.Sprint(id) {
		t.Fatalf("audit of the suspension: %+v, %v", entries, err)
	}
}

// TestEmailTemplateEditor: staff with the settings permission save an
// override (a mistake is refused naming the part and line), preview it,
// and restore the default; each change is audited.
func TestEmailTemplateEditor(t *testing.T) {
	s := storetest.OpenSQLite(t)
	e := newEnv(t, s.Identity(), s, func(svc *httpapi.Services) { svc.Templates, svc.Audit = s, s.Identity() })
	customer := e.customer("ada@example.com")
	customer.want(http.StatusForbidden, "GET", "/admin/email-templates", nil, nil)
	viewer := e.staff("viewer@example.com", identity.PermAuditRead)
	viewer.enrolTOTP()
	viewer.want(http.StatusForbidden, "PUT", "/admin/email-templates/welcome", map[string]string{"subject": "Hi"}, nil)
	editor := e.staff("editor@example.com", identity.PermSettingsWrite)
	editor.enrolTOTP()

	var problem struct {
		Errors []struct{ Message, Location string }
	}
	editor.want(http.StatusUnprocessableEntity, "PUT", "/admin/email-templates/welcome",
		map[string]string{"html": "<p>Hi</p>\n<p>{{.Password}}</p>"}, &problem)
	if len(problem.Errors) != 1 || problem.Errors[0].Location != "body.html" || !strings.Contains(problem.Errors[0].Message, "line 2") {
		t.Fatalf("bad template refused with %+v", problem)
	}
	editor.want(http.StatusUnprocessableEntity, "PUT", "/admin/email-templates/no-such-email", map[string]string{"subject": "x"}, nil)
	editor.want(http.StatusNoContent, "PUT", "/admin/email-templates/welcome", map[string]string{"subject": "Welcome aboard, {{.CustomerName}}"}, nil)

	var list struct {
		Templates []struct {
			Kind, Subject, Text string
			Overridden          bool
		}
	}
	editor.want(http.StatusOK, "GET", "/admin/email-templates", nil, &list)
	for _, tpl := range list.Templates {
		if tpl.Kind == "welcome" && (!tpl.Overridden || tpl.Subject != "Welcome aboard, {{.CustomerName}}" || tpl.Text == "") {
			t.Fatalf("saved override listed as %+v", tpl)
		}
	}
	var preview struct{ Subject string }
	editor.want(http.StatusOK, "POST", "/admin/email-templates/welcome/preview", map[string]string{"subject": "Hello {{upper .CustomerName}}"}, &preview)
	if preview.Subject != "Hello ADA LOVELACE" {
		t.Fatalf("preview subject %q", preview.Subject)
	}
	editor.want(http.StatusNoContent, "DELETE", "/admin/email-templates/welcome", nil, nil)
	if _, err := s.TemplateOverride(ctx, "welcome"); platform.ErrorCode(err) != platform.ENOTFOUND {
		t.Fatalf("override after reset: %v", err)
	}
	audit, err := s.Identity().ListAudit(ctx, identity.AuditFilter{ResourceType: "email_template"})
	if err != nil || len(audit) != 2 {
		t.Fatalf("template edits audited: %+v, %v", audit, err)
	}
}
