package admin

import (
	"context"
	"strconv"
	"time"

	"transito/models"
	"transito/models/rules"
	"transito/views"
)

var monthNames = [...]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"}

const dateLayout = "2006-01-02"

// dateCounter counts a list's rows per year, month or day (the store's
// InfractionDates or AuditDates for the list's query).
type dateCounter func(ctx context.Context, level models.DateLevel, within time.Time) ([]models.DateBucket, error)

// dateDrill is a list's year → month → day drill-down. The level follows
// desde and hasta: none, the years with data; a whole year, its months; a
// whole month, or one day of it, its days. Any other range shows the years
// again, counted within it. Every link keeps the list's search and other
// filters.
func (h *Handler) dateDrill(ctx context.Context, l views.List, lq models.ListQuery, count dateCounter) (*views.DateDrill, error) {
	from, errFrom := rules.ParseDate(lq.Filter("desde"), h.loc)
	to, errTo := rules.ParseDate(lq.Filter("hasta"), h.loc)
	level, within := models.LevelYears, time.Time{}
	var day time.Time
	if errFrom == nil && errTo == nil {
		switch {
		case from.Month() == time.January && from.Day() == 1 && to.Equal(from.AddDate(1, 0, -1)):
			level, within = models.LevelMonths, from
		case from.Day() == 1 && to.Equal(from.AddDate(0, 1, -1)):
			level, within = models.LevelDays, from
		case from.Equal(to):
			level, within, day = models.LevelDays, time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, h.loc), from
		}
	}
	buckets, err := count(ctx, level, within)
	if err != nil {
		return nil, err
	}
	d := &views.DateDrill{Up: []views.DateLink{{Label: "Todas las fechas", Href: l.WithDates("", ""), Current: level == models.LevelYears && lq.Filter("desde") == "" && lq.Filter("hasta") == ""}}}
	if level >= models.LevelMonths {
		y := within.Year()
		d.Up = append(d.Up, views.DateLink{Label: strconv.Itoa(y), Href: l.WithDates(yearRange(y, h.loc)), Current: level == models.LevelMonths})
	}
	if level == models.LevelDays {
		d.Up = append(d.Up, views.DateLink{Label: monthNames[within.Month()-1] + " de " + strconv.Itoa(within.Year()),
			Href: l.WithDates(within.Format(dateLayout), within.AddDate(0, 1, -1).Format(dateLayout)), Current: day.IsZero()})
		if !day.IsZero() {
			d.Up = append(d.Up, views.DateLink{Label: strconv.Itoa(day.Day()) + " de " + monthNames[day.Month()-1], Current: true})
		}
	}
	for _, b := range buckets {
		link := views.DateLink{Count: b.Count, Href: l.WithDates(b.From.Format(dateLayout), b.To.Format(dateLayout))}
		switch level {
		case models.LevelYears:
			link.Label = strconv.Itoa(b.From.Year())
		case models.LevelMonths:
			link.Label = monthNames[b.From.Month()-1]
		default:
			link.Label = strconv.Itoa(b.From.Day())
			link.Current = !day.IsZero() && b.From.Equal(day)
		}
		d.Buckets = append(d.Buckets, link)
	}
	return d, nil
}

func yearRange(y int, loc *time.Location) (string, string) {
	first := time.Date(y, 1, 1, 0, 0, 0, 0, loc)
	return first.Format(dateLayout), first.AddDate(1, 0, -1).Format(dateLayout)
}
