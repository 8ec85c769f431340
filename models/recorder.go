package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"

	"transito/models/fines"
	"transito/models/rules"
)

// ErrOverloaded means the write queue is full: the caller should answer 503
// with Retry-After rather than let memory grow.
var ErrOverloaded = errors.New("models: write queue full")

// ErrWriteTimeout means the request's deadline passed before the writer
// took it: it was not stored and never will be, so the caller may answer 503
// and the client retry.
var ErrWriteTimeout = errors.New("models: deadline passed waiting for the writer")

// ErrClosed means the recorder is shutting down and takes no more writes.
var ErrClosed = errors.New("models: recorder closed")

// RecordRequest is one infraction an officer submits through the API.
type RecordRequest struct {
	Officer        OfficerAuth
	Plate          string // normalised
	OccurredAt     time.Time
	Comments       string
	IdempotencyKey string
	// Place is where it happened (checked: rules.CheckPlace), or zero.
	Place rules.Place
	// Issue, when the request names a type (Tariff.Issue), issues the
	// fine as it is stored, and its owner is notified in the same
	// transaction; nil stores it sin tipificar.
	Issue *Issue
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
	// StallAfter is how long requests may wait for the writer without a
	// commit before Stalled reports it (DefaultStallAfter when zero).
	StallAfter time.Duration
	// OnBatch, when set, is told the size and duration of every commit.
	OnBatch func(size int, took time.Duration)
}

// Recorder is the single writer of API infractions. It gathers the requests
// that are waiting into one transaction (group commit) and answers each only
// after COMMIT returned, so that a 200 is durable without one fsync per row.
type Recorder struct {
	s *Store
	// stallSince is when the writer started on requests it has not yet
	// committed (Unix nanoseconds), or 0.
	stallSince atomic.Int64
	opts       RecorderOptions
	stmts      *infractionStmts
	lookup     *sql.Stmt // vehicleByPlateSQL on the readers
	queue      chan *recordJob
	mu         sync.RWMutex // guards closed against sends on a closed queue
	closed     bool
	done       chan struct{}
}

// apiAuditDetail is the audit detail of an API infraction (a struct, not a
// map: it is encoded on every request).
type apiAuditDetail struct {
	Plate     string    `json:"placa_patente"`
	Timestamp time.Time `json:"timestamp"`
	Code      string    `json:"codigo,omitempty"`
	Amount    string    `json:"importe,omitempty"`
	Via       string    `json:"via"`
}

type recordJob struct {
	req         RecordRequest
	vehicle     vehicleRef
	auditDetail string
	// issued is the owner's mail of an issued fine, rendered by the
	// request before it queues (nil when it issues none).
	issued   *issuedDraft
	deadline time.Time // the request's; zero when it has none
	state    atomic.Int32
	result   Recorded
	err      error
	done     chan struct{}
}

// A job is pending in the queue until the writer takes it into a
// transaction or its requester abandons it (deadline passed): exactly one of
// the two, so that a request answered ErrWriteTimeout is never stored and a
// taken one is always answered with the outcome of its commit.
const (
	jobPending int32 = iota
	jobTaken
	jobAbandoned
)

// take claims j for the transaction under way: false when its requester
// has abandoned it or its deadline has passed. A job taken before (a batch
// retried row by row) stays taken.
func (j *recordJob) take() bool {
	if j.late() {
		j.state.CompareAndSwap(jobPending, jobAbandoned)
	}
	return j.state.CompareAndSwap(jobPending, jobTaken) || j.state.Load() == jobTaken
}

// late reports whether j's deadline has passed (the clock can be there a
// moment before its context says so).
func (j *recordJob) late() bool {
	return !j.deadline.IsZero() && time.Now().After(j.deadline)
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
	if opts.StallAfter <= 0 {
		opts.StallAfter = DefaultStallAfter
	}
	stmts, err := prepareInfractionStmts(context.Background(), s.writer.DB, s)
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

// DefaultStallAfter is how long the writer may go without committing what
// waits for it before Stalled says so.
const DefaultStallAfter = 5 * time.Second

// Stalled reports whether requests have waited for the writer longer than
// StallAfter without a commit: the database is locked, full or gone, or a
// long import holds the writer.
func (r *Recorder) Stalled() bool {
	since := r.stallSince.Load()
	return since != 0 && time.Since(time.Unix(0, since)) > r.opts.StallAfter
}

// Record stores an infraction and returns it once it is committed. It
// returns ErrNotFound when no vehicle has the plate. The vehicle is looked up
// here, on a reader, so that the single writer only inserts.
//
// It waits for the writer no longer than ctx allows: when ctx ends before
// the writer has taken the request, it returns ErrWriteTimeout and the
// request is never stored. Once taken, the request is answered with the
// outcome of its commit.
func (r *Recorder) Record(ctx context.Context, req RecordRequest) (Recorded, error) {
	ad := apiAuditDetail{Plate: req.Plate, Timestamp: req.OccurredAt.UTC(), Via: "api"}
	if req.Issue != nil {
		ad.Code, ad.Amount = req.Issue.Type.Code, fines.FormatAmount(req.Issue.AmountCents)
	}
	detail, err := json.Marshal(ad)
	if err != nil {
		return Recorded{}, fmt.Errorf("models: audit detail: %w", err)
	}
	j := &recordJob{req: req, auditDetail: string(detail), done: make(chan struct{})}
	j.deadline, _ = ctx.Deadline()
	if err := r.enqueue(ctx, j); err != nil {
		// The look-up failed because the deadline passed (a reader's
		// connection cut short): not stored, as if the writer never came.
		if (ctx.Err() != nil || j.late()) && !errors.Is(err, ErrNotFound) {
			return Recorded{}, ErrWriteTimeout
		}
		return Recorded{}, err
	}
	select {
	case <-j.done:
	case <-ctx.Done():
		if j.state.CompareAndSwap(jobPending, jobAbandoned) {
			return Recorded{}, ErrWriteTimeout
		}
		<-j.done // taken: its transaction is under way
	}
	if j.state.Load() == jobAbandoned {
		return Recorded{}, ErrWriteTimeout
	}
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
	if j.req.Issue != nil {
		// The mail, now that there is a vehicle: an unknown plate is
		// answered without it.
		row := recordedRow(j.req)
		d := r.s.Locale().issuedDraft(&row, j.req.Issue.settings)
		j.issued = &d
	}
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
		if len(r.queue) == 0 {
			r.stallSince.Store(0) // nothing waits: nothing is stalled
		}
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
		r.stallSince.CompareAndSwap(0, time.Now().UnixNano())
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
	if err == nil {
		r.stallSince.Store(0)
	}
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
		// Taken only now that the transaction holds the writer: a request
		// whose deadline passed while the writer was busy elsewhere has been
		// answered and is skipped.
		taken := make([]*recordJob, 0, len(batch))
		var deadline time.Time
		for _, j := range batch {
			if j.take() {
				taken = append(taken, j)
				if !j.deadline.IsZero() && (deadline.IsZero() || j.deadline.Before(deadline)) {
					deadline = j.deadline
				}
			}
		}
		if len(taken) == 0 {
			return nil
		}
		// An insert may wait for a lock another session holds no longer
		// than the nearest deadline (then the batch fails whole, 503,
		// nothing stored).
		if !deadline.IsZero() {
			if err := r.s.dialect.boundLockWait(ctx, tx, deadline); err != nil {
				return err
			}
		}
		st := r.stmts.in(ctx, tx)
		defer st.Close()
		occurred, audited := tally{}, tally{}
		for _, j := range taken {
			j.result, j.err = Recorded{}, nil
			rec, err := insertInfraction(ctx, tx, st, j.req, j.vehicle, j.issued)
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
// An issued fine also reads its owner's address and writes its notification.
type infractionStmts struct {
	vehicle, idempotent, insert, owner, contact, notice, audit *sql.Stmt
	store                                                      *Store
}

const (
	vehicleByPlateSQL = `SELECT id, person_id, brand, color FROM vehicles WHERE plate = ?`
	// No ON CONFLICT or RETURNING clause: either makes SQLite keep a
	// statement journal for every insert (see insertID). A repeated
	// idempotency key is found first by idempotentSQL; the unique index still
	// guards against a race between processes (on PostgreSQL), which then
	// fails the batch and is retried.
	// The owner is the vehicle's when the row is written, read by the
	// insert itself: a sale committed after the request looked the vehicle
	// up moves this fine (a scalar subquery keeps the insert single-row).
	insertInfractionSQL = `INSERT INTO infractions
		(vehicle_id, officer_id, person_id, occurred_at, recorded_at, comments, idempotency_key, status, void_reason,
		type_id, units, amount_cents, points, issued_at, latitude, longitude, place, created_at, updated_at)
		VALUES (?, ?, (SELECT person_id FROM vehicles WHERE id = ?), ?, ?, ?, ?, 'vigente', '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	infractionOwnerSQL   = `SELECT person_id FROM infractions WHERE id = ?`
	infractionContactSQL = `SELECT i.person_id, p.email, p.name FROM infractions AS i JOIN persons AS p ON p.id = i.person_id WHERE i.id = ?`
	insertNoticeSQL      = `INSERT INTO notifications
		(to_email, kind, infraction_id, subject, body, message_id, attempts, next_attempt_at, last_error, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 0, ?, '', ?, ?)`
	idempotentSQL  = `SELECT id FROM infractions WHERE officer_id = ? AND idempotency_key = ?`
	insertAuditSQL = `INSERT INTO audit_log
		(at, actor_kind, actor_id, actor_name, action, entity, entity_id, detail, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'create', 'infraction', ?, ?, ?, ?)`
)

type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

func prepareInfractionStmts(ctx context.Context, p preparer, s *Store) (*infractionStmts, error) {
	st := &infractionStmts{store: s}
	d := s.dialect
	for _, x := range []struct {
		dst   **sql.Stmt
		query string
	}{{&st.vehicle, d.sql(vehicleByPlateSQL)}, {&st.idempotent, d.sql(idempotentSQL)}, {&st.insert, d.insertSQL(insertInfractionSQL)},
		{&st.owner, d.sql(infractionOwnerSQL)}, {&st.contact, d.sql(infractionContactSQL)}, {&st.notice, d.sql(insertNoticeSQL)},
		{&st.audit, d.sql(insertAuditSQL)}} {
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
		owner:      tx.StmtContext(ctx, st.owner),
		contact:    tx.StmtContext(ctx, st.contact),
		notice:     tx.StmtContext(ctx, st.notice),
		audit:      tx.StmtContext(ctx, st.audit),
		store:      st.store,
	}
}

// Close closes every statement.
func (st *infractionStmts) Close() {
	for _, stmt := range []*sql.Stmt{st.vehicle, st.idempotent, st.insert, st.owner, st.contact, st.notice, st.audit} {
		if stmt != nil {
			stmt.Close()
		}
	}
}

// recordInTx records one infraction inside tx, outside the group commit: for
// the panel and the demo data, which write one at a time.
func recordInTx(ctx context.Context, tx bun.Tx, s *Store, req RecordRequest) (Recorded, error) {
	st, err := prepareInfractionStmts(ctx, tx, s)
	if err != nil {
		return Recorded{}, err
	}
	defer st.Close()
	vehicle, err := lookupVehicle(ctx, st.vehicle, req.Plate)
	if err != nil {
		return Recorded{}, err
	}
	return insertInfraction(ctx, tx, st, req, vehicle, nil)
}

// vehicleRef is the vehicle an infraction is recorded against. Its PersonID
// is the owner when it was looked up, which is not who the infraction is
// charged to (see insertInfractionSQL).
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

// insertInfraction records req against vehicle inside tx, charged to the
// vehicle's owner at that moment. A vehicle deleted since it was looked up
// fails this insert alone (no owner, or the foreign key) as ErrNotFound. A
// repeated idempotency key returns the first row. An issued fine's mail is
// draft when the caller rendered it already (Record), or rendered here.
func insertInfraction(ctx context.Context, tx bun.Tx, st *infractionStmts, req RecordRequest, vehicle vehicleRef, draft *issuedDraft) (Recorded, error) {
	var key any
	if req.IdempotencyKey != "" {
		key = req.IdempotencyKey
		if rec, ok, err := replayIdempotent(ctx, tx, st, req); ok || err != nil {
			return rec, err
		}
	}
	t := now()
	ts := timeArg(t)
	var typeID, issuedAt any
	var units, points int
	var amount int64
	if iss := req.Issue; iss != nil {
		typeID, units, points, amount, issuedAt = iss.Type.ID, iss.Units, iss.Points, iss.AmountCents, timeArg(iss.IssuedAt)
	}
	id, err := st.store.dialect.insertID(ctx, st.insert, vehicle.ID, req.Officer.OfficerID, vehicle.ID, timeArg(req.OccurredAt), ts,
		req.Comments, key, typeID, units, amount, points, issuedAt, req.Place.Lat, req.Place.Lon, req.Place.Description, ts, ts)
	switch {
	case isNoRows(err) && key != nil:
		// PostgreSQL inserted nothing (see postgresDialect.insertSQL): another
		// replica committed the same key since the look-up, or the vehicle
		// is gone.
		if rec, ok, err := replayIdempotent(ctx, tx, st, req); ok || err != nil {
			return rec, err
		}
		return Recorded{}, ErrNotFound
	case isNoRows(err), isForeignKeyViolation(err), isNotNullViolation(err):
		return Recorded{}, ErrNotFound
	case err != nil:
		return Recorded{}, fmt.Errorf("models: insert infraction: %w", err)
	}
	row := recordedRow(req)
	row.ID, row.Brand, row.Color, row.RecordedAt = id, vehicle.Brand, vehicle.Color, t
	if req.Issue == nil {
		if err := st.owner.QueryRowContext(ctx, id).Scan(&row.PersonID); err != nil {
			return Recorded{}, fmt.Errorf("models: infraction owner: %w", err)
		}
		return Recorded{Infraction: row}, nil
	}
	var email, name string
	if err := st.contact.QueryRowContext(ctx, id).Scan(&row.PersonID, &email, &name); err != nil {
		return Recorded{}, fmt.Errorf("models: infraction owner: %w", err)
	}
	if draft == nil {
		d := st.store.Locale().issuedDraft(&row, req.Issue.settings)
		draft = &d
	}
	n := draft.notice(id, name)
	if _, err := st.notice.ExecContext(ctx, email, n.kind, id, n.subject, n.body, n.messageID, ts, ts, ts); err != nil {
		return Recorded{}, fmt.Errorf("models: notification: %w", err)
	}
	return Recorded{Infraction: row}, nil
}

// recordedRow is the infraction req stores, as far as req tells it: not
// its id, time of recording, vehicle's brand and color or owner.
func recordedRow(req RecordRequest) InfractionRow {
	row := InfractionRow{
		Plate: req.Plate, OccurredAt: req.OccurredAt.UTC(), Comments: req.Comments,
		OfficerName: req.Officer.Name, OfficerBadge: req.Officer.Badge, Status: StatusValid,
		Latitude: req.Place.Lat, Longitude: req.Place.Lon, Place: req.Place.Description,
	}
	if iss := req.Issue; iss != nil {
		issued := iss.IssuedAt
		row.TypeID, row.Code, row.Description, row.LegalRef, row.Severity = &iss.Type.ID, iss.Type.Code, iss.Type.Description, iss.Type.LegalRef, iss.Type.Severity
		row.Units, row.Points, row.AmountCents, row.IssuedAt = iss.Units, iss.Points, iss.AmountCents, &issued
	}
	return row
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
