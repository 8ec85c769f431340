// Package handlers holds Tránsito's HTTP surface: the officer API, the
// citizens' report and page, the admin panel, and the middleware they share.
// Handlers never build SQL: they call the models package.
package handlers

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/valyala/fasthttp"

	"transito/models"
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
	// SessionMax is how long an admin session lives at most after login,
	// however busy (DefaultSessionMax when zero).
	SessionMax time.Duration
	// SecureCookies marks the session cookie Secure even on plain HTTP
	// requests (it always is on HTTPS ones).
	SecureCookies bool
	// WriteWait bounds how long an API write waits for the writer
	// (DefaultWriteWait when zero); past it the answer is 503 with
	// Retry-After and the write is never stored.
	WriteWait time.Duration
	// ImportDir keeps uploaded import files between preview and confirmation
	// (the system's temporary directory when empty).
	ImportDir string
	// ReadTimeout bounds how long a client may take to send a request
	// (DefaultReadTimeout when zero), so that a slow client cannot hold a
	// connection.
	ReadTimeout time.Duration
	// WriteTimeout bounds how long a response may take to be written
	// (DefaultWriteTimeout when zero).
	WriteTimeout time.Duration
	// IdleTimeout bounds how long a keep-alive connection waits for the next
	// request (DefaultIdleTimeout when zero).
	IdleTimeout time.Duration
}

// Default connection timeouts; Config overrides them.
const (
	DefaultReadTimeout  = 15 * time.Second
	DefaultWriteTimeout = 30 * time.Second
	DefaultIdleTimeout  = 90 * time.Second
	DefaultWriteWait    = 5 * time.Second
)

// Server is the HTTP application with its dependencies.
type Server struct {
	App      *fiber.App
	store    *models.Store
	recorder *models.Recorder
	log      *slog.Logger
	cfg      Config
	draining atomic.Bool
	reports  reportCache
	metrics  *Metrics
	// lookupLimit is the one rate limiter of the public look-ups: the
	// report API and the public page count against the same budget.
	lookupLimit fiber.Handler
	// trusted are the proxies whose X-Forwarded-For entries are believed.
	trusted []netip.Prefix
}

// BodyLimit is the largest request body the server reads at all (the import
// upload); the API refuses bodies over APIBodyLimit.
const (
	BodyLimit    = 8 << 20
	APIBodyLimit = 64 << 10
)

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
	cfg.ReadTimeout = orDefault(cfg.ReadTimeout, DefaultReadTimeout)
	cfg.WriteTimeout = orDefault(cfg.WriteTimeout, DefaultWriteTimeout)
	cfg.IdleTimeout = orDefault(cfg.IdleTimeout, DefaultIdleTimeout)
	cfg.WriteWait = orDefault(cfg.WriteWait, DefaultWriteWait)
	s := &Server{store: store, recorder: recorder, log: log, cfg: cfg, metrics: cfg.Metrics, trusted: trustedNets(cfg.TrustedProxies)}
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
		BodyLimit:               BodyLimit,
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
	s.App.Use(requestID, s.resolveClient, s.metrics.middleware, accessLog(log), recover.New(recover.Config{
		EnableStackTrace: true,
		StackTraceHandler: func(c *fiber.Ctx, e any) {
			log.Error("panic", "request_id", RequestIDOf(c), "panic", e, "stack", string(debug.Stack()))
		},
	}), securityHeaders)
	s.lookupLimit = s.rateLimit("consulta", s.cfg.RateLimit, clientIP)
	s.routesHealth()
	s.routesStatic()
	s.routesAPI()
	s.routesPublic()
	s.routesAdmin()
	return s
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

// isAPI reports whether a path belongs to the JSON API, which answers errors
// as problem+json.
func isAPI(path string) bool {
	for _, p := range []string{"/cargar_infraccion", "/generar_informe", "/api/"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// handleError is the one place that turns an error into a response.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	p := asProblem(err)
	p.RequestID = RequestIDOf(c)
	attrs := []any{"request_id", p.RequestID, "status", p.Status, "method", c.Method(), "path", c.Path()}
	switch {
	case p.Status >= 500:
		s.log.Error("request failed", append(attrs, "err", err)...)
	case errors.As(err, new(*Problem)) || p.Status < 500:
		s.log.Warn("request refused", append(attrs, "detail", p.Detail)...)
	}
	for k, v := range p.headers {
		c.Set(k, v)
	}
	c.Status(p.Status)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.renderProblem(c, p)
}

// renderProblem writes p as problem+json; the panel and the public page
// replace it with an HTML error page.
func (s *Server) renderProblem(c *fiber.Ctx, p *Problem) error {
	if r, ok := c.Locals(localsProblemRenderer).(problemRenderer); ok {
		return r(c, p)
	}
	if !isAPI(c.Path()) && (strings.Contains(c.Get(fiber.HeaderAccept), "text/html") || strings.HasPrefix(c.Path(), "/admin")) {
		return s.renderErrorPage(c, p)
	}
	return c.JSON(p, "application/problem+json")
}

// refuseUnreadable answers a request the HTTP parser could not read: bad
// framing (Content-Length, chunks, header names), headers past
// MaxHeaderBytes, a body past BodyLimit, a client too slow. The parser's
// error text carries the raw request bytes — tokens, cookies — so neither
// the client nor the log sees it: the client gets our Spanish problem with a
// request id and the security headers, the log a fixed summary.
func (s *Server) refuseUnreadable(fctx *fasthttp.RequestCtx, err error) {
	status, detail, reason := unreadable(err)
	lingerOnClose(fctx)
	p := newProblem(status, detail)
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
	// The panel's pages get the error page when the path was read (a body
	// over the limit); everything else, problem+json.
	if err := s.renderProblem(c, p); err != nil {
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
