package httpapi

import (
	"strconv"

	"ezscale.cloud/platform/billing"
)

// optionInput is a plan's configurable option as staff type it. In an edit,
// an option with an id is that option changed in place (subscriptions
// keep pointing at it); one without is new; one left out is retired.
type optionInput struct {
	ID       int64              `json:"id,omitempty" minimum:"0" doc:"An existing option's id; absent for a new option."`
	Code     string             `json:"code" minLength:"1" maxLength:"64" doc:"How panels know the option; an existing option keeps its code."`
	Name     string             `json:"name" minLength:"1" maxLength:"191"`
	Unit     string             `json:"unit,omitempty" maxLength:"64" doc:"What one unit is, e.g. address or GB."`
	MinUnits int64              `json:"min_units" minimum:"0"`
	MaxUnits int64              `json:"max_units" minimum:"0"`
	Prices   []optionPriceInput `json:"prices" maxItems:"50"`
}

// optionPriceInput is an option's price per unit per cycle; options have no
// setup fee.
type optionPriceInput struct {
	Currency string `json:"currency" pattern:"^[A-Za-z]{3}$"`
	Cycle    string `json:"cycle" enum:"hourly,monthly,quarterly,semiannual,annual"`
	Amount   string `json:"amount" maxLength:"24" doc:"Per unit per cycle, a decimal in the currency, e.g. 2.00"`
}

// optionsIn reads a plan's options as staff typed them, naming the field
// at fault by its index.
func optionsIn(in []optionInput) ([]billing.ConfigOption, error) {
	out := []billing.ConfigOption{}
	for i, o := range in {
		prices := make([]priceInput, 0, len(o.Prices))
		for _, pr := range o.Prices {
			prices = append(prices, priceInput{Currency: pr.Currency, Cycle: pr.Cycle, Amount: pr.Amount})
		}
		parsed, err := pricesIn("options["+strconv.Itoa(i)+"].prices", prices)
		if err != nil {
			return nil, err
		}
		out = append(out, billing.ConfigOption{ID: o.ID, Code: o.Code, Name: o.Name, Unit: o.Unit,
			MinUnits: o.MinUnits, MaxUnits: o.MaxUnits, Prices: parsed})
	}
	return out, nil
}
