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

// BenchmarkMailer10000 queues 10,000 mails and times the mailer delivering
// them all to the loopback SMTP server (one op = the whole outbox). It
// fails if one is missing or delivered twice.
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
		b.StartTimer()
		start := time.Now()
		for {
			n, err := m.Round(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
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
		b.ReportMetric(float64(total)/elapsed.Seconds(), "mails/s")
		b.StartTimer()
	}
}
