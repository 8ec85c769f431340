package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// SessionKey returns the key that signs and encrypts the admin session cookie.
// On first use it generates 64 random bytes and stores them, so that sessions
// survive a restart.
func (s *Store) SessionKey(ctx context.Context) ([]byte, error) {
	const key = "session_key"
	var st setting
	err := s.writer.NewSelect().Model(&st).Where("key = ?", key).Scan(ctx)
	if err == nil {
		return hex.DecodeString(st.Value)
	}
	if !isNoRows(err) {
		return nil, fmt.Errorf("models: session key: %w", err)
	}
	b := make([]byte, 64)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("models: session key: %w", err)
	}
	t := now()
	st = setting{Key: key, Value: hex.EncodeToString(b), CreatedAt: t, UpdatedAt: t}
	if _, err := s.writer.NewInsert().Model(&st).On("CONFLICT (key) DO NOTHING").Exec(ctx); err != nil {
		return nil, fmt.Errorf("models: session key: %w", err)
	}
	// Another process may have stored its key first: use whichever won.
	if err := s.writer.NewSelect().Model(&st).Where("key = ?", key).Scan(ctx); err != nil {
		return nil, fmt.Errorf("models: session key: %w", err)
	}
	return hex.DecodeString(st.Value)
}
