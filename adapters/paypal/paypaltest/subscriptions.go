package paypaltest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

type product struct {
	ID, Name, Type, Description string
}

// plan keeps a billing plan as created, for GET and list calls.
type plan struct {
	ID, ProductID, Name, Status, Description string
	Cycles                                   []billingCycle
	Preferences                              any
	Currency                                 string
	Value                                    string // the REGULAR cycle's price
}

// Subscription is a subscription the fake holds, for tests to inspect.
type Subscription struct {
	ID        string
	PlanID    string
	Status    string // APPROVAL_PENDING, ACTIVE, SUSPENDED or CANCELLED
	CustomID  string
	ReturnURL string
	CancelURL string
	// Sales lists the ids of the recurring payments completed so far.
	Sales []string
}

// Subscriptions returns every subscription, in no particular order.
func (s *Server) Subscriptions() []Subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Subscription, 0, len(s.subscriptions))
	for _, sub := range s.subscriptions {
		out = append(out, *sub)
	}
	return out
}

// Plans returns the ids of every billing plan in creation order.
func (s *Server) Plans() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.planIDs...)
}

// Products returns the ids of every catalog product.
func (s *Server) Products() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.products))
	for id := range s.products {
		out = append(out, id)
	}
	return out
}

// createProduct is POST /v1/catalogs/products. The caller may choose the
// id (a SKU); PayPal refuses to reuse one.
func (s *Server) createProduct(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Type        string `json:"type"`
		Description string `json:"description"`
	}
	if e := decode(r, &req, false); e != nil {
		writeError(w, e)
		return
	}
	switch {
	case req.Name == "" || len(req.Name) > 127:
		writeError(w, invalid("/name", "INVALID_STRING_LENGTH", "The value of a field is either too short or too long."))
		return
	case req.Type != "PHYSICAL" && req.Type != "DIGITAL" && req.Type != "SERVICE":
		writeError(w, invalid("/type", "INVALID_PARAMETER_VALUE", "The value of a field is invalid."))
		return
	case req.ID != "" && (len(req.ID) < 6 || len(req.ID) > 50):
		writeError(w, invalid("/id", "INVALID_STRING_LENGTH", "The value of a field is either too short or too long."))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.ID == "" {
		req.ID = s.nextID("PROD-", 17)
	}
	if _, dup := s.products[req.ID]; dup {
		writeError(w, unprocessable("DUPLICATE_RESOURCE_IDENTIFIER", "The value of the field should not be duplicate."))
		return
	}
	p := &product{ID: req.ID, Name: req.Name, Type: req.Type, Description: req.Description}
	s.products[p.ID] = p
	writeJSON(w, http.StatusCreated, s.productJSON(p))
}

// getProduct is GET /v1/catalogs/products/{id}.
func (s *Server) getProduct(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.products[r.PathValue("id")]
	if !ok {
		writeError(w, notFound(r.PathValue("id")))
		return
	}
	writeJSON(w, http.StatusOK, s.productJSON(p))
}

func (s *Server) productJSON(p *product) map[string]any {
	return map[string]any{"id": p.ID, "name": p.Name, "type": p.Type, "description": p.Description,
		"create_time": now(), "update_time": now(),
		"links": []link{{Href: s.URL + "/v1/catalogs/products/" + p.ID, Rel: "self", Method: "GET"}}}
}

type billingCycle struct {
	Frequency struct {
		IntervalUnit  string `json:"interval_unit"`
		IntervalCount int    `json:"interval_count"`
	} `json:"frequency"`
	TenureType    string `json:"tenure_type"`
	Sequence      int    `json:"sequence"`
	TotalCycles   int    `json:"total_cycles"`
	PricingScheme *struct {
		FixedPrice *money `json:"fixed_price"`
	} `json:"pricing_scheme"`
}

// maxInterval is the largest interval_count PayPal allows per unit.
var maxInterval = map[string]int{"DAY": 365, "WEEK": 52, "MONTH": 12, "YEAR": 1}

// createPlan is POST /v1/billing/plans.
func (s *Server) createPlan(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ProductID          string         `json:"product_id"`
		Name               string         `json:"name"`
		Status             string         `json:"status"`
		Description        string         `json:"description"`
		BillingCycles      []billingCycle `json:"billing_cycles"`
		PaymentPreferences any            `json:"payment_preferences"`
	}
	if e := decode(r, &req, false); e != nil {
		writeError(w, e)
		return
	}
	p := &plan{ProductID: req.ProductID, Name: req.Name, Status: req.Status, Description: req.Description,
		Cycles: req.BillingCycles, Preferences: req.PaymentPreferences}
	if e := s.checkPlan(p); e != nil {
		writeError(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.products[p.ProductID]; !ok {
		writeError(w, invalid("/product_id", "INVALID_PARAMETER_VALUE", "The specified product does not exist."))
		return
	}
	p.ID = s.nextID("P-", 24)
	s.plans[p.ID] = p
	s.planIDs = append(s.planIDs, p.ID)
	writeJSON(w, http.StatusCreated, s.planJSON(p, true))
}

// checkPlan validates a plan as PayPal does and records its price.
func (s *Server) checkPlan(p *plan) *apiError {
	switch {
	case p.ProductID == "":
		return invalid("/product_id", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.")
	case p.Name == "" || len(p.Name) > 127:
		return invalid("/name", "INVALID_STRING_LENGTH", "The value of a field is either too short or too long.")
	case p.Status != "CREATED" && p.Status != "ACTIVE":
		return invalid("/status", "INVALID_PARAMETER_VALUE", "The value of a field is invalid.")
	case len(p.Cycles) == 0 || len(p.Cycles) > 12:
		return invalid("/billing_cycles", "INVALID_ARRAY_LENGTH", "The number of items in an array parameter is too small or too large.")
	}
	for i, c := range p.Cycles {
		field := "/billing_cycles/" + strconv.Itoa(i)
		if max, ok := maxInterval[c.Frequency.IntervalUnit]; !ok || c.Frequency.IntervalCount < 1 || c.Frequency.IntervalCount > max {
			return invalid(field+"/frequency", "INVALID_PARAMETER_VALUE", "The value of a field is invalid.")
		}
		if c.Sequence < 1 || c.Sequence > 99 || c.TotalCycles < 0 || c.TotalCycles > 999 {
			return invalid(field, "INVALID_PARAMETER_VALUE", "The value of a field is invalid.")
		}
		switch c.TenureType {
		case "TRIAL":
		case "REGULAR":
			if c.PricingScheme == nil {
				return invalid(field+"/pricing_scheme", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.")
			}
			if _, e := minor(field+"/pricing_scheme/fixed_price", c.PricingScheme.FixedPrice); e != nil {
				return e
			}
			p.Currency, p.Value = c.PricingScheme.FixedPrice.CurrencyCode, c.PricingScheme.FixedPrice.Value
		default:
			return invalid(field+"/tenure_type", "INVALID_PARAMETER_VALUE", "The value of a field is invalid.")
		}
	}
	if p.Currency == "" {
		return invalid("/billing_cycles", "MISSING_REQUIRED_PARAMETER", "A plan needs a REGULAR billing cycle.")
	}
	return nil
}

// listPlans is GET /v1/billing/plans with product_id, page_size (at most
// 20), page (from 1) and total_required.
func (s *Server) listPlans(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	size, page := 10, 1
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 20 {
			writeError(w, &apiError{http.StatusBadRequest, "INVALID_REQUEST", "Request is not well-formed, syntactically incorrect, or violates schema.",
				[]detail{{Field: "page_size", Location: "query", Issue: "INVALID_PARAMETER_VALUE", Description: "The value of a field is invalid."}}})
			return
		}
		size = n
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, &apiError{http.StatusBadRequest, "INVALID_REQUEST", "Request is not well-formed, syntactically incorrect, or violates schema.",
				[]detail{{Field: "page", Location: "query", Issue: "INVALID_PARAMETER_VALUE", Description: "The value of a field is invalid."}}})
			return
		}
		page = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []any
	for _, id := range s.planIDs {
		if p := s.plans[id]; q.Get("product_id") == "" || p.ProductID == q.Get("product_id") {
			match = append(match, s.planJSON(p, false))
		}
	}
	body := map[string]any{"plans": []any{}}
	if from := (page - 1) * size; from < len(match) {
		body["plans"] = match[from:min(from+size, len(match))]
	}
	if q.Get("total_required") == "true" {
		body["total_items"] = len(match)
		body["total_pages"] = (len(match) + size - 1) / size
	}
	writeJSON(w, http.StatusOK, body)
}

// getPlan is GET /v1/billing/plans/{id}.
func (s *Server) getPlan(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.plans[r.PathValue("id")]
	if !ok {
		writeError(w, notFound(r.PathValue("id")))
		return
	}
	writeJSON(w, http.StatusOK, s.planJSON(p, true))
}

// planJSON is a plan's representation; lists leave out the billing cycles
// and preferences, as PayPal's do.
func (s *Server) planJSON(p *plan, full bool) map[string]any {
	out := map[string]any{"id": p.ID, "product_id": p.ProductID, "name": p.Name, "status": p.Status,
		"description": p.Description, "usage_type": "LICENSED", "create_time": now(),
		"links": []link{{Href: s.URL + "/v1/billing/plans/" + p.ID, Rel: "self", Method: "GET"}}}
	if full {
		var cycles []any
		for _, c := range p.Cycles {
			cycle := map[string]any{"frequency": c.Frequency, "tenure_type": c.TenureType,
				"sequence": c.Sequence, "total_cycles": c.TotalCycles}
			if c.PricingScheme != nil {
				cycle["pricing_scheme"] = map[string]any{"version": 1, "fixed_price": c.PricingScheme.FixedPrice,
					"create_time": now(), "update_time": now()}
			}
			cycles = append(cycles, cycle)
		}
		out["billing_cycles"] = cycles
		out["payment_preferences"] = p.Preferences
	}
	return out
}

// createSubscription is POST /v1/billing/subscriptions.
func (s *Server) createSubscription(w http.ResponseWriter, r *http.Request) {
	var req struct {
		PlanID             string `json:"plan_id"`
		CustomID           string `json:"custom_id"`
		ApplicationContext *struct {
			ReturnURL string `json:"return_url"`
			CancelURL string `json:"cancel_url"`
		} `json:"application_context"`
	}
	if e := decode(r, &req, false); e != nil {
		writeError(w, e)
		return
	}
	if req.PlanID == "" {
		writeError(w, invalid("/plan_id", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing."))
		return
	}
	if len(req.CustomID) > 127 {
		writeError(w, invalid("/custom_id", "INVALID_STRING_LENGTH", "The value of a field is either too short or too long."))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.plans[req.PlanID]
	if !ok {
		writeError(w, unprocessable("INVALID_RESOURCE_ID", "Requested resource ID was not found."))
		return
	}
	if p.Status != "ACTIVE" {
		writeError(w, unprocessable("PLAN_STATUS_INVALID", "Invalid plan status for subscribe action; plan should be active."))
		return
	}
	sub := &Subscription{ID: s.nextID("I-", 12), PlanID: p.ID, Status: "APPROVAL_PENDING", CustomID: req.CustomID}
	if c := req.ApplicationContext; c != nil {
		sub.ReturnURL, sub.CancelURL = c.ReturnURL, c.CancelURL
	}
	s.subscriptions[sub.ID] = sub
	writeJSON(w, http.StatusCreated, s.subscriptionJSON(sub))
}

// getSubscription is GET /v1/billing/subscriptions/{id}.
func (s *Server) getSubscription(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.subscriptions[r.PathValue("id")]
	if !ok {
		writeError(w, notFound(r.PathValue("id")))
		return
	}
	writeJSON(w, http.StatusOK, s.subscriptionJSON(sub))
}

// subscriptionAction is POST /v1/billing/subscriptions/{id}/cancel,
// /suspend and /activate, each with a required reason, answering 204.
func (s *Server) subscriptionAction(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Reason string `json:"reason"`
	}
	if e := decode(r, &req, false); e != nil {
		writeError(w, e)
		return
	}
	if req.Reason == "" || len(req.Reason) > 128 {
		writeError(w, invalid("/reason", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing."))
		return
	}
	action := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	if _, e := s.transition(r.PathValue("id"), action); e != nil {
		writeError(w, e)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// transitions lists, per action, the statuses it may start from and the
// status it ends in.
var transitions = map[string]struct {
	from []string
	to   string
}{
	"approve":  {[]string{"APPROVAL_PENDING"}, "ACTIVE"},
	"activate": {[]string{"SUSPENDED"}, "ACTIVE"},
	"suspend":  {[]string{"ACTIVE"}, "SUSPENDED"},
	"cancel":   {[]string{"ACTIVE", "SUSPENDED"}, "CANCELLED"},
	"expire":   {[]string{"APPROVAL_PENDING"}, "EXPIRED"},
}

// transition moves a subscription by action and sends PayPal's webhook for
// its new status.
func (s *Server) transition(id, action string) (Delivery, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.subscriptions[id]
	if !ok {
		return Delivery{}, notFound(id)
	}
	t := transitions[action]
	allowed := false
	for _, from := range t.from {
		allowed = allowed || sub.Status == from
	}
	if !allowed {
		return Delivery{}, unprocessable("SUBSCRIPTION_STATUS_INVALID",
			"Invalid subscription status for "+action+" action; subscription status is "+sub.Status+".")
	}
	sub.Status = t.to
	event := map[string]string{"ACTIVE": "BILLING.SUBSCRIPTION.ACTIVATED", "SUSPENDED": "BILLING.SUBSCRIPTION.SUSPENDED",
		"CANCELLED": "BILLING.SUBSCRIPTION.CANCELLED", "EXPIRED": "BILLING.SUBSCRIPTION.EXPIRED"}[t.to]
	return s.deliver(event, "subscription", "Subscription "+sub.ID+" is "+sub.Status, s.subscriptionJSON(sub)), nil
}

// ActivateSubscription plays the buyer approving the subscription on
// PayPal, which activates it, and returns the BILLING.SUBSCRIPTION.ACTIVATED
// webhook delivery.
func (s *Server) ActivateSubscription(id string) (Delivery, error) {
	d, e := s.transition(id, "approve")
	if e != nil {
		return Delivery{}, e
	}
	return d, nil
}

// SuspendSubscription plays PayPal suspending the subscription (say, after
// failed payments) and returns the BILLING.SUBSCRIPTION.SUSPENDED delivery.
func (s *Server) SuspendSubscription(id string) (Delivery, error) {
	d, e := s.transition(id, "suspend")
	if e != nil {
		return Delivery{}, e
	}
	return d, nil
}

// CancelSubscription plays the buyer cancelling in their PayPal account and
// returns the BILLING.SUBSCRIPTION.CANCELLED delivery.
func (s *Server) CancelSubscription(id string) (Delivery, error) {
	d, e := s.transition(id, "cancel")
	if e != nil {
		return Delivery{}, e
	}
	return d, nil
}

// ExpireSubscription plays PayPal expiring a subscription the buyer never
// approved and returns the BILLING.SUBSCRIPTION.EXPIRED delivery.
func (s *Server) ExpireSubscription(id string) (Delivery, error) {
	d, e := s.transition(id, "expire")
	if e != nil {
		return Delivery{}, e
	}
	return d, nil
}

// CompleteSale plays PayPal billing one cycle of an active subscription at
// its plan's price and returns the PAYMENT.SALE.COMPLETED delivery, whose
// sale names the subscription as billing_agreement_id and carries its
// custom_id as custom.
func (s *Server) CompleteSale(subscriptionID string) (Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.subscriptions[subscriptionID]
	if !ok {
		return Delivery{}, notFound(subscriptionID)
	}
	if sub.Status != "ACTIVE" {
		return Delivery{}, unprocessable("SUBSCRIPTION_STATUS_INVALID", "subscription "+sub.ID+" is "+sub.Status)
	}
	p := s.plans[sub.PlanID]
	id := s.nextID("8S", 15)
	sub.Sales = append(sub.Sales, id)
	sale := map[string]any{
		"id": id, "state": "completed", "billing_agreement_id": sub.ID,
		"amount":         map[string]any{"total": p.Value, "currency": p.Currency, "details": map[string]string{"subtotal": p.Value}},
		"custom":         sub.CustomID,
		"invoice_number": "",
		"payment_mode":   "INSTANT_TRANSFER",
		"create_time":    now(), "update_time": now(),
		"links": []link{{Href: s.URL + "/v1/payments/sale/" + id, Rel: "self", Method: "GET"},
			{Href: s.URL + "/v1/payments/sale/" + id + "/refund", Rel: "refund", Method: "POST"}},
	}
	return s.deliver("PAYMENT.SALE.COMPLETED", "sale", "Payment completed for "+p.Value+" "+p.Currency, sale), nil
}

// subscriptionJSON is a subscription's representation. It must be called
// with s.mu held.
func (s *Server) subscriptionJSON(sub *Subscription) map[string]any {
	out := map[string]any{
		"id": sub.ID, "plan_id": sub.PlanID, "status": sub.Status, "custom_id": sub.CustomID, "quantity": "1",
		"status_update_time": now(), "create_time": now(),
	}
	links := []link{{Href: s.URL + "/v1/billing/subscriptions/" + sub.ID, Rel: "self", Method: "GET"}}
	if sub.Status == "APPROVAL_PENDING" {
		links = append(links, link{Href: s.URL + "/webapps/billing/subscriptions?ba_token=BA-" + sub.ID[2:], Rel: "approve", Method: "GET"})
	}
	out["links"] = links
	if sub.Status == "ACTIVE" {
		out["billing_info"] = map[string]any{"failed_payments_count": 0,
			"next_billing_time": time.Now().UTC().AddDate(0, 1, 0).Format(time.RFC3339)}
	}
	return out
}
