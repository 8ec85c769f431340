package main

import (
	"flag"
	"io"
	"log/slog"
	"strings"
	"testing"
)

func buildConfig(t *testing.T, env map[string]string, args ...string) (*Config, error) {
	t.Helper()
	for _, k := range []string{"TRANSITO_DB", "TRANSITO_ADDR", "TRANSITO_TZ", "TRANSITO_RATE_LIMIT", "TRANSITO_API_RATE_LIMIT",
		"TRANSITO_LOG_LEVEL", "TRANSITO_DRAIN_TIMEOUT", "TRANSITO_TRUSTED_PROXIES", "TRANSITO_ADMIN_PASSWORD",
		"TRANSITO_PUBLIC_URL", "TRANSITO_CURRENCY", "TRANSITO_PAYMENT_SECRET", "TRANSITO_AUTHORITY"} {
		t.Setenv(k, env[k])
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	build := serveFlags(fs)
	if _, err := parse(fs, args, io.Discard); err != nil {
		t.Fatal(err)
	}
	return build()
}

func TestConfigDefaultsAndPrecedence(t *testing.T) {
	cfg, err := buildConfig(t, map[string]string{"TRANSITO_LOG_LEVEL": "warn", "TRANSITO_TZ": "America/Argentina/Buenos_Aires"},
		"--log-level", "debug")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.LogLevel != slog.LevelDebug {
		t.Errorf("the flag should win over the variable: level %v", cfg.LogLevel)
	}
	if cfg.TZ.String() != "America/Argentina/Buenos_Aires" || cfg.Addr != ":8000" || cfg.DB != "transito.db" || cfg.RateLimit != 60 {
		t.Errorf("defaults/env not applied: %+v", cfg)
	}
	if cfg.PublicURL != "http://localhost:8000" || cfg.Currency != "ARS" || cfg.PaymentSecret != "" || cfg.Authority != "Dirección de Tránsito" {
		t.Errorf("fines defaults: %+v", cfg)
	}
	cfg, err = buildConfig(t, map[string]string{"TRANSITO_PUBLIC_URL": "https://multas.example.gob.ar/", "TRANSITO_CURRENCY": "UYU",
		"TRANSITO_PAYMENT_SECRET": "un-secreto-largo-de-verdad"}, "--public-url", "https://transito.example.gob.ar/")
	if err != nil || cfg.PublicURL != "https://transito.example.gob.ar" || cfg.Currency != "UYU" || cfg.PaymentSecret != "un-secreto-largo-de-verdad" {
		t.Errorf("fines settings: %+v %v", cfg, err)
	}
}

// TestConfigRefusesBadValues expects each bad value to stop start-up with a
// message naming the setting, and never echoing a secret.
func TestConfigRefusesBadValues(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"log level", nil, []string{"--log-level", "verbose"}, "--log-level/TRANSITO_LOG_LEVEL"},
		{"log level env", map[string]string{"TRANSITO_LOG_LEVEL": "chatty"}, nil, "--log-level/TRANSITO_LOG_LEVEL"},
		{"time zone", map[string]string{"TRANSITO_TZ": "Mars/Olympus"}, nil, "--tz/TRANSITO_TZ"},
		{"rate limit", nil, []string{"--rate-limit", "-1"}, "--rate-limit/TRANSITO_RATE_LIMIT"},
		{"drain", map[string]string{"TRANSITO_DRAIN_TIMEOUT": "soon"}, nil, "--drain-timeout/TRANSITO_DRAIN_TIMEOUT"},
		{"short password", map[string]string{"TRANSITO_ADMIN_PASSWORD": "secreto1"}, nil, "TRANSITO_ADMIN_PASSWORD"},
		{"public url", map[string]string{"TRANSITO_PUBLIC_URL": "transito.example.gob.ar"}, nil, "--public-url/TRANSITO_PUBLIC_URL"},
		{"public url flag", nil, []string{"--public-url", "ftp://x"}, "--public-url/TRANSITO_PUBLIC_URL"},
		{"currency", map[string]string{"TRANSITO_CURRENCY": "pesos"}, nil, "TRANSITO_CURRENCY"},
		{"short payment secret", map[string]string{"TRANSITO_PAYMENT_SECRET": "corto"}, nil, "TRANSITO_PAYMENT_SECRET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := buildConfig(t, tt.env, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one naming %s", err, tt.want)
			}
			if strings.Contains(err.Error(), "secreto1") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}
