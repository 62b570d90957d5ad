// Package metrics exports the platform's Prometheus metrics: HTTP
// requests, jobs, panel calls and gateway calls as they happen, and the
// job queue's size by status when scraped. It uses the Prometheus
// project's own client library rather than a hand-written exposition
// format.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/provisioning"
)

// Metrics holds the platform's collectors on a registry of their own.
type Metrics struct {
	registry     *prometheus.Registry
	requests     *prometheus.CounterVec
	requestTime  *prometheus.HistogramVec
	jobs         *prometheus.CounterVec
	jobTime      *prometheus.HistogramVec
	panelCalls   *prometheus.CounterVec
	panelTime    *prometheus.HistogramVec
	gatewayCalls *prometheus.CounterVec
	gatewayTime  *prometheus.HistogramVec
}

// JobCounter counts the queue's jobs by status; the SQL stores satisfy it.
type JobCounter interface {
	JobCounts(ctx context.Context) (map[string]int64, error)
}

// New registers the collectors, the Go runtime's and the process's among
// them, and a gauge of the queue read from jobs at each scrape.
func New(jobs JobCounter) *Metrics {
	m := &Metrics{registry: prometheus.NewRegistry()}
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "ezscale", Name: name, Help: help}, labels)
		m.registry.MustRegister(c)
		return c
	}
	histogram := func(name, help string, labels ...string) *prometheus.HistogramVec {
		h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "ezscale", Name: name, Help: help, Buckets: prometheus.DefBuckets}, labels)
		m.registry.MustRegister(h)
		return h
	}
	m.requests = counter("http_requests_total", "HTTP requests by site, method and status class.", "site", "method", "code")
	m.requestTime = histogram("http_request_duration_seconds", "HTTP request durations by site.", "site")
	m.jobs = counter("jobs_total", "Jobs run by kind and outcome (done, retry, dead).", "kind", "outcome")
	m.jobTime = histogram("job_duration_seconds", "Job handler durations by kind.", "kind")
	m.panelCalls = counter("panel_calls_total", "Control panel calls by platform, action and result.", "platform", "action", "result")
	m.panelTime = histogram("panel_call_duration_seconds", "Control panel call durations by platform.", "platform")
	m.gatewayCalls = counter("gateway_calls_total", "Payment gateway calls by gateway, operation and result.", "gateway", "op", "result")
	m.gatewayTime = histogram("gateway_call_duration_seconds", "Payment gateway call durations by gateway.", "gateway")
	queue := prometheus.NewDesc("ezscale_jobs_queued", "Jobs in the queue by status.", []string{"status"}, nil)
	m.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		queueCollector{desc: queue, jobs: jobs})
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// ObserveJob is jobqueue.Config.Observe.
func (m *Metrics) ObserveJob(kind, outcome string, took time.Duration) {
	m.jobs.WithLabelValues(kind, outcome).Inc()
	m.jobTime.WithLabelValues(kind).Observe(took.Seconds())
}

// ObservePanelCall is provisioning.Config.ObservePanelCall.
func (m *Metrics) ObservePanelCall(p provisioning.Platform, action string, err error, took time.Duration) {
	m.panelCalls.WithLabelValues(string(p), action, result(err)).Inc()
	m.panelTime.WithLabelValues(string(p)).Observe(took.Seconds())
}

// result names an outcome by its platform error code, a small closed set.
func result(err error) string {
	if err == nil {
		return "ok"
	}
	return platform.ErrorCode(err)
}

// ObserveRequest counts and times one HTTP request. Sites rather than
// paths label them, so ids in paths cannot grow the number of series.
func (m *Metrics) ObserveRequest(r *http.Request, status int, took time.Duration) {
	site := SiteOf(r)
	m.requests.WithLabelValues(site, r.Method, strconv.Itoa(status/100)+"xx").Inc()
	m.requestTime.WithLabelValues(site).Observe(took.Seconds())
}

// Gateway wraps a payment gateway so its charges and refunds are counted
// and timed.
func (m *Metrics) Gateway(g billing.Gateway) billing.Gateway { return &gateway{Gateway: g, m: m} }

type gateway struct {
	billing.Gateway
	m *Metrics
}

func (g *gateway) Charge(ctx context.Context, req billing.ChargeRequest) (billing.ChargeResult, error) {
	start := time.Now()
	res, err := g.Gateway.Charge(ctx, req)
	g.observe("charge", err, start)
	return res, err
}

func (g *gateway) Refund(ctx context.Context, req billing.RefundRequest) (billing.RefundResult, error) {
	start := time.Now()
	res, err := g.Gateway.Refund(ctx, req)
	g.observe("refund", err, start)
	return res, err
}

func (g *gateway) observe(op string, err error, start time.Time) {
	name := g.Name()
	g.m.gatewayCalls.WithLabelValues(name, op, result(err)).Inc()
	g.m.gatewayTime.WithLabelValues(name).Observe(time.Since(start).Seconds())
}

// queueCollector reads the queue's size at scrape time.
type queueCollector struct {
	desc *prometheus.Desc
	jobs JobCounter
}

func (q queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- q.desc }

func (q queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := q.jobs.JobCounts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(q.desc, err)
		return
	}
	for _, status := range []string{"pending", "running", "done", "dead"} {
		ch <- prometheus.MustNewConstMetric(q.desc, prometheus.GaugeValue, float64(counts[status]), status)
	}
}

// SiteOf labels a request by the part of the app it reached.
func SiteOf(r *http.Request) string {
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/api/"):
		return "api"
	case strings.HasPrefix(p, "/webhooks/"):
		return "webhooks"
	case p == "/healthz" || p == "/readyz" || p == "/metrics":
		return "ops"
	}
	return "web"
}
