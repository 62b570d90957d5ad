// Package storefront serves the public site, rendered on the server so
// search engines read it: the product lines, each line's plans with
// prices and a comparison table, and the legal pages. Prices come from
// the live catalog; ordering happens in the account area.
package storefront

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"log/slog"
	"maps"
	"net/http"
	"slices"

	"ezscale.cloud/platform/billing"
)

//go:embed templates/*.html
var templateFiles embed.FS

// Catalog is where the storefront reads plans; billing.Store satisfies it.
type Catalog interface {
	ListPlans(ctx context.Context) ([]*billing.Plan, error)
}

// Config sets up the storefront.
type Config struct {
	// Company names the business on every page; it is asked per page, so
	// a name staff change in the settings shows at once.
	Company func() string
	Catalog Catalog
	// Currency is shown when the visitor has not picked one.
	Currency string
	Logger   *slog.Logger
}

// line is a product line: a service type with its own page.
type line struct {
	Slug, Name, Pitch string
	Type              billing.ServiceType
	// From is the cheapest monthly price, filled per request.
	From string
}

var lines = []line{
	{Slug: "vps", Name: "VPS", Type: billing.ServiceVPS, Pitch: "KVM virtual servers on NVMe storage with full root access."},
	{Slug: "dedicated", Name: "Dedicated servers", Type: billing.ServiceDedicated, Pitch: "Whole machines with IPMI, set up from our inventory."},
	{Slug: "hosting", Name: "Web hosting", Type: billing.ServiceHosting, Pitch: "Websites, email and databases in one control panel."},
	{Slug: "game-servers", Name: "Game servers", Type: billing.ServiceGameServer, Pitch: "Minecraft and more, with backups and one-click restarts."},
}

type server struct {
	cfg   Config
	pages map[string]*template.Template
}

// New returns the storefront's handler.
func New(cfg Config) (http.Handler, error) {
	if cfg.Currency == "" {
		cfg.Currency = "USD"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &server{cfg: cfg, pages: map[string]*template.Template{}}
	for _, page := range []string{"home", "line", "legal"} {
		t, err := template.ParseFS(templateFiles, "templates/layout.html", "templates/"+page+".html")
		if err != nil {
			return nil, err
		}
		s.pages[page] = t
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	for _, l := range lines {
		mux.HandleFunc("GET /"+l.Slug, func(w http.ResponseWriter, r *http.Request) { s.line(w, r, l) })
	}
	for slug, doc := range legalPages {
		mux.HandleFunc("GET /"+slug, func(w http.ResponseWriter, r *http.Request) {
			s.render(w, "legal", page{Title: doc.title, Description: doc.title, Paragraphs: doc.paragraphs})
		})
	}
	return mux, nil
}

// page is what every template gets.
type page struct {
	Company, Title, Description string
	Lines                       []line
	Line                        line
	Currency                    string
	Currencies                  []string
	Plans                       []planView
	FeatureNames                []string
	Paragraphs                  []string
}

type planView struct {
	Code, Name, Monthly, Yearly string
	OutOfStock                  bool
	Features                    map[string]string
}

func (s *server) home(w http.ResponseWriter, r *http.Request) {
	plans, err := s.cfg.Catalog.ListPlans(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	currency := s.cfg.Currency
	p := page{Title: "VPS, dedicated servers, web and game hosting", Description: "Hosting set up the moment you pay.", Lines: slices.Clone(lines)}
	for i, l := range p.Lines {
		var cheapest *billing.Money
		for _, plan := range onSale(plans, l.Type) {
			if pr, err := plan.Price(currency, billing.Monthly); err == nil && (cheapest == nil || pr.Amount < cheapest.Amount) {
				cheapest = &billing.Money{Amount: pr.Amount, Currency: currency}
			}
		}
		if cheapest != nil {
			p.Lines[i].From = cheapest.String()
		}
	}
	s.render(w, "home", p)
}

func (s *server) line(w http.ResponseWriter, r *http.Request, l line) {
	plans, err := s.cfg.Catalog.ListPlans(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	forSale := onSale(plans, l.Type)
	currencies := map[string]bool{}
	for _, plan := range forSale {
		for _, pr := range plan.Prices {
			currencies[pr.Currency] = true
		}
	}
	currency := r.URL.Query().Get("currency")
	if !currencies[currency] {
		currency = s.cfg.Currency
	}
	p := page{Title: l.Name, Description: l.Pitch, Lines: lines, Line: l, Currency: currency, Currencies: slices.Sorted(maps.Keys(currencies))}
	features := map[string]bool{}
	for _, plan := range forSale {
		monthly, err := plan.Price(currency, billing.Monthly)
		if err != nil {
			continue // not sold monthly in this currency
		}
		v := planView{Code: plan.Code, Name: plan.Name, Features: plan.Features,
			Monthly:    billing.Money{Amount: monthly.Amount, Currency: currency}.String(),
			OutOfStock: plan.Stock != nil && *plan.Stock <= 0}
		if yearly, err := plan.Price(currency, billing.Annual); err == nil {
			v.Yearly = billing.Money{Amount: yearly.Amount, Currency: currency}.String()
		}
		p.Plans = append(p.Plans, v)
		for f := range plan.Features {
			features[f] = true
		}
	}
	p.FeatureNames = slices.Sorted(maps.Keys(features))
	s.render(w, "line", p)
}

// onSale is the active plans of a service type, in catalog order.
func onSale(plans []*billing.Plan, t billing.ServiceType) []*billing.Plan {
	var out []*billing.Plan
	for _, p := range plans {
		if p.Type == t && p.Status == billing.PlanActive {
			out = append(out, p)
		}
	}
	return out
}

// render writes a page, rendering it fully first so a template error is a
// clean 500 rather than half a page.
func (s *server) render(w http.ResponseWriter, name string, p page) {
	p.Company = s.cfg.Company()
	if p.Lines == nil {
		p.Lines = lines
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

func (s *server) fail(w http.ResponseWriter, err error) {
	s.cfg.Logger.Error("storefront", "err", err)
	http.Error(w, "Something went wrong on our side. Please try again in a minute.", http.StatusInternalServerError)
}
