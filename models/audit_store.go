package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

var auditSorts = sortTable{
	"fecha": {"a.at", "a.id"},
}

// ListAudit returns one page of the audit log, newest first. q matches the
// actor's name; filters: entidad, registro (the record's id, with entidad),
// accion, actor (kind), desde, hasta (dates in loc, inclusive).
func (s *Store) ListAudit(ctx context.Context, q ListQuery, loc *time.Location) (*Paged[AuditEntry], error) {
	lq := &q
	filter := func(q *bun.SelectQuery) *bun.SelectQuery { return filterAudit(q, lq, loc) }
	count := filter(s.readers.NewSelect().TableExpr("audit_log AS a"))
	var rows []AuditEntry
	list := filter(s.readers.NewSelect().Model(&rows).ModelTableExpr("audit_log AS a").ColumnExpr("a.*"))
	auditSorts.apply(list, lq, "-fecha")
	total, err := s.clampPageDates(ctx, count, lq, auditDates, loc)
	if err != nil {
		return nil, err
	}
	if err := scanPage(ctx, list, lq, &rows); err != nil {
		return nil, err
	}
	return pageOf(rows, total, lq), nil
}

// filterAudit applies the audit log's search and filters (see ListAudit).
func filterAudit(q *bun.SelectQuery, lq *ListQuery, loc *time.Location) *bun.SelectQuery {
	if loc == nil {
		loc = time.UTC
	}
	if t := strings.TrimSpace(lq.Q); t != "" {
		q = q.Where(`lower(a.actor_name) LIKE ? ESCAPE '\'`, likePattern(t))
	}
	if v := lq.Filter("entidad"); v != "" {
		q = q.Where("a.entity = ?", v)
	}
	if v, err := strconv.ParseInt(lq.Filter("registro"), 10, 64); err == nil && v > 0 {
		q = q.Where("a.entity_id = ?", v)
	}
	if v := lq.Filter("accion"); v != "" {
		q = q.Where("a.action = ?", v)
	}
	if v := lq.Filter("actor"); v != "" {
		q = q.Where("a.actor_kind = ?", v)
	}
	return whereDates(q, "a.at", lq, loc)
}

// HistoryOf returns the newest limit audit entries of one record (entity
// and id as the audit log names them), newest first: a detail page's
// history. It reads audit_log_record_idx.
func (s *Store) HistoryOf(ctx context.Context, entity string, id int64, limit int) ([]AuditEntry, error) {
	var rows []AuditEntry
	err := s.readers.NewSelect().Model(&rows).Where("entity = ? AND entity_id = ?", entity, id).
		OrderExpr("at DESC, id DESC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("models: history of %s %d: %w", entity, id, err)
	}
	return rows, nil
}

// recordNameColumns says how a record of each audited kind is named: a
// person by name, a vehicle by plate, an officer by name, an account by
// username.
var recordNameColumns = map[string][2]string{
	"person": {"persons", "name"}, "vehicle": {"vehicles", "plate"},
	"officer": {"officers", "name"}, "admin": {"admins", "username"},
}

// RecordNames names the records ids of one audited kind (see
// recordNameColumns); a deleted record, or a kind without names, is
// missing from the answer.
func (s *Store) RecordNames(ctx context.Context, entity string, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	tc, ok := recordNameColumns[entity]
	if !ok || len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   int64  `bun:"id"`
		Name string `bun:"name"`
	}
	err := s.readers.NewSelect().TableExpr(tc[0]).ColumnExpr("id").ColumnExpr(tc[1]+" AS name").
		Where("id IN (?)", bun.In(ids)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("models: names of %s: %w", entity, err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}
