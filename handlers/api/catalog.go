package api

import (
	"encoding/json"
	"hash/fnv"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/models/fines"
)

// CatalogTypeJSON is one active type of the catalogue as the officer app
// caches it; importe is at today's unit value (null when none is set).
type CatalogTypeJSON struct {
	Code        string  `json:"codigo"`
	Description string  `json:"descripcion"`
	Severity    string  `json:"gravedad"`
	Units       int     `json:"unidades"`
	Points      int     `json:"puntos"`
	Amount      *string `json:"importe"`
	Currency    *string `json:"moneda"`
}

// catalogueCache keeps the last catalogue body: it changes only with the
// tariff or the day.
type catalogueCache struct {
	mu   sync.Mutex
	key  string
	body []byte
	etag string
}

// catalogue handles GET /api/v1/catalogo: the active types, with an ETag
// that changes whenever the catalogue or the unit value does, from any
// process (Store.Tariff), and 304 on If-None-Match.
func (h *Handler) catalogue(c *fiber.Ctx) error {
	t, err := h.store.Tariff(c.UserContext())
	if err != nil {
		return err
	}
	body, etag, err := h.catalogueJSON(t, fines.DateOf(time.Now(), h.cfg.Location))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	c.Response().SetBodyRaw(body)
	return nil
}

func (h *Handler) catalogueJSON(t *models.Tariff, today fines.Date) ([]byte, string, error) {
	key := t.Version + " " + today.String()
	cc := &h.catalogued
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.key == key {
		return cc.body, cc.etag, nil
	}
	unit, priced := t.UnitValueOn(today)
	types := t.Active()
	out := make([]CatalogTypeJSON, len(types))
	for i, it := range types {
		out[i] = CatalogTypeJSON{Code: it.Code, Description: it.Description, Severity: it.Severity, Units: it.Units, Points: it.Points}
		if priced {
			amount := fines.FormatAmount(int64(it.Units) * unit)
			out[i].Amount, out[i].Currency = &amount, &h.cfg.Currency
		}
	}
	body, err := json.Marshal(out)
	if err != nil {
		return nil, "", err
	}
	sum := fnv.New64a()
	sum.Write(body)
	cc.key, cc.body, cc.etag = key, body, `"`+strconv.FormatUint(sum.Sum64(), 36)+`"`
	return cc.body, cc.etag, nil
}
