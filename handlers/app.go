// Package handlers is Tránsito's HTTP application: New wires the middleware
// every request passes (request id, client address, metrics, access log,
// panic recovery, security headers), the one error handler, the operational
// endpoints (health, metrics, static assets) and each surface's routes:
// handlers/api (the JSON API), handlers/portal (the citizens' pages) and
// handlers/admin (the panel). What the surfaces share is handlers/web.
// Handlers never build SQL: they call the models package.
package handlers

import (
	"errors"
	"log/slog"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"transito/handlers/admin"
	"transito/handlers/api"
	"transito/handlers/portal"
	"transito/handlers/web"
	"transito/models"
	"transito/models/rules"
	"transito/paths"
)

// Config is what the HTTP surface needs from the configuration.
type Config struct {
	// Location is the time zone for timestamps without offset and for display.
	Location *time.Location
	// RateLimit is the number of public look-ups per minute per client; 0
	// disables the limit.
	RateLimit int
	// APIRateLimit is the number of API writes per minute per officer; 0
	// disables the limit.
	APIRateLimit int
	// TrustedProxies are the addresses whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed.
	TrustedProxies []string
	// Metrics receives the server's measurements; New makes one when nil.
	// The caller builds it first when the recorder must report to it too.
	Metrics *Metrics
	// SessionKey signs and encrypts the admin session cookie; empty means a
	// random key (sessions end at restart).
	SessionKey []byte
	// SessionIdle is how long an admin session lives without requests
	// (DefaultSessionIdle when zero).
	SessionIdle time.Duration
	// SecureCookies marks the session cookie Secure even on plain HTTP
	// requests (it always is on HTTPS ones).
	SecureCookies bool
	// ImportDir keeps uploaded import files between preview and confirmation
	// (the system's temporary directory when empty).
	ImportDir string
	// ReadTimeout bounds how long a client may take to send a request
	// (15 s when zero), so that a slow client cannot hold a
	// connection.
	ReadTimeout time.Duration
	// WriteTimeout bounds how long a response may take to be written
	// (30 s when zero).
	WriteTimeout time.Duration
	// IdleTimeout bounds how long a keep-alive connection waits for the next
	// request (90 s when zero).
	IdleTimeout time.Duration
}

// Default connection timeouts; Config overrides them.
const (
	defaultReadTimeout  = 15 * time.Second
	defaultWriteTimeout = 30 * time.Second
	defaultIdleTimeout  = 90 * time.Second
)

// Server is the HTTP application with its dependencies.
type Server struct {
	App      *fiber.App
	store    *models.Store
	recorder *models.Recorder
	log      *slog.Logger
	cfg      Config
	draining atomic.Bool
	metrics  *Metrics
}

// bodyLimit is the largest request body the server reads at all (the import
// upload); the API refuses bodies over rules.MaxAPIBody.
const bodyLimit = rules.MaxUploadSize

// New builds the application: middleware, error handler and every route.
func New(store *models.Store, recorder *models.Recorder, log *slog.Logger, cfg Config) *Server {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	cfg.ReadTimeout = orDefault(cfg.ReadTimeout, defaultReadTimeout)
	cfg.WriteTimeout = orDefault(cfg.WriteTimeout, defaultWriteTimeout)
	cfg.IdleTimeout = orDefault(cfg.IdleTimeout, defaultIdleTimeout)
	s := &Server{store: store, recorder: recorder, log: log, cfg: cfg, metrics: cfg.Metrics}
	if recorder != nil {
		if err := s.metrics.watchRecorder(recorder); err != nil {
			log.Warn("metrics: recorder queue depth not exported", "err", err)
		}
	}
	s.App = fiber.New(fiber.Config{
		AppName: "transito",
		// Values from the request (query, headers, params) are copies, not
		// views into a buffer fasthttp reuses for the next request: a value
		// kept past the request (a cache key) can never change under us.
		Immutable:               true,
		DisableStartupMessage:   true,
		BodyLimit:               bodyLimit,
		ReadTimeout:             cfg.ReadTimeout,
		WriteTimeout:            cfg.WriteTimeout,
		IdleTimeout:             cfg.IdleTimeout,
		ErrorHandler:            s.handleError,
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies,
		ProxyHeader:             proxyHeader(cfg.TrustedProxies),
	})
	s.App.Use(requestID, web.ResolveClient(cfg.TrustedProxies), s.metrics.middleware, accessLog(log), recover.New(recover.Config{
		EnableStackTrace: true,
		StackTraceHandler: func(c *fiber.Ctx, e any) {
			log.Error("panic", "request_id", requestIDOf(c), "panic", e, "stack", string(debug.Stack()))
		},
	}), securityHeaders)
	s.routesHealth()
	s.routesStatic()
	s.App.Get(paths.Metrics, s.metricsHandler())
	s.App.All(paths.Metrics, web.MethodNotAllowed(fiber.MethodGet+", "+fiber.MethodHead))

	// The report API and the portal's look-up count against one budget.
	lookups := s.rateLimit("consulta", cfg.RateLimit, web.ClientIP)
	api.New(store, recorder, api.Config{
		Location: cfg.Location, Lookups: lookups, Recorded: s.metrics.recorded.Inc,
		Writes: s.rateLimit("cargar_infraccion", cfg.APIRateLimit, api.OfficerKey),
	}).Routes(s.App)
	portal.New(store, portal.Config{Location: cfg.Location, Lookups: lookups}).Routes(s.App)
	admin.New(store, log, admin.Config{
		Location: cfg.Location, SessionKey: cfg.SessionKey, SessionIdle: cfg.SessionIdle,
		SecureCookies: cfg.SecureCookies, ImportDir: cfg.ImportDir,
	}).Routes(s.App)
	return s
}

// rateLimit allows max requests per minute per key; max 0 disables it. name
// labels its refusals in the metrics.
func (s *Server) rateLimit(name string, max int, key func(*fiber.Ctx) string) fiber.Handler {
	if max <= 0 {
		return web.Next
	}
	refused := s.metrics.limiterRefusals(name)
	return limiter.New(limiter.Config{
		Max:          max,
		Expiration:   time.Minute,
		KeyGenerator: key,
		LimitReached: func(c *fiber.Ctx) error {
			refused.Inc()
			return web.TooManyRequests(60)
		},
	})
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}

// Drain makes /readyz fail so that a load balancer stops sending traffic
// while the server shuts down.
func (s *Server) Drain() { s.draining.Store(true) }

// handleError is the one place that turns an error into a response: it
// decides the status, logs, sets the problem's headers, and lets the
// renderer the route group chose draw it (web.ProblemsAs).
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	p := web.AsProblem(err)
	p.RequestID = requestIDOf(c)
	attrs := []any{"request_id", p.RequestID, "status", p.Status, "method", c.Method(), "path", c.Path()}
	switch {
	case p.Status >= 500:
		s.log.Error("request failed", append(attrs, "err", err)...)
	case errors.As(err, new(*web.Problem)) || p.Status < 500:
		s.log.Warn("request refused", append(attrs, "detail", p.Detail)...)
	}
	p.SetHeaders(c)
	c.Status(p.Status)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.RendererOf(c)(c, p)
}

// securityHeaders sets the headers every response carries.
func securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	return c.Next()
}
