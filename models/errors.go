package models

import "errors"

// Sentinel errors returned by the store.
var (
	ErrNotFound     = errors.New("models: not found")
	ErrInactive     = errors.New("models: officer inactive")
	ErrUnauthorized = errors.New("models: invalid token")
)

// ConflictError says why a write cannot happen because of other records: a
// duplicate (unique) or dependents (RESTRICT). Message is Spanish, for people.
type ConflictError struct {
	Field   string
	Message string
}

func (e *ConflictError) Error() string { return "models: conflict: " + e.Message }
