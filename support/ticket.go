package support

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"ezscale.cloud/platform"
)

// TicketStatus is where a ticket stands in the helpdesk's workflow.
type TicketStatus string

// The ticket statuses the platform knows. Helpdesk adapters map the
// helpdesk's own statuses onto these.
const (
	TicketOpen              TicketStatus = "open"
	TicketWaitingOnCustomer TicketStatus = "waiting_on_customer"
	TicketWaitingOnStaff    TicketStatus = "waiting_on_staff"
	TicketOnHold            TicketStatus = "on_hold"
	TicketClosed            TicketStatus = "closed"
)

// Valid reports whether s is one of the known ticket statuses.
func (s TicketStatus) Valid() bool {
	switch s {
	case TicketOpen, TicketWaitingOnCustomer, TicketWaitingOnStaff, TicketOnHold, TicketClosed:
		return true
	}
	return false
}

// Ticket is the platform's mirror of one helpdesk ticket. ID and CustomerID
// are ours and are set by the mirror; ExternalID is the helpdesk's id.
// Priority and Department are the helpdesk's names for them.
type Ticket struct {
	ID          int64
	ExternalID  string
	CustomerID  int64
	Subject     string
	Status      TicketStatus
	Priority    string
	Department  string
	LastReplyAt time.Time
	UpdatedAt   time.Time
}

// Message is one post in a ticket's thread, from the customer or staff.
type Message struct {
	ExternalID string
	FromStaff  bool
	AuthorName string
	Body       string
	CreatedAt  time.Time
}

// maxSubjectLen is the longest subject, in characters, a ticket may have.
const maxSubjectLen = 255

// NewTicket is a ticket a customer opens. CustomerEmail identifies the
// customer to the helpdesk, which creates its own user for an unknown
// address; it comes from the logged-in account, already validated.
type NewTicket struct {
	CustomerEmail string
	Subject       string
	Body          string
	Department    string
}

// Validate checks that the ticket has an author, a subject of at most 255
// characters, a body and a department.
func (t NewTicket) Validate() error {
	if strings.TrimSpace(t.CustomerEmail) == "" {
		return platform.Invalid("customer_email", "customer email is required")
	}
	if strings.TrimSpace(t.Subject) == "" {
		return platform.Invalid("subject", "subject is required")
	}
	if utf8.RuneCountInString(t.Subject) > maxSubjectLen {
		return platform.Invalid("subject", "subject is longer than %d characters", maxSubjectLen)
	}
	if strings.TrimSpace(t.Body) == "" {
		return platform.Invalid("body", "message is required")
	}
	if strings.TrimSpace(t.Department) == "" {
		return platform.Invalid("department", "department is required")
	}
	return nil
}

// Helpdesk is the port to the helpdesk that owns tickets. Tickets it
// returns carry the helpdesk's ExternalID and leave ID and CustomerID zero
// for the mirror to fill in. An unknown ticket is ENOTFOUND.
type Helpdesk interface {
	// ListTickets returns the tickets of one customer, named by the
	// customer's reference in the helpdesk, most recently updated first.
	ListTickets(ctx context.Context, customerExternalRef string) ([]Ticket, error)
	// GetTicket returns a ticket and its messages, oldest first.
	GetTicket(ctx context.Context, externalID string) (Ticket, []Message, error)
	// CreateTicket opens a ticket with its first message.
	CreateTicket(ctx context.Context, t NewTicket) (Ticket, error)
	// Reply adds a message from the ticket's customer and returns it.
	Reply(ctx context.Context, externalID, body string) (Message, error)
}
