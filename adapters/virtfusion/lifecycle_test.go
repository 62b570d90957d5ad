package virtfusion_test

import (
	"net/http"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/virtfusion"
	"ezscale.cloud/platform/provisioning"
)

func TestTerminateWaitsTheConfiguredDelay(t *testing.T) {
	p, fake := open(t, func(c *virtfusion.Config) { c.DeleteDelay = 30 * time.Minute })
	id := create(t, p, request()).ExternalID
	if err := p.Terminate(ctx, id); err != nil {
		t.Fatal(err)
	}
	reqs := fake.Requests()
	if last := reqs[len(reqs)-1]; last.Method != http.MethodDelete || last.Query.Get("delay") != "30" {
		t.Fatalf("last call %s %s?%s, want DELETE with delay=30", last.Method, last.Path, last.Query.Encode())
	}
	if n := len(fake.Servers()); n != 1 {
		t.Fatalf("%d servers during the grace period, want 1", n)
	}
	fake.Advance(30 * time.Minute)
	if n := len(fake.Servers()); n != 0 {
		t.Fatalf("%d servers after the delay, want 0", n)
	}
}

func TestTerminateWithoutDelayDeletesAtOnce(t *testing.T) {
	p, fake := open(t, func(c *virtfusion.Config) { c.DeleteDelay = 0 })
	if err := p.Terminate(ctx, create(t, p, request()).ExternalID); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Servers()); n != 0 {
		t.Fatalf("%d servers, want 0", n)
	}
}

func TestTerminateTreatsOnlyVirtFusionsServerNotFoundAsGone(t *testing.T) {
	p, fake := open(t)
	id := create(t, p, request()).ExternalID
	// A proxy or a wrong base URL answers 404 too; that must not count
	// as a terminated server.
	fake.Respond(http.MethodDelete, "/servers/*", http.StatusNotFound, map[string]string{"message": "Not Found"})
	wantCode(t, p.Terminate(ctx, id), platform.ENOTFOUND)
}

func TestSuspendAndUnsuspendCallOnlyWhenNeeded(t *testing.T) {
	p, fake := open(t)
	id := create(t, p, request()).ExternalID
	for range 2 {
		if err := p.Suspend(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if n := calls(fake, http.MethodPost, "/servers/"+id+"/suspend"); n != 1 {
		t.Fatalf("%d suspend calls, want 1", n)
	}
	if err := p.Unsuspend(ctx, id); err != nil {
		t.Fatal(err)
	}
	if server(t, fake, id).Suspended {
		t.Fatal("still suspended")
	}
}

func TestALockedServerIsAConflictToRetry(t *testing.T) {
	p, fake := open(t)
	id := create(t, p, request()).ExternalID
	fake.Respond(http.MethodPost, "/servers/*/suspend", http.StatusLocked, map[string]string{"msg": "server is locked by a running task"})
	err := p.Suspend(ctx, id)
	wantCode(t, err, platform.ECONFLICT)
	if err := p.Suspend(ctx, id); err != nil {
		t.Fatalf("retry after the lock: %v", err)
	}
}

func TestPowerActionsMapToVirtFusionsEndpoints(t *testing.T) {
	p, fake := open(t)
	id := create(t, p, request()).ExternalID
	for action, endpoint := range map[provisioning.PowerAction]string{provisioning.PowerStart: "boot",
		provisioning.PowerStop: "shutdown", provisioning.PowerRestart: "restart", virtfusion.PowerOff: "poweroff"} {
		if err := p.Power(ctx, id, action); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		if n := calls(fake, http.MethodPost, "/servers/"+id+"/power/"+endpoint); n != 1 {
			t.Fatalf("%s made %d calls to %s", action, n, endpoint)
		}
	}
	if err := p.Power(ctx, id, virtfusion.PowerOff); err != nil || server(t, fake, id).Running {
		t.Fatalf("poweroff: %v, running %v", err, server(t, fake, id).Running)
	}
}
