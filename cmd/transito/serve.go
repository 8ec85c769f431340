package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"transito/handlers"
	"transito/internal/mailer"
	"transito/internal/outbox"
	"transito/models"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	build := serveFlags(fs)
	if _, err := parse(fs, args, stderr); err != nil {
		return err
	}
	cfg, err := build()
	if err != nil {
		return usageError{"configuración inválida: " + oneLine(err)}
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	return serve(ctx, cfg, log, stdout)
}

// recorderCloseTimeout bounds how long shutdown waits for the write queue
// once the HTTP server has stopped.
const recorderCloseTimeout = 10 * time.Second

// serve runs the server until ctx ends (SIGTERM or SIGINT), then drains:
// /readyz fails, requests in flight finish, the write queue empties.
func serve(ctx context.Context, cfg *Config, log *slog.Logger, stdout io.Writer) error {
	store, err := openStore(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer store.Close()

	password, err := store.EnsureFirstAdmin(ctx, cfg.AdminPassword)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("no se puede escuchar en %s: %w", cfg.Addr, err)
	}
	base := baseURL(ln.Addr().String())
	if password != "" {
		if cfg.AdminPassword != "" {
			fmt.Fprintf(stdout, "Administrador inicial creado: usuario «admin», contraseña de TRANSITO_ADMIN_PASSWORD.\n")
		} else {
			fmt.Fprintf(stdout, "Administrador inicial creado: usuario «admin», contraseña «%s» (se muestra una sola vez).\n", password)
		}
	}
	if cfg.Demo {
		had, err := store.HasDemo(ctx)
		if err != nil {
			ln.Close()
			return err
		}
		officer, err := store.LoadDemo(ctx)
		if err != nil {
			ln.Close()
			return err
		}
		token, err := store.IssueToken(ctx, officer.ID, models.SystemActor)
		if err != nil {
			ln.Close()
			return err
		}
		if had {
			fmt.Fprintf(stdout, "La base %s ya tenía los datos de demostración: no se cargaron de nuevo.\n", models.RedactDSN(cfg.DB))
		} else {
			fmt.Fprintf(stdout, "Datos de demostración cargados en %s.\n", models.RedactDSN(cfg.DB))
		}
		if password == "" {
			fmt.Fprintf(stdout, "El administrador «admin» ya existía: su contraseña es la que se mostró cuando se creó (o la de TRANSITO_ADMIN_PASSWORD de entonces); TRANSITO_ADMIN_PASSWORD no la cambia.\n")
		}
		fmt.Fprintf(stdout, "Token nuevo del oficial %s (%s):\n%s\n", officer.Badge, officer.Name, token)
		fmt.Fprintf(stdout, "Pruebe: curl -X POST %s/cargar_infraccion -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' -d '{\"placa_patente\":\"AB123CD\",\"comentarios\":\"Prueba\"}'\n", base, token)
		fmt.Fprintf(stdout, "        curl '%s/generar_informe?email=ana.martinez@example.com'\n", base)
	}

	if cfg.PprofAddr != "" {
		go servePprof(cfg.PprofAddr, log)
	}
	sessionKey := []byte(cfg.SessionKey)
	if len(sessionKey) == 0 {
		if sessionKey, err = store.SessionKey(ctx); err != nil {
			ln.Close()
			return err
		}
	}
	metrics := handlers.NewMetrics()
	// lastBatch is when the recorder last committed (Unix nanoseconds): the
	// mailer paces itself while officers are writing (outbox.Config.Busy).
	var lastBatch atomic.Int64
	recorder, err := store.NewRecorder(models.RecorderOptions{OnBatch: func(size int, took time.Duration) {
		lastBatch.Store(time.Now().UnixNano())
		metrics.ObserveBatch(size, took)
	}})
	if err != nil {
		ln.Close()
		return err
	}
	srv := handlers.New(store, recorder, log, handlers.Config{
		Location: cfg.TZ, RateLimit: cfg.RateLimit, APIRateLimit: cfg.APIRateLimit, TrustedProxies: cfg.TrustedProxies,
		Metrics: metrics, Currency: cfg.Currency, PublicURL: cfg.PublicURL, Authority: cfg.Authority, PaymentSecret: cfg.PaymentSecret,
		ReportAccess: cfg.ReportAccess, PaymentURL: cfg.PaymentURL, PaymentInstructions: cfg.PaymentInstructions,
		SessionKey: sessionKey, SessionIdle: cfg.SessionIdle, SessionMax: cfg.SessionMax, SecureCookies: cfg.SecureCookies,
	})
	mailCtx, stopMail := context.WithCancel(ctx)
	busy := func() bool { return time.Since(time.Unix(0, lastBatch.Load())) < writesRecent }
	mailed, err := startMailer(mailCtx, cfg, store, busy, log)
	if err != nil {
		stopMail()
		ln.Close()
		recorder.Close(context.Background())
		return err
	}
	defer func() { stopMail(); <-mailed }()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "Tránsito escuchando en %s — panel: %s/admin — consulta pública: %s/\n", base, base, base)
	log.Info("listening", "addr", ln.Addr().String(), "db", models.RedactDSN(cfg.DB))

	select {
	case err := <-served:
		recorder.Close(context.Background())
		return fmt.Errorf("servidor detenido: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "drain_timeout", cfg.DrainTimeout.String())
	srv.Drain()
	drainCtx, cancel := context.WithTimeout(context.Background(), cfg.DrainTimeout)
	defer cancel()
	if err := srv.App.ShutdownWithContext(drainCtx); err != nil {
		log.Warn("shutdown: drain time over, requests still in flight were cut", "err", err)
	}
	// The write queue gets a deadline of its own, so that an exhausted drain
	// time does not abandon infractions that are already queued.
	closeCtx, cancelClose := context.WithTimeout(context.Background(), recorderCloseTimeout)
	defer cancelClose()
	if err := recorder.Close(closeCtx); err != nil {
		log.Error("shutdown: write queue not drained", "err", err)
		return err
	}
	log.Info("stopped")
	return nil
}

// writesRecent is how recent the recorder's last commit must be for the
// mailer to count the officers' writes as under way.
const writesRecent = 100 * time.Millisecond

// startMailer runs the outbox's mailer until ctx ends (the returned
// channel closes then) when TRANSITO_SMTP_URL is set; without it the
// notifications wait in the outbox, and the panel shows them.
func startMailer(ctx context.Context, cfg *Config, store *models.Store, busy func() bool, log *slog.Logger) (<-chan struct{}, error) {
	done := make(chan struct{})
	if cfg.SMTPURL == "" {
		close(done)
		log.Info("mailer off: TRANSITO_SMTP_URL is not set; notifications wait in the outbox")
		return done, nil
	}
	mc, err := mailer.ParseURL(cfg.SMTPURL)
	if err != nil {
		return nil, err
	}
	if u, err := url.Parse(cfg.PublicURL); err == nil {
		mc.HELO = u.Hostname()
	}
	m, err := mailer.New(mc)
	if err != nil {
		return nil, err
	}
	log.Info("mailer on", "relay", mc.String(), "from", cfg.MailFrom)
	go func() {
		defer close(done)
		outbox.New(store, m, outbox.Config{From: cfg.MailFrom, Lease: cfg.MailLease, Busy: busy, Log: log}).Run(ctx)
	}()
	return done, nil
}

// baseURL turns a listen address into a URL a person can open.
func baseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "::" || host == "0.0.0.0" || strings.HasPrefix(host, "[") {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s", net.JoinHostPort(host, port))
}

// servePprof exposes the Go profiler on addr (TRANSITO_PPROF_ADDR; keep it on
// loopback). It is off unless the variable is set.
func servePprof(addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/heap", pprof.Index)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Info("pprof listening", "addr", addr)
	if err := srv.ListenAndServe(); err != nil {
		log.Warn("pprof stopped", "err", err)
	}
}
