// Package paneltest is the contract suite every provisioning.Panel adapter
// passes: the sandbox panel, and the VirtFusion, Pterodactyl, SynergyCP and
// Enhance adapters over their vendors' fakes. The suite sees the panel's
// side through a Harness, so it can tell that a retried create made one
// server, not two, and can delete a server behind the platform's back the
// way a panel admin would.
package paneltest

import (
	"context"
	"net/url"
	"strconv"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// Harness is one fresh panel and a view of the panel's own state.
type Harness struct {
	// Panel is the adapter under test, configured with good credentials.
	Panel provisioning.Panel
	// BadCredentials is the same adapter configured with an API key the
	// panel refuses.
	BadCredentials provisioning.Panel
	// PlanCode and OtherPlanCode are two plans the panel knows; the suite
	// creates on the first and changes to the second.
	PlanCode, OtherPlanCode string
	// Options are configurable option values the plans accept; may be nil.
	Options map[string]int64
	// OSTemplate is an OS template or image the panel knows; may be empty
	// where the panel has no such notion.
	OSTemplate string
	// NoLoginURL is set for panels without single sign-on: LoginURL must
	// then fail with EUNSUPPORTED.
	NoLoginURL bool

	// Resources counts the live resources the panel holds for our service
	// id (servers, websites, subscriptions; deleted ones do not count).
	Resources func(serviceID int64) int
	// Suspended reports whether the panel has the resource suspended.
	Suspended func(externalID string) bool
	// Plan reports the plan code the panel has the resource on.
	Plan func(externalID string) string
	// DeleteOutOfBand removes the resource directly on the panel, as a
	// panel admin would, without the adapter knowing.
	DeleteOutOfBand func(externalID string)
}

// Run runs the panel contract on fresh harnesses made by open.
func Run(t *testing.T, open func(t *testing.T) Harness) {
	ctx := context.Background()
	request := func(h Harness, serviceID int64) provisioning.CreateRequest {
		return provisioning.CreateRequest{
			ServiceID:     serviceID,
			CustomerID:    7,
			CustomerEmail: "ada@example.com",
			PlanCode:      h.PlanCode,
			Options:       h.Options,
			Hostname:      "srv-" + strconv.FormatInt(serviceID, 10) + ".example.com",
			OSTemplate:    h.OSTemplate,
		}
	}
	create := func(t *testing.T, h Harness, serviceID int64) provisioning.CreateResult {
		t.Helper()
		res, err := h.Panel.Create(ctx, request(h, serviceID))
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		if res.ExternalID == "" {
			t.Fatalf("create returned no external id: %+v", res)
		}
		return res
	}
	wantCode := func(t *testing.T, what string, err error, code string) {
		t.Helper()
		if got := platform.ErrorCode(err); got != code {
			t.Fatalf("%s: %v (code %q), want code %q", what, err, got, code)
		}
	}

	t.Run("TestConnection", func(t *testing.T) {
		h := open(t)
		if err := h.Panel.TestConnection(ctx); err != nil {
			t.Fatalf("good credentials: %v", err)
		}
		wantCode(t, "bad credentials", h.BadCredentials.TestConnection(ctx), platform.EUNAUTHORIZED)
	})

	t.Run("CreateRefusesBadRequestBeforeCallingPanel", func(t *testing.T) {
		h := open(t)
		req := request(h, 1)
		req.CustomerEmail = ""
		_, err := h.Panel.Create(ctx, req)
		wantCode(t, "create without email", err, platform.EINVALID)
		if n := h.Resources(1); n != 0 {
			t.Fatalf("an invalid create made %d resources", n)
		}
	})

	t.Run("CreateIsIdempotentByServiceID", func(t *testing.T) {
		h := open(t)
		first := create(t, h, 101)
		again := create(t, h, 101)
		if again.ExternalID != first.ExternalID {
			t.Fatalf("a repeated create made a second resource: %s then %s", first.ExternalID, again.ExternalID)
		}
		if n := h.Resources(101); n != 1 {
			t.Fatalf("panel holds %d resources for service 101, want 1", n)
		}
		other := create(t, h, 102)
		if other.ExternalID == first.ExternalID || h.Resources(102) != 1 {
			t.Fatalf("another service got %q (first %q), %d resources", other.ExternalID, first.ExternalID, h.Resources(102))
		}
	})

	t.Run("SuspendAndUnsuspendRepeatSafely", func(t *testing.T) {
		h := open(t)
		id := create(t, h, 201).ExternalID
		for i := 0; i < 2; i++ {
			if err := h.Panel.Suspend(ctx, id); err != nil {
				t.Fatalf("suspend #%d: %v", i+1, err)
			}
			if !h.Suspended(id) {
				t.Fatal("panel does not have the resource suspended")
			}
		}
		for i := 0; i < 2; i++ {
			if err := h.Panel.Unsuspend(ctx, id); err != nil {
				t.Fatalf("unsuspend #%d: %v", i+1, err)
			}
			if h.Suspended(id) {
				t.Fatal("panel still has the resource suspended")
			}
		}
	})

	t.Run("ChangePlan", func(t *testing.T) {
		h := open(t)
		id := create(t, h, 301).ExternalID
		if got := h.Plan(id); got != h.PlanCode {
			t.Fatalf("created on plan %q, want %q", got, h.PlanCode)
		}
		if err := h.Panel.ChangePlan(ctx, id, h.OtherPlanCode, h.Options); err != nil {
			t.Fatalf("change plan: %v", err)
		}
		if got := h.Plan(id); got != h.OtherPlanCode {
			t.Fatalf("panel has plan %q after the change, want %q", got, h.OtherPlanCode)
		}
		if err := h.Panel.ChangePlan(ctx, id, "no-such-plan", nil); err == nil {
			t.Fatal("changing to an unknown plan succeeded")
		}
		if got := h.Plan(id); got != h.OtherPlanCode {
			t.Fatalf("a refused change moved the resource to %q", got)
		}
	})

	t.Run("StatusPowerAndLogin", func(t *testing.T) {
		h := open(t)
		id := create(t, h, 401).ExternalID
		if _, err := h.Panel.Status(ctx, id); err != nil {
			t.Fatalf("status: %v", err)
		}
		for _, a := range []provisioning.PowerAction{provisioning.PowerStop, provisioning.PowerStart, provisioning.PowerRestart} {
			if err := h.Panel.Power(ctx, id, a); err != nil {
				t.Fatalf("power %s: %v", a, err)
			}
		}
		wantCode(t, "power with an unknown action", h.Panel.Power(ctx, id, "explode"), platform.EINVALID)
		link, err := h.Panel.LoginURL(ctx, id)
		if h.NoLoginURL {
			wantCode(t, "login url", err, provisioning.EUNSUPPORTED)
			return
		}
		if err != nil {
			t.Fatalf("login url: %v", err)
		}
		if u, err := url.Parse(link); err != nil || u.Scheme == "" || u.Host == "" {
			t.Fatalf("login url %q is not an absolute URL", link)
		}
	})

	t.Run("TerminateRepeatsSafely", func(t *testing.T) {
		h := open(t)
		id := create(t, h, 501).ExternalID
		for i := 0; i < 2; i++ {
			if err := h.Panel.Terminate(ctx, id); err != nil {
				t.Fatalf("terminate #%d: %v", i+1, err)
			}
		}
		if n := h.Resources(501); n != 0 {
			t.Fatalf("panel still holds %d resources after terminate", n)
		}
	})

	t.Run("ResourceDeletedOnThePanel", func(t *testing.T) {
		h := open(t)
		id := create(t, h, 601).ExternalID
		h.DeleteOutOfBand(id)
		wantCode(t, "suspend", h.Panel.Suspend(ctx, id), platform.ENOTFOUND)
		wantCode(t, "unsuspend", h.Panel.Unsuspend(ctx, id), platform.ENOTFOUND)
		_, err := h.Panel.Status(ctx, id)
		wantCode(t, "status", err, platform.ENOTFOUND)
		wantCode(t, "change plan", h.Panel.ChangePlan(ctx, id, h.OtherPlanCode, h.Options), platform.ENOTFOUND)
		if err := h.Panel.Terminate(ctx, id); err != nil {
			t.Fatalf("terminating a resource the panel already deleted: %v, want success", err)
		}
		// A create after the loss makes a fresh resource rather than
		// returning the deleted one.
		again := create(t, h, 601)
		if h.Resources(601) != 1 || again.ExternalID == "" {
			t.Fatalf("re-create after loss: %+v, %d resources", again, h.Resources(601))
		}
	})
}
