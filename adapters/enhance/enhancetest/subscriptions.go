package enhancetest

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
)

// subscription is a customer's subscription to one of the MO's plans.
type subscription struct {
	id, planID   int64
	subscriberID string
	friendlyName string
	// status is "active" or "deleted"; a soft delete keeps the record.
	status string
	// suspendedBy is the id of the organisation that suspended it, or "".
	suspendedBy string
	// bandwidth is this month's transfer in bytes.
	bandwidth int64
}

// websiteDiskBytes is the disk use the fake reports for each website.
const websiteDiskBytes = 48 << 20

// getPlan is GET /orgs/{org_id}/plans/{plan_id} (getPlan).
func (s *Server) getPlan(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("plan_id"), 10, 64)
	name, ok := s.plans[id]
	if r.PathValue("org_id") != MasterOrgID || err != nil || !ok {
		notFound(w, "Organization/plan")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": id, "name": name, "orgId": MasterOrgID, "resources": []any{}, "allowances": []any{},
		"selections": []any{}, "subscriptionsCount": s.planSubscriptions(id), "createdAt": now(),
		"planType": "shared", "allowedPhpVersions": []string{"php83"}, "defaultPhpVersion": "php83",
		"redisAllowed": false,
	})
}

func (s *Server) planSubscriptions(planID int64) int {
	n := 0
	for _, sub := range s.subscriptions {
		if sub.planID == planID && sub.status == "active" {
			n++
		}
	}
	return n
}

// subscriptionJSON renders orchd's Subscription schema.
func (s *Server) subscriptionJSON(sub *subscription) map[string]any {
	sites := int64(0)
	for _, site := range s.websites {
		if site.subscriptionID == sub.id && site.status != "deleted" {
			sites++
		}
	}
	v := map[string]any{
		"id": sub.id, "planId": sub.planID, "planName": s.plans[sub.planID], "subscriberId": sub.subscriberID,
		"vendorId": MasterOrgID, "status": sub.status, "friendlyName": sub.friendlyName,
		"resources": []map[string]any{
			{"name": "websites", "usage": sites, "total": 1},
			{"name": "diskspace", "usage": sites * websiteDiskBytes, "total": 10 << 30},
			{"name": "transfer", "usage": sub.bandwidth},
		},
		"allowances": []any{}, "selections": []any{}, "planType": "shared",
		"allowedPhpVersions": []string{"php83"}, "defaultPhpVersion": "php83", "redisAllowed": false,
		"persistentAppsAllowed": false,
	}
	if sub.suspendedBy != "" {
		v["suspendedBy"] = sub.suspendedBy
	}
	return v
}

// getCustomerSubscriptions is GET
// /orgs/{org_id}/customers/{customer_org_id}/subscriptions
// (getCustomerSubscriptions), soft-deleted ones included.
func (s *Server) getCustomerSubscriptions(w http.ResponseWriter, r *http.Request) {
	cust := s.customerOf(w, r)
	if cust == nil {
		return
	}
	var items []map[string]any
	for _, id := range slices.Sorted(maps.Keys(s.subscriptions)) {
		if sub := s.subscriptions[id]; sub.subscriberID == cust.id {
			items = append(items, s.subscriptionJSON(sub))
		}
	}
	from, to, ok := s.page(w, r, len(items))
	if ok {
		writeJSON(w, http.StatusOK, listing{Items: append([]map[string]any{}, items[from:to]...), Total: len(items)})
	}
}

// customerOf returns the live customer organisation of the MO named by the
// path, or writes a 404.
func (s *Server) customerOf(w http.ResponseWriter, r *http.Request) *org {
	cust := s.customer(r.PathValue("customer_org_id"))
	if r.PathValue("org_id") != MasterOrgID || cust == nil {
		notFound(w, "Customer")
		return nil
	}
	return cust
}

// createSubscription is POST
// /orgs/{org_id}/customers/{customer_org_id}/subscriptions
// (createCustomerSubscription) with a NewSubscription body
// {planId, friendlyName?, dedicatedServers?}.
func (s *Server) createSubscription(w http.ResponseWriter, r *http.Request) {
	cust := s.customerOf(w, r)
	if cust == nil {
		return
	}
	var body struct {
		PlanID           *int64          `json:"planId"`
		FriendlyName     string          `json:"friendlyName"`
		DedicatedServers json.RawMessage `json:"dedicatedServers"`
	}
	if !readBody(w, r, &body) {
		return
	}
	if body.PlanID == nil {
		writeError(w, http.StatusBadRequest, "invalid_input", "planId is required")
		return
	}
	if _, ok := s.plans[*body.PlanID]; !ok {
		notFound(w, "Plan")
		return
	}
	sub := &subscription{id: s.nextID, planID: *body.PlanID, subscriberID: cust.id, friendlyName: body.FriendlyName, status: "active"}
	s.nextID++
	s.subscriptions[sub.id] = sub
	writeJSON(w, http.StatusCreated, map[string]int64{"id": sub.id})
}

// subscriptionOf returns the subscription of the organisation named by the
// path, or writes a 404. Soft-deleted subscriptions are still found, as
// orchd keeps their records.
func (s *Server) subscriptionOf(w http.ResponseWriter, r *http.Request) *subscription {
	id, err := strconv.ParseInt(r.PathValue("subscription_id"), 10, 64)
	sub := s.subscriptions[id]
	if err != nil || sub == nil || sub.subscriberID != r.PathValue("org_id") {
		notFound(w, "Subscription")
		return nil
	}
	return sub
}

// getSubscription is GET /orgs/{org_id}/subscriptions/{subscription_id}.
func (s *Server) getSubscription(w http.ResponseWriter, r *http.Request) {
	if sub := s.subscriptionOf(w, r); sub != nil {
		writeJSON(w, http.StatusOK, s.subscriptionJSON(sub))
	}
}

// updateSubscription is PATCH /orgs/{org_id}/subscriptions/{subscription_id}
// (updateSubscription) with an UpdateSubscription body: isSuspended sets
// or clears suspendedBy (the MO, which holds the token), planId moves the
// subscription to another plan.
func (s *Server) updateSubscription(w http.ResponseWriter, r *http.Request) {
	sub := s.subscriptionOf(w, r)
	if sub == nil {
		return
	}
	var body struct {
		Status           *string         `json:"status"`
		IsSuspended      *bool           `json:"isSuspended"`
		PlanID           *int64          `json:"planId"`
		DedicatedServers json.RawMessage `json:"dedicatedServers"`
		FriendlyName     *string         `json:"friendlyName"`
	}
	if !readBody(w, r, &body) {
		return
	}
	if body.Status != nil && *body.Status != "active" && *body.Status != "deleted" {
		writeError(w, http.StatusBadRequest, "invalid_input", "unknown status "+*body.Status)
		return
	}
	if body.PlanID != nil {
		if _, ok := s.plans[*body.PlanID]; !ok {
			notFound(w, "Plan")
			return
		}
		sub.planID = *body.PlanID
	}
	if body.Status != nil {
		sub.status = *body.Status
	}
	if body.IsSuspended != nil {
		sub.suspendedBy = ""
		if *body.IsSuspended {
			sub.suspendedBy = MasterOrgID
		}
	}
	if body.FriendlyName != nil {
		sub.friendlyName = *body.FriendlyName
	}
	w.WriteHeader(http.StatusNoContent)
}

// deleteSubscription is DELETE
// /orgs/{org_id}/subscriptions/{subscription_id}?force= (deleteSubscription).
func (s *Server) deleteSubscription(w http.ResponseWriter, r *http.Request) {
	sub := s.subscriptionOf(w, r)
	if sub == nil {
		return
	}
	s.removeSubscription(sub, r.URL.Query().Get("force") == "true")
	w.WriteHeader(http.StatusNoContent)
}

// removeSubscription deletes a subscription and its websites: a soft
// delete marks them deleted and keeps the records, force removes them.
func (s *Server) removeSubscription(sub *subscription, force bool) {
	for id, site := range s.websites {
		if site.subscriptionID != sub.id {
			continue
		}
		if force {
			delete(s.websites, id)
		} else {
			site.status = "deleted"
		}
	}
	if force {
		delete(s.subscriptions, sub.id)
	} else {
		sub.status = "deleted"
	}
}

// getBandwidth is GET
// /orgs/{org_id}/subscriptions/{subscription_id}/bandwidth: this month's
// transfer in bytes, as a bare integer.
func (s *Server) getBandwidth(w http.ResponseWriter, r *http.Request) {
	if sub := s.subscriptionOf(w, r); sub != nil {
		writeJSON(w, http.StatusOK, sub.bandwidth)
	}
}
