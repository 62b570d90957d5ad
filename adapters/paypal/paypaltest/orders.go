package paypaltest

import (
	"net/http"
)

// Order is an order the fake holds, for tests to inspect.
type Order struct {
	ID        string
	Status    string // CREATED, APPROVED or COMPLETED
	Currency  string
	Value     string
	CustomID  string
	InvoiceID string
	ReturnURL string
	CancelURL string
	CaptureID string
	// RequestID is the PayPal-Request-Id the order was created with.
	RequestID string
}

// Capture is a captured payment the fake holds, for tests to inspect.
type Capture struct {
	ID       string
	OrderID  string
	Status   string // COMPLETED, PARTIALLY_REFUNDED or REFUNDED
	Currency string
	Value    string
	Refunded string
	refunded int64
	amount   int64
}

// Orders returns every order in creation order.
func (s *Server) Orders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Order, 0, len(s.orderIDs))
	for _, id := range s.orderIDs {
		out = append(out, *s.orders[id])
	}
	return out
}

// Captures returns every capture in the order they were made.
func (s *Server) Captures() []Capture {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Capture, 0, len(s.captureIDs))
	for _, id := range s.captureIDs {
		out = append(out, *s.captures[id])
	}
	return out
}

// Approve plays the buyer approving the order on PayPal's approve page.
func (s *Server) Approve(orderID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[orderID]
	if !ok {
		return notFound(orderID)
	}
	if o.Status != "CREATED" {
		return unprocessable("ORDER_NOT_APPROVABLE", "order "+orderID+" is "+o.Status)
	}
	o.Status = "APPROVED"
	return nil
}

type purchaseUnitRequest struct {
	ReferenceID string `json:"reference_id"`
	Amount      *money `json:"amount"`
	CustomID    string `json:"custom_id"`
	InvoiceID   string `json:"invoice_id"`
}

type createOrderRequest struct {
	Intent             string                `json:"intent"`
	PurchaseUnits      []purchaseUnitRequest `json:"purchase_units"`
	ApplicationContext *struct {
		ReturnURL string `json:"return_url"`
		CancelURL string `json:"cancel_url"`
	} `json:"application_context"`
}

// createOrder is POST /v2/checkout/orders.
func (s *Server) createOrder(w http.ResponseWriter, r *http.Request) {
	var req createOrderRequest
	if e := decode(r, &req, false); e != nil {
		writeError(w, e)
		return
	}
	s.idempotent(w, r, func() (int, any, *apiError) {
		switch {
		case req.Intent == "":
			return 0, nil, invalid("/intent", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.")
		case req.Intent != "CAPTURE":
			return 0, nil, invalid("/intent", "INVALID_PARAMETER_VALUE", "The fake supports intent CAPTURE only.")
		case len(req.PurchaseUnits) == 0:
			return 0, nil, invalid("/purchase_units", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.")
		case len(req.PurchaseUnits) > 1:
			return 0, nil, invalid("/purchase_units", "INVALID_ARRAY_MAX_ITEMS", "The fake supports one purchase unit.")
		}
		pu := req.PurchaseUnits[0]
		if len(pu.CustomID) > 127 || len(pu.InvoiceID) > 127 {
			return 0, nil, invalid("/purchase_units/0", "INVALID_STRING_LENGTH", "The value of a field is either too short or too long.")
		}
		if _, e := minor("/purchase_units/@reference_id=='default'/amount", pu.Amount); e != nil {
			return 0, nil, e
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		o := &Order{
			ID: s.nextID("5O", 15), Status: "CREATED", Currency: pu.Amount.CurrencyCode, Value: pu.Amount.Value,
			CustomID: pu.CustomID, InvoiceID: pu.InvoiceID, RequestID: r.Header.Get("PayPal-Request-Id"),
		}
		if c := req.ApplicationContext; c != nil {
			o.ReturnURL, o.CancelURL = c.ReturnURL, c.CancelURL
		}
		s.orders[o.ID] = o
		s.orderIDs = append(s.orderIDs, o.ID)
		if r.Header.Get("Prefer") == "return=representation" {
			return http.StatusCreated, s.orderJSON(o), nil
		}
		return http.StatusCreated, map[string]any{"id": o.ID, "status": o.Status, "links": s.orderLinks(o)}, nil
	})
}

// getOrder is GET /v2/checkout/orders/{id}.
func (s *Server) getOrder(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[r.PathValue("id")]
	if !ok {
		writeError(w, notFound(r.PathValue("id")))
		return
	}
	writeJSON(w, http.StatusOK, s.orderJSON(o))
}

// captureOrder is POST /v2/checkout/orders/{id}/capture.
func (s *Server) captureOrder(w http.ResponseWriter, r *http.Request) {
	var req struct {
		PaymentSource any `json:"payment_source"`
	}
	if e := decode(r, &req, true); e != nil {
		writeError(w, e)
		return
	}
	s.idempotent(w, r, func() (int, any, *apiError) {
		s.mu.Lock()
		defer s.mu.Unlock()
		o, ok := s.orders[r.PathValue("id")]
		switch {
		case !ok:
			return 0, nil, notFound(r.PathValue("id"))
		case o.Status == "COMPLETED":
			return 0, nil, unprocessable("ORDER_ALREADY_CAPTURED",
				"Order already captured. If 'intent=CAPTURE' only one capture per order is allowed.")
		case o.Status != "APPROVED":
			return 0, nil, unprocessable("ORDER_NOT_APPROVED",
				"Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source in the request.")
		}
		amount, _ := minor("", &money{o.Currency, o.Value})
		c := &Capture{ID: s.nextID("3C", 15), OrderID: o.ID, Status: "COMPLETED",
			Currency: o.Currency, Value: o.Value, Refunded: format(o.Currency, 0).Value, amount: amount}
		s.captures[c.ID] = c
		s.captureIDs = append(s.captureIDs, c.ID)
		o.Status, o.CaptureID = "COMPLETED", c.ID
		resource := s.captureJSON(c, o)
		resource["supplementary_data"] = map[string]any{"related_ids": map[string]string{"order_id": o.ID}}
		s.deliver("PAYMENT.CAPTURE.COMPLETED", "capture", "Payment completed for "+o.Value+" "+o.Currency, resource)
		return http.StatusCreated, s.orderJSON(o), nil
	})
}

// refundCapture is POST /v2/payments/captures/{id}/refund. Without an
// amount it refunds what is left of the capture.
func (s *Server) refundCapture(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Amount *money `json:"amount"`
	}
	if e := decode(r, &req, true); e != nil {
		writeError(w, e)
		return
	}
	s.idempotent(w, r, func() (int, any, *apiError) {
		s.mu.Lock()
		defer s.mu.Unlock()
		c, ok := s.captures[r.PathValue("id")]
		if !ok {
			return 0, nil, notFound(r.PathValue("id"))
		}
		left := c.amount - c.refunded
		if left == 0 {
			return 0, nil, unprocessable("CAPTURE_FULLY_REFUNDED", "The capture has already been fully refunded.")
		}
		n := left
		if req.Amount != nil {
			var e *apiError
			if n, e = minor("/amount", req.Amount); e != nil {
				return 0, nil, e
			}
			if req.Amount.CurrencyCode != c.Currency {
				return 0, nil, unprocessable("CURRENCY_MISMATCH", "Refund must be in the same currency as the capture.")
			}
			if n > left {
				return 0, nil, unprocessable("REFUND_AMOUNT_EXCEEDED", "The refund amount must be less than or equal to the capture amount that has not yet been refunded.")
			}
		}
		c.refunded += n
		c.Refunded = format(c.Currency, c.refunded).Value
		c.Status = "PARTIALLY_REFUNDED"
		if c.refunded == c.amount {
			c.Status = "REFUNDED"
		}
		id := s.nextID("1R", 15)
		amount := format(c.Currency, n)
		links := []link{
			{Href: s.URL + "/v2/payments/refunds/" + id, Rel: "self", Method: "GET"},
			{Href: s.URL + "/v2/payments/captures/" + c.ID, Rel: "up", Method: "GET"},
		}
		refund := map[string]any{"id": id, "status": "COMPLETED", "amount": amount,
			"invoice_id": s.orders[c.OrderID].InvoiceID, "custom_id": s.orders[c.OrderID].CustomID,
			"create_time": now(), "update_time": now(), "links": links}
		s.deliver("PAYMENT.CAPTURE.REFUNDED", "refund", "A "+amount.Value+" "+amount.CurrencyCode+" capture payment was refunded", refund)
		if r.Header.Get("Prefer") == "return=representation" {
			return http.StatusCreated, refund, nil
		}
		return http.StatusCreated, map[string]any{"id": id, "status": "COMPLETED", "links": links}, nil
	})
}

// orderLinks are the HATEOAS links of an order; approve is where the
// buyer is sent. It must be called with s.mu held.
func (s *Server) orderLinks(o *Order) []link {
	self := s.URL + "/v2/checkout/orders/" + o.ID
	return []link{
		{Href: self, Rel: "self", Method: "GET"},
		{Href: s.URL + "/checkoutnow?token=" + o.ID, Rel: "approve", Method: "GET"},
		{Href: self, Rel: "update", Method: "PATCH"},
		{Href: self + "/capture", Rel: "capture", Method: "POST"},
	}
}

// orderJSON is the full representation of an order. It must be called with
// s.mu held.
func (s *Server) orderJSON(o *Order) map[string]any {
	unit := map[string]any{
		"reference_id": "default",
		"amount":       money{o.Currency, o.Value},
		"custom_id":    o.CustomID,
		"invoice_id":   o.InvoiceID,
	}
	if c, ok := s.captures[o.CaptureID]; ok {
		unit["payments"] = map[string]any{"captures": []any{s.captureJSON(c, o)}}
	}
	return map[string]any{
		"id": o.ID, "intent": "CAPTURE", "status": o.Status,
		"purchase_units": []any{unit}, "create_time": now(), "links": s.orderLinks(o),
	}
}

// captureJSON is the representation of a capture, with PayPal's fee in the
// seller's receivable breakdown. It must be called with s.mu held.
func (s *Server) captureJSON(c *Capture, o *Order) map[string]any {
	fee := c.amount * 3 / 100 // roughly PayPal's domestic rate, enough to see a fee arrive
	return map[string]any{
		"id": c.ID, "status": c.Status, "amount": money{c.Currency, c.Value}, "final_capture": true,
		"custom_id": o.CustomID, "invoice_id": o.InvoiceID,
		"seller_protection": map[string]any{"status": "ELIGIBLE"},
		"seller_receivable_breakdown": map[string]any{
			"gross_amount": money{c.Currency, c.Value},
			"paypal_fee":   format(c.Currency, fee),
			"net_amount":   format(c.Currency, c.amount-fee),
		},
		"create_time": now(), "update_time": now(),
		"links": []link{
			{Href: s.URL + "/v2/payments/captures/" + c.ID, Rel: "self", Method: "GET"},
			{Href: s.URL + "/v2/payments/captures/" + c.ID + "/refund", Rel: "refund", Method: "POST"},
			{Href: s.URL + "/v2/checkout/orders/" + o.ID, Rel: "up", Method: "GET"},
		},
	}
}
