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
	stmts  *infractionStmts
	lookup *sql.Stmt // vehicleByPlateSQL on the readers
	queue  chan *recordJob
	mu     sync.RWMutex // guards closed against sends on a closed queue
	closed bool
	done   chan struct{}
}

// apiAuditDetail is the audit detail of an API infraction (a struct, not a
// map: it is encoded on every request).
type apiAuditDetail struct {
	Plate     string    `json:"placa_patente"`
	Timestamp time.Time `json:"timestamp"`
	Via       string    `json:"via"`
}

type recordJob struct {
	req         RecordRequest
	vehicle     vehicleRef
	auditDetail string
	result      Recorded
	err         error
	done        chan struct{}
}

// NewRecorder starts the writer goroutine. Close stops it after the queue
// has drained.
func (s *Store) NewRecorder(opts RecorderOptions) (*Recorder, error) {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 256
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 8192
	}
	stmts, err := prepareInfractionStmts(context.Background(), s.writer.DB, s.dialect)
	if err != nil {
		return nil, err
	}
	lookup, err := s.readers.DB.Prepare(s.dialect.sql(vehicleByPlateSQL))
	if err != nil {
		stmts.Close()
		return nil, fmt.Errorf("models: prepare: %w", err)
	}
	r := &Recorder{s: s, opts: opts, stmts: stmts, lookup: lookup, queue: make(chan *recordJob, opts.QueueSize), done: make(chan struct{})}
	go r.run()
	return r, nil
}

// QueueDepth is how many requests are waiting for the writer.
func (r *Recorder) QueueDepth() int { return len(r.queue) }

// Record stores an infraction and returns it once it is committed. It
// returns ErrNotFound when no vehicle has the plate. The vehicle is looked up
// here, on a reader, so that the single writer only inserts.
func (r *Recorder) Record(ctx context.Context, req RecordRequest) (Recorded, error) {
	detail, err := json.Marshal(apiAuditDetail{Plate: req.Plate, Timestamp: req.OccurredAt.UTC(), Via: "api"})
	if err != nil {
		return Recorded{}, fmt.Errorf("models: audit detail: %w", err)
	}
	j := &recordJob{req: req, auditDetail: string(detail), done: make(chan struct{})}
	if err := r.enqueue(ctx, j); err != nil {
		return Recorded{}, err
	}
	// Once queued the job is written even if the client goes away; waiting
	// for it keeps the answer honest.
	<-j.done
	return j.result, j.err
}

// enqueue looks the vehicle up and queues j for the writer. The read lock
// keeps Close from closing the queue and the statement meanwhile.
func (r *Recorder) enqueue(ctx context.Context, j *recordJob) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		return ErrClosed
	}
	vehicle, err := lookupVehicle(ctx, r.lookup, j.req.Plate)
	if err != nil {
		return err
	}
	j.vehicle = vehicle
	select {
	case r.queue <- j:
		return nil
	default:
		return ErrOverloaded
	}
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
	defer r.stmts.Close()
	defer r.lookup.Close()
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
// bad request fails alone — unless the database itself is unavailable (full,
// read-only, locked), when every request fails at once.
func (r *Recorder) commit(batch []*recordJob) {
	start := time.Now()
	err := r.writeBatch(batch)
	r.s.changed()
	if err != nil && len(batch) > 1 && (!IsUnavailable(err) || r.s.dialect.isTransientConflict(err)) {
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
	return r.s.writer.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		st := r.stmts.in(ctx, tx)
		defer st.Close()
		occurred, audited := tally{}, tally{}
		for _, j := range batch {
			j.result, j.err = Recorded{}, nil
			rec, err := insertInfraction(ctx, tx, st, j.req, j.vehicle)
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
			if _, err := st.audit.ExecContext(ctx, t, ActorOfficer, j.req.Officer.OfficerID, j.req.Officer.Badge,
				rec.Infraction.ID, j.auditDetail, t, t); err != nil {
				return fmt.Errorf("models: audit infraction: %w", err)
			}
			occurred.add(rec.Infraction.OccurredAt)
			audited.add(rec.Infraction.RecordedAt)
		}
		if err := countDates(ctx, tx, countInfractions, r.s.shard, occurred); err != nil {
			return err
		}
		return countDates(ctx, tx, countAudit, r.s.shard, audited)
	})
}

// infractionStmts are the statements the writer runs for every API
// infraction, prepared once. Each is a single-row statement: SQLite then
// needs no statement journal, which a multi-row INSERT ... SELECT writes.
type infractionStmts struct {
	vehicle, idempotent, insert, audit *sql.Stmt
	dialect                            dialect
}

const (
	vehicleByPlateSQL = `SELECT id, person_id, brand, color FROM vehicles WHERE plate = ?`
	// No ON CONFLICT or RETURNING clause: either makes SQLite keep a
	// statement journal for every insert (see insertID). A repeated
	// idempotency key is found first by idempotentSQL; the unique index still
	// guards against a race between processes (on PostgreSQL), which then
	// fails the batch and is retried.
	insertInfractionSQL = `INSERT INTO infractions
		(vehicle_id, officer_id, person_id, occurred_at, recorded_at, comments, idempotency_key, status, void_reason, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'vigente', '', ?, ?)`
	idempotentSQL  = `SELECT id FROM infractions WHERE officer_id = ? AND idempotency_key = ?`
	insertAuditSQL = `INSERT INTO audit_log
		(at, actor_kind, actor_id, actor_name, action, entity, entity_id, detail, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'create', 'infraction', ?, ?, ?, ?)`
)

type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

func prepareInfractionStmts(ctx context.Context, p preparer, d dialect) (*infractionStmts, error) {
	st := &infractionStmts{dialect: d}
	for _, x := range []struct {
		dst   **sql.Stmt
		query string
	}{{&st.vehicle, d.sql(vehicleByPlateSQL)}, {&st.idempotent, d.sql(idempotentSQL)}, {&st.insert, d.insertSQL(insertInfractionSQL)}, {&st.audit, d.sql(insertAuditSQL)}} {
		stmt, err := p.PrepareContext(ctx, x.query)
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("models: prepare: %w", err)
		}
		*x.dst = stmt
	}
	return st, nil
}

// in returns the statements bound to tx.
func (st *infractionStmts) in(ctx context.Context, tx bun.Tx) *infractionStmts {
	return &infractionStmts{
		vehicle:    tx.StmtContext(ctx, st.vehicle),
		idempotent: tx.StmtContext(ctx, st.idempotent),
		insert:     tx.StmtContext(ctx, st.insert),
		audit:      tx.StmtContext(ctx, st.audit),
		dialect:    st.dialect,
	}
}

// Close closes every statement.
func (st *infractionStmts) Close() {
	for _, stmt := range []*sql.Stmt{st.vehicle, st.idempotent, st.insert, st.audit} {
		if stmt != nil {
			stmt.Close()
		}
	}
}

// recordInTx records one infraction inside tx, outside the group commit: for
// the panel and the demo data, which write one at a time.
func recordInTx(ctx context.Context, tx bun.Tx, d dialect, req RecordRequest) (Recorded, error) {
	st, err := prepareInfractionStmts(ctx, tx, d)
	if err != nil {
		return Recorded{}, err
	}
	defer st.Close()
	vehicle, err := lookupVehicle(ctx, st.vehicle, req.Plate)
	if err != nil {
		return Recorded{}, err
	}
	return insertInfraction(ctx, tx, st, req, vehicle)
}

// vehicleRef is the vehicle an infraction is recorded against.
type vehicleRef struct {
	ID, PersonID int64
	Brand, Color string
}

// lookupVehicle finds the vehicle with a normalised plate: ErrNotFound when
// none has it.
func lookupVehicle(ctx context.Context, stmt *sql.Stmt, plate string) (vehicleRef, error) {
	var v vehicleRef
	err := stmt.QueryRowContext(ctx, plate).Scan(&v.ID, &v.PersonID, &v.Brand, &v.Color)
	if isNoRows(err) {
		return v, ErrNotFound
	}
	if err != nil {
		return v, fmt.Errorf("models: find vehicle: %w", err)
	}
	return v, nil
}

// insertInfraction records req against vehicle inside tx. A vehicle deleted
// since it was looked up fails the foreign key, and only this insert, as
// ErrNotFound. A repeated idempotency key returns the first row.
func insertInfraction(ctx context.Context, tx bun.Tx, st *infractionStmts, req RecordRequest, vehicle vehicleRef) (Recorded, error) {
	var key any
	if req.IdempotencyKey != "" {
		key = req.IdempotencyKey
		if rec, ok, err := replayIdempotent(ctx, tx, st, req); ok || err != nil {
			return rec, err
		}
	}
	t := now()
	ts := timeArg(t)
	id, err := st.dialect.insertID(ctx, st.insert, vehicle.ID, req.Officer.OfficerID, vehicle.PersonID, timeArg(req.OccurredAt), ts,
		req.Comments, key, ts, ts)
	switch {
	case isNoRows(err) && key != nil:
		// PostgreSQL inserted nothing (see postgresDialect.insertSQL): another
		// replica committed the same key since the look-up, or the vehicle
		// is gone.
		if rec, ok, err := replayIdempotent(ctx, tx, st, req); ok || err != nil {
			return rec, err
		}
		return Recorded{}, ErrNotFound
	case isNoRows(err), isForeignKeyViolation(err):
		return Recorded{}, ErrNotFound
	case err != nil:
		return Recorded{}, fmt.Errorf("models: insert infraction: %w", err)
	}
	return Recorded{Infraction: InfractionRow{
		ID: id, PersonID: vehicle.PersonID, Plate: req.Plate, Brand: vehicle.Brand, Color: vehicle.Color,
		OccurredAt: req.OccurredAt.UTC(), RecordedAt: t, Comments: req.Comments,
		OfficerName: req.Officer.Name, OfficerBadge: req.Officer.Badge, Status: StatusValid,
	}}, nil
}

// replayIdempotent returns the infraction already stored under req's
// idempotency key, if any (ok).
func replayIdempotent(ctx context.Context, tx bun.Tx, st *infractionStmts, req RecordRequest) (rec Recorded, ok bool, err error) {
	var first int64
	err = st.idempotent.QueryRowContext(ctx, req.Officer.OfficerID, req.IdempotencyKey).Scan(&first)
	switch {
	case isNoRows(err):
		return Recorded{}, false, nil
	case err != nil:
		return Recorded{}, false, fmt.Errorf("models: idempotency key: %w", err)
	}
	rows, err := selectInfractionRows(ctx, tx, "i.id = ?", first)
	if err != nil {
		return Recorded{}, false, err
	}
	if len(rows) != 1 {
		return Recorded{}, false, fmt.Errorf("models: infraction %d vanished", first)
	}
	return Recorded{Infraction: rows[0], Replayed: true}, true, nil
}
