package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// WebhookSource verifies one gateway's webhook requests and translates
// them into billing's terms; the Stripe and PayPal adapters provide one.
type WebhookSource interface {
	// Name is the gateway's name and the last part of the webhook path.
	Name() string
	// ParseWebhook verifies the request's signature and returns its event;
	// a forged, stale or malformed request is an EINVALID error.
	ParseWebhook(ctx context.Context, header http.Header, body []byte) (billing.GatewayEvent, error)
}

// webhook serves one gateway's webhook: a request that fails verification
// gets 400 and changes nothing; a verified event is applied once (a
// redelivery is acknowledged without effect) and acknowledged with 200;
// an error applying it gets 500, so the gateway delivers it again later.
func (s *Server) webhook(b *billing.Service, src WebhookSource) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			writeProblem(w, http.StatusRequestEntityTooLarge, "webhook body too large")
			return
		}
		e, err := src.ParseWebhook(r.Context(), r.Header, body)
		if err != nil {
			var perr *platform.Error
			if errors.As(err, &perr) && perr.Code == platform.EINVALID {
				s.log.Warn("webhook refused", "gateway", src.Name(), "err", err)
				writeProblem(w, http.StatusBadRequest, perr.Message)
				return
			}
			s.log.Error("webhook verification failed", "gateway", src.Name(), "err", err)
			writeProblem(w, http.StatusInternalServerError, "internal error")
			return
		}
		if _, err := b.HandleGatewayEvent(r.Context(), e); err != nil {
			s.log.Error("webhook event not applied", "gateway", src.Name(), "event", e.ID, "err", err)
			writeProblem(w, http.StatusInternalServerError, "internal error")
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
