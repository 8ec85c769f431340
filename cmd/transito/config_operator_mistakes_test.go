package main

import (
	"strings"
	"testing"
	"time"
)

// Settings an operator gets wrong stop start-up with a message naming the
// setting (issue 10, item 11), and a refused key is never echoed.
func TestConfigRefusesOperatorMistakes(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		want   string
		secret string
	}{
		{"proxy not an address", nil, []string{"--trusted-proxies", "not-an-ip,10.0.0.0/8"}, "not-an-ip", ""},
		{"proxy prefix too long", map[string]string{"TRANSITO_TRUSTED_PROXIES": "10.0.0.1, 10.0.0.0/99"}, nil, "TRANSITO_TRUSTED_PROXIES", ""},
		{"pprof on every interface", map[string]string{"TRANSITO_PPROF_ADDR": "0.0.0.0:6060"}, nil, "TRANSITO_PPROF_ADDR", ""},
		{"pprof without host", map[string]string{"TRANSITO_PPROF_ADDR": ":6060"}, nil, "TRANSITO_PPROF_ADDR", ""},
		{"pprof on a public address", map[string]string{"TRANSITO_PPROF_ADDR": "192.0.2.7:6060"}, nil, "TRANSITO_PPROF_ADDR", ""},
		{"pprof without port", map[string]string{"TRANSITO_PPROF_ADDR": "127.0.0.1"}, nil, "TRANSITO_PPROF_ADDR", ""},
		{"session key of spaces", map[string]string{"TRANSITO_SESSION_KEY": strings.Repeat(" ", 40)}, nil, "TRANSITO_SESSION_KEY", ""},
		{"session key of one character", map[string]string{"TRANSITO_SESSION_KEY": strings.Repeat("x", 40)}, nil, "TRANSITO_SESSION_KEY", strings.Repeat("x", 40)},
		{"session key too short", map[string]string{"TRANSITO_SESSION_KEY": "corta-y-secreta"}, nil, "TRANSITO_SESSION_KEY", "corta-y-secreta"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("TRANSITO_PPROF_ADDR", tt.env["TRANSITO_PPROF_ADDR"])
			t.Setenv("TRANSITO_SESSION_KEY", tt.env["TRANSITO_SESSION_KEY"])
			_, err := buildConfig(t, tt.env, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one naming %s", err, tt.want)
			}
			if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
}

func TestConfigAcceptsWhatOperatorsMean(t *testing.T) {
	t.Setenv("TRANSITO_PPROF_ADDR", "127.0.0.1:6060")
	t.Setenv("TRANSITO_SESSION_KEY", "a-long-enough-session-key-0123456789")
	cfg, err := buildConfig(t, map[string]string{"TRANSITO_TRUSTED_PROXIES": "10.0.0.1, 10.0.0.0/8,::1,fd00::/8"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.TrustedProxies) != 4 || cfg.PprofAddr != "127.0.0.1:6060" {
		t.Errorf("proxies %q, pprof %q", cfg.TrustedProxies, cfg.PprofAddr)
	}
	for _, addr := range []string{"localhost:6060", "[::1]:6060"} {
		t.Setenv("TRANSITO_PPROF_ADDR", addr)
		if _, err := buildConfig(t, nil); err != nil {
			t.Errorf("TRANSITO_PPROF_ADDR=%s: %v", addr, err)
		}
	}
}

func TestConfigSessionLifetimes(t *testing.T) {
	t.Setenv("TRANSITO_SESSION_IDLE", "")
	t.Setenv("TRANSITO_SESSION_MAX", "")
	cfg, err := buildConfig(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SessionIdle != 8*time.Hour || cfg.SessionMax != 12*time.Hour {
		t.Errorf("defaults: idle %v, max %v; want 8h, 12h", cfg.SessionIdle, cfg.SessionMax)
	}
	if cfg, err = buildConfig(t, nil, "--session-max", "2h"); err != nil || cfg.SessionMax != 2*time.Hour {
		t.Errorf("--session-max 2h: %v, %v", cfg.SessionMax, err)
	}
	for _, bad := range []string{"soon", "-1h", "0"} {
		t.Setenv("TRANSITO_SESSION_MAX", bad)
		if _, err := buildConfig(t, nil); err == nil || !strings.Contains(err.Error(), "TRANSITO_SESSION_MAX") {
			t.Errorf("TRANSITO_SESSION_MAX=%s: %v, want an error naming it", bad, err)
		}
	}
}
