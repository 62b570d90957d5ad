// Command worker runs the platform's durable jobs and scheduled work:
// charges, renewals, dunning, provisioning on the panels, emails and staff
// alerts. Run as many as you like against one MySQL database; each job
// runs on one of them and each schedule once per period.
//
//	worker [-config FILE] [-sqlite PATH | -mysql DSN] [-name NAME] [-poll DURATION]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"ezscale.cloud/platform/apps/internal/compose"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(out)
	configFlags := compose.AddConfigFlags(fs)
	name := fs.String("name", defaultName(), "this worker's name in job leases; unique per process")
	poll := fs.Duration("poll", time.Second, "how long to wait between looks for due jobs")
	metricsAddr := fs.String("metrics-addr", "", "serve Prometheus metrics on this address (e.g. 127.0.0.1:9101); empty serves none")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *poll <= 0 {
		return errors.New("-poll must be positive")
	}
	cfg, err := configFlags.Load()
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(out, nil))
	p, err := compose.Open(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer p.Close()
	if *metricsAddr != "" {
		ln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: p.Metrics.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
		logger.Info("serving metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	}
	// Settings staff save in the admin panel reach this process within
	// the interval, without a restart.
	go p.Settings.Watch(ctx, compose.SettingsReloadInterval)
	runner, schedules := p.Worker(*name)
	runner.Run(ctx, *poll, schedules...)
	return nil
}

// defaultName names a worker after its host and process, which is unique
// among the workers sharing a database.
func defaultName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}
