package sqlstore

import (
	"context"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
	"ezscale.cloud/platform/billing"
)

// CreateCustomer inserts an account and its billing profile together.
func (s *Store) CreateCustomer(ctx context.Context, c *billing.Customer) error {
	if c.Email == "" {
		return platform.Invalid("email", "email is required")
	}
	return s.inTx(ctx, func(t *Store) error {
		now := platform.SystemClock{}.Now()
		id, err := t.q.UserInsert(ctx, dbsqlc.UserInsertParams{
			Email: c.Email, Role: "customer", Status: "active", CreatedAt: now, UpdatedAt: now,
		})
		if err != nil {
			return t.translate(err, "customer")
		}
		d := c.Details
		err = t.q.ProfileInsert(ctx, dbsqlc.ProfileInsertParams{
			UserID: id, Name: d.Name, Company: d.Company, Address: d.Address, City: d.City,
			Region: d.Region, Postal: d.Postal, Country: d.Country, VatID: d.VATID, TaxExempt: c.Tax.Exempt,
		})
		if err != nil {
			return t.translate(err, "customer profile")
		}
		c.ID = id
		return nil
	})
}

// GetCustomer returns the billing view of an account.
func (s *Store) GetCustomer(ctx context.Context, id int64) (*billing.Customer, error) {
	r, err := s.q.CustomerGetByID(ctx, id)
	if err != nil {
		return nil, s.translate(err, "customer")
	}
	d := billing.BillingDetails{
		Name: r.Name, Company: r.Company, Email: r.Email, Address: r.Address, City: r.City,
		Region: r.Region, Postal: r.Postal, Country: r.Country, VATID: r.VatID,
	}
	return &billing.Customer{
		ID: r.ID, Email: r.Email, Details: d,
		Tax: billing.TaxCustomer{Country: r.Country, Region: r.Region, VATID: r.VatID, Exempt: r.TaxExempt},
	}, nil
}

// SearchCustomers finds customers by a lower-cased part of their email,
// name or company.
func (s *Store) SearchCustomers(ctx context.Context, text string, beforeID int64) ([]billing.CustomerSummary, error) {
	rows, err := s.q.CustomerSearch(ctx, dbsqlc.CustomerSearchParams{
		Column1: text, INSTR: text, INSTR_2: text, INSTR_3: text, Column5: beforeID, ID: beforeID,
	})
	if err != nil {
		return nil, s.translate(err, "customers")
	}
	return fromRows(rows, func(r dbsqlc.CustomerSearchRow) billing.CustomerSummary {
		return billing.CustomerSummary{ID: r.ID, Email: r.Email, Name: r.Name, Company: r.Company, Country: r.Country,
			Status: r.Status, CreatedAt: r.CreatedAt.UTC()}
	}), nil
}
