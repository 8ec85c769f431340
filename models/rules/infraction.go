package rules

import (
	"strings"
	"time"
)

// InfractionInput is an infraction an administrator registers by hand:
// with a code it is issued at once, and the place is optional.
type InfractionInput struct {
	Plate      string    `json:"placa_patente"`
	Badge      string    `json:"oficial"`
	OccurredAt time.Time `json:"timestamp"`
	Comments   string    `json:"comentarios"`
	Code       string    `json:"codigo"`
	Place      Place     `json:"-"`
}

// Clean normalises the input and validates it.
func (in *InfractionInput) Clean() FieldErrors {
	fe := FieldErrors{}
	in.Plate = NormalizePlate(in.Plate)
	in.Badge = NormalizeBadge(in.Badge)
	in.Comments = strings.TrimSpace(in.Comments)
	checkPlate(fe, in.Plate)
	if in.Badge == "" {
		fe.Add(FieldOfficer, "es obligatorio: indique el número del oficial")
	} else if msg := checkText(in.Badge, maxShortLen, false); msg != "" {
		fe.Add(FieldOfficer, msg)
	}
	if in.OccurredAt.IsZero() {
		fe.Add(FieldTimestamp, "es obligatoria")
	}
	if msg := CheckComments(in.Comments); msg != "" {
		fe.Add(FieldComments, msg)
	}
	in.Code = NormalizeCode(in.Code)
	if in.Code != "" && !ValidCode(in.Code) {
		fe.Add(FieldCode, CodeRule)
	}
	if in.Place.Description = strings.TrimSpace(in.Place.Description); !in.Place.IsZero() {
		if msg := CheckPlace(&in.Place); msg != "" {
			fe.Add(FieldPlace, msg)
		}
	}
	return fe
}

// VoidInput is the reason an infraction is annulled for: the internal one
// (motivo, required) and the one the citizen reads (optional).
type VoidInput struct {
	Reason       string `json:"motivo"`
	PublicReason string `json:"motivo_publico"`
}

// Clean normalises the input and validates it.
func (in *VoidInput) Clean() FieldErrors {
	fe := FieldErrors{}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		fe.Add(FieldVoidReason, "es obligatorio: explique por qué se anula")
	} else if msg := checkText(in.Reason, maxVoidReasonLen, true); msg != "" {
		fe.Add(FieldVoidReason, msg)
	}
	in.PublicReason = strings.TrimSpace(in.PublicReason)
	if msg := checkText(in.PublicReason, maxVoidReasonLen, true); msg != "" {
		fe.Add(FieldVoidPublicReason, msg)
	}
	return fe
}
