package models

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/uptrace/bun"
)

// ErrOverloaded means the write queue is full: the caller should answer 503
// with Retry-After rather than let memory grow.
var ErrOverloaded = errors.New("models: write queue full")

// ErrClosed means the recorder is shutting down and takes no more writes.
var ErrClosed = errors.New("models: recorder closed")

// RecordRequest is one infraction an officer submits through the API.
type RecordRequest struct {
	Officer        OfficerAuth
	Plate          string // normalised
	OccurredAt     time.Time
	Comments       string
	IdempotencyKey string
}

// Recorded is the answer to a RecordRequest: the stored infraction, and
// whether it was stored by an earlier request with the same idempotency key.
type Recorded struct {
	Infraction InfractionRow
	Replayed   bool
}

// RecorderOptions tune the group commit.
type RecorderOptions struct {
	// MaxBatch bounds how many inserts share one transaction.
	MaxBatch int
	// QueueSize bounds how many requests may wait; past it Record sheds load.
	QueueSize int
	// OnBatch, when set, is told the size and duration of every commit.
	OnBatch func(size int, took time.Duration)
}

// Recorder is the single writer of API infractions. It gathers the requests
// that are waiting into one transaction (group commit) and answers each only
// after COMMIT returned, so that a 200 is durable without one fsync per row.
type Recorder struct {
	s      *Store
	opts   RecorderOptions
	queue  chan *recordJob
	mu     sync.RWMutex // guards closed against sends on a closed queue
	closed bool
	done   chan struct{}
}

type recordJob struct {
	req    RecordRequest
	result Recorded
	err    error
	done   chan struct{}
}

// NewRecorder starts the writer goroutine. Close stops it after the queue
// has drained.
func (s *Store) NewRecorder(opts RecorderOptions) *Recorder {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 256
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 8192
	}
	r := &Recorder{s: s, opts: opts, queue: make(chan *recordJob, opts.QueueSize), done: make(chan struct{})}
	go r.run()
	return r
}

// QueueDepth is how many requests are waiting for the writer.
func (r *Recorder) QueueDepth() int { return len(r.queue) }

// Record stores an infraction and returns it once it is committed. It
// returns ErrNotFound when no vehicle has the plate.
func (r *Recorder) Record(ctx context.Context, req RecordRequest) (Recorded, error) {
	j := &recordJob{req: req, done: make(chan struct{})}
	r.mu.RLock()
	if r.closed {
		r.mu.RUnlock()
		return Recorded{}, ErrClosed
	}
	select {
	case r.queue <- j:
		r.mu.RUnlock()
	default:
		r.mu.RUnlock()
		return Recorded{}, ErrOverloaded
	}
	// Once queued the job is written even if the client goes away; waiting
	// for it keeps the answer honest.
	<-j.done
	return j.result, j.err
}

// Close stops taking requests, writes those already queued and returns when
// the last one is answered or ctx ends.
func (r *Recorder) Close(ctx context.Context) error {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.queue)
	}
	r.mu.Unlock()
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *Recorder) run() {
	defer close(r.done)
	batch := make([]*recordJob, 0, r.opts.MaxBatch)
	for {
		j, ok := <-r.queue
		if !ok {
			return
		}
		batch = append(batch[:0], j)
	gather:
		for len(batch) < r.opts.MaxBatch {
			select {
			case j, ok := <-r.queue:
				if !ok {
					break gather
				}
				batch = append(batch, j)
			default:
				break gather
			}
		}
		r.commit(batch)
	}
}

// commit writes a batch in one transaction. When the transaction fails as a
// whole, each request is retried in a transaction of its own, so that one
// bad request fails alone.
func (r *Recorder) commit(batch []*recordJob) {
	start := time.Now()
	err := r.writeBatch(batch)
	if err != nil && len(batch) > 1 {
		for _, j := range batch {
			r.commit([]*recordJob{j})
		}
		return
	}
	if r.opts.OnBatch != nil && err == nil {
		r.opts.OnBatch(len(batch), time.Since(start))
	}
	for _, j := range batch {
		if err != nil {
			j.result, j.err = Recorded{}, err
		}
		close(j.done)
	}
}

func (r *Recorder) writeBatch(batch []*recordJob) error {
	ctx := context.Background()
	return r.s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		entries := make([]AuditEntry, 0, len(batch))
		for _, j := range batch {
			j.result, j.err = Recorded{}, nil
			rec, err := insertInfraction(ctx, tx, j.req)
			switch {
			case errors.Is(err, ErrNotFound):
				j.err = err
				continue
			case err != nil:
				return err
			}
			j.result = rec
			if !rec.Replayed {
				entries = append(entries, newAuditEntry(
					Actor{Kind: ActorOfficer, ID: j.req.Officer.OfficerID, Name: j.req.Officer.Badge},
					"create", "infraction", rec.Infraction.ID,
					map[string]any{"placa_patente": rec.Infraction.Plate, "timestamp": rec.Infraction.OccurredAt, "via": "api"},
				))
			}
		}
		if len(entries) > 0 {
			if _, err := tx.NewInsert().Model(&entries).Exec(ctx); err != nil {
				return fmt.Errorf("models: audit infractions: %w", err)
			}
		}
		return nil
	})
}

// insertInfraction looks up the vehicle and inserts in one statement, inside
// the batch's transaction, so that a vehicle deleted in between is simply not
// found. A repeated idempotency key inserts nothing and returns the first row.
func insertInfraction(ctx context.Context, tx bun.Tx, req RecordRequest) (Recorded, error) {
	t := now()
	var key *string
	if req.IdempotencyKey != "" {
		key = &req.IdempotencyKey
	}
	var ids []struct {
		ID       int64 `bun:"id"`
		PersonID int64 `bun:"person_id"`
	}
	err := tx.NewRaw(`INSERT INTO infractions
		(vehicle_id, officer_id, person_id, occurred_at, recorded_at, comments, idempotency_key, status, void_reason, created_at, updated_at)
		SELECT v.id, ?, v.person_id, ?, ?, ?, ?, ?, '', ?, ?
		FROM vehicles AS v WHERE v.plate = ?
		ON CONFLICT (officer_id, idempotency_key) DO NOTHING
		RETURNING id, person_id`,
		req.Officer.OfficerID, req.OccurredAt.UTC(), t, req.Comments, key, StatusValid, t, t, req.Plate,
	).Scan(ctx, &ids)
	if err != nil {
		return Recorded{}, fmt.Errorf("models: insert infraction: %w", err)
	}
	if len(ids) == 1 {
		return Recorded{Infraction: InfractionRow{
			ID: ids[0].ID, PersonID: ids[0].PersonID, Plate: req.Plate, OccurredAt: req.OccurredAt.UTC(), RecordedAt: t,
			Comments: req.Comments, OfficerName: req.Officer.Name, OfficerBadge: req.Officer.Badge, Status: StatusValid,
		}}, nil
	}
	if key == nil {
		return Recorded{}, ErrNotFound
	}
	rows, err := selectInfractionRows(ctx, tx, "i.officer_id = ? AND i.idempotency_key = ?", req.Officer.OfficerID, *key)
	if err != nil {
		return Recorded{}, err
	}
	if len(rows) == 0 {
		return Recorded{}, ErrNotFound
	}
	return Recorded{Infraction: rows[0], Replayed: true}, nil
}
