package billing_test

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sandbox"
	"ezscale.cloud/platform/billing"
)

// order places an order and returns its open first invoice (15.00 USD).
func (h *harness) order(t *testing.T, email string) *billing.Invoice {
	t.Helper()
	c := h.customer(t, email, "")
	_, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
	mustOK(t, err)
	return inv
}

func usd(a int64) billing.Money { return billing.Money{Amount: a, Currency: "USD"} }

func TestGatewayEventAppliedOnce(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		inv := h.order(t, "evt@example.com")
		e := billing.GatewayEvent{Gateway: "stripe", ID: "evt_1", Kind: billing.EventPaymentSucceeded, Type: "payment_intent.succeeded",
			InvoiceID: inv.ID, PaymentID: "pi_1", Amount: usd(inv.Total), Payload: []byte(`{}`)}
		for i := 0; i < 3; i++ {
			fresh, err := h.svc.HandleGatewayEvent(ctx, e)
			mustOK(t, err)
			if fresh != (i == 0) {
				t.Fatalf("delivery %d: fresh = %v", i+1, fresh)
			}
		}
		got, _ := h.store.GetInvoice(ctx, inv.ID)
		txs, _ := h.store.ListTransactionsByInvoice(ctx, inv.ID)
		paid, _ := h.store.ListJobs(ctx, platform.JobInvoicePaid)
		bal, _ := h.store.CreditBalance(ctx, inv.CustomerID, "USD")
		if got.Status != billing.InvoicePaid || len(txs) != 1 || len(paid) != 1 || bal != 0 {
			t.Fatalf("three deliveries: invoice %s, %d transactions, %d paid jobs, credit %d", got.Status, len(txs), len(paid), bal)
		}
		// The same payment reported by our own charge call too changes nothing.
		_, err := h.svc.RecordPayment(ctx, billing.Payment{InvoiceID: inv.ID, Gateway: "stripe", GatewayID: "pi_1", Amount: usd(inv.Total)})
		mustOK(t, err)
		if txs, _ := h.store.ListTransactionsByInvoice(ctx, inv.ID); len(txs) != 1 {
			t.Fatalf("%d transactions after the charge call reported the same payment", len(txs))
		}
	})
}

// eventState is what a sequence of events leaves behind for one invoice,
// without the ids that differ between invoices.
type eventState struct {
	Status       billing.InvoiceStatus
	AmountPaid   int64
	Transactions []string
	CreditNotes  []int64
	Credit       int64
	Disputes     int
}

func (h *harness) eventState(t *testing.T, inv *billing.Invoice, disputesBefore int) eventState {
	t.Helper()
	got, err := h.store.GetInvoice(ctx, inv.ID)
	mustOK(t, err)
	st := eventState{Status: got.Status, AmountPaid: got.AmountPaid}
	txs, _ := h.store.ListTransactionsByInvoice(ctx, inv.ID)
	for _, tr := range txs {
		st.Transactions = append(st.Transactions, fmt.Sprintf("%s/%s/%d/%s", tr.Kind, tr.Status, tr.Amount, tr.Currency))
	}
	sort.Strings(st.Transactions)
	invs, _ := h.store.ListInvoicesByCustomer(ctx, inv.CustomerID)
	for _, x := range invs {
		if x.Kind == billing.KindCreditNote {
			st.CreditNotes = append(st.CreditNotes, x.Total)
		}
	}
	st.Credit, _ = h.store.CreditBalance(ctx, inv.CustomerID, "USD")
	disputes, _ := h.store.ListJobs(ctx, platform.JobPaymentDisputed)
	st.Disputes = len(disputes) - disputesBefore
	return st
}

func TestGatewayEventsInAnyOrderEndAlike(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		seeds := 60
		if testing.Short() {
			seeds = 10
		}
		events := func(inv *billing.Invoice, tag string) []billing.GatewayEvent {
			return []billing.GatewayEvent{
				{Gateway: "stripe", ID: tag + "evt_charge", Kind: billing.EventPaymentSucceeded, Type: "payment_intent.succeeded", InvoiceID: inv.ID, PaymentID: tag + "pi", Amount: usd(inv.Total)},
				{Gateway: "stripe", ID: tag + "evt_refund", Kind: billing.EventRefunded, Type: "charge.refunded", InvoiceID: inv.ID, PaymentID: tag + "pi", ObjectID: tag + "re", Amount: usd(500)},
				{Gateway: "stripe", ID: tag + "evt_dispute", Kind: billing.EventDisputeOpened, Type: "charge.dispute.created", InvoiceID: inv.ID, PaymentID: tag + "pi", ObjectID: tag + "dp", Amount: usd(1000)},
				{Gateway: "stripe", ID: tag + "evt_other", Kind: billing.EventOther, Type: "customer.updated"},
			}
		}
		deliver := func(evs []billing.GatewayEvent) {
			for _, e := range evs {
				_, err := h.svc.HandleGatewayEvent(ctx, e)
				mustOK(t, err)
			}
		}
		// In order, once each: the reference.
		ref := h.order(t, "ref@example.com")
		deliver(events(ref, "ref-"))
		want := h.eventState(t, ref, 0)
		if want.Status != billing.InvoicePaid || len(want.Transactions) != 3 || want.Disputes != 1 || len(want.CreditNotes) != 1 {
			t.Fatalf("reference state: %+v", want)
		}
		for seed := 0; seed < seeds; seed++ {
			rng := rand.New(rand.NewSource(int64(seed)))
			inv := h.order(t, fmt.Sprintf("seed%d@example.com", seed))
			evs := events(inv, fmt.Sprintf("s%d-", seed))
			// Duplicates, then any order.
			for i := rng.Intn(4); i > 0; i-- {
				evs = append(evs, evs[rng.Intn(len(evs))])
			}
			rng.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
			disputes, _ := h.store.ListJobs(ctx, platform.JobPaymentDisputed)
			deliver(evs)
			if got := h.eventState(t, inv, len(disputes)); !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d, order %v:\n got %+v\nwant %+v", seed, kinds(evs), got, want)
			}
		}
	})
}

func kinds(evs []billing.GatewayEvent) []billing.EventKind {
	var out []billing.EventKind
	for _, e := range evs {
		out = append(out, e.Kind)
	}
	return out
}

func TestReconcileMakesGoodALostWebhook(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "lost@example.com", sandbox.CardAuthenticationReqd)
		_, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		out, err := h.svc.ChargeInvoice(ctx, inv.ID, 1)
		mustOK(t, err)
		if out.Status != billing.ChargeRequiresAction {
			t.Fatalf("charge: %s", out.Status)
		}
		n, err := h.svc.Reconcile(ctx, h.gw, start)
		mustOK(t, err)
		if n != 0 {
			t.Fatal("reconciliation applied a payment the customer had not authenticated")
		}
		// The customer authenticates; the webhook never arrives.
		mustOK(t, h.gw.Authenticate(h.gw.Charges()[0].ID))
		n, err = h.svc.Reconcile(ctx, h.gw, start)
		mustOK(t, err)
		got, _ := h.store.GetInvoice(ctx, inv.ID)
		if n != 1 || got.Status != billing.InvoicePaid {
			t.Fatalf("reconciliation applied %d, invoice %s", n, got.Status)
		}
		again, _ := h.svc.Reconcile(ctx, h.gw, start)
		txs, _ := h.store.ListTransactionsByInvoice(ctx, inv.ID)
		if again != 0 || len(txs) != 1 {
			t.Fatalf("a second reconciliation applied %d; %d transactions", again, len(txs))
		}
	})
}

func TestRetriedChargeMakesOneTransaction(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "retry@example.com", sandbox.CardVisa)
		_, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		// The worker sends the same attempt twice (it crashed after the
		// first call): same idempotency key, one charge, one transaction.
		for i := 0; i < 2; i++ {
			_, err := h.svc.ChargeInvoice(ctx, inv.ID, 1)
			mustOK(t, err)
		}
		txs, _ := h.store.ListTransactionsByInvoice(ctx, inv.ID)
		if len(h.gw.Charges()) != 1 || len(txs) != 1 {
			t.Fatalf("%d gateway charges, %d transactions; want 1 and 1", len(h.gw.Charges()), len(txs))
		}
	})
}

func TestFailedChargesTellCustomerAndStaffOnce(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		declined := h.customer(t, "declined@example.com", sandbox.CardDeclined)
		_, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: declined.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		for _, attempt := range []int{1, 1, 4} { // attempt 1 retried by the worker, then the last retry
			out, err := h.svc.ChargeInvoice(ctx, inv.ID, attempt)
			mustOK(t, err)
			if out.Status != billing.ChargeFailed {
				t.Fatalf("attempt %d: %s", attempt, out.Status)
			}
		}
		jobs, _ := h.store.ListJobs(ctx, platform.JobPaymentFailed)
		if len(jobs) != 2 {
			t.Fatalf("%d payment.failed jobs, want one per attempt (2)", len(jobs))
		}
		var first, last billing.ChargeProblem
		mustOK(t, json.Unmarshal(jobs[0].Payload, &first))
		mustOK(t, json.Unmarshal(jobs[1].Payload, &last))
		if first.LastAttempt || !last.LastAttempt || first.Message == "" {
			t.Fatalf("failure jobs: %+v then %+v", first, last)
		}

		sca := h.customer(t, "sca2@example.com", sandbox.CardAuthenticationReqd)
		_, inv2, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: sca.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		_, err = h.svc.ChargeInvoice(ctx, inv2.ID, 1)
		mustOK(t, err)
		action, _ := h.store.ListJobs(ctx, platform.JobPaymentActionRequired)
		if len(action) != 1 {
			t.Fatalf("%d action-required emails, want 1", len(action))
		}
	})
}

func TestReturnPageReconcilesOneInvoice(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "return@example.com", sandbox.CardAuthenticationReqd)
		other := h.customer(t, "nosy@example.com", "")
		_, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		_, err = h.svc.ChargeInvoice(ctx, inv.ID, 1)
		mustOK(t, err)
		checkers := map[string]billing.PaymentChecker{"sandbox": h.gw}
		_, err = h.svc.ReconcileInvoice(ctx, other.ID, inv.ID, checkers)
		wantCode(t, err, platform.ENOTFOUND)
		got, err := h.svc.ReconcileInvoice(ctx, c.ID, inv.ID, checkers)
		mustOK(t, err)
		if got.Status != billing.InvoiceOpen {
			t.Fatal("an unauthenticated payment was applied")
		}
		mustOK(t, h.gw.Authenticate(h.gw.Charges()[0].ID))
		got, err = h.svc.ReconcileInvoice(ctx, c.ID, inv.ID, checkers)
		mustOK(t, err)
		if got.Status != billing.InvoicePaid {
			t.Fatalf("after authenticating: %s", got.Status)
		}
	})
}
