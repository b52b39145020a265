<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Laces::App::ApiClient</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Cannot write the file: %1</source>
        <translation>Die Datei kann nicht geschrieben werden: %1</translation>
    </message>
</context>
<context>
    <name>Laces::App::ApiError</name>
    <message>
        <source>Cannot reach the server: %1</source>
        <translation>Server nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>%1 (field: %2)</source>
        <translation>%1 (Feld: %2)</translation>
    </message>
    <message>
        <source>HTTP status %1</source>
        <translation>HTTP-Status %1</translation>
    </message>
</context>
<context>
    <name>Laces::App::Cli</name>
    <message>
        <source>LACES Genesis command-line client.</source>
        <translation>LACES-Genesis-Kommandozeilenprogramm.</translation>
    </message>
    <message>
        <source>What to do.</source>
        <translation>Was zu tun ist.</translation>
    </message>
    <message>
        <source>Server URL (env LACES_SERVER; default http://127.0.0.1:8000).</source>
        <translation>Server-URL (Umgebung LACES_SERVER; Standard http://127.0.0.1:8000).</translation>
    </message>
    <message>
        <source>User name to log in as.</source>
        <translation>Benutzername für die Anmeldung.</translation>
    </message>
    <message>
        <source>Filter twins by name.</source>
        <translation>Zwillinge nach Namen filtern.</translation>
    </message>
    <message>
        <source>Twin to import into (name or id).</source>
        <translation>Zwilling, in den importiert wird (Name oder ID).</translation>
    </message>
    <message>
        <source>Message of the new version.</source>
        <translation>Beschreibung der neuen Version.</translation>
    </message>
    <message>
        <source>Inspect the file without uploading it.</source>
        <translation>Die Datei prüfen, ohne sie hochzuladen.</translation>
    </message>
    <message>
        <source>Version to export (default: latest).</source>
        <translation>Zu exportierende Version (Standard: neueste).</translation>
    </message>
    <message>
        <source>File to write.</source>
        <translation>Zu schreibende Datei.</translation>
    </message>
    <message>
        <source>Commands:
  status                          check that the server and its database answer
  login                           log in and print an access token for LACES_TOKEN
  whoami                          show the user the credentials belong to
  twins [--search TEXT]           list the twins of your organization
  import FILE --twin NAME|ID      store a model file as a new version (creates the twin)
         [--message TEXT] [--dry-run]
  log TWIN                        the twin&apos;s versions, newest first
  diff TWIN A B                   what changed from version A to version B
  export TWIN [--version V] -o FILE   save a version&apos;s model file
  nodes [--search TEXT]           list the machine nodes of your organization
  node-key NODE --name TEXT       issue an API key for NODE&apos;s edge device (shown once)
  ingest FILE.csv [--boot-epoch N]    send telemetry in CSV (header node_id,time,seq,metrics…)

TWIN and NODE are a name or an id; a version is an id, a number, a tag or &apos;latest&apos;.
Credentials come from LACES_TOKEN or, failing that, a password prompt for --user.
Passwords are never taken from the command line.
</source>
        <translation>Befehle:
  status                          prüfen, ob Server und Datenbank antworten
  login                           anmelden und ein Zugriffstoken für LACES_TOKEN ausgeben
  whoami                          den Benutzer der Anmeldedaten anzeigen
  twins [--search TEXT]           die Zwillinge Ihrer Organisation auflisten
  import DATEI --twin NAME|ID     eine Modelldatei als neue Version speichern (legt den Zwilling an)
         [--message TEXT] [--dry-run]
  log ZWILLING                    die Versionen des Zwillings, neueste zuerst
  diff ZWILLING A B               was sich von Version A zu Version B geändert hat
  export ZWILLING [--version V] -o DATEI   die Modelldatei einer Version speichern
  nodes [--search TEXT]           die Maschinen Ihrer Organisation auflisten
  node-key MASCHINE --name TEXT   einen API-Schlüssel für das Edge-Gerät der Maschine ausgeben (nur einmal gezeigt)
  ingest DATEI.csv [--boot-epoch N]   Telemetrie als CSV senden (Kopfzeile node_id,time,seq,Messgrößen…)

ZWILLING und MASCHINE sind ein Name oder eine ID; eine Version ist eine ID, eine Nummer, eine Marke oder „latest“.
Anmeldedaten kommen aus LACES_TOKEN oder, falls nicht gesetzt, aus einer Passwortabfrage für --user.
Passwörter werden nie von der Kommandozeile übernommen.
</translation>
    </message>
    <message>
        <source>Name of the new API key.</source>
        <translation>Name des neuen API-Schlüssels.</translation>
    </message>
    <message>
        <source>Boot epoch of the samples&apos; sequence numbers (default 0).</source>
        <translation>Boot-Epoche der Sequenznummern der Messwerte (Standard 0).</translation>
    </message>
</context>
<context>
    <name>Laces::App::EditLeases</name>
    <message>
        <source>Your lock expired or was taken away: %1</source>
        <translation>Ihre Sperre ist abgelaufen oder wurde entzogen: %1</translation>
    </message>
</context>
<context>
    <name>Laces::App::HistoryPanel</name>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Vergleichen</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Wiederherstellen</translation>
    </message>
    <message>
        <source>Tag…</source>
        <translation>Markieren …</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Autor</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Marken</translation>
    </message>
    <message>
        <source>Select two versions and press Compare.</source>
        <translation>Zwei Versionen auswählen und „Vergleichen“ drücken.</translation>
    </message>
    <message>
        <source>Show this version (read-only unless it is the latest)</source>
        <translation>Diese Version anzeigen (schreibgeschützt, außer der neuesten)</translation>
    </message>
    <message>
        <source>Your role cannot create versions.</source>
        <translation>Ihre Rolle darf keine Versionen anlegen.</translation>
    </message>
    <message>
        <source>Model changed</source>
        <translation>Modell geändert</translation>
    </message>
    <message>
        <source>Model unchanged</source>
        <translation>Modell unverändert</translation>
    </message>
    <message>
        <source>Cannot restore</source>
        <translation>Wiederherstellen nicht möglich</translation>
    </message>
    <message>
        <source>Tag version</source>
        <translation>Version markieren</translation>
    </message>
    <message>
        <source>Tag name:</source>
        <translation>Name der Marke:</translation>
    </message>
    <message>
        <source>Cannot tag</source>
        <translation>Markieren nicht möglich</translation>
    </message>
</context>
<context>
    <name>Laces::App::LiveCollaboration</name>
    <message>
        <source>Who else has this twin open</source>
        <translation>Wer diesen Zwilling außerdem geöffnet hat</translation>
    </message>
    <message>
        <source>Not changed: %1</source>
        <translation>Nicht geändert: %1</translation>
    </message>
    <message>
        <source>Editing stopped: your lock on %1 ended (%2). Your unsaved changes are kept in the undo history.</source>
        <translation>Bearbeitung beendet: Ihre Sperre auf %1 ist erloschen (%2). Ihre ungespeicherten Änderungen bleiben im Rückgängig-Verlauf erhalten.</translation>
    </message>
    <message>
        <source>%1 (%2) — idle</source>
        <translation>%1 (%2) — inaktiv</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Locked by %1</source>
        <translation>Gesperrt von %1</translation>
    </message>
    <message>
        <source>Your change of %1 was not shared: %2</source>
        <translation>Ihre Änderung von %1 wurde nicht geteilt: %2</translation>
    </message>
    <message>
        <source>%1 changed %2 at the same time; their value was kept.</source>
        <translation>%1 hat %2 gleichzeitig geändert; dieser Wert wurde behalten.</translation>
    </message>
    <message>
        <source>an administrator released it</source>
        <translation>ein Administrator hat sie aufgehoben</translation>
    </message>
    <message>
        <source>it expired</source>
        <translation>sie ist abgelaufen</translation>
    </message>
    <message>
        <source>%1 saved a newer version. Your unsaved changes are kept; saving them needs the latest version.</source>
        <translation>%1 hat eine neuere Version gespeichert. Ihre ungespeicherten Änderungen bleiben erhalten; zum Speichern wird die neueste Version benötigt.</translation>
    </message>
</context>
<context>
    <name>Laces::App::LocalServer</name>
    <message>
        <source>The local server stopped (exit code %1): %2</source>
        <translation>Der lokale Server wurde beendet (Exit-Code %1): %2</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>%1 kann nicht gestartet werden: %2</translation>
    </message>
</context>
<context>
    <name>Laces::App::LoginDialog</name>
    <message>
        <source>Start a local server (embedded database)</source>
        <translation>Lokalen Server starten (eingebettete Datenbank)</translation>
    </message>
    <message>
        <source>Log in to LACES Genesis</source>
        <translation>Bei LACES Genesis anmelden</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>&amp;Benutzername:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>Starting a local server…</source>
        <translation>Lokaler Server wird gestartet …</translation>
    </message>
    <message>
        <source>The server address must be an http:// or https:// URL.</source>
        <translation>Die Serveradresse muss eine http://- oder https://-URL sein.</translation>
    </message>
    <message>
        <source>Enter your user name and password.</source>
        <translation>Geben Sie Benutzername und Passwort ein.</translation>
    </message>
    <message>
        <source>Logging in…</source>
        <translation>Anmeldung läuft …</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>Falscher Benutzername oder falsches Passwort.</translation>
    </message>
    <message numerus="yes">
        <source>Too many failed attempts; try again in %n second(s).</source>
        <translation>
            <numerusform>Zu viele Fehlversuche; bitte in %n Sekunde erneut versuchen.</numerusform>
            <numerusform>Zu viele Fehlversuche; bitte in %n Sekunden erneut versuchen.</numerusform>
        </translation>
    </message>
    <message>
        <source>The local server is ready.</source>
        <translation>Der lokale Server ist bereit.</translation>
    </message>
</context>
<context>
    <name>Laces::App::MainWindow</name>
    <message>
        <source>LACES Genesis</source>
        <translation>LACES Genesis</translation>
    </message>
    <message>
        <source>Session ended</source>
        <translation>Sitzung beendet</translation>
    </message>
    <message>
        <source>Your session has ended (logged out elsewhere, revoked or expired). Please log in again.</source>
        <translation>Ihre Sitzung wurde beendet (anderswo abgemeldet, widerrufen oder abgelaufen). Bitte melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Neu laden</translation>
    </message>
    <message>
        <source>Log &amp;out</source>
        <translation>&amp;Abmelden</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Language…</source>
        <translation>&amp;Sprache …</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About LACES Genesis</source>
        <translation>&amp;Über LACES Genesis</translation>
    </message>
    <message>
        <source>About LACES Genesis</source>
        <translation>Über LACES Genesis</translation>
    </message>
    <message>
        <source>&lt;h3&gt;LACES Genesis %1&lt;/h3&gt;&lt;p&gt;A workbench for industrial digital twins.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;LACES Genesis %1&lt;/h3&gt;&lt;p&gt;Eine Werkbank für industrielle digitale Zwillinge.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Server: %1</source>
        <translation>Server: %1</translation>
    </message>
    <message>
        <source>User: %1 (%2)</source>
        <translation>Benutzer: %1 (%2)</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Server unreachable, retrying…</source>
        <translation>Server nicht erreichbar, neuer Versuch …</translation>
    </message>
    <message>
        <source>Logged out</source>
        <translation>Abgemeldet</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemstandard</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Language of the user interface:</source>
        <translation>Sprache der Benutzeroberfläche:</translation>
    </message>
    <message>
        <source>The new language applies when LACES Genesis starts again.</source>
        <translation>Die neue Sprache gilt ab dem nächsten Start von LACES Genesis.</translation>
    </message>
    <message>
        <source>Twins</source>
        <translation>Zwillinge</translation>
    </message>
    <message>
        <source>Telemetry</source>
        <translation>Telemetrie</translation>
    </message>
</context>
<context>
    <name>Laces::App::PropertiesPanel</name>
    <message>
        <source>remove %1</source>
        <translation>%1 entfernen</translation>
    </message>
    <message>
        <source>set %1</source>
        <translation>%1 setzen</translation>
    </message>
    <message>
        <source>Save as new version…</source>
        <translation>Als neue Version speichern …</translation>
    </message>
    <message>
        <source>Property</source>
        <translation>Eigenschaft</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>&lt;b&gt;Twin&lt;/b&gt;</source>
        <translation>&lt;b&gt;Zwilling&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Describe the change:</source>
        <translation>Beschreiben Sie die Änderung:</translation>
    </message>
    <message>
        <source>&lt;b&gt;Component&lt;/b&gt;: select one in the tree or the view</source>
        <translation>&lt;b&gt;Komponente&lt;/b&gt;: im Baum oder in der Ansicht auswählen</translation>
    </message>
    <message>
        <source>&lt;b&gt;Component&lt;/b&gt;: %1</source>
        <translation>&lt;b&gt;Komponente&lt;/b&gt;: %1</translation>
    </message>
    <message>
        <source>Add property</source>
        <translation>Eigenschaft hinzufügen</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Someone saved a newer version first. Your edits are kept: reopen the latest version to apply them again.</source>
        <translation>Jemand hat zuerst eine neuere Version gespeichert. Ihre Änderungen bleiben erhalten: Öffnen Sie die neueste Version, um sie erneut anzuwenden.</translation>
    </message>
</context>
<context>
    <name>Laces::App::TelemetryChartView</name>
    <message>
        <source>Wheel: zoom. Drag: pan. Double click: back to the chosen range.</source>
        <translation>Mausrad: zoomen. Ziehen: verschieben. Doppelklick: zurück zum gewählten Zeitraum.</translation>
    </message>
</context>
<context>
    <name>Laces::App::TelemetryDashboard</name>
    <message>
        <source>Last 10 minutes</source>
        <translation>Letzte 10 Minuten</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>every sample</source>
        <translation>jeder Messwert</translation>
    </message>
    <message>
        <source>1-minute buckets</source>
        <translation>Minutenwerte</translation>
    </message>
    <message>
        <source>1-hour buckets</source>
        <translation>Stundenwerte</translation>
    </message>
    <message>
        <source>1-day buckets</source>
        <translation>Tageswerte</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>Live</translation>
    </message>
    <message>
        <source>Follow the newest samples as they arrive</source>
        <translation>Den neuesten Messwerten folgen, sobald sie eintreffen</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <source>Machines</source>
        <translation>Maschinen</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Messgrößen</translation>
    </message>
    <message>
        <source>Export telemetry</source>
        <translation>Telemetrie exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>%1 at %2, %3</source>
        <translation>%1 in %2, %3</translation>
    </message>
    <message>
        <source>%1 min–max</source>
        <translation>%1 Min.–Max.</translation>
    </message>
    <message>
        <source>%1 %2 %3</source>
        <translation>%1 %2 %3</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
</context>
<context>
    <name>Laces::App::TwinBrowser</name>
    <message>
        <source>&amp;New twin…</source>
        <translation>&amp;Neuer Zwilling …</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <source>Search twins by name</source>
        <translation>Zwillinge nach Namen suchen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Components</source>
        <translation>Komponenten</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <source>Your role cannot create twins.</source>
        <translation>Ihre Rolle darf keine Zwillinge anlegen.</translation>
    </message>
    <message>
        <source>Your role cannot delete twins.</source>
        <translation>Ihre Rolle darf keine Zwillinge löschen.</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message numerus="yes">
        <source>%n twin(s), page %1 of %2</source>
        <translation>
            <numerusform>%n Zwilling, Seite %1 von %2</numerusform>
            <numerusform>%n Zwillinge, Seite %1 von %2</numerusform>
        </translation>
    </message>
    <message>
        <source>New twin</source>
        <translation>Neuer Zwilling</translation>
    </message>
    <message>
        <source>Name of the new twin:</source>
        <translation>Name des neuen Zwillings:</translation>
    </message>
    <message>
        <source>Cannot create the twin</source>
        <translation>Zwilling kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>Delete twin</source>
        <translation>Zwilling löschen</translation>
    </message>
    <message>
        <source>Delete the twin &quot;%1&quot; with all its versions? This cannot be undone.</source>
        <translation>Den Zwilling „%1“ mit allen Versionen löschen? Dies kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Cannot delete the twin</source>
        <translation>Zwilling kann nicht gelöscht werden</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>Ö&amp;ffnen</translation>
    </message>
</context>
<context>
    <name>Laces::App::TwinWorkspace</name>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Komponente</translation>
    </message>
    <message>
        <source>Triangles</source>
        <translation>Dreiecke</translation>
    </message>
    <message>
        <source>Fit to view</source>
        <translation>Einpassen</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Properties</source>
        <translation>Eigenschaften</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>Nicht gespeichert</translation>
    </message>
    <message numerus="yes">
        <source>%n component(s), %1 triangles</source>
        <translation>
            <numerusform>%n Komponente, %1 Dreiecke</numerusform>
            <numerusform>%n Komponenten, %1 Dreiecke</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Loading version…</source>
        <translation>Version wird geladen …</translation>
    </message>
    <message>
        <source>This twin has no versions yet.</source>
        <translation>Dieser Zwilling hat noch keine Versionen.</translation>
    </message>
    <message>
        <source>%1 — version %2%3</source>
        <translation>%1 — Version %2%3</translation>
    </message>
    <message>
        <source> (read-only)</source>
        <translation> (schreibgeschützt)</translation>
    </message>
    <message>
        <source>This version has no model.</source>
        <translation>Diese Version hat kein Modell.</translation>
    </message>
    <message>
        <source>Downloading the model…</source>
        <translation>Modell wird heruntergeladen …</translation>
    </message>
    <message>
        <source>Reading the model…</source>
        <translation>Modell wird gelesen …</translation>
    </message>
    <message>
        <source>Import model…</source>
        <translation>Modell importieren …</translation>
    </message>
    <message>
        <source>Your role cannot create versions.</source>
        <translation>Ihre Rolle darf keine Versionen anlegen.</translation>
    </message>
    <message>
        <source>Import model</source>
        <translation>Modell importieren</translation>
    </message>
    <message>
        <source>3D models (*.glb *.gltf *.stl *.STL *.obj *.ply)</source>
        <translation>3D-Modelle (*.glb *.gltf *.stl *.STL *.obj *.ply)</translation>
    </message>
    <message>
        <source>Uploading %1…</source>
        <translation>%1 wird hochgeladen …</translation>
    </message>
    <message>
        <source>Import %1</source>
        <translation>Import von %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;People here&lt;/b&gt;</source>
        <translation>&lt;b&gt;Anwesende&lt;/b&gt;</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>LACES Genesis desktop workbench.</source>
        <translation>LACES-Genesis-Desktop-Werkbank.</translation>
    </message>
    <message>
        <source>Server URL to offer in the login dialog.</source>
        <translation>Server-URL, die im Anmeldedialog vorgeschlagen wird.</translation>
    </message>
    <message>
        <source>User name to offer in the login dialog.</source>
        <translation>Benutzername, der im Anmeldedialog vorgeschlagen wird.</translation>
    </message>
    <message>
        <source>Start a local server (embedded database) and log in to it.</source>
        <translation>Einen lokalen Server (eingebettete Datenbank) starten und sich dort anmelden.</translation>
    </message>
</context>
</TS>
