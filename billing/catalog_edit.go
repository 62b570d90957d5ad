package billing

import (
	"context"
	"fmt"
	"slices"

	"ezscale.cloud/platform"
)

// PlanTerms is what a live subscription on a plan renews at: its price's
// currency and cycle, and the options it holds.
type PlanTerms struct {
	Currency string
	Cycle    Cycle
	Options  []OptionChoice
}

// UpdatePlan edits a plan: its name, status, stock, trial, features,
// prices, upgrade targets and options; its code and type stay. New prices
// apply to renewals from now on; invoices already issued keep theirs.
// Options with an id are edited in place, so subscriptions keep pointing at
// them; options without one are added; options left out are retired. An
// edit that would leave a live subscription unable to renew at what it has
// (its price, an option it holds, that option's price or unit range) is an
// ECONFLICT naming the field, and changes nothing.
func (s *Service) UpdatePlan(ctx context.Context, p *Plan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx Store) error {
		current, err := tx.GetPlan(ctx, p.ID)
		if err != nil {
			return err
		}
		if err := p.keepsOptionIdentity(current); err != nil {
			return err
		}
		terms, err := tx.ListPlanTerms(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, t := range terms {
			if err := p.keepsTerms(current, t); err != nil {
				return err
			}
		}
		return tx.UpdatePlan(ctx, p)
	})
}

// keepsOptionIdentity checks that each edited option with an id is one of
// the plan's, once, and keeps its code: panels are told options by code,
// so a new code is a new option.
func (p *Plan) keepsOptionIdentity(current *Plan) error {
	seen := map[int64]bool{}
	for i, o := range p.Options {
		if o.ID == 0 {
			continue
		}
		field := fmt.Sprintf("options[%d]", i)
		was, ok := current.Option(o.ID)
		switch {
		case !ok:
			return platform.Invalid(field+".id", "plan %s has no option %d", current.Code, o.ID)
		case seen[o.ID]:
			return platform.Invalid(field+".id", "option %d is listed twice", o.ID)
		case o.Code != was.Code:
			return platform.Invalid(field+".code", "option %s keeps its code; add a new option instead", was.Code)
		}
		seen[o.ID] = true
	}
	return nil
}

// keepsTerms checks that a live subscription with terms t can still renew
// on the edited plan p, naming the field that would break it.
func (p *Plan) keepsTerms(current *Plan, t PlanTerms) error {
	if _, err := p.Price(t.Currency, t.Cycle); err != nil {
		return conflict("prices", "subscribers renew at the %s %s price; keep it (change its amount if you must) or move them first", t.Currency, t.Cycle)
	}
	for _, ch := range t.Options {
		if ch.Units == 0 {
			continue // a choice of none holds nothing
		}
		i := slices.IndexFunc(p.Options, func(o ConfigOption) bool { return o.ID == ch.OptionID })
		if i < 0 {
			was, _ := current.Option(ch.OptionID)
			return conflict("options", "subscribers hold option %s; it cannot be removed while they do", was.Code)
		}
		if err := p.Options[i].keepsChoice(fmt.Sprintf("options[%d]", i), t, ch); err != nil {
			return err
		}
	}
	return nil
}

// keepsChoice checks that the option, at index field of its plan, still
// prices a subscription's units in its currency and cycle.
func (o ConfigOption) keepsChoice(field string, t PlanTerms, ch OptionChoice) error {
	if _, err := o.UnitPrice(t.Currency, t.Cycle); err != nil {
		return conflict(field+".prices", "subscribers renew option %s at its %s %s price; keep it (change its amount if you must)", o.Code, t.Currency, t.Cycle)
	}
	if ch.Units < o.MinUnits {
		return conflict(field+".min_units", "subscribers hold %d units of option %s; the minimum cannot be above that", ch.Units, o.Code)
	}
	if ch.Units > o.MaxUnits {
		return conflict(field+".max_units", "subscribers hold %d units of option %s; the maximum cannot be below that", ch.Units, o.Code)
	}
	return nil
}

// conflict is an ECONFLICT about one input field: the input is well formed
// but would break what others already rely on.
func conflict(field, format string, args ...any) *platform.Error {
	return &platform.Error{Code: platform.ECONFLICT, Field: field, Message: fmt.Sprintf(format, args...)}
}
