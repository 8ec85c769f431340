package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// ErrFileType means an attachment is not of an accepted type (JPEG or PNG
// for an infraction's photos, also PDF for a descargo's documents), or its
// declared Content-Type is not what its bytes are: a 415.
var ErrFileType = errors.New("models: attachment: unsupported or mismatched type")

// ErrFileTooLarge means an attachment is over rules.MaxFileSize: a 413.
var ErrFileTooLarge = errors.New("models: attachment: too large")

// AttachmentInput is one file to attach: to an infraction (InfractionID)
// or to a descargo (DisputeID), exactly one of the two. ContentType is what
// the sender declared ("" to take what the bytes are). OfficerID, when set,
// must be the officer who registered the infraction (else ErrNotFound).
// Max bounds how many distinct files the owner may have (0: the rules'
// limit for its kind).
type AttachmentInput struct {
	InfractionID, DisputeID int64
	OfficerID               int64
	Bytes                   []byte
	ContentType             string
	Source                  string
	Max                     int
	// digest is the hex SHA-256 of Bytes, when computed before the
	// transaction.
	digest string
}

// checkFile says in Spanish what is wrong with a file, or "".
func checkFile(b []byte, declared string, documents bool) string {
	switch kind := rules.DetectFileType(b); {
	case len(b) == 0:
		return "un archivo está vacío"
	case len(b) > rules.MaxFileSize:
		return fmt.Sprintf("un archivo supera los %d MiB", rules.MaxFileSize>>20)
	case kind == "" || (kind == rules.TypePDF && !documents):
		if documents {
			return "un archivo no es JPEG, PNG ni PDF"
		}
		return "un archivo no es JPEG ni PNG"
	case declared != "" && declared != kind:
		return "un archivo dice ser " + declared + " pero es " + kind
	}
	return ""
}

// AddAttachment stores a file for its owner, idempotently: the same bytes
// again (by SHA-256) answer the stored one with created false, also when
// the owner already has the most it may. A new file past the limit is a
// *ConflictError; a wrong type ErrFileType; over the size ErrFileTooLarge.
func (s *Store) AddAttachment(ctx context.Context, in AttachmentInput, actor Actor) (a *Attachment, created bool, err error) {
	if (in.InfractionID == 0) == (in.DisputeID == 0) {
		return nil, false, errors.New("models: attachment: exactly one owner")
	}
	switch {
	case len(in.Bytes) > rules.MaxFileSize:
		return nil, false, ErrFileTooLarge
	case checkFile(in.Bytes, in.ContentType, in.DisputeID != 0) != "":
		return nil, false, ErrFileType
	}
	table, owner := "infractions", in.InfractionID
	if in.DisputeID != 0 {
		table, owner = "disputes", in.DisputeID
	}
	// Hashed before the transaction, and few files at a time (on SQLite
	// one): a 5 MiB file holds the writer for its own small transaction
	// only, between the recorder's batches, which then wait for at most
	// one of them.
	sum := sha256.Sum256(in.Bytes)
	in.digest = hex.EncodeToString(sum[:])
	select {
	case s.fileGate() <- struct{}{}:
		defer func() { <-s.fileGate() }()
	case <-ctx.Done():
		return nil, false, ErrWriteTimeout
	}
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.dialect.lockRow(ctx, tx, table, owner); err != nil {
			return err
		}
		q := tx.NewSelect().Table(table).Where("id = ?", owner)
		if in.OfficerID != 0 && in.InfractionID != 0 {
			q = q.Where("officer_id = ?", in.OfficerID)
		}
		if n, err := q.Count(ctx); err != nil {
			return fmt.Errorf("models: attachment owner: %w", err)
		} else if n == 0 {
			return ErrNotFound
		}
		a, created, err = addAttachment(ctx, tx, s.dialect, in, now())
		if err != nil || !created {
			return err
		}
		detail := map[string]any{"sha256": a.SHA256, "tipo": a.ContentType, "bytes": a.Size, "origen": a.Source}
		if in.DisputeID != 0 {
			detail["descargo"] = in.DisputeID
			return audit(ctx, tx, actor, "attach", "dispute", in.DisputeID, detail)
		}
		return audit(ctx, tx, actor, "attach", "infraction", in.InfractionID, detail)
	})
	if err != nil {
		return nil, false, err
	}
	return a, created, nil
}

// insertAttachmentSQL writes a file with its bytes as a parameter of the
// driver: Bun would spell a 5 MiB blob into the SQL text as a hex literal
// (10 MiB for the database to parse), holding the writer many times longer.
const insertAttachmentSQL = `INSERT INTO attachments
	(infraction_id, dispute_id, sha256, content_type, bytes, size, source, created_at, updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

// addAttachment writes a checked file inside tx (see AddAttachment).
func addAttachment(ctx context.Context, tx bun.Tx, d dialect, in AttachmentInput, at time.Time) (*Attachment, bool, error) {
	if in.digest == "" {
		sum := sha256.Sum256(in.Bytes)
		in.digest = hex.EncodeToString(sum[:])
	}
	a := &Attachment{SHA256: in.digest, ContentType: rules.DetectFileType(in.Bytes), Bytes: in.Bytes,
		Size: int64(len(in.Bytes)), Source: in.Source, CreatedAt: at, UpdatedAt: at}
	column, owner, max := "infraction_id", in.InfractionID, rules.MaxPhotos
	if in.DisputeID != 0 {
		column, owner, max = "dispute_id", in.DisputeID, rules.MaxDisputeFiles
		a.DisputeID = &owner
	} else {
		a.InfractionID = &owner
	}
	if in.Max > 0 {
		max = in.Max
	}
	var have []Attachment
	if err := tx.NewSelect().Model(&have).ExcludeColumn("bytes").Where("? = ?", bun.Ident(column), owner).Scan(ctx); err != nil && !isNoRows(err) {
		return nil, false, fmt.Errorf("models: attachments: %w", err)
	}
	for i := range have {
		if have[i].SHA256 == a.SHA256 {
			return &have[i], false, nil
		}
	}
	if len(have) >= max {
		return nil, false, &ConflictError{Message: fmt.Sprintf("Ya tiene %d archivos adjuntos: no se admiten más.", len(have))}
	}
	stmt, err := tx.Tx.PrepareContext(ctx, d.rowSQL(insertAttachmentSQL))
	if err != nil {
		return nil, false, fmt.Errorf("models: prepare attachment: %w", err)
	}
	defer stmt.Close()
	if a.ID, err = d.rowID(ctx, stmt, a.InfractionID, a.DisputeID, a.SHA256, a.ContentType, a.Bytes, a.Size, a.Source,
		timeArg(at), timeArg(at)); err != nil {
		return nil, false, fmt.Errorf("models: insert attachment: %w", err)
	}
	return a, true, nil
}

// AttachmentsOf returns the files of an infraction (infractionID) or of a
// descargo (disputeID), oldest first, without their bytes.
func (s *Store) AttachmentsOf(ctx context.Context, infractionID, disputeID int64) ([]Attachment, error) {
	var as []Attachment
	q := s.readers.NewSelect().Model(&as).ExcludeColumn("bytes").OrderExpr("id")
	if disputeID != 0 {
		q = q.Where("dispute_id = ?", disputeID)
	} else {
		q = q.Where("infraction_id = ?", infractionID)
	}
	if err := q.Scan(ctx); err != nil && !isNoRows(err) {
		return nil, fmt.Errorf("models: attachments: %w", err)
	}
	return as, nil
}

// AttachmentByID returns one file with its bytes.
func (s *Store) AttachmentByID(ctx context.Context, id int64) (*Attachment, error) {
	a := new(Attachment)
	err := s.readers.NewSelect().Model(a).Where("id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: attachment: %w", err)
	}
	return a, nil
}

// fileGate is the semaphore that lets dialect.fileWriters AddAttachments
// at a time wait for the writer.
func (s *Store) fileGate() chan struct{} {
	s.filesOnce.Do(func() { s.files = make(chan struct{}, s.dialect.fileWriters()) })
	return s.files
}
