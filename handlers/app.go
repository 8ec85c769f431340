// Package handlers is Tránsito's HTTP application: New wires the middleware
// every request passes (request id, client address, metrics, access log,
// panic recovery, security headers), the one error handler, the operational
// endpoints (health, metrics, static assets) and each surface's routes:
// handlers/api (the JSON API), handlers/portal (the citizens' pages),
// handlers/admin (the panel) and handlers/officer (the officer app). What
// the surfaces share is handlers/web. Handlers never build SQL: they call
// the models package.
package handlers

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/valyala/fasthttp"

	"transito/handlers/admin"
	"transito/handlers/api"
	"transito/handlers/officer"
	"transito/handlers/portal"
	"transito/handlers/web"
	"transito/models"
	"transito/models/rules"
	"transito/paths"
	"transito/static"
)

// Config is what the HTTP surface needs from the configuration.
type Config struct {
	// Location is the time zone for timestamps without offset and for display.
	Location *time.Location
	// Currency is the ISO 4217 code shown beside amounts (ARS when empty).
	Currency string
	// PublicURL is the base of the links in mails and documents
	// (http://localhost:8000 when empty).
	PublicURL string
	// Authority names the authority on documents and mails.
	Authority string
	// PaymentSecret is the payment provider's webhook secret; empty means
	// POST /api/v1/pagos does not exist (404).
	PaymentSecret string
	// ReportAccess is rules.AccessOpen (the default) or
	// rules.AccessVerified: whether the report also needs a proof of
	// ownership (DESIGN, Reports and citizen access).
	ReportAccess string
	// PaymentURL (a template with {id} and {importe}) or
	// PaymentInstructions tell the portal's citizens how to pay.
	PaymentURL, PaymentInstructions string
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
	// (admin.DefaultSessionIdle when zero).
	SessionIdle time.Duration
	// SessionMax is how long an admin session lives at most after login,
	// however busy (admin.DefaultSessionMax when zero).
	SessionMax time.Duration
	// SecureCookies marks the session cookie Secure even on plain HTTP
	// requests (it always is on HTTPS ones).
	SecureCookies bool
	// WriteWait bounds how long an API write waits for the writer
	// (5 s when zero); past it the answer is 503 with
	// Retry-After and the write is never stored.
	WriteWait time.Duration
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
	// refusedAs chooses the renderer of the requests the HTTP parser
	// refused, by path prefix (refusedRenderer).
	refusedAs []prefixRenderer
}

// bodyLimit is the largest request body the server reads at all (a
// descargo with its documents); the API refuses bodies over rules.MaxAPIBody.
const bodyLimit = rules.MaxBody

// MaxHeaderBytes bounds a request's line and headers; past it the answer is
// 431 with our problem body.
const MaxHeaderBytes = 16 << 10

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
	if cfg.Currency == "" {
		cfg.Currency = models.DefaultCurrency
	}
	store.SetLocale(models.Locale{Location: cfg.Location, Currency: cfg.Currency, PublicURL: cfg.PublicURL, Authority: cfg.Authority})
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
		ReadBufferSize:          MaxHeaderBytes,
		ReadTimeout:             cfg.ReadTimeout,
		WriteTimeout:            cfg.WriteTimeout,
		IdleTimeout:             cfg.IdleTimeout,
		ErrorHandler:            s.handleError,
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies,
		ProxyHeader:             proxyHeader(cfg.TrustedProxies),
	})
	s.App.Server().ErrorHandler = s.refuseUnreadable
	serve := s.App.Server().Handler
	s.App.Server().Handler = func(fctx *fasthttp.RequestCtx) {
		// Fiber answers a method it does not know with English text/plain,
		// before any middleware.
		if !knownMethod(string(fctx.Method())) {
			s.refuseUnreadable(fctx, errUnknownMethod)
			return
		}
		serve(fctx)
	}
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
		Writes:    s.rateLimit("cargar_infraccion", cfg.APIRateLimit, api.OfficerKey),
		WriteWait: cfg.WriteWait, Currency: cfg.Currency, PaymentSecret: cfg.PaymentSecret, Access: cfg.ReportAccess,
	}).Routes(s.App)
	portal.New(store, portal.Config{Location: cfg.Location, Lookups: lookups, Access: cfg.ReportAccess, Key: cfg.SessionKey,
		SecureCookies: cfg.SecureCookies, PaymentURL: cfg.PaymentURL, PaymentInstructions: cfg.PaymentInstructions}).Routes(s.App)
	panel := admin.New(store, log, admin.Config{
		Location: cfg.Location, Currency: cfg.Currency, SessionKey: cfg.SessionKey, SessionIdle: cfg.SessionIdle, SessionMax: cfg.SessionMax,
		SecureCookies: cfg.SecureCookies, ImportDir: cfg.ImportDir,
	})
	panel.Routes(s.App)
	officer.New(static.FS, log).Routes(s.App)

	s.refusedAs = []prefixRenderer{{paths.Panel, panel.RenderProblem}}
	for _, prefix := range paths.APIPrefixes() {
		s.refusedAs = append(s.refusedAs, prefixRenderer{prefix, web.ProblemJSON})
	}
	return s
}

// prefixRenderer draws the problems of the paths under prefix.
type prefixRenderer struct {
	prefix string
	render web.ProblemRenderer
}

// refusedRenderer is the renderer of a request the HTTP parser refused:
// no route ran to choose one (web.ProblemsAs), so it goes by the surface
// the path belongs to — the panel's error page, the API's problem+json,
// the public pages' renderer for the rest.
func (s *Server) refusedRenderer(path string) web.ProblemRenderer {
	for _, pr := range s.refusedAs {
		if path == pr.prefix || strings.HasPrefix(path, pr.prefix+"/") {
			return pr.render
		}
	}
	return web.PublicProblem
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
	if !p.Anonymous {
		p.RequestID = requestIDOf(c)
	}
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

// refuseUnreadable answers a request the HTTP parser could not read: bad
// framing (Content-Length, chunks, header names), headers past
// MaxHeaderBytes, a body past bodyLimit, a client too slow. The parser's
// error text carries the raw request bytes — tokens, cookies — so neither
// the client nor the log sees it: the client gets our Spanish problem with a
// request id and the security headers, the log a fixed summary.
func (s *Server) refuseUnreadable(fctx *fasthttp.RequestCtx, err error) {
	status, detail, reason := unreadable(err)
	lingerOnClose(fctx)
	p := web.NewProblem(status, detail)
	p.RequestID = newRequestID()
	s.log.Warn("request refused by the HTTP parser", "request_id", p.RequestID, "status", status, "reason", reason,
		"client", fctx.RemoteIP().String())
	c := s.App.AcquireCtx(fctx)
	defer s.App.ReleaseCtx(c)
	c.Locals(localsRequestID, p.RequestID)
	setSecurityHeaders(&fctx.Response.Header)
	c.Set(HeaderRequestID, p.RequestID)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Status(status)
	// The panel's pages get its error page when the path was read (a body
	// over the limit), the API problem+json, the public pages theirs.
	if err := s.refusedRenderer(string(fctx.Path()))(c, p); err != nil {
		body, _ := json.Marshal(p)
		fctx.SetContentType("application/problem+json")
		fctx.SetBody(body)
	}
}

var errUnknownMethod = errors.New("handlers: unknown HTTP method")

// unreadable classifies an error of the HTTP parser into a status, a Spanish
// detail for the client and a summary for the log, none of them taken from
// the error's text.
func unreadable(err error) (status int, detail, reason string) {
	var ne net.Error
	msg := err.Error()
	switch {
	case errors.As(err, new(*fasthttp.ErrSmallBuffer)):
		return fiber.StatusRequestHeaderFieldsTooLarge, "Los encabezados de la solicitud superan los 16 KiB permitidos.", "headers too large"
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		return fiber.StatusRequestEntityTooLarge, "El cuerpo de la solicitud supera el máximo permitido.", "body too large"
	case errors.As(err, &ne) && ne.Timeout(), strings.Contains(msg, "timeout"):
		return fiber.StatusRequestTimeout, "La solicitud tardó demasiado en llegar.", "timeout"
	case errors.Is(err, errUnknownMethod):
		return fiber.StatusBadRequest, "El método HTTP de la solicitud no es válido.", "unknown method"
	}
	reason = "malformed request"
	switch {
	case strings.Contains(msg, "Content-Length"):
		reason = "malformed Content-Length"
	case strings.Contains(msg, "hex number"), strings.Contains(msg, "chunk"):
		reason = "malformed chunked body"
	case strings.Contains(msg, "header"):
		reason = "malformed header"
	}
	return fiber.StatusBadRequest, "La solicitud HTTP está mal formada y no se pudo leer.", reason
}

// securityHeaders sets the headers every response carries.
func securityHeaders(c *fiber.Ctx) error {
	setSecurityHeaders(&c.Response().Header)
	return c.Next()
}

func setSecurityHeaders(h *fasthttp.ResponseHeader) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
}
