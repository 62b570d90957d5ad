// Command web serves the platform: the storefront, the account area, the
// admin panel and the REST API on one port, selected by host name (or by
// /account/ and /admin/ on localhost). With no configuration it opens
// ./ezscale.db, seeds a demo catalog and an admin account (its password
// printed once), runs the job worker in-process, and uses the sandbox
// gateway and panels.
//
//	web [-config FILE] [-sqlite PATH | -mysql DSN] [-addr HOST:PORT] [-worker=false]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"ezscale.cloud/platform/apps/internal/compose"
	"ezscale.cloud/platform/apps/web/internal/hosts"
	"ezscale.cloud/platform/apps/web/internal/ops"
	"ezscale.cloud/platform/apps/web/internal/storefront"
	"ezscale.cloud/platform/apps/web/internal/ui"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, "web:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends, then shuts down gracefully: in-flight
// requests and the worker's batch in hand finish first. listening, when
// set, gets the address once the server accepts connections.
func run(ctx context.Context, args []string, out io.Writer, listening func(addr string)) error {
	fs := flag.NewFlagSet("web", flag.ContinueOnError)
	fs.SetOutput(out)
	configFlags := compose.AddConfigFlags(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	inProcessWorker := fs.Bool("worker", true, "run the job worker in this process")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := configFlags.Load()
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(out, nil))
	p, err := compose.Open(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer p.Close()
	if cfg.MySQL == "" {
		admin, err := p.SeedDemo(ctx)
		if err != nil {
			return fmt.Errorf("seeding demo data: %w", err)
		}
		if admin != nil {
			fmt.Fprintf(out, "\nDemo admin account (shown once): %s / %s\n\n", admin.Email, admin.Password)
		}
	}
	handler, err := site(p, cfg, logger)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	var wg sync.WaitGroup
	// Another instance may save settings; this one follows within the
	// interval (a save through this one applies at once).
	wg.Go(func() { p.Settings.Watch(ctx, compose.SettingsReloadInterval) })
	if *inProcessWorker {
		runner, schedules := p.Worker("web-" + ln.Addr().String())
		wg.Go(func() { runner.Run(ctx, time.Second, schedules...) })
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	logger.Info("listening", "url", "http://"+ln.Addr().String())
	if listening != nil {
		listening(ln.Addr().String())
	}

	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	wg.Wait()
	logger.Info("stopped")
	return err
}

// site is the whole web app's handler: health checks and metrics, then
// the three sites and the API by host.
func site(p *compose.Platform, cfg compose.Config, logger *slog.Logger) (http.Handler, error) {
	api, err := p.API(cfg.Web)
	if err != nil {
		return nil, err
	}
	store, err := storefront.New(storefront.Config{Company: p.CompanyName, Catalog: p.Store, Logger: logger})
	if err != nil {
		return nil, err
	}
	sites := hosts.Sites{Storefront: store, API: api}
	for _, a := range []struct {
		area           string
		prefix, atRoot *http.Handler
	}{
		{ui.AreaAccount, &sites.Account, &sites.AccountHost},
		{ui.AreaAdmin, &sites.Admin, &sites.AdminHost},
	} {
		if *a.prefix, err = ui.Handler(a.area, "/"+a.area+"/"); err != nil {
			return nil, err
		}
		if *a.atRoot, err = ui.Handler(a.area, "/"); err != nil {
			return nil, err
		}
	}
	h := cfg.Web.Hosts
	router := hosts.Router(hosts.Names{Storefront: h.Storefront, Account: h.Account, Admin: h.Admin}, sites)
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", ops.Scrapers(cfg.Web.MetricsToken, p.Metrics.Handler()))
	mux.Handle(ui.AssetPrefix, ui.Assets())
	mux.Handle("/", router)
	return ops.LogRequests(logger, p.Metrics.ObserveRequest, ops.Health(p.Ping, mux)), nil
}
