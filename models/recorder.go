package models

import (
	"context"
	"database/sql"
	"encoding/json"
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
	insert *sql.Stmt
	audit  *sql.Stmt
	queue  chan *recordJob
	mu     sync.RWMutex // guards closed against sends on a closed queue
	closed bool
	done   chan struct{}
}

type recordJob struct {
	req         RecordRequest
	auditDetail string
	result      Recorded
	err         error
	done        chan struct{}
}

// insertInfractionSQL looks up the vehicle and inserts in one statement, so
// that a vehicle deleted in between is simply not found. A repeated
// idempotency key inserts nothing.
const insertInfractionSQL = `INSERT INTO infractions
	(vehicle_id, officer_id, person_id, occurred_at, recorded_at, comments, idempotency_key, status, void_reason, created_at, updated_at)
	SELECT v.id, ?, v.person_id, ?, ?, ?, ?, 'vigente', '', ?, ?
	FROM vehicles AS v WHERE v.plate = ?
	ON CONFLICT (officer_id, idempotency_key) DO NOTHING
	RETURNING id, person_id`

// NewRecorder starts the writer goroutine. Close stops it after the queue
// has drained.
func (s *Store) NewRecorder(opts RecorderOptions) (*Recorder, error) {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 256
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 8192
	}
	insert, err := s.db.DB.Prepare(insertInfractionSQL)
	if err != nil {
		return nil, fmt.Errorf("models: prepare insert: %w", err)
	}
	audit, err := s.db.DB.Prepare(insertAuditSQL)
	if err != nil {
		insert.Close()
		return nil, fmt.Errorf("models: prepare audit: %w", err)
	}
	r := &Recorder{s: s, opts: opts, insert: insert, audit: audit, queue: make(chan *recordJob, opts.QueueSize), done: make(chan struct{})}
	go r.run()
	return r, nil
}

// QueueDepth is how many requests are waiting for the writer.
func (r *Recorder) QueueDepth() int { return len(r.queue) }

// Record stores an infraction and returns it once it is committed. It
// returns ErrNotFound when no vehicle has the plate.
func (r *Recorder) Record(ctx context.Context, req RecordRequest) (Recorded, error) {
	detail, err := json.Marshal(map[string]any{"placa_patente": req.Plate, "timestamp": req.OccurredAt.UTC(), "via": "api"})
	if err != nil {
		return Recorded{}, fmt.Errorf("models: audit detail: %w", err)
	}
	j := &recordJob{req: req, auditDetail: string(detail), done: make(chan struct{})}
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
	defer r.insert.Close()
	defer r.audit.Close()
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
	r.s.changed()
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
		insert := tx.StmtContext(ctx, r.insert)
		defer insert.Close()
		auditInsert := tx.StmtContext(ctx, r.audit)
		defer auditInsert.Close()
		for _, j := range batch {
			j.result, j.err = Recorded{}, nil
			rec, err := insertInfraction(ctx, tx, insert, j.req)
			switch {
			case errors.Is(err, ErrNotFound):
				j.err = err
				continue
			case err != nil:
				return err
			}
			j.result = rec
			if rec.Replayed {
				continue
			}
			t := timeArg(rec.Infraction.RecordedAt)
			if _, err := auditInsert.ExecContext(ctx, t, ActorOfficer, j.req.Officer.OfficerID, j.req.Officer.Badge,
				rec.Infraction.ID, j.auditDetail, t, t); err != nil {
				return fmt.Errorf("models: audit infraction: %w", err)
			}
		}
		return nil
	})
}

// insertAuditSQL records an API infraction in the audit log; it is prepared
// once because the writer runs it for every row.
const insertAuditSQL = `INSERT INTO audit_log
	(at, actor_kind, actor_id, actor_name, action, entity, entity_id, detail, created_at, updated_at)
	VALUES (?, ?, ?, ?, 'create', 'infraction', ?, ?, ?, ?)`

// insertInfraction records req inside tx with the prepared insert statement
// (insertInfractionSQL). A repeated idempotency key returns the first row.
func insertInfraction(ctx context.Context, tx bun.Tx, insert *sql.Stmt, req RecordRequest) (Recorded, error) {
	t := now()
	var key any
	if req.IdempotencyKey != "" {
		key = req.IdempotencyKey
	}
	ts := timeArg(t)
	rows, err := insert.QueryContext(ctx, req.Officer.OfficerID, timeArg(req.OccurredAt), ts, req.Comments, key, ts, ts, req.Plate)
	if err != nil {
		return Recorded{}, fmt.Errorf("models: insert infraction: %w", err)
	}
	var ids []struct{ ID, PersonID int64 }
	for rows.Next() {
		var id, personID int64
		if err := rows.Scan(&id, &personID); err != nil {
			rows.Close()
			return Recorded{}, fmt.Errorf("models: insert infraction: %w", err)
		}
		ids = append(ids, struct{ ID, PersonID int64 }{id, personID})
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
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
	first, err := selectInfractionRows(ctx, tx, "i.officer_id = ? AND i.idempotency_key = ?", req.Officer.OfficerID, req.IdempotencyKey)
	if err != nil {
		return Recorded{}, err
	}
	if len(first) == 0 {
		return Recorded{}, ErrNotFound
	}
	return Recorded{Infraction: first[0], Replayed: true}, nil
}
