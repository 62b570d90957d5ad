package support

import (
	"strings"
	"testing"

	"ezscale.cloud/platform"
)

func TestNewTicketValidate(t *testing.T) {
	valid := func() NewTicket {
		return NewTicket{
			CustomerEmail: "ada@example.com",
			Subject:       "VPS does not boot",
			Body:          "It hangs at GRUB since the reboot.",
			Department:    "Technical",
		}
	}
	tests := []struct {
		name   string
		modify func(*NewTicket)
		field  string
	}{
		{name: "valid", modify: func(*NewTicket) {}},
		{name: "255-character subject", modify: func(n *NewTicket) { n.Subject = strings.Repeat("é", 255) }},
		{name: "no email", modify: func(n *NewTicket) { n.CustomerEmail = "" }, field: "customer_email"},
		{name: "blank subject", modify: func(n *NewTicket) { n.Subject = "\t" }, field: "subject"},
		{name: "long subject", modify: func(n *NewTicket) { n.Subject = strings.Repeat("a", 256) }, field: "subject"},
		{name: "blank body", modify: func(n *NewTicket) { n.Body = "  " }, field: "body"},
		{name: "no department", modify: func(n *NewTicket) { n.Department = "" }, field: "department"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := valid()
			tt.modify(&n)
			err := n.Validate()
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

func TestTicketStatusValid(t *testing.T) {
	for _, s := range []TicketStatus{TicketOpen, TicketWaitingOnCustomer, TicketWaitingOnStaff, TicketOnHold, TicketClosed} {
		if !s.Valid() {
			t.Errorf("%s reported invalid", s)
		}
	}
	if TicketStatus("resolved").Valid() {
		t.Error(`"resolved" reported valid`)
	}
}
