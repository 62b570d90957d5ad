package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
	"ezscale.cloud/platform/billing"
)

// CreatePlan inserts a plan with its prices, upgrade targets and options.
func (s *Store) CreatePlan(ctx context.Context, p *billing.Plan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	features, err := json.Marshal(p.Features)
	if err != nil {
		return platform.Invalid("features", "features are not JSON: %v", err)
	}
	if p.Features == nil {
		features = []byte("{}")
	}
	return s.inTx(ctx, func(t *Store) error {
		now := platform.SystemClock{}.Now()
		if p.CreatedAt.IsZero() {
			p.CreatedAt = now
		}
		var stock sql.NullInt64
		if p.Stock != nil {
			stock = sql.NullInt64{Int64: *p.Stock, Valid: true}
		}
		id, err := t.q.PlanInsert(ctx, dbsqlc.PlanInsertParams{
			Code: p.Code, Name: p.Name, ServiceType: string(p.Type), Status: string(p.Status),
			FeaturesJson: string(features), Stock: stock, TrialDays: int64(p.TrialDays),
			CreatedAt: p.CreatedAt, UpdatedAt: now,
		})
		if err != nil {
			return t.translate(err, "plan "+p.Code)
		}
		p.ID = id
		for _, pr := range p.Prices {
			err := t.q.PlanPriceInsert(ctx, dbsqlc.PlanPriceInsertParams{
				PlanID: id, Currency: pr.Currency, Cycle: string(pr.Cycle), Amount: pr.Amount, SetupFee: pr.SetupFee,
			})
			if err != nil {
				return t.translate(err, "plan price")
			}
		}
		for _, target := range p.UpgradeTargets {
			if err := t.q.PlanUpgradeInsert(ctx, dbsqlc.PlanUpgradeInsertParams{PlanID: id, TargetPlanID: target}); err != nil {
				return t.translate(err, "plan upgrade target")
			}
		}
		for i := range p.Options {
			if err := t.insertOption(ctx, id, &p.Options[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// insertOption inserts a plan's option with its prices and sets its id.
func (s *Store) insertOption(ctx context.Context, planID int64, o *billing.ConfigOption) error {
	oid, err := s.q.ConfigOptionInsert(ctx, dbsqlc.ConfigOptionInsertParams{
		PlanID: planID, Code: o.Code, Name: o.Name, Unit: o.Unit, MinUnits: o.MinUnits, MaxUnits: o.MaxUnits,
	})
	if err != nil {
		return s.translate(err, "option "+o.Code)
	}
	o.ID = oid
	return s.insertOptionPrices(ctx, o)
}

func (s *Store) insertOptionPrices(ctx context.Context, o *billing.ConfigOption) error {
	for _, pr := range o.Prices {
		err := s.q.ConfigOptionPriceInsert(ctx, dbsqlc.ConfigOptionPriceInsertParams{
			OptionID: o.ID, Currency: pr.Currency, Cycle: string(pr.Cycle), UnitAmount: pr.Amount,
		})
		if err != nil {
			return s.translate(err, "option price")
		}
	}
	return nil
}

// ListPlanTerms returns what the live subscriptions on a plan renew at.
func (s *Store) ListPlanTerms(ctx context.Context, planID int64) ([]billing.PlanTerms, error) {
	rows, err := s.q.PlanTermsInUse(ctx, planID)
	if err != nil {
		return nil, s.translate(err, "plan terms in use")
	}
	terms := make([]billing.PlanTerms, 0, len(rows))
	for _, r := range rows {
		t := billing.PlanTerms{Currency: r.Currency, Cycle: billing.Cycle(r.Cycle)}
		if err := json.Unmarshal([]byte(r.OptionsJson), &t.Options); err != nil {
			return nil, s.translate(err, "subscription options")
		}
		terms = append(terms, t)
	}
	return terms, nil
}

// UpdatePlan stores a plan's name, status, features, stock, trial, prices,
// upgrade targets and options; its code and type stay. Options keep their
// ids, which subscriptions hold.
func (s *Store) UpdatePlan(ctx context.Context, p *billing.Plan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	features, err := json.Marshal(p.Features)
	if err != nil || p.Features == nil {
		features = []byte("{}")
	}
	return s.inTx(ctx, func(t *Store) error {
		var stock sql.NullInt64
		if p.Stock != nil {
			stock = sql.NullInt64{Int64: *p.Stock, Valid: true}
		}
		now := platform.SystemClock{}.Now()
		n, err := t.q.PlanUpdate(ctx, dbsqlc.PlanUpdateParams{Name: p.Name, Status: string(p.Status), FeaturesJson: string(features),
			Stock: stock, TrialDays: int64(p.TrialDays), UpdatedAt: now, ID: p.ID})
		if err := t.rowChanged(n, err, "plan"); err != nil {
			return err
		}
		if err := t.q.PlanPriceDeleteByPlan(ctx, p.ID); err != nil {
			return t.translate(err, "plan prices")
		}
		for _, pr := range p.Prices {
			err := t.q.PlanPriceInsert(ctx, dbsqlc.PlanPriceInsertParams{
				PlanID: p.ID, Currency: pr.Currency, Cycle: string(pr.Cycle), Amount: pr.Amount, SetupFee: pr.SetupFee,
			})
			if err != nil {
				return t.translate(err, "plan price")
			}
		}
		if err := t.q.PlanUpgradeDeleteByPlan(ctx, p.ID); err != nil {
			return t.translate(err, "plan upgrade targets")
		}
		for _, target := range p.UpgradeTargets {
			if err := t.q.PlanUpgradeInsert(ctx, dbsqlc.PlanUpgradeInsertParams{PlanID: p.ID, TargetPlanID: target}); err != nil {
				return t.translate(err, "plan upgrade target")
			}
		}
		return t.updateOptions(ctx, p, now)
	})
}

// updateOptions makes the plan's stored options p's: it retires the ones p
// left out, updates the ones p kept in place and inserts the new ones.
func (s *Store) updateOptions(ctx context.Context, p *billing.Plan, now time.Time) error {
	stored, err := s.q.ConfigOptionListByPlan(ctx, p.ID)
	if err != nil {
		return s.translate(err, "plan options")
	}
	for _, o := range stored {
		if _, kept := p.Option(o.ID); kept {
			continue
		}
		err := s.q.ConfigOptionRetire(ctx, dbsqlc.ConfigOptionRetireParams{RetiredAt: sql.NullTime{Time: now, Valid: true}, ID: o.ID, PlanID: p.ID})
		if err != nil {
			return s.translate(err, "option "+o.Code)
		}
	}
	for i := range p.Options {
		o := &p.Options[i]
		if o.ID == 0 {
			if err := s.insertOption(ctx, p.ID, o); err != nil {
				return err
			}
			continue
		}
		err := s.q.ConfigOptionUpdate(ctx, dbsqlc.ConfigOptionUpdateParams{
			Name: o.Name, Unit: o.Unit, MinUnits: o.MinUnits, MaxUnits: o.MaxUnits, ID: o.ID, PlanID: p.ID,
		})
		if err != nil {
			return s.translate(err, "option "+o.Code)
		}
		// Option prices have no identity of their own: nothing refers to
		// them, so they are replaced.
		if err := s.q.ConfigOptionPriceDeleteByOption(ctx, o.ID); err != nil {
			return s.translate(err, "option prices")
		}
		if err := s.insertOptionPrices(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

// GetPlan returns a plan with its prices, upgrade targets and options.
func (s *Store) GetPlan(ctx context.Context, id int64) (*billing.Plan, error) {
	r, err := s.q.PlanGetByID(ctx, id)
	if err != nil {
		return nil, s.translate(err, "plan")
	}
	return s.loadPlan(ctx, r)
}

// ListPlans returns every plan in id order, in five queries however many
// plans there are: the catalog is read on every storefront page.
func (s *Store) ListPlans(ctx context.Context) ([]*billing.Plan, error) {
	rows, err := s.q.PlanList(ctx)
	if err != nil {
		return nil, s.translate(err, "plans")
	}
	var parts planParts
	if parts.prices, err = s.q.PlanPriceListAll(ctx); err != nil {
		return nil, s.translate(err, "plan prices")
	}
	if parts.upgrades, err = s.q.PlanUpgradeListAll(ctx); err != nil {
		return nil, s.translate(err, "plan upgrades")
	}
	if parts.options, err = s.q.ConfigOptionListAll(ctx); err != nil {
		return nil, s.translate(err, "plan options")
	}
	if parts.optionPrices, err = s.q.ConfigOptionPriceListAll(ctx); err != nil {
		return nil, s.translate(err, "plan option prices")
	}
	plans := make([]*billing.Plan, 0, len(rows))
	for _, r := range rows {
		p, err := parts.plan(r)
		if err != nil {
			return nil, s.translate(err, "plan features")
		}
		plans = append(plans, p)
	}
	return plans, nil
}

// PlanNames names every plan, retired ones included, in one query: lists
// of services show their plan's name without loading the catalog.
func (s *Store) PlanNames(ctx context.Context) (map[int64]string, error) {
	rows, err := s.q.PlanNames(ctx)
	if err != nil {
		return nil, s.translate(err, "plan names")
	}
	names := make(map[int64]string, len(rows))
	for _, r := range rows {
		names[r.ID] = r.Name
	}
	return names, nil
}

func (s *Store) loadPlan(ctx context.Context, r dbsqlc.Plan) (*billing.Plan, error) {
	var parts planParts
	var err error
	if parts.prices, err = s.q.PlanPriceListByPlan(ctx, r.ID); err != nil {
		return nil, s.translate(err, "plan prices")
	}
	targets, err := s.q.PlanUpgradeListByPlan(ctx, r.ID)
	if err != nil {
		return nil, s.translate(err, "plan upgrades")
	}
	for _, t := range targets {
		parts.upgrades = append(parts.upgrades, dbsqlc.PlanUpgrade{PlanID: r.ID, TargetPlanID: t})
	}
	if parts.options, err = s.q.ConfigOptionListByPlan(ctx, r.ID); err != nil {
		return nil, s.translate(err, "plan options")
	}
	if parts.optionPrices, err = s.q.ConfigOptionPriceListByPlan(ctx, r.ID); err != nil {
		return nil, s.translate(err, "plan option prices")
	}
	p, err := parts.plan(r)
	if err != nil {
		return nil, s.translate(err, "plan features")
	}
	return p, nil
}

// planParts are the rows a plan is made of, of one plan or of all.
type planParts struct {
	prices       []dbsqlc.PlanPrice
	upgrades     []dbsqlc.PlanUpgrade
	options      []dbsqlc.ConfigOption
	optionPrices []dbsqlc.ConfigOptionPrice
}

// plan assembles plan row r from the parts that belong to it.
func (parts *planParts) plan(r dbsqlc.Plan) (*billing.Plan, error) {
	p := &billing.Plan{
		ID: r.ID, Code: r.Code, Name: r.Name, Type: billing.ServiceType(r.ServiceType),
		Status: billing.PlanStatus(r.Status), TrialDays: int(r.TrialDays), CreatedAt: r.CreatedAt.UTC(),
	}
	if err := json.Unmarshal([]byte(r.FeaturesJson), &p.Features); err != nil {
		return nil, err
	}
	if r.Stock.Valid {
		stock := r.Stock.Int64
		p.Stock = &stock
	}
	for _, pr := range parts.prices {
		if pr.PlanID == r.ID {
			p.Prices = append(p.Prices, billing.Price{Currency: pr.Currency, Cycle: billing.Cycle(pr.Cycle), Amount: pr.Amount, SetupFee: pr.SetupFee})
		}
	}
	for _, u := range parts.upgrades {
		if u.PlanID == r.ID {
			p.UpgradeTargets = append(p.UpgradeTargets, u.TargetPlanID)
		}
	}
	for _, o := range parts.options {
		if o.PlanID != r.ID {
			continue
		}
		opt := billing.ConfigOption{ID: o.ID, Code: o.Code, Name: o.Name, Unit: o.Unit, MinUnits: o.MinUnits, MaxUnits: o.MaxUnits}
		for _, op := range parts.optionPrices {
			if op.OptionID == o.ID {
				opt.Prices = append(opt.Prices, billing.Price{Currency: op.Currency, Cycle: billing.Cycle(op.Cycle), Amount: op.UnitAmount})
			}
		}
		p.Options = append(p.Options, opt)
	}
	return p, nil
}

// ReturnStock gives a unit back to a stock-tracked plan.
func (s *Store) ReturnStock(ctx context.Context, planID int64, now time.Time) error {
	err := s.writeQ().PlanReturnStock(ctx, dbsqlc.PlanReturnStockParams{UpdatedAt: now, ID: planID})
	return s.translate(err, "plan stock")
}

// TakeStock takes one unit of a stock-tracked plan; plans without stock
// tracking always have one.
func (s *Store) TakeStock(ctx context.Context, planID int64, now time.Time) error {
	p, err := s.writeQ().PlanGetByID(ctx, planID)
	if err != nil {
		return s.translate(err, "plan")
	}
	if !p.Stock.Valid {
		return nil
	}
	n, err := s.writeQ().PlanDecrementStock(ctx, dbsqlc.PlanDecrementStockParams{UpdatedAt: now, ID: planID})
	if err != nil {
		return s.translate(err, "plan stock")
	}
	if n == 0 {
		return platform.Errorf(platform.ECONFLICT, "plan %s is out of stock", p.Code)
	}
	return nil
}
