package enhancetest

import (
	"net/http"
	"strconv"
	"strings"
)

// The addresses of the fake's one application server.
const (
	ServerIPv4 = "203.0.113.10"
	ServerIPv6 = "2001:db8::10"
)

// website is a website of a customer organisation under a subscription.
type website struct {
	id, orgID, domain string
	subscriptionID    int64
	// status is orchd's WebsiteStatus: "active", "disabled" or "deleted".
	status    string
	createdAt string
}

// websiteJSON renders orchd's Website schema. A website of a suspended
// subscription reports the subscription's suspender.
func (s *Server) websiteJSON(site *website) map[string]any {
	sub := s.subscriptions[site.subscriptionID]
	v := map[string]any{
		"id":             site.id,
		"domain":         map[string]any{"id": site.id, "domain": site.domain, "documentRoot": "public_html", "kind": "primary", "cloudflareStatus": "Disconnected"},
		"aliases":        []any{},
		"subdomains":     []any{},
		"subscriptionId": site.subscriptionID,
		"status":         site.status,
		"colorCode":      "#009688",
		"size":           websiteDiskBytes,
		"orgId":          site.orgID,
		"kind":           "normal",
		"createdAt":      site.createdAt,
		"serverIps":      []map[string]any{{"ip": ServerIPv4, "isPrimary": true}},
		"appServerIpv6":  ServerIPv6,
	}
	if sub != nil {
		v["planId"], v["plan"] = sub.planID, s.plans[sub.planID]
		if sub.suspendedBy != "" {
			v["suspendedBy"] = sub.suspendedBy
		}
	}
	return v
}

// getWebsites is GET /orgs/{org_id}/websites (getWebsites), filtered by
// subscriptionId when given.
func (s *Server) getWebsites(w http.ResponseWriter, r *http.Request) {
	o := s.liveOrg(w, r)
	if o == nil {
		return
	}
	var subID int64
	if v := r.URL.Query().Get("subscriptionId"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid_input", "subscriptionId must be an integer")
			return
		}
		subID = id
	}
	var items []map[string]any
	for _, id := range s.websiteOrder {
		site := s.websites[id]
		if site == nil || site.orgID != o.id || subID != 0 && site.subscriptionID != subID {
			continue
		}
		items = append(items, s.websiteJSON(site))
	}
	from, to, ok := s.page(w, r, len(items))
	if ok {
		writeJSON(w, http.StatusOK, listing{Items: append([]map[string]any{}, items[from:to]...), Total: len(items)})
	}
}

// createWebsite is POST /orgs/{org_id}/websites (createWebsite) with a
// NewWebsite body {domain, subscriptionId, ...}. A customer's website must
// name one of its live subscriptions, and a domain may be the primary
// domain of one live website only.
func (s *Server) createWebsite(w http.ResponseWriter, r *http.Request) {
	o := s.liveOrg(w, r)
	if o == nil {
		return
	}
	var body struct {
		Domain             *string `json:"domain"`
		SubscriptionID     *int64  `json:"subscriptionId"`
		AppServerID        string  `json:"appServerId"`
		BackupServerID     string  `json:"backupServerId"`
		DBServerID         string  `json:"dbServerId"`
		EmailServerID      string  `json:"emailServerId"`
		PostgresqlServerID string  `json:"postgresqlServerId"`
		ServerGroupID      string  `json:"serverGroupId"`
		PHPVersion         string  `json:"phpVersion"`
	}
	if !readBody(w, r, &body) {
		return
	}
	if body.Domain == nil || !strings.Contains(*body.Domain, ".") {
		writeError(w, http.StatusBadRequest, "invalid_input", "domain must be a domain name")
		return
	}
	if body.SubscriptionID == nil {
		// orchd lets an MO admin make a website outside any
		// subscription; the fake refuses it, as a hosting website off its
		// subscription would escape the plan's quota and suspension.
		writeError(w, http.StatusBadRequest, "invalid_input", "subscriptionId is required for a customer website")
		return
	}
	sub := s.subscriptions[*body.SubscriptionID]
	if sub == nil || sub.subscriberID != o.id || sub.status != "active" {
		notFound(w, "Subscription")
		return
	}
	domain := strings.ToLower(*body.Domain)
	for _, site := range s.websites {
		if site.domain == domain && site.status != "deleted" {
			writeError(w, http.StatusConflict, "already_exists", "Domain already exists")
			return
		}
	}
	site := &website{id: newUUID(), orgID: o.id, domain: domain, subscriptionID: sub.id, status: "active", createdAt: now()}
	s.websites[site.id] = site
	s.websiteOrder = append(s.websiteOrder, site.id)
	writeJSON(w, http.StatusCreated, map[string]string{"id": site.id})
}

// getWebsite is GET /orgs/{org_id}/websites/{website_id} (getWebsite).
func (s *Server) getWebsite(w http.ResponseWriter, r *http.Request) {
	o := s.liveOrg(w, r)
	if o == nil {
		return
	}
	site := s.websites[r.PathValue("website_id")]
	if site == nil || site.orgID != o.id {
		notFound(w, "Website")
		return
	}
	writeJSON(w, http.StatusOK, s.websiteJSON(site))
}
