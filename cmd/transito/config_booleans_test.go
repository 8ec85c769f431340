package main

import (
	"strings"
	"testing"
)

// A boolean setting takes 1/0, true/false, yes/no, on/off in any case;
// anything else stops start-up naming the setting (issue 10, item 10).
func TestConfigBooleansAcceptEverySpelling(t *testing.T) {
	for _, tt := range []struct {
		env  string
		args []string
		want bool
	}{
		{"", nil, false},
		{"1", nil, true}, {"true", nil, true}, {"TRUE", nil, true}, {"yes", nil, true}, {"Yes", nil, true}, {"on", nil, true}, {"ON", nil, true},
		{"0", nil, false}, {"false", nil, false}, {"no", nil, false}, {"off", nil, false}, {"Off", nil, false},
		{"", []string{"--secure-cookies"}, true},
		{"no", []string{"--secure-cookies"}, true},
		{"yes", []string{"--secure-cookies=false"}, false},
		{"", []string{"--secure-cookies=on"}, true},
	} {
		t.Setenv("TRANSITO_SECURE_COOKIES", tt.env)
		cfg, err := buildConfig(t, nil, tt.args...)
		if err != nil {
			t.Errorf("TRANSITO_SECURE_COOKIES=%q %v: %v", tt.env, tt.args, err)
			continue
		}
		if cfg.SecureCookies != tt.want {
			t.Errorf("TRANSITO_SECURE_COOKIES=%q %v: secure cookies %v, want %v", tt.env, tt.args, cfg.SecureCookies, tt.want)
		}
	}
}

func TestConfigBooleansRefuseAnythingElse(t *testing.T) {
	for _, tt := range []struct {
		env  string
		args []string
	}{
		{"maybe", nil}, {"2", nil}, {"enabled", nil}, {"y", nil}, {" ", nil}, {"", []string{"--secure-cookies=si"}},
	} {
		t.Setenv("TRANSITO_SECURE_COOKIES", tt.env)
		_, err := buildConfig(t, nil, tt.args...)
		if err == nil || !strings.Contains(err.Error(), "TRANSITO_SECURE_COOKIES") {
			t.Errorf("TRANSITO_SECURE_COOKIES=%q %v: error %v, want one naming the setting", tt.env, tt.args, err)
		}
	}
}
