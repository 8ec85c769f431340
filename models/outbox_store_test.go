package models

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"
)

func queueNotifications(t *testing.T, s *Store, n int) {
	t.Helper()
	ctx := context.Background()
	l := s.Locale()
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for i := range n {
			row := &Notification{ToEmail: fmt.Sprintf("p%d@example.com", i), Kind: NoticeAccess, Subject: "s", Body: "b",
				MessageID: l.newMessageID(), NextAttemptAt: now(), CreatedAt: now(), UpdatedAt: now()}
			if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Two stores on one database (two replicas) claim the outbox at once: each
// row goes to exactly one of them.
func TestClaimNotificationsTwoReplicasNeverShareARow(t *testing.T) {
	a, dsn := newTestStoreDSN(t)
	b, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const total = 400
	queueNotifications(t, a, total)
	var mu sync.Mutex
	claimed := map[int64]int{}
	var wg sync.WaitGroup
	for _, s := range []*Store{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ns, err := s.ClaimNotifications(context.Background(), time.Now(), 7, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ns) == 0 {
					return
				}
				mu.Lock()
				for _, n := range ns {
					claimed[n.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(claimed) != total {
		t.Fatalf("%d rows claimed, want %d", len(claimed), total)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("row %d claimed %d times", id, n)
		}
	}
	// Held by the lease: nothing is due until it ends, then all is.
	if ns, _ := a.ClaimNotifications(context.Background(), time.Now(), 1000, time.Minute); len(ns) != 0 {
		t.Errorf("%d rows claimed again within the lease", len(ns))
	}
	ns, _ := a.ClaimNotifications(context.Background(), time.Now().Add(2*time.Hour), 1000, time.Minute)
	if len(ns) != total {
		t.Errorf("%d rows due after the lease, want %d", len(ns), total)
	}
	ids := make([]int64, 0, len(ns))
	for _, n := range ns {
		ids = append(ids, n.ID)
	}
	if err := b.MarkNotificationsSent(context.Background(), ids, time.Now()); err != nil {
		t.Fatal(err)
	}
	if ns, _ := a.ClaimNotifications(context.Background(), time.Now().Add(24*time.Hour), 1000, time.Minute); len(ns) != 0 {
		t.Errorf("%d sent rows claimed again", len(ns))
	}
	counts, err := a.NotificationCounts(context.Background())
	if err != nil || counts[NoticeSent] != total || counts[NoticePending] != 0 {
		t.Errorf("counts %v %v", counts, err)
	}
}

func TestAccessLinksAndCertificates(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	mustImport(t, s, "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\n")
	if err := s.RequestAccessLink(ctx, "nadie@example.com"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.RequestAccessLink(ctx, "ANA@example.com"); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, s, "access_links"); n != 1 {
		t.Errorf("%d links, want 1 (unknown addresses get none, a second request within 5 minutes neither)", n)
	}
	if _, err := s.UseAccessLink(ctx, "not-a-token"); err != ErrNotFound {
		t.Errorf("unknown token: %v", err)
	}
	p, err := s.ProvePerson(ctx, "ana@example.com", "ab-123 cd", "")
	if err != nil || p.Email != "ana@example.com" {
		t.Errorf("prove by plate: %v %v", p, err)
	}
	for _, proof := range [][2]string{{"", ""}, {"ZZ999ZZ", ""}, {"", "123"}} {
		if _, err := s.ProvePerson(ctx, "ana@example.com", proof[0], proof[1]); err != ErrNotFound {
			t.Errorf("proof %v: %v", proof, err)
		}
	}
	c1, err := s.DocumentCertificate(ctx, CertActa, 1)
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := s.DocumentCertificate(ctx, CertActa, 1)
	c3, _ := s.DocumentCertificate(ctx, CertRecibo, 1)
	if c1.Code != c2.Code || c1.Code == c3.Code || len(c1.Code) != 19 {
		t.Errorf("codes %q %q %q", c1.Code, c2.Code, c3.Code)
	}
	if got, err := s.CertificateByCode(ctx, " "+c1.Code[:4]+c1.Code[5:]); err != nil || got.ID != c1.ID {
		t.Errorf("code typed without dashes: %v %v", got, err)
	}
}
