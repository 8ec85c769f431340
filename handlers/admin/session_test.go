package admin

import "testing"

// TestSessionAndCSRFTokensCarry128Bits checks the randomness of the tokens
// a browser holds: distinct, and at least 16 random bytes each.
func TestSessionAndCSRFTokensCarry128Bits(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		s := fresh()
		for _, tok := range []string{s.ID, s.CSRF} {
			if len(tok) < 22 || seen[tok] {
				t.Fatalf("token %q short or repeated", tok)
			}
			seen[tok] = true
		}
	}
}
