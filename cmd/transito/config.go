package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"transito/internal/mailer"
	"transito/models/rules"
)

// Config is every setting of the server, read once from flags and TRANSITO_*
// variables (a flag wins over its variable) and passed down.
type Config struct {
	DB             string
	Addr           string
	TZ             *time.Location
	RateLimit      int
	APIRateLimit   int
	LogLevel       slog.Level
	DrainTimeout   time.Duration
	TrustedProxies []string
	AdminPassword  string // TRANSITO_ADMIN_PASSWORD, only for the first admin
	Demo           bool
	// SessionKey is TRANSITO_SESSION_KEY; empty means the key stored in the
	// database (generated on first use).
	SessionKey    string
	SessionIdle   time.Duration
	SessionMax    time.Duration
	SecureCookies bool
	// PprofAddr is TRANSITO_PPROF_ADDR: a loopback address for Go's
	// profiler, or empty (off).
	PprofAddr string
	// PublicURL is the base of the links in mails and documents.
	PublicURL string
	// Currency is TRANSITO_CURRENCY, the ISO 4217 code beside amounts.
	Currency string
	// Authority is TRANSITO_AUTHORITY, the name on documents and mails.
	Authority string
	// PaymentSecret is TRANSITO_PAYMENT_SECRET; empty, the payment
	// webhook does not exist.
	PaymentSecret string
	// ReportAccess is --report-access/TRANSITO_REPORT_ACCESS: open or
	// verified.
	ReportAccess string
	// PaymentURL and PaymentInstructions tell the portal how to pay.
	PaymentURL, PaymentInstructions string
	// SMTPURL and MailFrom are the relay and the sender of the mailer;
	// without them notifications wait in the outbox.
	SMTPURL, MailFrom string
	// MailLease is TRANSITO_MAIL_LEASE: how long a mail the mailer claimed
	// stays its own before another attempt may take it (a mailer killed
	// mid-send leaves its mails for that long).
	MailLease time.Duration
}

// minPaymentSecret is the shortest payment provider's secret accepted.
const minPaymentSecret = 16

// env returns the variable's value or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// dbFlag adds --db to a command's flags.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", env("TRANSITO_DB", "transito.db"), "SQLite database file or postgres:// URL (env TRANSITO_DB)")
}

// serveFlags declares the flags of serve and returns a function that builds
// the Config once they are parsed.
func serveFlags(fs *flag.FlagSet) func() (*Config, error) {
	db := dbFlag(fs)
	addr := fs.String("addr", env("TRANSITO_ADDR", ":8000"), "listen address (env TRANSITO_ADDR)")
	tz := fs.String("tz", env("TRANSITO_TZ", "UTC"), "time zone for timestamps without offset and for display (env TRANSITO_TZ)")
	rate := fs.String("rate-limit", env("TRANSITO_RATE_LIMIT", "60"), "public look-ups per minute per client, 0 disables (env TRANSITO_RATE_LIMIT)")
	apiRate := fs.String("api-rate-limit", env("TRANSITO_API_RATE_LIMIT", "6000"), "API writes per minute per officer, 0 disables (env TRANSITO_API_RATE_LIMIT)")
	level := fs.String("log-level", env("TRANSITO_LOG_LEVEL", "info"), "debug, info, warn or error (env TRANSITO_LOG_LEVEL)")
	drain := fs.String("drain-timeout", env("TRANSITO_DRAIN_TIMEOUT", "20s"), "how long shutdown waits for requests in flight (env TRANSITO_DRAIN_TIMEOUT)")
	proxies := fs.String("trusted-proxies", env("TRANSITO_TRUSTED_PROXIES", ""), "comma-separated proxy addresses whose X-Forwarded-* headers are trusted (env TRANSITO_TRUSTED_PROXIES)")
	demo := fs.Bool("demo", false, "load the demo data set and print a demo officer token")
	idle := fs.String("session-idle", env("TRANSITO_SESSION_IDLE", "8h"), "admin session idle timeout (env TRANSITO_SESSION_IDLE)")
	maxAge := fs.String("session-max", env("TRANSITO_SESSION_MAX", "12h"), "admin session lifetime after login, however busy (env TRANSITO_SESSION_MAX)")
	publicURL := fs.String("public-url", env("TRANSITO_PUBLIC_URL", "http://localhost:8000"), "the base of the links in mails and documents (env TRANSITO_PUBLIC_URL)")
	access := fs.String("report-access", env("TRANSITO_REPORT_ACCESS", "open"), "open or verified: whether the report also needs a proof of ownership (env TRANSITO_REPORT_ACCESS)")
	secure := &boolFlag{value: env("TRANSITO_SECURE_COOKIES", "off")}
	fs.Var(secure, "secure-cookies", "always mark the session cookie Secure: 1/0, true/false, yes/no, on/off (env TRANSITO_SECURE_COOKIES)")
	return func() (*Config, error) {
		cfg := &Config{DB: *db, Addr: *addr, Demo: *demo, AdminPassword: os.Getenv("TRANSITO_ADMIN_PASSWORD"),
			SessionKey: os.Getenv("TRANSITO_SESSION_KEY"), PprofAddr: os.Getenv("TRANSITO_PPROF_ADDR"),
			PublicURL: strings.TrimRight(*publicURL, "/"), Currency: env("TRANSITO_CURRENCY", "ARS"),
			Authority: env("TRANSITO_AUTHORITY", "Dirección de Tránsito"), PaymentSecret: os.Getenv("TRANSITO_PAYMENT_SECRET"),
			ReportAccess: *access, PaymentURL: os.Getenv("TRANSITO_PAYMENT_URL"), PaymentInstructions: os.Getenv("TRANSITO_PAYMENT_INSTRUCTIONS"),
			SMTPURL: os.Getenv("TRANSITO_SMTP_URL"), MailFrom: os.Getenv("TRANSITO_MAIL_FROM")}
		var errs []error
		var err error
		if cfg.SecureCookies, err = parseBool(secure.value); err != nil {
			errs = append(errs, fmt.Errorf("--secure-cookies/TRANSITO_SECURE_COOKIES: %w", err))
		}
		if cfg.DB == "" {
			errs = append(errs, errors.New("--db/TRANSITO_DB must not be empty"))
		}
		if cfg.Addr == "" {
			errs = append(errs, errors.New("--addr/TRANSITO_ADDR must not be empty"))
		}
		loc, err := time.LoadLocation(*tz)
		if err != nil {
			errs = append(errs, fmt.Errorf("--tz/TRANSITO_TZ: unknown time zone %q", *tz))
		}
		cfg.TZ = loc
		if cfg.RateLimit, err = nonNegative(*rate); err != nil {
			errs = append(errs, fmt.Errorf("--rate-limit/TRANSITO_RATE_LIMIT: %w", err))
		}
		if cfg.APIRateLimit, err = nonNegative(*apiRate); err != nil {
			errs = append(errs, fmt.Errorf("--api-rate-limit/TRANSITO_API_RATE_LIMIT: %w", err))
		}
		if err := cfg.LogLevel.UnmarshalText([]byte(*level)); err != nil {
			errs = append(errs, fmt.Errorf("--log-level/TRANSITO_LOG_LEVEL: %q is not debug, info, warn or error", *level))
		}
		if cfg.DrainTimeout, err = time.ParseDuration(*drain); err != nil || cfg.DrainTimeout <= 0 {
			errs = append(errs, fmt.Errorf("--drain-timeout/TRANSITO_DRAIN_TIMEOUT: %q is not a positive duration such as 20s", *drain))
		}
		for _, p := range strings.Split(*proxies, ",") {
			if p = strings.TrimSpace(p); p != "" {
				if !validProxy(p) {
					errs = append(errs, fmt.Errorf("--trusted-proxies/TRANSITO_TRUSTED_PROXIES: %q is not an IP address or CIDR prefix (such as 10.0.0.1 or 10.0.0.0/8)", p))
				}
				cfg.TrustedProxies = append(cfg.TrustedProxies, p)
			}
		}
		if cfg.SessionIdle, err = time.ParseDuration(*idle); err != nil || cfg.SessionIdle <= 0 {
			errs = append(errs, fmt.Errorf("--session-idle/TRANSITO_SESSION_IDLE: %q is not a positive duration such as 8h", *idle))
		}
		if cfg.SessionMax, err = time.ParseDuration(*maxAge); err != nil || cfg.SessionMax <= 0 {
			errs = append(errs, fmt.Errorf("--session-max/TRANSITO_SESSION_MAX: %q is not a positive duration such as 12h", *maxAge))
		}
		if k := cfg.SessionKey; k != "" && (len(k) < 32 || strings.TrimSpace(k) == "" || oneRepeatedChar(k)) {
			errs = append(errs, errors.New("TRANSITO_SESSION_KEY must have at least 32 characters, and not be blank or one character repeated"))
		}
		if a := cfg.PprofAddr; a != "" && !loopbackAddr(a) {
			errs = append(errs, fmt.Errorf("TRANSITO_PPROF_ADDR: %q is not a loopback address with a port (such as 127.0.0.1:6060)", a))
		}
		if u, err := url.Parse(cfg.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, fmt.Errorf("--public-url/TRANSITO_PUBLIC_URL: %q is not an http(s) URL such as https://transito.example.gob.ar", cfg.PublicURL))
		}
		if !currencyRE.MatchString(cfg.Currency) {
			errs = append(errs, fmt.Errorf("TRANSITO_CURRENCY: %q is not an ISO 4217 code of three capital letters, such as ARS", cfg.Currency))
		}
		if p := cfg.PaymentSecret; p != "" && (len(p) < minPaymentSecret || strings.TrimSpace(p) == "" || oneRepeatedChar(p)) {
			errs = append(errs, fmt.Errorf("TRANSITO_PAYMENT_SECRET must have at least %d characters, and not be blank or one character repeated", minPaymentSecret))
		}
		if !rules.ValidAccess(cfg.ReportAccess) {
			errs = append(errs, fmt.Errorf("--report-access/TRANSITO_REPORT_ACCESS: %q is not open or verified", cfg.ReportAccess))
		}
		if u := cfg.PaymentURL; u != "" {
			if pu, err := url.Parse(strings.NewReplacer("{id}", "1", "{importe}", "1.00").Replace(u)); err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
				errs = append(errs, fmt.Errorf("TRANSITO_PAYMENT_URL: %q is not an http(s) URL template such as https://pagos.example.gob.ar/?acta={id}&importe={importe}", u))
			}
		}
		if cfg.MailLease, err = time.ParseDuration(env("TRANSITO_MAIL_LEASE", "1m")); err != nil || cfg.MailLease < time.Second {
			errs = append(errs, fmt.Errorf("TRANSITO_MAIL_LEASE: %q is not a duration of at least 1s such as 1m", os.Getenv("TRANSITO_MAIL_LEASE")))
		}
		if cfg.SMTPURL != "" {
			if _, err := mailer.ParseURL(cfg.SMTPURL); err != nil {
				errs = append(errs, fmt.Errorf("TRANSITO_SMTP_URL: %w", err))
			}
			if _, err := mail.ParseAddress(cfg.MailFrom); err != nil {
				errs = append(errs, fmt.Errorf("TRANSITO_MAIL_FROM: %q is not a mail address such as \"Tránsito <avisos@transito.example.gob.ar>\" (needed with TRANSITO_SMTP_URL)", cfg.MailFrom))
			}
		}
		if p := cfg.AdminPassword; p != "" && len(p) < 10 {
			errs = append(errs, errors.New("TRANSITO_ADMIN_PASSWORD must have at least 10 characters"))
		}
		return cfg, errors.Join(errs...)
	}
}

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// boolFlag is a boolean flag whose value, and that of its variable, is read
// by parseBool once flags are parsed: "--secure-cookies" alone means true.
type boolFlag struct{ value string }

func (f *boolFlag) String() string     { return f.value }
func (f *boolFlag) Set(s string) error { f.value = s; return nil }
func (f *boolFlag) IsBoolFlag() bool   { return true }

// parseBool reads a boolean setting: 1/0, true/false, yes/no or on/off, in
// any case.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean: use 1/0, true/false, yes/no or on/off", s)
}

// validProxy reports whether p is an IP address or a CIDR prefix.
func validProxy(p string) bool {
	if _, err := netip.ParseAddr(p); err == nil {
		return true
	}
	_, err := netip.ParsePrefix(p)
	return err == nil
}

// loopbackAddr reports whether addr is host:port with a loopback host
// (localhost, 127.0.0.0/8 or ::1) and a port.
func loopbackAddr(addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return false
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// oneRepeatedChar reports whether s is one character over and over.
func oneRepeatedChar(s string) bool {
	for _, r := range s {
		return strings.Trim(s, string(r)) == ""
	}
	return true
}

func nonNegative(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a whole number ≥ 0", s)
	}
	return n, nil
}
