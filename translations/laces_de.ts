<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Laces::App::AgeingCharts</name>
    <message>
        <source>&lt;span style=&apos;color:#1e64c8&apos;&gt;━━&lt;/span&gt; selected component &amp;nbsp; &lt;span style=&apos;color:#c82828&apos;&gt;╌╌&lt;/span&gt; worst component &amp;nbsp; &lt;span style=&apos;color:#787878&apos;&gt;┆&lt;/span&gt; time shown &amp;nbsp; &lt;span style=&apos;color:#4682c8&apos;&gt;▓&lt;/span&gt; Monte Carlo P10–P90 crack, share of samples failed</source>
        <translation>&lt;span style=&apos;color:#1e64c8&apos;&gt;━━&lt;/span&gt; gewählte Komponente &amp;nbsp; &lt;span style=&apos;color:#c82828&apos;&gt;╌╌&lt;/span&gt; schlechteste Komponente &amp;nbsp; &lt;span style=&apos;color:#787878&apos;&gt;┆&lt;/span&gt; gezeigte Zeit &amp;nbsp; &lt;span style=&apos;color:#4682c8&apos;&gt;▓&lt;/span&gt; Monte Carlo: Riss P10–P90, Anteil ausgefallener Stichproben</translation>
    </message>
    <message>
        <source>Crack length (mm)</source>
        <translation>Risslänge (mm)</translation>
    </message>
    <message>
        <source>Damage D</source>
        <translation>Schädigung D</translation>
    </message>
    <message>
        <source>Failure probability</source>
        <translation>Ausfallwahrscheinlichkeit</translation>
    </message>
    <message>
        <source>years from now</source>
        <translation>Jahre ab heute</translation>
    </message>
    <message>
        <source>Monte Carlo P10–P90</source>
        <translation>Monte Carlo P10–P90</translation>
    </message>
    <message>
        <source>Monte Carlo: share failed</source>
        <translation>Monte Carlo: Anteil ausgefallen</translation>
    </message>
    <message>
        <source>selected</source>
        <translation>gewählt</translation>
    </message>
    <message>
        <source>worst</source>
        <translation>schlechteste</translation>
    </message>
    <message>
        <source>shown time</source>
        <translation>gezeigte Zeit</translation>
    </message>
</context>
<context>
    <name>Laces::App::AgeingPanel</name>
    <message>
        <source>Play</source>
        <translation>Abspielen</translation>
    </message>
    <message>
        <source>As measured</source>
        <translation>Wie gemessen</translation>
    </message>
    <message>
        <source>&amp;Monte Carlo bands</source>
        <translation>&amp;Monte-Carlo-Bänder</translation>
    </message>
    <message>
        <source>&amp;Save run</source>
        <translation>Lauf &amp;speichern</translation>
    </message>
    <message>
        <source>&amp;Export JSON…</source>
        <translation>JSON e&amp;xportieren …</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Play or pause the timeline (Space on the timeline)</source>
        <translation>Zeitachse abspielen oder anhalten (Leertaste auf der Zeitachse)</translation>
    </message>
    <message>
        <source>Playback speed</source>
        <translation>Abspielgeschwindigkeit</translation>
    </message>
    <message>
        <source>1 day per second</source>
        <translation>1 Tag pro Sekunde</translation>
    </message>
    <message>
        <source>1 week per second</source>
        <translation>1 Woche pro Sekunde</translation>
    </message>
    <message>
        <source>1 month per second</source>
        <translation>1 Monat pro Sekunde</translation>
    </message>
    <message>
        <source>1 year per second</source>
        <translation>1 Jahr pro Sekunde</translation>
    </message>
    <message>
        <source>Time shown</source>
        <translation>Gezeigte Zeit</translation>
    </message>
    <message>
        <source>Left of the line: the measured past; right: the simulated future. Orange marks: versions of the twin.</source>
        <translation>Links der Linie: die gemessene Vergangenheit; rechts: die simulierte Zukunft. Orange Marken: Versionen des Zwillings.</translation>
    </message>
    <message>
        <source> rpm</source>
        <translation> min⁻¹</translation>
    </message>
    <message>
        <source> × rated</source>
        <translation> × Nennlast</translation>
    </message>
    <message>
        <source> °C</source>
        <translation> °C</translation>
    </message>
    <message>
        <source>Let the future go on as the machine was measured</source>
        <translation>Die Zukunft so weiterlaufen lassen, wie die Maschine gemessen wurde</translation>
    </message>
    <message>
        <source>From now on</source>
        <translation>Ab jetzt</translation>
    </message>
    <message>
        <source>S&amp;peed:</source>
        <translation>&amp;Drehzahl:</translation>
    </message>
    <message>
        <source>&amp;Load:</source>
        <translation>&amp;Last:</translation>
    </message>
    <message>
        <source>&amp;Temperature:</source>
        <translation>&amp;Temperatur:</translation>
    </message>
    <message>
        <source>Scatter of C, a₀ and K_IC, computed by the server for the selected and the worst component</source>
        <translation>Streuung von C, a₀ und K_IC, vom Server für die gewählte und die schlechteste Komponente berechnet</translation>
    </message>
    <message>
        <source> samples</source>
        <translation> Stichproben</translation>
    </message>
    <message>
        <source>Monte Carlo samples</source>
        <translation>Monte-Carlo-Stichproben</translation>
    </message>
    <message>
        <source>Your role cannot run simulations on the server.</source>
        <translation>Ihre Rolle darf keine Simulationen auf dem Server ausführen.</translation>
    </message>
    <message>
        <source>Saved runs</source>
        <translation>Gespeicherte Läufe</translation>
    </message>
    <message>
        <source>Sa&amp;ved runs:</source>
        <translation>Gespeicherte &amp;Läufe:</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Saving the run on the server…</source>
        <translation>Der Lauf wird auf dem Server gespeichert …</translation>
    </message>
    <message>
        <source>Simulating on the server…</source>
        <translation>Simulation auf dem Server …</translation>
    </message>
    <message>
        <source>The server&apos;s run cannot be shown: %1</source>
        <translation>Der Lauf des Servers kann nicht gezeigt werden: %1</translation>
    </message>
    <message>
        <source>Saved as run %1.</source>
        <translation>Als Lauf %1 gespeichert.</translation>
    </message>
    <message>
        <source>Going on as measured on %1: %2 rpm, %3 × rated load, %4 °C on average.</source>
        <translation>Weiter wie an %1 gemessen: im Mittel %2 min⁻¹, %3 × Nennlast, %4 °C.</translation>
    </message>
    <message>
        <source>The measured duty of %1 at another speed, load and temperature.</source>
        <translation>Das gemessene Lastkollektiv von %1 bei anderer Drehzahl, Last und Temperatur.</translation>
    </message>
    <message>
        <source>A steady speed, load and temperature.</source>
        <translation>Gleichbleibende Drehzahl, Last und Temperatur.</translation>
    </message>
    <message>
        <source>A steady speed, load and temperature (no measured history).</source>
        <translation>Gleichbleibende Drehzahl, Last und Temperatur (kein gemessener Verlauf).</translation>
    </message>
    <message>
        <source>%1 (now)</source>
        <translation>%1 (jetzt)</translation>
    </message>
    <message>
        <source>%1 (%2%3 years)</source>
        <translation>%1 (%2%3 Jahre)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;, %2: no failure in sight</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;, %2: kein Ausfall absehbar</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;, %2: median failure &lt;b&gt;%3&lt;/b&gt; (%4 y), B10 %5 (%6 y)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;, %2: Median-Ausfall &lt;b&gt;%3&lt;/b&gt; (%4 J.), B10 %5 (%6 J.)</translation>
    </message>
    <message>
        <source>Selected: %1</source>
        <translation>Gewählt: %1</translation>
    </message>
    <message>
        <source>No component fails in the simulated future.</source>
        <translation>Keine Komponente fällt in der simulierten Zukunft aus.</translation>
    </message>
    <message>
        <source>The selected component is the worst.</source>
        <translation>Die gewählte Komponente ist die schlechteste.</translation>
    </message>
    <message>
        <source>Worst: %1</source>
        <translation>Schlechteste: %1</translation>
    </message>
    <message>
        <source>Export the run</source>
        <translation>Lauf exportieren</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON-Dateien (*.json)</translation>
    </message>
    <message>
        <source>Not exported</source>
        <translation>Nicht exportiert</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Exported to %1.</source>
        <translation>Nach %1 exportiert.</translation>
    </message>
    <message>
        <source>%1 · %2 · %3 · worst: %4 %5</source>
        <translation>%1 · %2 · %3 · schlechteste: %4 %5</translation>
    </message>
    <message>
        <source>Opening the saved run…</source>
        <translation>Der gespeicherte Lauf wird geöffnet …</translation>
    </message>
    <message>
        <source>Showing the run saved %1.</source>
        <translation>Der am %1 gespeicherte Lauf wird gezeigt.</translation>
    </message>
    <message>
        <source>Version %1: %2</source>
        <translation>Version %1: %2</translation>
    </message>
    <message>
        <source>Ticket #%1 (%2, %3), opened %4: %5</source>
        <translation>Ticket #%1 (%2, %3), eröffnet %4: %5</translation>
    </message>
</context>
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
        <source>Name of the new API key.</source>
        <translation>Name des neuen API-Schlüssels.</translation>
    </message>
    <message>
        <source>Boot epoch of the samples&apos; sequence numbers (default 0).</source>
        <translation>Boot-Epoche der Sequenznummern der Messwerte (Standard 0).</translation>
    </message>
    <message>
        <source>Simulation horizon in years (default 5).</source>
        <translation>Simulationshorizont in Jahren (Standard 5).</translation>
    </message>
    <message>
        <source>Time step: hour, day or week (default day).</source>
        <translation>Zeitschritt: hour, day oder week (Standard day).</translation>
    </message>
    <message>
        <source>Start of the simulation, RFC 3339 (default now).</source>
        <translation>Beginn der Simulation, RFC 3339 (Standard jetzt).</translation>
    </message>
    <message>
        <source>Speed from the start on.</source>
        <translation>Drehzahl ab dem Beginn.</translation>
    </message>
    <message>
        <source>Load as a fraction of rated load (0–2).</source>
        <translation>Last als Anteil der Nennlast (0–2).</translation>
    </message>
    <message>
        <source>Temperature in °C (default 20).</source>
        <translation>Temperatur in °C (Standard 20).</translation>
    </message>
    <message>
        <source>Machine node whose measured history to use.</source>
        <translation>Maschine, deren gemessener Verlauf verwendet wird.</translation>
    </message>
    <message>
        <source>Start of the measured history, RFC 3339.</source>
        <translation>Beginn des gemessenen Verlaufs, RFC 3339.</translation>
    </message>
    <message>
        <source>End of the measured history, RFC 3339 (the simulation&apos;s start).</source>
        <translation>Ende des gemessenen Verlaufs, RFC 3339 (der Beginn der Simulation).</translation>
    </message>
    <message>
        <source>Simulate this component (repeatable; default all).</source>
        <translation>Diese Komponente simulieren (wiederholbar; Standard alle).</translation>
    </message>
    <message>
        <source>Monte Carlo samples of the material scatter.</source>
        <translation>Monte-Carlo-Stichproben der Werkstoffstreuung.</translation>
    </message>
    <message>
        <source>Seed of the Monte Carlo samples (default 0).</source>
        <translation>Startwert der Monte-Carlo-Stichproben (Standard 0).</translation>
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
  simulate TWIN [--years Y] [--step hour|day|week] [--start T]
         [--rpm N --load F [--temperature C]] [--from-node NODE [--from T] [--to T]]
         [--component NAME]… [--monte-carlo N [--seed S]] [-o run.json]
                                  age the twin&apos;s components: median and B10 failure dates,
                                  worst first (without --rpm/--load: from the measured
                                  history of the twin&apos;s linked node, or of NODE)
  tickets [--status S,…] [--severity S,…] [--node NODE]
                                  maintenance tickets, highest priority first (default: the
                                  unfinished ones: open, acknowledged, in_progress)
  ticket N [ack|start|resolve|close|cancel] [--comment TEXT] [--code failure|no_fault|preventive]
                                  show ticket number N with its history, or move it on
                                  (resolve needs --code)

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
  simulate ZWILLING [--years J] [--step hour|day|week] [--start T]
         [--rpm N --load F [--temperature C]] [--from-node MASCHINE [--from T] [--to T]]
         [--component NAME]… [--monte-carlo N [--seed S]] [-o lauf.json]
                                  die Alterung der Komponenten berechnen: Median- und B10-Ausfalldaten,
                                  die schlechteste zuerst (ohne --rpm/--load: aus dem gemessenen
                                  Verlauf der verknüpften Maschine des Zwillings oder von MASCHINE)
  tickets [--status S,…] [--severity S,…] [--node MASCHINE]
                                  Wartungstickets, höchste Priorität zuerst (Standard: die
                                  unerledigten: open, acknowledged, in_progress)
  ticket N [ack|start|resolve|close|cancel] [--comment TEXT] [--code failure|no_fault|preventive]
                                  Ticket Nummer N mit seinem Verlauf zeigen oder weiterführen
                                  (resolve braucht --code)

ZWILLING und MASCHINE sind ein Name oder eine ID; eine Version ist eine ID, eine Nummer, eine Marke oder „latest“.
Anmeldedaten kommen aus LACES_TOKEN oder, falls nicht gesetzt, aus einer Passwortabfrage für --user.
Passwörter werden nie von der Kommandozeile übernommen.
</translation>
    </message>
    <message>
        <source>Local commands (no server needed):
  anomaly score --train FILE [--train-rows N] --input FILE [--columns A,B,...]
         [--ignore A,B,...] [--delimiter &apos;;&apos;] [--detector zscore_max|isolation_forest]
         [--contamination C | --threshold T] [--seed S]
                                  fit a detector on the training rows of a CSV and write
                                  row,score,anomaly,drivers for every input row (CSV on
                                  standard output). The default detector, zscore_max, is the
                                  one the SKAB benchmark chose (F1 0.83 against 0.79 for the
                                  Isolation Forest); scores are smoothed over 30 rows and the
                                  threshold is the 0.99 quantile of the smoothed training
                                  scores. With the same file for --train and --input, its first
                                  --train-rows rows fit the detector and are not scored.
</source>
        <translation>Lokale Befehle (ohne Server):
  anomaly score --train DATEI [--train-rows N] --input DATEI [--columns A,B,...]
         [--ignore A,B,...] [--delimiter &apos;;&apos;] [--detector zscore_max|isolation_forest]
         [--contamination C | --threshold T] [--seed S]
                                  einen Detektor an den Trainingszeilen einer CSV-Datei anlernen und
                                  row,score,anomaly,drivers für jede Eingabezeile schreiben (CSV auf
                                  der Standardausgabe). Der Standarddetektor zscore_max ist der,
                                  den der SKAB-Benchmark wählte (F1 0,83 gegenüber 0,79 für den
                                  Isolation Forest); die Werte werden über 30 Zeilen geglättet, die
                                  Schwelle ist das 0,99-Quantil der geglätteten Trainingswerte.
                                  Ist --train dieselbe Datei wie --input, lernen ihre ersten
                                  --train-rows Zeilen den Detektor an und werden nicht bewertet.
</translation>
    </message>
    <message>
        <source>CSV whose rows fit the anomaly detector.</source>
        <translation>CSV-Datei, an deren Zeilen der Anomaliedetektor angelernt wird.</translation>
    </message>
    <message>
        <source>Fit on the first N rows of --train (default all).</source>
        <translation>An den ersten N Zeilen von --train anlernen (Standard alle).</translation>
    </message>
    <message>
        <source>CSV whose rows are scored.</source>
        <translation>CSV-Datei, deren Zeilen bewertet werden.</translation>
    </message>
    <message>
        <source>Columns to use (default every numeric one).</source>
        <translation>Zu verwendende Spalten (Standard alle numerischen).</translation>
    </message>
    <message>
        <source>Columns to leave out, e.g. labels.</source>
        <translation>Auszulassende Spalten, z. B. Labels.</translation>
    </message>
    <message>
        <source>Field delimiter of the CSV files (default: &apos;,&apos; or &apos;;&apos; from the header).</source>
        <translation>Feldtrenner der CSV-Dateien (Standard: &apos;,&apos; oder &apos;;&apos; laut Kopfzeile).</translation>
    </message>
    <message>
        <source>zscore_max (default) or isolation_forest.</source>
        <translation>zscore_max (Standard) oder isolation_forest.</translation>
    </message>
    <message>
        <source>Expected anomalous share of the training rows (default 0.01).</source>
        <translation>Erwarteter Anteil anomaler Trainingszeilen (Standard 0.01).</translation>
    </message>
    <message>
        <source>Explicit score threshold (smoothed score).</source>
        <translation>Feste Schwelle für den (geglätteten) Wert.</translation>
    </message>
    <message>
        <source>Ticket statuses to list, comma-separated.</source>
        <translation>Aufzulistende Ticketstatus, durch Kommas getrennt.</translation>
    </message>
    <message>
        <source>Ticket severities to list, comma-separated.</source>
        <translation>Aufzulistende Schweregrade, durch Kommas getrennt.</translation>
    </message>
    <message>
        <source>Only this node&apos;s tickets.</source>
        <translation>Nur die Tickets dieser Maschine.</translation>
    </message>
    <message>
        <source>A comment to add to the ticket.</source>
        <translation>Ein Kommentar für das Ticket.</translation>
    </message>
    <message>
        <source>Resolution: failure, no_fault or preventive.</source>
        <translation>Erledigung: failure, no_fault oder preventive.</translation>
    </message>
    <message>
        <source>slowed down by the server&apos;s rate limit; retrying in %1 s</source>
        <translation>vom Server gebremst (Anfragelimit); neuer Versuch in %1 s</translation>
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
    <name>Laces::App::EvidenceChart</name>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Measured</source>
        <translation>Gemessen</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>Grenzwert</translation>
    </message>
    <message>
        <source>Clears below</source>
        <translation>Aufgehoben unterhalb</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Zeitfenster</translation>
    </message>
    <message>
        <source>Projected</source>
        <translation>Hochgerechnet</translation>
    </message>
    <message>
        <source>Reaches the limit</source>
        <translation>Erreicht den Grenzwert</translation>
    </message>
    <message>
        <source>Anomaly score and drivers</source>
        <translation>Anomaliewert und Treiber</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Anteil</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>Schwelle</translation>
    </message>
    <message>
        <source>Clears above</source>
        <translation>Aufgehoben oberhalb</translation>
    </message>
    <message>
        <source>Hourly means</source>
        <translation>Stundenmittel</translation>
    </message>
    <message>
        <source>Reaches the limit: %1</source>
        <translation>Erreicht den Grenzwert: %1</translation>
    </message>
    <message>
        <source>Slope %1 per hour; the limit %2 in %3 h (%4–%5 h), probability within the horizon %6 %.</source>
        <translation>Steigung %1 pro Stunde; Grenzwert %2 in %3 h (%4–%5 h), Wahrscheinlichkeit innerhalb des Horizonts %6 %.</translation>
    </message>
    <message>
        <source>Anomaly score %1 against the threshold %2.</source>
        <translation>Anomaliewert %1 bei einer Schwelle von %2.</translation>
    </message>
    <message>
        <source>%1, the strongest driver</source>
        <translation>%1, der stärkste Treiber</translation>
    </message>
    <message>
        <source>The machine stopped sending telemetry; last seen %1.</source>
        <translation>Die Maschine sendet keine Telemetrie mehr; zuletzt gesehen %1.</translation>
    </message>
    <message>
        <source>This ticket has no measured evidence to chart.</source>
        <translation>Zu diesem Ticket gibt es keine Messwerte für ein Diagramm.</translation>
    </message>
    <message>
        <source>The ticket names no time window.</source>
        <translation>Das Ticket nennt kein Zeitfenster.</translation>
    </message>
    <message>
        <source>The telemetry could not be loaded: %1</source>
        <translation>Die Telemetrie konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>No telemetry of %1 in this window.</source>
        <translation>Keine Telemetrie von %1 in diesem Zeitfenster.</translation>
    </message>
</context>
<context>
    <name>Laces::App::FleetMap</name>
    <message>
        <source>Fleet map</source>
        <translation>Flottenkarte</translation>
    </message>
    <message>
        <source>Drag or arrow keys: pan · wheel or +/−: zoom · Home: whole fleet · click a marker: select</source>
        <translation>Ziehen oder Pfeiltasten: verschieben · Mausrad oder +/−: zoomen · Pos1: ganze Flotte · Markierung anklicken: auswählen</translation>
    </message>
    <message>
        <source>Made with Natural Earth</source>
        <translation>Erstellt mit Natural Earth</translation>
    </message>
    <message>
        <source>healthy</source>
        <translation>gesund</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>kritisch</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>veraltet</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>maintenance</source>
        <translation>Wartung</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt;: %n machine(s)</source>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;: %n Maschine</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;: %n Maschinen</numerusform>
        </translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>k. A.</translation>
    </message>
    <message numerus="yes">
        <source>%1 — %2, health %3, %n open ticket(s)</source>
        <translation>
            <numerusform>%1 — %2, Zustand %3, %n offenes Ticket</numerusform>
            <numerusform>%1 — %2, Zustand %3, %n offene Tickets</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Laces::App::FleetOverview</name>
    <message>
        <source>healthy</source>
        <translation>gesund</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>kritisch</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>veraltet</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>maintenance</source>
        <translation>Wartung</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Open &amp;telemetry</source>
        <translation>&amp;Telemetrie öffnen</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>Maschine</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Standort</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>Tickets</translation>
    </message>
    <message>
        <source>Machines, worst health first</source>
        <translation>Maschinen, schlechtester Zustand zuerst</translation>
    </message>
    <message>
        <source>&lt;i&gt;Choose a machine on the map or in the list.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Wählen Sie eine Maschine auf der Karte oder in der Liste.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>Open tickets</source>
        <translation>Offene Tickets</translation>
    </message>
    <message>
        <source>The fleet&apos;s health could not be loaded: %1</source>
        <translation>Der Zustand der Flotte konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>No machines with a location yet.</source>
        <translation>Noch keine Maschinen mit Standortangabe.</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%n machine(s)&lt;/b&gt; at %1 site(s): </source>
        <translation>
            <numerusform>&lt;b&gt;%n Maschine&lt;/b&gt; an %1 Standort(en): </numerusform>
            <numerusform>&lt;b&gt;%n Maschinen&lt;/b&gt; an %1 Standort(en): </numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; (%2)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (%2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; (%2)&lt;br&gt;Your role cannot see health assessments or tickets.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (%2)&lt;br&gt;Ihre Rolle darf Zustandsbewertungen und Tickets nicht sehen.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;: %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; (%2, %3)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (%2, %3)</translation>
    </message>
    <message>
        <source>Health: &lt;span style=&quot;color:%1&quot;&gt;&lt;b&gt;%2&lt;/b&gt;&lt;/span&gt; %3</source>
        <translation>Zustand: &lt;span style=&quot;color:%1&quot;&gt;&lt;b&gt;%2&lt;/b&gt;&lt;/span&gt; %3</translation>
    </message>
    <message>
        <source>(score %1 of 100)</source>
        <translation>(Bewertung %1 von 100)</translation>
    </message>
    <message>
        <source>%1 %2 %</source>
        <translation>%1 %2 %</translation>
    </message>
    <message>
        <source>Anomaly score %1 (threshold %2)%3</source>
        <translation>Anomaliewert %1 (Schwelle %2)%3</translation>
    </message>
    <message>
        <source>%1 reaches %2 in about %3 h</source>
        <translation>%1 erreicht %2 in etwa %3 h</translation>
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
    <message>
        <source>← &amp;Fleet overview</source>
        <translation>← &amp;Flottenübersicht</translation>
    </message>
    <message>
        <source>Maintenance</source>
        <translation>Wartung</translation>
    </message>
    <message>
        <source>This ticket is not about a twin.</source>
        <translation>Dieses Ticket betrifft keinen Zwilling.</translation>
    </message>
    <message>
        <source>The twin cannot be opened: %1</source>
        <translation>Der Zwilling kann nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <source>Version %1 of this twin has no component &quot;%2&quot;; the whole model is shown.</source>
        <translation>Version %1 dieses Zwillings hat keine Komponente „%2“; das ganze Modell wird gezeigt.</translation>
    </message>
    <message>
        <source>%1 selected (version %2).</source>
        <translation>%1 ausgewählt (Version %2).</translation>
    </message>
    <message>
        <source>&lt;p&gt;The fleet map is made with Natural Earth (public domain map data).&lt;/p&gt;</source>
        <translation>&lt;p&gt;Die Flottenkarte ist mit Natural Earth erstellt (gemeinfreie Kartendaten).&lt;/p&gt;</translation>
    </message>
    <message numerus="yes">
        <source>Slowed down by the server: retrying in %n s</source>
        <translation>
            <numerusform>Vom Server gebremst: neuer Versuch in %n s</numerusform>
            <numerusform>Vom Server gebremst: neuer Versuch in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>The server limits how many requests a user may make a minute. Your changes are not lost: they are sent again by themselves.</source>
        <translation>Der Server begrenzt, wie viele Anfragen ein Benutzer pro Minute stellen darf. Ihre Änderungen gehen nicht verloren: Sie werden von selbst erneut gesendet.</translation>
    </message>
</context>
<context>
    <name>Laces::App::MaintenanceQueue</name>
    <message>
        <source>Tickets</source>
        <translation>Tickets</translation>
    </message>
    <message>
        <source>Active (open, acknowledged, in progress)</source>
        <translation>Aktiv (offen, bestätigt, in Arbeit)</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Jeder Status</translation>
    </message>
    <message>
        <source>Any severity</source>
        <translation>Jeder Schweregrad</translation>
    </message>
    <message>
        <source>High and critical</source>
        <translation>Hoch und kritisch</translation>
    </message>
    <message>
        <source>Medium and above</source>
        <translation>Mittel und höher</translation>
    </message>
    <message>
        <source>Any machine</source>
        <translation>Jede Maschine</translation>
    </message>
    <message>
        <source>Any site</source>
        <translation>Jeder Standort</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Komponente</translation>
    </message>
    <message>
        <source>Search title, machine, assignee…</source>
        <translation>Titel, Maschine, Bearbeiter suchen …</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Neu laden</translation>
    </message>
    <message>
        <source>S&amp;tatus:</source>
        <translation>S&amp;tatus:</translation>
    </message>
    <message>
        <source>Se&amp;verity:</source>
        <translation>Schwere&amp;grad:</translation>
    </message>
    <message>
        <source>&amp;Machine:</source>
        <translation>&amp;Maschine:</translation>
    </message>
    <message>
        <source>S&amp;ite:</source>
        <translation>Stan&amp;dort:</translation>
    </message>
    <message>
        <source>&amp;Acknowledge</source>
        <translation>&amp;Bestätigen</translation>
    </message>
    <message>
        <source>Someone has seen it and will look at it</source>
        <translation>Jemand hat es gesehen und kümmert sich darum</translation>
    </message>
    <message>
        <source>Assign to &amp;me</source>
        <translation>&amp;Mir zuweisen</translation>
    </message>
    <message>
        <source>Make yourself the ticket&apos;s assignee</source>
        <translation>Sich selbst als Bearbeiter des Tickets eintragen</translation>
    </message>
    <message>
        <source>&amp;Start work</source>
        <translation>Arbeit &amp;beginnen</translation>
    </message>
    <message>
        <source>Mark the ticket in progress</source>
        <translation>Das Ticket als in Arbeit markieren</translation>
    </message>
    <message>
        <source>Res&amp;olve…</source>
        <translation>&amp;Erledigen …</translation>
    </message>
    <message>
        <source>Say how it was resolved: failure, no fault or preventive</source>
        <translation>Angeben, wie es erledigt wurde: Ausfall, kein Fehler oder vorbeugend</translation>
    </message>
    <message>
        <source>C&amp;lose</source>
        <translation>Sch&amp;ließen</translation>
    </message>
    <message>
        <source>Close a resolved ticket</source>
        <translation>Ein erledigtes Ticket schließen</translation>
    </message>
    <message>
        <source>Reo&amp;pen</source>
        <translation>&amp;Wieder öffnen</translation>
    </message>
    <message>
        <source>The problem is back: open the resolved ticket again</source>
        <translation>Das Problem ist zurück: das erledigte Ticket wieder öffnen</translation>
    </message>
    <message>
        <source>Ca&amp;ncel ticket</source>
        <translation>Ticket &amp;verwerfen</translation>
    </message>
    <message>
        <source>Not a real problem, or a duplicate</source>
        <translation>Kein echtes Problem oder ein Duplikat</translation>
    </message>
    <message>
        <source>Show in &amp;3D</source>
        <translation>In &amp;3D zeigen</translation>
    </message>
    <message>
        <source>Open the twin at the ticket&apos;s version with its component selected</source>
        <translation>Den Zwilling in der Version des Tickets mit ausgewählter Komponente öffnen</translation>
    </message>
    <message>
        <source>Te&amp;lemetry</source>
        <translation>Te&amp;lemetrie</translation>
    </message>
    <message>
        <source>Open the machine&apos;s telemetry</source>
        <translation>Die Telemetrie der Maschine öffnen</translation>
    </message>
    <message>
        <source>Add a comment and press Enter</source>
        <translation>Kommentar eingeben und Eingabetaste drücken</translation>
    </message>
    <message>
        <source>Co&amp;mment</source>
        <translation>&amp;Kommentieren</translation>
    </message>
    <message numerus="yes">
        <source>%n ticket(s)</source>
        <translation>
            <numerusform>%n Ticket</numerusform>
            <numerusform>%n Tickets</numerusform>
        </translation>
    </message>
    <message>
        <source>Your role (%1) cannot see maintenance tickets.</source>
        <translation>Ihre Rolle (%1) darf keine Wartungstickets sehen.</translation>
    </message>
    <message>
        <source>The tickets could not be loaded: %1</source>
        <translation>Die Tickets konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>%1 of %2 tickets</source>
        <translation>%1 von %2 Tickets</translation>
    </message>
    <message>
        <source>Your role can look at tickets but not work on them.</source>
        <translation>Ihre Rolle darf Tickets ansehen, aber nicht bearbeiten.</translation>
    </message>
    <message>
        <source>Ticket #%1 cannot make that change now: %2</source>
        <translation>Ticket #%1 lässt diese Änderung jetzt nicht zu: %2</translation>
    </message>
    <message>
        <source>Your role may not change tickets: %1</source>
        <translation>Ihre Rolle darf Tickets nicht ändern: %1</translation>
    </message>
    <message>
        <source>Ticket #%1 was not changed: %2</source>
        <translation>Ticket #%1 wurde nicht geändert: %2</translation>
    </message>
    <message>
        <source>Ticket #%1 is %2.</source>
        <translation>Ticket #%1 ist jetzt: %2.</translation>
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
    <name>Laces::App::ResolveDialog</name>
    <message>
        <source>Resolve ticket</source>
        <translation>Ticket erledigen</translation>
    </message>
    <message>
        <source>Failure found and repaired</source>
        <translation>Ausfall gefunden und behoben</translation>
    </message>
    <message>
        <source>No fault found</source>
        <translation>Kein Fehler gefunden</translation>
    </message>
    <message>
        <source>Preventive maintenance</source>
        <translation>Vorbeugende Wartung</translation>
    </message>
    <message>
        <source>What was found and done</source>
        <translation>Was gefunden und getan wurde</translation>
    </message>
    <message>
        <source>&amp;Outcome:</source>
        <translation>&amp;Ergebnis:</translation>
    </message>
    <message>
        <source>&amp;Component:</source>
        <translation>&amp;Komponente:</translation>
    </message>
    <message>
        <source>&amp;Notes:</source>
        <translation>&amp;Notizen:</translation>
    </message>
    <message>
        <source>&amp;Resolve</source>
        <translation>&amp;Erledigen</translation>
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
    <name>Laces::App::TicketDetails</name>
    <message>
        <source>Opened</source>
        <translation>Eröffnet</translation>
    </message>
    <message>
        <source>Seen again</source>
        <translation>Erneut aufgetreten</translation>
    </message>
    <message>
        <source>Severity %1 → %2</source>
        <translation>Schweregrad %1 → %2</translation>
    </message>
    <message>
        <source>Status %1 → %2</source>
        <translation>Status %1 → %2</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>Zuweisung aufgehoben</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>Zugewiesen</translation>
    </message>
    <message>
        <source>Comment: %1</source>
        <translation>Kommentar: %1</translation>
    </message>
    <message>
        <source>Reopened</source>
        <translation>Wieder geöffnet</translation>
    </message>
    <message>
        <source>Alert sent</source>
        <translation>Alarm gesendet</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>%1 beyond its limit</source>
        <translation>%1 jenseits des Grenzwerts</translation>
    </message>
    <message>
        <source>%1 trending towards its limit</source>
        <translation>%1 auf dem Weg zum Grenzwert</translation>
    </message>
    <message>
        <source>Anomalous behaviour</source>
        <translation>Auffälliges Verhalten</translation>
    </message>
    <message>
        <source>No telemetry</source>
        <translation>Keine Telemetrie</translation>
    </message>
    <message>
        <source>Anomaly reported by the edge device</source>
        <translation>Vom Edge-Gerät gemeldete Anomalie</translation>
    </message>
    <message>
        <source>Reported by a person</source>
        <translation>Von einer Person gemeldet</translation>
    </message>
    <message>
        <source>&lt;i&gt;Choose a ticket to see its evidence and history.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Wählen Sie ein Ticket, um seine Belege und seinen Verlauf zu sehen.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Cause</source>
        <translation>Ursache</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>Maschine</translation>
    </message>
    <message>
        <source>%1 at %2</source>
        <translation>%1 in %2</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Komponente</translation>
    </message>
    <message>
        <source>Twin version</source>
        <translation>Zwillingsversion</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Occurrences</source>
        <translation>Vorkommen</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <source>Predicted failure</source>
        <translation>Vorhergesagter Ausfall</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Bearbeiter</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>Erledigung</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>agent</source>
        <translation>Agent</translation>
    </message>
</context>
<context>
    <name>Laces::App::TicketModel</name>
    <message>
        <source>How often the problem was seen</source>
        <translation>Wie oft das Problem auftrat</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>Maschine</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Standort</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Komponente</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Bearbeiter</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Alter</translation>
    </message>
    <message>
        <source>Seen</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Niedrig</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Mittel</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Hoch</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Kritisch</translation>
    </message>
    <message>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>acknowledged</source>
        <translation>bestätigt</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>in Arbeit</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>erledigt</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>geschlossen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>verworfen</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 T</translation>
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
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Modell</translation>
    </message>
    <message>
        <source>&amp;Ageing (4D)</source>
        <translation>&amp;Alterung (4D)</translation>
    </message>
    <message>
        <source>The model, or how its components age over time</source>
        <translation>Das Modell, oder wie seine Komponenten mit der Zeit altern</translation>
    </message>
    <message>
        <source>As it was on %1: version %2 (%3)</source>
        <translation>Stand vom %1: Version %2 (%3)</translation>
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
