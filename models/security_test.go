package models

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"transito/models/rules"
)

// TestOfficerTokensCarryAtLeast128RandomBits issues many tokens and checks
// each decodes to at least 16 random bytes, no two alike, and that the
// database holds only their SHA-256 and a short display prefix.
func TestOfficerTokensCarryAtLeast128RandomBits(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	o, err := s.CreateOfficer(ctx, rules.OfficerInput{Name: "Uno", Badge: "B1", Active: true}, CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	ones, bits := 0, 0
	for range 50 {
		token, err := s.IssueToken(ctx, o.ID, CLIActor)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, TokenPrefix))
		if err != nil || len(raw) < 16 || seen[token] {
			t.Fatalf("token %q: %d random bytes (%v), repeated %v", token, len(raw), err, seen[token])
		}
		seen[token] = true
		for _, b := range raw {
			for ; b != 0; b &= b - 1 {
				ones++
			}
		}
		bits += 8 * len(raw)
	}
	if ratio := float64(ones) / float64(bits); ratio < 0.45 || ratio > 0.55 {
		t.Fatalf("%.3f of the token bits are 1: not random", ratio)
	}
	var stored []OfficerToken
	if err := s.readers.NewSelect().Model(&stored).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	var details []string
	if err := s.readers.NewSelect().TableExpr("audit_log").Column("detail").Scan(ctx, &details); err != nil {
		t.Fatal(err)
	}
	for tok := range seen {
		for _, d := range details {
			if strings.Contains(d, strings.TrimPrefix(tok, TokenPrefix)[8:]) {
				t.Fatalf("the audit log holds a token: %s", d)
			}
		}
	}
	for _, st := range stored {
		for tok := range seen {
			if strings.Contains(st.TokenHash, strings.TrimPrefix(tok, TokenPrefix)) || len(st.Prefix) > len(TokenPrefix)+6 {
				t.Fatalf("stored row %+v reveals a token", st)
			}
		}
	}
}
