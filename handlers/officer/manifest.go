package officer

import "transito/paths"

// manifest is the web app manifest (https://www.w3.org/TR/appmanifest/).
type manifest struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	ShortName       string         `json:"short_name"`
	Description     string         `json:"description"`
	Lang            string         `json:"lang"`
	StartURL        string         `json:"start_url"`
	Scope           string         `json:"scope"`
	Display         string         `json:"display"`
	Orientation     string         `json:"orientation"`
	ThemeColor      string         `json:"theme_color"`
	BackgroundColor string         `json:"background_color"`
	Icons           []manifestIcon `json:"icons"`
}

type manifestIcon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose"`
}

var manifestIcons = []manifestIcon{
	{Src: paths.OfficerAppIcons + "icon-192.png", Sizes: "192x192", Type: "image/png", Purpose: "any"},
	{Src: paths.OfficerAppIcons + "icon-512.png", Sizes: "512x512", Type: "image/png", Purpose: "any"},
	{Src: paths.OfficerAppIcons + "maskable-192.png", Sizes: "192x192", Type: "image/png", Purpose: "maskable"},
	{Src: paths.OfficerAppIcons + "maskable-512.png", Sizes: "512x512", Type: "image/png", Purpose: "maskable"},
}

func appManifest() manifest {
	return manifest{
		ID:              paths.OfficerApp,
		Name:            "Tránsito · Oficial",
		ShortName:       "Tránsito",
		Description:     "Registro de infracciones en la calle, con o sin conexión.",
		Lang:            "es",
		StartURL:        paths.OfficerApp,
		Scope:           paths.OfficerApp,
		Display:         "standalone",
		Orientation:     "portrait",
		ThemeColor:      "#1e3a8a",
		BackgroundColor: "#ffffff",
		Icons:           manifestIcons,
	}
}
