package provisioning

import (
	"strings"
	"testing"

	"ezscale.cloud/platform"
)

func TestCreateRequestValidate(t *testing.T) {
	valid := func() CreateRequest {
		return CreateRequest{
			ServiceID:     42,
			CustomerID:    9,
			CustomerEmail: "ada@example.com",
			PlanCode:      "vps-4g",
			Options:       map[string]int64{"ram_mb": 4096, "extra_ipv4": 0},
			Hostname:      "web-1.example.com",
			OSTemplate:    "debian-13",
		}
	}
	tests := []struct {
		name   string
		modify func(*CreateRequest)
		field  string
	}{
		{name: "valid", modify: func(*CreateRequest) {}},
		{name: "no hostname", modify: func(r *CreateRequest) { r.Hostname = "" }},
		{name: "no service", modify: func(r *CreateRequest) { r.ServiceID = 0 }, field: "service_id"},
		{name: "blank email", modify: func(r *CreateRequest) { r.CustomerEmail = "  " }, field: "customer_email"},
		{name: "no plan", modify: func(r *CreateRequest) { r.PlanCode = "" }, field: "plan_code"},
		{name: "negative option", modify: func(r *CreateRequest) { r.Options["ram_mb"] = -1 }, field: "options"},
		{name: "hostname with space", modify: func(r *CreateRequest) { r.Hostname = "web 1" }, field: "hostname"},
		{name: "hostname leading hyphen", modify: func(r *CreateRequest) { r.Hostname = "-web.example.com" }, field: "hostname"},
		{name: "hostname empty label", modify: func(r *CreateRequest) { r.Hostname = "web..example.com" }, field: "hostname"},
		{name: "hostname label too long", modify: func(r *CreateRequest) { r.Hostname = strings.Repeat("a", 64) + ".com" }, field: "hostname"},
		{name: "hostname too long", modify: func(r *CreateRequest) { r.Hostname = strings.Repeat("abcdefghi.", 26) + "com" }, field: "hostname"},
		{name: "hostname 63-byte label", modify: func(r *CreateRequest) { r.Hostname = strings.Repeat("a", 63) + ".com" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid()
			tt.modify(&r)
			err := r.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != tt.field {
				t.Fatalf("Validate = %v, want EINVALID on field %q", err, tt.field)
			}
		})
	}
}

func TestPowerActionValid(t *testing.T) {
	for _, a := range []PowerAction{PowerStart, PowerStop, PowerRestart} {
		if !a.Valid() {
			t.Errorf("%s reported invalid", a)
		}
	}
	if PowerAction("reinstall").Valid() {
		t.Error(`"reinstall" reported valid`)
	}
}
