package models

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

var auditSorts = sortTable{
	"fecha": {"a.at", "a.id"},
}

// ListAudit returns one page of the audit log, newest first. q matches the
// actor's name; filters: entidad, accion, actor (kind), desde, hasta (dates
// in loc, inclusive).
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
	if v := lq.Filter("accion"); v != "" {
		q = q.Where("a.action = ?", v)
	}
	if v := lq.Filter("actor"); v != "" {
		q = q.Where("a.actor_kind = ?", v)
	}
	return whereDates(q, "a.at", lq, loc)
}
