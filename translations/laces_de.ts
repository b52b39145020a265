<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="de_DE">
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
        <source>Commands:
  status                 check that the server and its database answer
  login                  log in and print an access token for LACES_TOKEN
  whoami                 show the user the credentials belong to
  twins [--search TEXT]  list the twins of your organization

Credentials come from LACES_TOKEN or, failing that, a password prompt for --user.
Passwords are never taken from the command line.
</source>
        <translation>Befehle:
  status                 prüfen, ob Server und Datenbank antworten
  login                  anmelden und ein Zugriffstoken für LACES_TOKEN ausgeben
  whoami                 den Benutzer der Anmeldedaten anzeigen
  twins [--search TEXT]  die Zwillinge Ihrer Organisation auflisten

Anmeldedaten kommen aus LACES_TOKEN oder, falls nicht gesetzt, aus einer Passwortabfrage für --user.
Passwörter werden nie von der Kommandozeile übernommen.
</translation>
    </message>
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
        <translation><numerusform>Zu viele Fehlversuche; bitte in %n Sekunde erneut versuchen.</numerusform><numerusform>Zu viele Fehlversuche; bitte in %n Sekunden erneut versuchen.</numerusform></translation>
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
        <translation><numerusform>%n Zwilling, Seite %1 von %2</numerusform><numerusform>%n Zwillinge, Seite %1 von %2</numerusform></translation>
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
        <source>Delete the twin "%1" with all its versions? This cannot be undone.</source>
        <translation>Den Zwilling „%1“ mit allen Versionen löschen? Dies kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Cannot delete the twin</source>
        <translation>Zwilling kann nicht gelöscht werden</translation>
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
</context>
</TS>