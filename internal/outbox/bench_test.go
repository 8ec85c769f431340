package outbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"transito/internal/outbox"
	"transito/internal/smtptest"
	"transito/internal/testenv"
	"transito/models"
)

// BenchmarkMailer10000 queues 10,000 mails and times the mailer of serve
// (Run) delivering them all to the loopback SMTP server and recording them
// as sent (one op = the whole outbox). It fails if one is missing,
// delivered twice or not recorded.
func BenchmarkMailer10000(b *testing.B) {
	const total = 10000
	for range b.N {
		b.StopTimer()
		e := testenv.New(b)
		srv := smtptest.Start(b, smtptest.Options{})
		mails := make([]models.Mail, total)
		for i := range mails {
			mails[i] = models.Mail{To: fmt.Sprintf("p%d@example.com", i), Kind: "prueba", Subject: fmt.Sprintf("Aviso %d", i),
				Body: "Hola:\n\nEste es un aviso de prueba.\nhttp://localhost:8000/\n"}
		}
		if err := e.Store.QueueMails(context.Background(), mails); err != nil {
			b.Fatal(err)
		}
		m := outbox.New(e.Store, relay(nil, srv), outbox.Config{From: "avisos@example.com", Batch: 200})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		b.StartTimer()
		start := time.Now()
		go func() {
			defer close(done)
			m.Run(ctx)
		}()
		for srv.Count() < total && time.Since(start) < time.Minute {
			time.Sleep(time.Millisecond)
		}
		cancel()
		<-done // the last batch recorded
		elapsed := time.Since(start)
		b.StopTimer()
		got := srv.Messages()
		seen := map[string]bool{}
		for _, msg := range got {
			if seen[msg.MessageID] {
				b.Fatalf("%s delivered twice", msg.MessageID)
			}
			seen[msg.MessageID] = true
		}
		if len(seen) != total {
			b.Fatalf("%d delivered, want %d", len(seen), total)
		}
		if c, err := e.Store.NotificationCounts(context.Background()); err != nil || c[models.NoticeSent] != total {
			b.Fatalf("%v recorded, want %d sent (%v)", c, total, err)
		}
		b.ReportMetric(float64(total)/elapsed.Seconds(), "mails/s")
		b.StartTimer()
	}
}
