package paths

// The officer app (handlers/officer). Every path starts with OfficerApp,
// the service worker's scope; "/oficial" redirects there.
const (
	OfficerApp         = "/oficial/"
	OfficerAppManifest = OfficerApp + "manifest.webmanifest"
	OfficerAppWorker   = OfficerApp + "sw.js"
	OfficerAppStyle    = OfficerApp + "app.css"
	// OfficerAppScripts and OfficerAppIcons are the folders of the app's
	// scripts and icons; OfficerAppScript and OfficerAppIcon their routes.
	OfficerAppScripts = OfficerApp + "js/"
	OfficerAppScript  = OfficerAppScripts + ":name"
	OfficerAppIcons   = OfficerApp + "icons/"
	OfficerAppIcon    = OfficerAppIcons + ":name"
)
