package models

import (
	"context"
	"errors"
	"sync"
	"testing"

	"transito/models/rules"
)

// Parallel guesses for one username from one client, spread over two stores
// on one database (two replicas), compare at most MaxLoginFailures
// passwords: the attempt is counted in the database before bcrypt runs, so
// the rest get the lockout answer without any password work — and then so
// does the right password (issue 10, item 1).
func TestLoginThrottleHoldsUnderParallelGuesses(t *testing.T) {
	ctx := context.Background()
	a, dsn := newTestStoreDSN(t)
	if _, err := a.CreateAdmin(ctx, rules.AdminInput{Username: "admin", Password: "clave-correcta-1"}, SystemActor); err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	for _, user := range []string{"admin", "nadie"} {
		const guesses = 30
		var mu sync.Mutex
		counts := map[string]int{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range guesses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				store := a
				if i%2 == 1 {
					store = b
				}
				<-start
				_, err := store.Login(ctx, user, "incorrecta-"+string(rune('a'+i)), "10.0.0.1")
				var te *ThrottledError
				kind := "other: "
				switch {
				case errors.Is(err, ErrBadCredentials):
					kind = "compared"
				case errors.As(err, &te):
					kind = "throttled"
				case err != nil:
					kind += err.Error()
				}
				mu.Lock()
				counts[kind]++
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		if counts["compared"] != MaxLoginFailures || counts["throttled"] != guesses-MaxLoginFailures {
			t.Errorf("%s: %d parallel guesses gave %v, want %d compared and the rest throttled", user, guesses, counts, MaxLoginFailures)
		}
		var te *ThrottledError
		if _, err := b.Login(ctx, user, "clave-correcta-1", "10.0.0.1"); !errors.As(err, &te) {
			t.Errorf("%s: the right password after the burst: %v, want throttled", user, err)
		}
	}
	n, err := a.readers.NewSelect().Model((*AuditEntry)(nil)).Where("action = ?", "login.failed").Count(ctx)
	if err != nil || n != 2*MaxLoginFailures {
		t.Errorf("audited failures = %d (%v), want %d", n, err, 2*MaxLoginFailures)
	}
}
